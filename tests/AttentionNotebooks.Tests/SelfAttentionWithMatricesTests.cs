using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class SelfAttentionWithMatricesTests
{
    [Fact]
    public void Matches_the_definition_for_random_shapes_and_seeds()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 6], Gen.Int[1, 6], Gen.ULong).Sample((tokens, dIn, dOut, seed) =>
        {
            var sa = new SelfAttentionWithMatrices(dIn, dOut, new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, dIn, seed ^ 0x5555);
            var xd = Reference.ToDouble(x);
            var q = Reference.MatMul(xd, Reference.ToDouble(sa.WQuery));
            var k = Reference.MatMul(xd, Reference.ToDouble(sa.WKey));
            var v = Reference.MatMul(xd, Reference.ToDouble(sa.WValue));
            var (context, weights) = Reference.Attention(q, k, v, causal: false, 1 / Math.Sqrt(dOut));
            var result = sa.Forward(x);
            TestHelpers.AssertClose(weights, result.Weights, what: "weights");
            TestHelpers.AssertClose(context, result.Context, what: "context");
        }, iter: 100);
    }

    [Fact]
    public void Seed_123_reproduces_the_books_context_vectors()
    {
        var result = new SelfAttentionWithMatrices(3, 2, new TorchGenerator(123)).Forward(SampleData.Inputs());
        TestHelpers.AssertRow([0.2996f, 0.8053f], result.Context.Row(0), 5e-5);
        TestHelpers.AssertRow([0.3061f, 0.8210f], result.Context.Row(1), 5e-5);
        TestHelpers.AssertRow([0.2990f, 0.8040f], result.Context.Row(5), 5e-5);
    }

    [Fact]
    public void Inputs_with_the_wrong_number_of_features_are_an_error_naming_the_shapes()
    {
        var sa = new SelfAttentionWithMatrices(3, 2);
        var e = Assert.Throws<ArgumentException>(() => sa.Forward(Matrix<float>.Build.Dense(6, 4)));
        Assert.Contains("inputs are 6x4 but W_query expects 3 input features", e.Message);
    }

    [Fact]
    public void Matrices_of_different_shapes_are_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new SelfAttentionWithMatrices(
            Matrix<float>.Build.Dense(3, 2), Matrix<float>.Build.Dense(2, 3), Matrix<float>.Build.Dense(3, 2)));
        Assert.Contains("wKey is 2x3 but W_query is 3x2, so W_key needs 3x2", e.Message);
    }

    [Fact]
    public void Parameter_count_is_three_times_d_in_times_d_out()
    {
        Assert.Equal(18, new SelfAttentionWithMatrices(3, 2).ParameterCount);
    }

    [Fact]
    public void Scores_that_overflow_float32_are_an_error_saying_which_score_and_why()
    {
        var sa = new SelfAttentionWithMatrices(3, 2, new TorchGenerator(123));
        var e = Assert.Throws<OverflowException>(() => sa.Forward(Huge.Inputs(6, 3, 1e20f)));
        Assert.StartsWith("the attention scores overflowed: row 0, column 0 of the 6x6 attention scores is +Infinity (the largest |value| in inputs is 1E+20, in the queries ", e.Message);
        Assert.EndsWith("; float32 holds up to 3.4E+38).", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void NaN_in_any_of_the_three_matrices_is_an_error_naming_it(int which)
    {
        var m = new[] { TestHelpers.Random(3, 2, 1), TestHelpers.Random(3, 2, 2), TestHelpers.Random(3, 2, 3) };
        m[which][2, 1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => new SelfAttentionWithMatrices(m[0], m[1], m[2]));
        string name = which == 1 ? "wKey" : "wValue";
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"{name} contains NaN at row 2, column 1", e.Message);
    }

    [Fact]
    public void Sizes_whose_matrices_cannot_fit_are_an_error_naming_dIn_and_dOut()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SelfAttentionWithMatrices(65536, 65537));
        Assert.Contains("dIn (65536) x dOut (65537) = 4295032832 elements", e.Message);
    }
}
