namespace AttentionNotebooks.Charts.Tests;

public sealed class LineTests
{
    private static readonly int[] Lengths = [64, 128, 256, 512, 1024];

    private static Series[] Benchmark() =>
    [
        Series.Of("naive", Lengths, Lengths.Select(n => 1e-4 * n * n)),
        Series.Of("flash", Lengths, Lengths.Select(n => 3e-5 * n * n)),
    ];

    [Fact]
    public void Each_series_is_a_line_with_a_marker_per_point_and_a_legend_entry()
    {
        var root = SvgAssert.Parse(Plot.Line(Benchmark(), "Time", "tokens", "ms", logX: true, logY: true));
        Assert.Equal(2, root.Descendants(SvgAssert.Ns + "polyline").Count());
        Assert.Equal(10, SvgAssert.WithClass(root, "marker").Count);
        Assert.Equal(["naive", "flash"], SvgAssert.Texts(root, "legend-label"));
        Assert.Equal(["tokens", "ms"], SvgAssert.Texts(root, "axis-title"));
    }

    [Fact]
    public void A_logarithmic_axis_spaces_powers_of_two_evenly()
    {
        var root = SvgAssert.Parse(Plot.Line([Series.Of("n", Lengths, Lengths)], logX: true, logY: true));
        var xs = SvgAssert.WithClass(root, "marker").Select(m => SvgAssert.Number(m, "cx")).ToList();
        var steps = xs.Zip(xs.Skip(1), (a, b) => b - a).ToList();
        Assert.All(steps, s => Assert.InRange(s, steps[0] - 0.05, steps[0] + 0.05));
        Assert.Contains("100", SvgAssert.Texts(root, "tick-label"));
    }

    [Fact]
    public void A_single_series_needs_no_legend()
    {
        var root = SvgAssert.Parse(Plot.Line(new double[] { 0, 1, 2 }, new double[] { 2.5, 1.2, 0.8 }, "Loss", "epoch", "loss"));
        Assert.Empty(SvgAssert.Texts(root, "legend-label"));
        Assert.Equal(3, SvgAssert.WithClass(root, "marker").Count);
    }

    [Fact]
    public void Wrong_inputs_are_errors_naming_the_series_and_point()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("a", [1, 2], [1])]));
        Assert.StartsWith("series[0] \"a\" has 2 x values but 1 y values", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("a", [1, 2], [1, 0])], logY: true));
        Assert.StartsWith("series[0] \"a\" has y = 0 at point 1, but a logarithmic y axis needs positive values.", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("a", [1, double.NaN], [1, 2])]));
        Assert.StartsWith("series[0] \"a\" has x = NaN at point 1", e.Message);
        Assert.Throws<ArgumentException>(() => Plot.Line(Array.Empty<Series>()));
        e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("a", [], [])]));
        Assert.StartsWith("series[0] \"a\" is empty", e.Message);
    }
}
