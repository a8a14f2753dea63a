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
}
