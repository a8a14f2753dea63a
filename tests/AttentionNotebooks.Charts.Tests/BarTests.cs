namespace AttentionNotebooks.Charts.Tests;

public sealed class BarTests
{
    private static Matrix<float> Weights() => SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;

    [Fact]
    public void One_querys_weights_are_one_bar_per_key_with_the_query_highlighted()
    {
        var figure = Plot.QueryWeights(Weights(), SampleData.JourneyIndex, SampleData.Tokens);
        Assert.Equal("Attention weights of the query \"journey\"", figure.Title);
        var root = SvgAssert.Parse(figure);
        var bars = SvgAssert.WithClass(root, "bar");
        Assert.Equal(6, bars.Count);
        Assert.Single(SvgAssert.WithClass(root, "highlight"));
        Assert.Contains("highlight", bars[1].Attribute("class")!.Value);
        Assert.Equal(["0.1385", "0.2379", "0.2333", "0.1240", "0.1082", "0.1581"], SvgAssert.Texts(root, "value"));
        Assert.Equal(SampleData.Tokens, SvgAssert.Texts(root, "label"));
    }

    [Fact]
    public void Taller_bars_hold_larger_values_and_negative_bars_hang_below_zero()
    {
        var values = Vector<float>.Build.DenseOfArray([0.5f, -0.25f, 1f]);
        var bars = SvgAssert.WithClass(SvgAssert.Parse(Plot.Bar(values)), "bar");
        double H(int i) => SvgAssert.Number(bars[i], "height");
        Assert.True(H(2) > H(0) && H(0) > H(1));
        Assert.True(SvgAssert.Number(bars[1], "y") >= SvgAssert.Number(bars[0], "y") + H(0) - 0.01);
    }

    [Fact]
    public void Large_values_such_as_timings_keep_about_five_significant_digits()
    {
        var values = Vector<float>.Build.DenseOfArray([1898.7642f, 923.99f, 6.8f, 3.26f]);
        var root = SvgAssert.Parse(Plot.Bar(values, ["naive", "MathNet", "fused 1", "fused 2"]));
        Assert.Equal(["1898.8", "924.0", "6.8", "3.3"], SvgAssert.Texts(root, "value"));
    }

    [Fact]
    public void Many_bars_show_2_decimals_and_rotate_long_labels()
    {
        var values = new TorchGenerator(3).UniformVector(20, -1f, 1f);
        var labels = Enumerable.Range(0, 20).Select(i => $"token number {i}").ToArray();
        var root = SvgAssert.Parse(Plot.Bar(values, labels));
        Assert.All(SvgAssert.Texts(root, "value"), v => Assert.Matches(@"^-?\d\.\d\d$", v));
        Assert.All(SvgAssert.WithClass(root, "label"), l => Assert.StartsWith("rotate(-45", l.Attribute("transform")!.Value));
    }

    [Fact]
    public void Wrong_inputs_are_errors_that_name_the_problem()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Bar(Vector<float>.Build.DenseOfArray([1f, float.NaN])));
        Assert.StartsWith("values (2 values) contains NaN at index 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Bar(Vector<float>.Build.Dense(0)));
        Assert.StartsWith("values is empty", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Bar(Vector<float>.Build.Dense(3), SampleData.Tokens));
        Assert.StartsWith("values has 3 elements but 6 labels were given.", e.Message);
        var q = Assert.Throws<ArgumentOutOfRangeException>(() => Plot.QueryWeights(Weights(), 6, SampleData.Tokens));
        Assert.StartsWith("query must be a row of weights (6x6): between 0 and 5, but is 6.", q.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.QueryWeights(Matrix<float>.Build.Dense(6, 5), 0, SampleData.Tokens));
        Assert.StartsWith("weights is 6x5 but 6 labels were given for 5 columns.", e.Message);
    }
}
