using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class SelfAttentionTests
{
    [Fact]
    public void Matches_the_definition_with_and_without_bias()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 6], Gen.Int[1, 6], Gen.Bool, Gen.ULong).Sample((tokens, dIn, dOut, bias, seed) =>
        {
            var sa = new SelfAttention(dIn, dOut, bias, new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, dIn, seed ^ 0xAAAA);
            var xd = Reference.ToDouble(x);
            var (context, weights) = Reference.Attention(
                Reference.Linear(xd, sa.WQuery), Reference.Linear(xd, sa.WKey), Reference.Linear(xd, sa.WValue), causal: false, 1 / Math.Sqrt(dOut));
            var result = sa.Forward(x);
            TestHelpers.AssertClose(weights, result.Weights, what: "weights");
            TestHelpers.AssertClose(context, result.Context, what: "context");
        }, iter: 100);
    }

    [Fact]
    public void Permuting_the_tokens_permutes_the_context_vectors_in_the_same_way()
    {
        // Z(PX) = P Z(X): without positions in the inputs, self-attention cannot tell word order (notebook 2).
        Gen.Select(Gen.Int[2, 8], Gen.Int[1, 6], Gen.Int[1, 6], Gen.Bool, Gen.ULong).Sample((tokens, dIn, dOut, bias, seed) =>
        {
            var sa = new SelfAttention(dIn, dOut, bias, new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, dIn, seed ^ 0x5555);
            var order = Enumerable.Range(0, tokens).ToArray();
            new Random((int)(seed % int.MaxValue)).Shuffle(order);
            var permuted = Matrix<float>.Build.Dense(tokens, dIn, (i, j) => x[order[i], j]);
            var z = sa.Forward(x).Context;
            var expected = Matrix<float>.Build.Dense(tokens, dOut, (i, j) => z[order[i], j]);
            TestHelpers.AssertClose(expected, sa.Forward(permuted).Context, 1e-6);
        }, iter: 100);
    }

    [Fact]
    public void Equals_the_matrix_version_after_the_transposed_weight_transfer()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 6], Gen.Int[1, 6], Gen.ULong).Sample((tokens, dIn, dOut, seed) =>
        {
            var linear = new SelfAttention(dIn, dOut, qkvBias: false, new TorchGenerator(seed));
            var matrices = new SelfAttentionWithMatrices(
                linear.WQuery.Weight.Transpose(), linear.WKey.Weight.Transpose(), linear.WValue.Weight.Transpose());
            var x = TestHelpers.Random(tokens, dIn, seed + 99);
            TestHelpers.AssertClose(matrices.Forward(x).Context, linear.Forward(x).Context, 1e-6);
        }, iter: 100);
    }

    [Fact]
    public void Seed_789_reproduces_the_books_context_vectors()
    {
        var result = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(789)).Forward(SampleData.Inputs());
        TestHelpers.AssertRow([-0.0748f, 0.0703f], result.Context.Row(1), 5e-5);
        TestHelpers.AssertRow([-0.0754f, 0.0693f], result.Context.Row(5), 5e-5);
    }

    [Fact]
    public void Projections_of_different_shapes_are_an_error_naming_them()
    {
        var e = Assert.Throws<ArgumentException>(() => new SelfAttention(new Linear(3, 2), new Linear(3, 4), new Linear(3, 2)));
        Assert.Contains("W_key weight is 4x3 but W_query weight is 2x3", e.Message);
    }

    [Fact]
    public void Parameter_count_includes_the_biases_when_asked_for()
    {
        Assert.Equal(18, new SelfAttention(3, 2).ParameterCount);
        Assert.Equal(24, new SelfAttention(3, 2, qkvBias: true).ParameterCount);
    }

    [Fact]
    public void Scores_that_overflow_float32_are_an_error_saying_which_score_and_why_not_blaming_a_mask()
    {
        var sa = new SelfAttention(3, 2, generator: new TorchGenerator(123));
        var x = Huge.Inputs(6, 3, 1e20f);
        var xd = Reference.ToDouble(x);
        string sign = Huge.SignOfFirstScore(Reference.Linear(xd, sa.WQuery), Reference.Linear(xd, sa.WKey));
        var e = Assert.Throws<OverflowException>(() => sa.Forward(x));
        Assert.StartsWith($"the attention scores overflowed: row 0, column 0 of the 6x6 attention scores is {sign} (the largest |value| in inputs is 1E+20, in the queries ", e.Message);
        Assert.DoesNotContain("mask", e.Message);
    }

    [Fact]
    public void Queries_that_overflow_float32_are_an_error_naming_the_projection()
    {
        var twos = new Linear(Matrix<float>.Build.Dense(2, 3, 2f));
        var sa = new SelfAttention(twos, twos, twos);
        var e = Assert.Throws<OverflowException>(() => sa.Forward(Huge.Inputs(6, 3, 3e38f)));
        Assert.Equal(
            "the queries overflowed: row 0, column 0 of the 6x2 queries is +Infinity " +
            "(the largest |value| in inputs is 3E+38 and in W_query 2; float32 holds up to 3.4E+38).", e.Message);
    }

    [Fact]
    public void A_score_that_overflows_is_an_error_even_above_the_diagonal()
    {
        // q_0·k_1 = 1e40 is the only score that overflows; causal attention masks it (see CausalAttentionTests), this module uses it.
        var sa = new SelfAttention(PickFeature(0), PickFeature(1), PickFeature(0));
        var e = Assert.Throws<OverflowException>(() => sa.Forward(Matrix<float>.Build.DenseOfArray(new float[,] { { 1e20f, 0f }, { 0f, 1e20f } })));
        Assert.Contains("row 0, column 1 of the 2x2 attention scores is +Infinity", e.Message);
    }

    /// <summary>A 2 → 1 layer that copies input feature <paramref name="feature"/>.</summary>
    internal static Linear PickFeature(int feature) => new(Matrix<float>.Build.Dense(1, 2, (_, j) => j == feature ? 1f : 0f));

    [Theory]
    [InlineData(0, 2, "dIn")]
    [InlineData(3, 0, "dOut")]
    public void Non_positive_sizes_are_errors_naming_the_callers_parameter(int dIn, int dOut, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SelfAttention(dIn, dOut));
        Assert.Equal(name, e.ParamName);
        Assert.StartsWith($"{name} must be positive", e.Message);
    }

    [Fact]
    public void Sizes_whose_weights_cannot_fit_are_an_error_naming_dIn_and_dOut()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new SelfAttention(46341, 46341));
        Assert.Contains("dOut (46341) x dIn (46341) = 2147488281 elements", e.Message);
    }
}
