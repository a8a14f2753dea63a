using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class SimplifiedSelfAttentionTests
{
    [Fact]
    public void Matches_the_definition_for_random_sequences()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 6], Gen.ULong).Sample((tokens, d, seed) =>
        {
            var x = TestHelpers.Random(tokens, d, seed);
            var xd = Reference.ToDouble(x);
            var (context, weights) = Reference.Attention(xd, xd, xd, causal: false, scale: 1.0);
            var result = SimplifiedSelfAttention.Forward(x);
            TestHelpers.AssertClose(weights, result.Weights, what: "weights");
            TestHelpers.AssertClose(context, result.Context, what: "context");
        }, iter: 100);
    }

    [Fact]
    public void The_context_vector_of_journey_is_the_weighted_sum_printed_in_the_book()
    {
        var result = SimplifiedSelfAttention.Forward(SampleData.Inputs());
        TestHelpers.AssertRow([0.4419f, 0.6515f, 0.5683f], result.Context.Row(1), 5e-5, "z(2)");
        TestHelpers.AssertRow([0.4421f, 0.5931f, 0.5790f], result.Context.Row(0), 5e-5, "z(1)");
        TestHelpers.AssertRow([0.4177f, 0.6503f, 0.5645f], result.Context.Row(5), 5e-5, "z(6)");
    }

    [Fact]
    public void Rows_of_attention_weights_sum_to_one()
    {
        var weights = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;
        for (int i = 0; i < 6; i++)
            Assert.InRange(weights.Row(i).Sum(), 1f - 1e-6f, 1f + 1e-6f);
    }

    [Fact]
    public void Permuting_the_tokens_permutes_the_outputs_in_the_same_way()
    {
        Gen.Select(Gen.Int[2, 8], Gen.Int[1, 5], Gen.ULong).Sample((tokens, d, seed) =>
        {
            var x = TestHelpers.Random(tokens, d, seed);
            var order = Enumerable.Range(0, tokens).ToArray();
            new Random((int)(seed % int.MaxValue)).Shuffle(order);
            var permuted = Matrix<float>.Build.Dense(tokens, d, (i, j) => x[order[i], j]);
            var z = SimplifiedSelfAttention.Forward(x).Context;
            var zPermuted = SimplifiedSelfAttention.Forward(permuted).Context;
            var expected = Matrix<float>.Build.Dense(tokens, d, (i, j) => z[order[i], j]);
            TestHelpers.AssertClose(expected, zPermuted, 1e-6);
        }, iter: 100);
    }

    [Fact]
    public void NaN_in_the_inputs_is_an_error_naming_its_position()
    {
        var x = SampleData.Inputs();
        x[2, 1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => SimplifiedSelfAttention.Forward(x));
        Assert.Contains("inputs contains NaN at row 2, column 1", e.Message);
    }

    [Fact]
    public void Null_inputs_are_an_error()
    {
        Assert.Throws<ArgumentNullException>(() => SimplifiedSelfAttention.Forward(null!));
    }

    [Fact]
    public void Scores_that_overflow_float32_are_an_error_saying_which_score_and_why()
    {
        var e = Assert.Throws<OverflowException>(() => SimplifiedSelfAttention.Forward(Huge.Inputs(6, 3, 1e30f)));
        Assert.Equal(
            "the attention scores overflowed: row 0, column 0 of the 6x6 attention scores is +Infinity " +
            "(the largest |value| in inputs is 1E+30; float32 holds up to 3.4E+38).", e.Message);
    }

    [Fact]
    public void A_sequence_whose_scores_cannot_fit_in_one_matrix_is_an_error_naming_the_sizes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SimplifiedSelfAttention.Forward(Matrix<float>.Build.Dense(46341, 1, 0.5f)));
        Assert.Contains("the attention scores would be inputs tokens (46341) x inputs tokens (46341) = 2147488281 elements", e.Message);
    }
}
