namespace AttentionNotebooks.Tests.Parity;

/// <summary>The values the book prints (to four decimals), reproduced from the same seeds.</summary>
public sealed class BookValuesTests
{
    private const double FourDecimals = 5e-5;

    [Fact]
    public void Seed_123_and_three_Rand_3x2_give_journeys_query_0_4306_1_4551_and_context_vector_0_3061_0_8210()
    {
        var g = new TorchGenerator(123);
        var wQuery = g.Rand(3, 2);
        var wKey = g.Rand(3, 2);
        var wValue = g.Rand(3, 2);
        var inputs = SampleData.Inputs();
        var query = inputs.Row(SampleData.JourneyIndex) * wQuery;
        TestHelpers.AssertRow([0.4306f, 1.4551f], query, FourDecimals, "query_2");
        var context = new SelfAttentionWithMatrices(wQuery, wKey, wValue).Forward(inputs).Context;
        TestHelpers.AssertRow([0.3061f, 0.8210f], context.Row(SampleData.JourneyIndex), FourDecimals, "context_vec_2");
    }

    [Fact]
    public void Seed_789_and_three_bias_free_Linear_3_2_give_SelfAttentions_first_row_minus_0_0739_0_0713()
    {
        var g = new TorchGenerator(789);
        var module = new SelfAttention(new Linear(3, 2, false, g), new Linear(3, 2, false, g), new Linear(3, 2, false, g));
        var context = module.Forward(SampleData.Inputs()).Context;
        TestHelpers.AssertRow([-0.0739f, 0.0713f], context.Row(0), FourDecimals, "sa_v2(inputs)[0]");
    }

    [Fact]
    public void The_libtorch_fixtures_of_the_book_examples_show_the_books_printed_values()
    {
        var entries = Fixtures.ModuleEntries.Where(e => e.Name.Contains("book:", StringComparison.Ordinal)).ToDictionary(e => e.Class);
        AssertFirstRow(entries["SelfAttention_v1"], [0.2996f, 0.8053f]);
        AssertFirstRow(entries["SelfAttention_v2"], [-0.0739f, 0.0713f]);
        AssertFirstRow(entries["CausalAttention"], [-0.4519f, 0.2216f]);
        AssertFirstRow(entries["MultiHeadAttentionWrapper"], [-0.4519f, 0.2216f, 0.4772f, 0.1063f]);
        AssertFirstRow(entries["MultiHeadAttention"], [0.3190f, 0.4858f]);
    }

    private static void AssertFirstRow(ModuleEntry e, float[] printed) =>
        TestHelpers.AssertRow(printed, Vector<float>.Build.DenseOfArray(e.Outputs[..printed.Length]), FourDecimals, e.Class);
}
