namespace AttentionNotebooks.Tests;

public sealed class LayerNormTests
{
    /// <summary>y = (x − μ)/√(σ² + ε)·γ + β per row, in double precision.</summary>
    private static double[,] Reference(Matrix<float> x, LayerNorm layer)
    {
        int t = x.RowCount, d = x.ColumnCount;
        var y = new double[t, d];
        for (int i = 0; i < t; i++)
        {
            double mean = 0, variance = 0;
            for (int k = 0; k < d; k++)
                mean += x[i, k];
            mean /= d;
            for (int k = 0; k < d; k++)
                variance += (x[i, k] - mean) * (x[i, k] - mean);
            variance /= d;
            for (int k = 0; k < d; k++)
                y[i, k] = (x[i, k] - mean) / Math.Sqrt(variance + layer.Epsilon) * layer.Weight[k] + layer.Bias[k];
        }
        return y;
    }

    [Fact]
    public void Forward_matches_the_definition_in_double_precision()
    {
        foreach (var (tokens, d, seed) in new[] { (1, 1, 1UL), (3, 4, 2UL), (6, 3, 3UL), (5, 384, 4UL) })
        {
            var g = new TorchGenerator(seed);
            var layer = new LayerNorm(g.Uniform(1, d, 0.5f, 1.5f).Row(0), g.Uniform(1, d, -1f, 1f).Row(0), 1e-12f);
            var x = TestHelpers.Random(tokens, d, seed + 10) * 3f;
            TestHelpers.AssertClose(Reference(x, layer), layer.Forward(x));
        }
    }

    [Fact]
    public void A_fresh_layer_gives_each_row_mean_zero_and_variance_one()
    {
        var layer = new LayerNorm(8);
        var y = layer.Forward(TestHelpers.Random(4, 8, 7) * 5f + 2f);
        for (int i = 0; i < 4; i++)
        {
            var row = y.Row(i);
            Assert.InRange(row.Average(), -1e-6, 1e-6);
            Assert.InRange(row.Select(v => (double)v * v).Average(), 1 - 1e-4, 1 + 1e-4);
        }
        Assert.Equal(16, layer.ParameterCount);
        Assert.Equal(1e-5f, layer.Epsilon);
    }

    [Fact]
    public void A_constant_row_becomes_beta_because_epsilon_keeps_the_division_finite()
    {
        var layer = new LayerNorm(Vector<float>.Build.Dense(3, 2f), Vector<float>.Build.DenseOfArray([0.5f, -1f, 3f]));
        var y = layer.Forward(Matrix<float>.Build.Dense(2, 3, 7f));
        Assert.Equal([0.5f, -1f, 3f], y.Row(1).ToArray());
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        Assert.Equal("features", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm(0)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm(3, 0f)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNorm(3, float.NaN)).ParamName);
        var bias = Assert.Throws<ArgumentException>(() => new LayerNorm(Vector<float>.Build.Dense(3, 1f), Vector<float>.Build.Dense(2)));
        Assert.Equal("bias has 2 elements but weight has 3: both have one element per feature. (Parameter 'bias')", bias.Message);
        var inputs = Assert.Throws<ArgumentException>(() => new LayerNorm(3).Forward(Matrix<float>.Build.Dense(2, 4)));
        Assert.Equal("inputs is 2x4 but this LayerNorm normalises 3 columns. (Parameter 'inputs')", inputs.Message);
        var nan = Assert.Throws<ArgumentException>(() => new LayerNorm(2).Forward(Matrix<float>.Build.DenseOfArray(new[,] { { 1f, float.NaN } })));
        Assert.Equal("inputs", nan.ParamName);
    }

    [Fact]
    public void The_parameters_are_copied()
    {
        var weight = Vector<float>.Build.Dense(2, 1f);
        var layer = new LayerNorm(weight, Vector<float>.Build.Dense(2));
        weight[0] = 5f;
        Assert.Equal(1f, layer.Weight[0]);
    }
}
