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

    [Fact]
    public void The_largest_floats_get_scientific_ticks_and_no_value_labels_wider_than_two_bars()
    {
        var root = SvgAssert.ParseBounded(Plot.Bar(Vector<float>.Build.DenseOfArray([-float.MaxValue, float.MaxValue, 1f])));
        Assert.Equal(["-4e38", "-2e38", "0", "2e38", "4e38"], SvgAssert.Texts(root, "tick-label"));
        Assert.Empty(SvgAssert.Texts(root, "value"));
        var bars = SvgAssert.WithClass(root, "bar");
        Assert.Equal(SvgAssert.Number(bars[0], "height"), SvgAssert.Number(bars[1], "height"), 0.02);
    }

    [Fact]
    public void Subnormal_and_equal_values_are_drawn_with_distinct_ticks()
    {
        float e = float.Epsilon;
        var tiny = SvgAssert.ParseBounded(Plot.Bar(Vector<float>.Build.DenseOfArray([e, 2 * e, 4 * e])));
        var ticks = SvgAssert.Texts(tiny, "tick-label");
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.Contains("0", ticks);
        Assert.All(ticks.Where(t => t != "0"), t => Assert.Matches(@"^\d(\.\d+)?e-4[56]$", t));
        var heights = SvgAssert.WithClass(tiny, "bar").Select(b => SvgAssert.Number(b, "height")).ToList();
        Assert.True(heights[0] < heights[1] && heights[1] < heights[2]);
        var equal = SvgAssert.ParseBounded(Plot.Bar(Vector<float>.Build.Dense(3, 7f)));
        Assert.Single(SvgAssert.WithClass(equal, "bar").Select(b => SvgAssert.Number(b, "height")).Distinct());
        Assert.Equal(["7.0000", "7.0000", "7.0000"], SvgAssert.Texts(equal, "value"));
    }

    [Fact]
    public void Long_labels_and_titles_are_cut_and_the_chart_stays_small()
    {
        string label = new('L', 10_000);
        var root = SvgAssert.ParseBounded(Plot.Bar(Vector<float>.Build.DenseOfArray([1f, 2f]), [label, "b"], new string('T', 100_000), xTitle: label, yTitle: label));
        Assert.Equal(new string('L', 39) + "…", SvgAssert.Texts(root, "label")[0]);
        Assert.All(SvgAssert.Texts(root, "axis-title"), t => Assert.Equal(new string('L', 59) + "…", t));
        Assert.Equal(new string('T', 79) + "…", SvgAssert.Texts(root, "title").Single());
    }

    [Fact]
    public void A_null_label_or_token_is_an_error_naming_its_index()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Bar(Vector<float>.Build.Dense(2), ["a", null!]));
        Assert.StartsWith("labels[1] is null", e.Message);
        string[] tokens = ["a", "b", null!, "d", "e", "f"];
        e = Assert.Throws<ArgumentException>(() => Plot.QueryWeights(Weights(), 2, tokens));
        Assert.StartsWith("tokens[2] is null", e.Message);
        Assert.Equal("tokens", e.ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentNullException>(() => Plot.Bar(null!)).ParamName);
    }

    private static readonly float[] Timings = [1813.2f, 1058.6f, 1.5f, 2.7f];

    private static readonly string[] Paths = ["naive loops", "MathNet", "fused, 1 thread", "fused, 2 threads"];

    [Fact]
    public void Log_bar_heights_are_proportional_to_the_logarithm_of_the_values()
    {
        var root = SvgAssert.ParseBounded(Plot.Bar(Vector<float>.Build.DenseOfArray(Timings), Paths, logScale: true));
        var bars = SvgAssert.WithClass(root, "bar");
        var bottoms = bars.Select(b => SvgAssert.Number(b, "y") + SvgAssert.Number(b, "height")).ToList();
        Assert.All(bottoms, b => Assert.Equal(bottoms[0], b, 0.02));
        double pixelsPerDecade = (SvgAssert.Number(bars[2], "height") - SvgAssert.Number(bars[0], "height")) / Math.Log10(Timings[2] / (double)Timings[0]);
        for (int i = 0; i < 4; i++)
            for (int j = i + 1; j < 4; j++)
                Assert.Equal(Math.Log10(Timings[i] / (double)Timings[j]) * pixelsPerDecade,
                    SvgAssert.Number(bars[i], "height") - SvgAssert.Number(bars[j], "height"), 0.05);
        Assert.True(SvgAssert.Number(bars[2], "height") > 20, "the shortest bar is visible");
    }

    [Fact]
    public void A_log_scale_is_ticked_at_powers_of_ten_starting_below_half_the_smallest_value()
    {
        var root = SvgAssert.Parse(Plot.Bar(Vector<float>.Build.DenseOfArray(Timings), Paths, logScale: true));
        Assert.Equal(["0.1", "1", "10", "100", "1000"], SvgAssert.Texts(root, "tick-label"));
        var bar = SvgAssert.WithClass(root, "bar")[2];
        var gridlines = SvgAssert.WithClass(root, "gridline");
        Assert.Equal(SvgAssert.Number(gridlines[0], "y1"), SvgAssert.Number(bar, "y") + SvgAssert.Number(bar, "height"), 0.02);
    }

    [Fact]
    public void Log_scale_values_are_written_with_four_significant_digits()
    {
        var root = SvgAssert.Parse(Plot.Bar(Vector<float>.Build.DenseOfArray([1813.2f, 1058.6f, 1.5234f, 0.012345f]), Paths, logScale: true));
        Assert.Equal(["1813", "1059", "1.523", "0.0123"], SvgAssert.Texts(root, "value"));
    }

    [Fact]
    public void A_log_scale_needs_positive_values_and_names_the_first_that_is_not()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Bar(Vector<float>.Build.DenseOfArray([1f, 0f, -2f]), logScale: true));
        Assert.StartsWith("values[1] is 0: a logarithmic bar chart needs positive values", e.Message);
        Assert.Equal("values", e.ParamName);
    }

    [Fact]
    public void A_highlighted_bar_is_explained_in_a_legend_in_its_colour()
    {
        var values = Vector<float>.Build.DenseOfArray(Timings);
        var root = SvgAssert.Parse(Plot.Bar(values, Paths, highlight: 3, logScale: true, highlightLabel: "the baseline"));
        Assert.Equal(["the baseline"], SvgAssert.Texts(root, "legend-label"));
        string highlightFill = SvgAssert.WithClass(root, "highlight").Single().Attribute("fill")!.Value;
        Assert.Equal(highlightFill, SvgAssert.WithClass(root, "legend-swatch").Single().Attribute("fill")!.Value);
        Assert.Equal(["highlighted"], SvgAssert.Texts(SvgAssert.Parse(Plot.Bar(values, Paths, highlight: 3)), "legend-label"));
        Assert.Empty(SvgAssert.Texts(SvgAssert.Parse(Plot.Bar(values, Paths)), "legend-label"));
        Assert.Equal(["the query's own token"], SvgAssert.Texts(SvgAssert.Parse(Plot.QueryWeights(Weights(), 1, SampleData.Tokens)), "legend-label"));
        var e = Assert.Throws<ArgumentException>(() => Plot.Bar(values, Paths, highlightLabel: "the baseline"));
        Assert.StartsWith("highlightLabel is \"the baseline\" but no bar is highlighted", e.Message);
    }

    [Fact]
    public void The_plot_spans_the_width_of_a_chart_widened_by_its_title()
    {
        var root = SvgAssert.Parse(Plot.Bar(Vector<float>.Build.DenseOfArray(Timings), Paths, "Causal attention, 1 x 512 tokens x 12 heads x 64: milliseconds", logScale: true));
        double width = SvgAssert.Number(root, "width");
        var gridline = SvgAssert.WithClass(root, "gridline")[0];
        Assert.Equal(width - 16, SvgAssert.Number(gridline, "x2"), 1.0);
        var bars = SvgAssert.WithClass(root, "bar");
        double slot = (SvgAssert.Number(gridline, "x2") - SvgAssert.Number(gridline, "x1")) / 4;
        for (int i = 0; i < 4; i++)
            Assert.Equal(SvgAssert.Number(gridline, "x1") + (i + 0.5) * slot, SvgAssert.Number(bars[i], "x") + SvgAssert.Number(bars[i], "width") / 2, 0.02);
        Assert.All(SvgAssert.WithClass(root, "label"), l => Assert.Null(l.Attribute("transform")));   // wide slots: labels fit unrotated
    }
}
