namespace AttentionNotebooks.Tests;

public sealed class FeedForwardTests
{
    /// <summary>GELU(x·W₁ᵀ + b₁)·W₂ᵀ + b₂ in double precision, with GELU from an independent erf (A&amp;S 7.1.26 is too coarse; use the library's, checked against tables in GeluTests).</summary>
    private static double[,] Reference(Matrix<float> x, FeedForward ffn)
    {
        var hidden = AttentionNotebooks.Tests.Reference.Linear(AttentionNotebooks.Tests.Reference.ToDouble(x), ffn.Up);
        for (int i = 0; i < hidden.GetLength(0); i++)
            for (int j = 0; j < hidden.GetLength(1); j++)
                hidden[i, j] = hidden[i, j] * 0.5 * (1 + Gelu.Erf(hidden[i, j] / Math.Sqrt(2)));
        return AttentionNotebooks.Tests.Reference.Linear(hidden, ffn.Down);
    }

    [Fact]
    public void Forward_matches_the_definition_in_double_precision()
    {
        foreach (var (tokens, d, h, seed) in new[] { (1, 1, 1, 1UL), (6, 3, 12, 2UL), (4, 8, 32, 3UL) })
        {
            var ffn = new FeedForward(d, h, new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, d, seed + 10) * 2f;
            TestHelpers.AssertClose(Reference(x, ffn), ffn.Forward(x));
        }
    }

    [Fact]
    public void It_is_built_as_nn_Sequential_of_two_Linear_layers_from_one_generator()
    {
        var ffn = new FeedForward(3, 12, new TorchGenerator(123));
        var g = new TorchGenerator(123);
        var up = new Linear(3, 12, true, g);
        var down = new Linear(12, 3, true, g);
        Assert.Equal(up.Weight, ffn.Up.Weight);
        Assert.Equal(down.Bias, ffn.Down.Bias);
        Assert.Equal(3, ffn.Features);
        Assert.Equal(12, ffn.Hidden);
        Assert.Equal(3 * 12 + 12 + 12 * 3 + 3, ffn.ParameterCount);
    }

    [Fact]
    public void Each_token_is_transformed_on_its_own()
    {
        var ffn = new FeedForward(4, 16, new TorchGenerator(5));
        var x = TestHelpers.Random(5, 4, 6);
        var all = ffn.Forward(x);
        var one = ffn.Forward(x.SubMatrix(2, 1, 0, 4));
        Assert.Equal(one.Row(0), all.Row(2));
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Assert.Equal("hidden", Assert.Throws<ArgumentOutOfRangeException>(() => new FeedForward(3, 0)).ParamName);
        var mismatch = Assert.Throws<ArgumentException>(() => new FeedForward(new Linear(3, 8), new Linear(8, 4)));
        Assert.Equal("down is 4x8 (out x in) but up is 8x3: down must map up's 8 hidden features back to its 3 input features. (Parameter 'down')", mismatch.Message);
        var inputs = Assert.Throws<ArgumentException>(() => new FeedForward(3, 8).Forward(Matrix<float>.Build.Dense(2, 4)));
        Assert.Equal("inputs is 2x4 but this FeedForward's Up layer expects 3 columns. (Parameter 'inputs')", inputs.Message);
    }

    [Fact]
    public void Overflow_in_the_hidden_features_is_reported()
    {
        var ffn = new FeedForward(new Linear(Matrix<float>.Build.Dense(2, 2, 1e30f)), new Linear(Matrix<float>.Build.Dense(2, 2, 1f)));
        var e = Assert.Throws<OverflowException>(() => ffn.Forward(Matrix<float>.Build.Dense(1, 2, 1e10f)));
        Assert.StartsWith("the hidden features overflowed", e.Message);
    }
}
