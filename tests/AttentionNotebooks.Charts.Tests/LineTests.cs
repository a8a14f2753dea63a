using AttentionNotebooks.Charts.Layout;

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
    public void A_limit_can_be_drawn_dashed_in_the_colour_of_what_it_limits_in_both_renderings_and_the_legend()
    {
        var figure = Plot.Line(
        [
            Series.Of("naive", Lengths, Lengths.Select(n => 1e-4 * n * n)),
            Series.Of("flash", Lengths, Lengths.Select(n => 3e-5 * n * n)),
            Series.Of("naive: limit", Lengths, Lengths.Select(n => 5e-5 * n * n)) with { Dashed = true, SameColorAs = "naive" },
            Series.Of("flash: limit", Lengths, Lengths.Select(n => 1e-5 * n * n)) with { Dashed = true, SameColorAs = "flash" },
            Series.Of("third", Lengths, Lengths.Select(n => 1e-3 * n)),
        ], logX: true, logY: true);
        var root = SvgAssert.Parse(figure);
        var lines = root.Descendants(SvgAssert.Ns + "polyline").ToList();
        var samples = SvgAssert.WithClass(root, "legend").Single().Elements(SvgAssert.Ns + "line").ToList();
        string[] colours = lines.Select(l => Stroke(l, "stroke")).ToArray();
        string[] dashes = lines.Select(l => Stroke(l, "stroke-dasharray")).ToArray();
        // The limits share their measurement's colour; the fifth series takes the third colour, not the fifth.
        Assert.Equal([Palette.Series[0], Palette.Series[1], Palette.Series[0], Palette.Series[1], Palette.Series[2]], colours);
        Assert.Equal(["none", "none", "6 3", "6 3", "none"], dashes);
        Assert.Equal(colours, samples.Select(l => Stroke(l, "stroke")));
        Assert.Equal(dashes, samples.Select(l => Stroke(l, "stroke-dasharray")));
        var (data, _) = PlotlyJson.Parse(figure);
        Assert.Equal(colours, data.EnumerateArray().Select(t => t.GetProperty("line").GetProperty("color").GetString()!));
        Assert.Equal(["solid", "solid", "dash", "dash", "solid"], data.EnumerateArray().Select(t => t.GetProperty("line").GetProperty("dash").GetString()!));
    }

    [Fact]
    public void Series_without_a_style_keep_one_colour_each_in_order_and_dash_only_when_the_colours_run_out()
    {
        var many = Enumerable.Range(0, Palette.Series.Length + 1).Select(k => Series.Of($"s{k}", Lengths, Lengths.Select(n => (double)n + k))).ToArray();
        var lines = SvgAssert.Parse(Plot.Line(many)).Descendants(SvgAssert.Ns + "polyline").ToList();
        Assert.Equal(Palette.Series.Append(Palette.Series[0]), lines.Select(l => Stroke(l, "stroke")));
        Assert.Equal(Enumerable.Repeat("none", Palette.Series.Length).Append("6 3"), lines.Select(l => Stroke(l, "stroke-dasharray")));
    }

    /// <summary>An SVG element's stroke attribute, "none" when it has none.</summary>
    private static string Stroke(System.Xml.Linq.XElement element, string attribute) => (string?)element.Attribute(attribute) ?? "none";

    [Fact]
    public void Asking_for_the_colour_of_a_series_that_is_not_earlier_in_the_chart_is_an_error_naming_both()
    {
        var limit = Series.Of("flash: limit", Lengths, Lengths.Select(n => 1.0 * n)) with { SameColorAs = "flash" };
        var later = Assert.Throws<ArgumentException>(() => Plot.Line([Series.Of("naive", Lengths, Lengths.Select(n => 2.0 * n)), limit, Benchmark()[1]]));
        Assert.Equal("series", later.ParamName);
        Assert.StartsWith("series[1] \"flash: limit\" asks for the colour of \"flash\", but no earlier series has that name (earlier: \"naive\").", later.Message);
        var first = Assert.Throws<ArgumentException>(() => Plot.Line([limit]));
        Assert.StartsWith("series[0] \"flash: limit\" asks for the colour of \"flash\", but no earlier series has that name (it is the first series).", first.Message);
        var itself = Assert.Throws<ArgumentException>(() => Plot.Line([Series.Of("x", Lengths, Lengths.Select(n => 1.0 * n)) with { SameColorAs = "x" }]));
        Assert.Contains("no earlier series has that name", itself.Message);
    }

    [Fact]
    public void A_series_of_more_than_50_points_is_a_line_without_markers_and_a_short_one_keeps_them()
    {
        var steps = Enumerable.Range(1, 200).ToArray();
        var figure = Plot.Line([Series.Of("loss", steps, steps.Select(s => 3.0 / s)), Series.Of("chance", new[] { 1, 200 }, new[] { 2.0, 2.0 }),
            Series.Of("fifty", Enumerable.Range(1, 50), Enumerable.Range(1, 50).Select(s => 1.0))]);
        var root = SvgAssert.Parse(figure);
        Assert.Equal(3, root.Descendants(SvgAssert.Ns + "polyline").Count());
        Assert.Equal(52, SvgAssert.WithClass(root, "marker").Count);
        Assert.Equal("loss: 200 points", root.Descendants(SvgAssert.Ns + "polyline").First().Element(SvgAssert.Ns + "title")!.Value);
        var (data, _) = PlotlyJson.Parse(figure);
        Assert.Equal(["lines", "lines+markers", "lines+markers"], data.EnumerateArray().Select(t => t.GetProperty("mode").GetString()!));
        Assert.Equal(200, data[0].GetProperty("x").GetArrayLength());
    }

    [Fact]
    public void A_y_axis_from_zero_starts_at_0_in_both_renderings_and_not_on_a_log_axis()
    {
        var figure = Plot.Line([Series.Of("largest weight", Lengths, new[] { 0.2, 0.3, 0.5, 0.7, 0.9 })], logX: true, yFromZero: true);
        var ticks = SvgAssert.Texts(SvgAssert.Parse(figure), "tick-label");
        Assert.Contains("0.0", ticks);
        var (_, layout) = PlotlyJson.Parse(figure);
        Assert.Equal(0, layout.GetProperty("yaxis").GetProperty("range")[0].GetDouble());
        Assert.True(layout.GetProperty("yaxis").GetProperty("range")[1].GetDouble() >= 0.9);
        var (_, auto) = PlotlyJson.Parse(Plot.Line([Series.Of("largest weight", Lengths, new[] { 0.2, 0.3, 0.5, 0.7, 0.9 })], logX: true));
        Assert.False(auto.GetProperty("yaxis").TryGetProperty("range", out _));
        var e = Assert.Throws<ArgumentException>(() => Plot.Line([Series.Of("t", Lengths, Lengths)], logY: true, yFromZero: true));
        Assert.Equal("yFromZero", e.ParamName);
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
        Assert.StartsWith("series \"a\": X has 2 values but Y has 1: each point needs both.", e.Message);
        Assert.Equal("Y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("a", [1, 2], [1, 0])], logY: true));
        Assert.StartsWith("series[0] \"a\" has y = 0 at point 1, but a logarithmic y axis needs positive values.", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("a", [1, double.NaN], [1, 2])]));
        Assert.StartsWith("series \"a\": X[1] is NaN: every coordinate must be finite.", e.Message);
        Assert.Throws<ArgumentException>(() => Plot.Line(Array.Empty<Series>()));
        e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("a", [], [])]));
        Assert.StartsWith("series \"a\": X and Y are empty", e.Message);
    }

    [Fact]
    public void A_series_checks_its_name_and_points_when_made()
    {
        Assert.Equal("Name", Assert.Throws<ArgumentNullException>(() => new Series(null!, [1], [1])).ParamName);
        Assert.Equal("X", Assert.Throws<ArgumentNullException>(() => new Series("a", null!, [1])).ParamName);
        Assert.Equal("Y", Assert.Throws<ArgumentNullException>(() => new Series("a", [1], null!)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => Series.Of(null!, new[] { 1 }, new[] { 1 })).ParamName);
        var e = Assert.Throws<ArgumentException>(() => new Series("a", [1, 2, 3, 4], [1, 2, 3, double.PositiveInfinity]));
        Assert.StartsWith("series \"a\": Y[3] is Infinity: every coordinate must be finite.", e.Message);
        e = Assert.Throws<ArgumentException>(() => Series.Of("t", new[] { 1f, 2f }, new[] { 1f, float.NaN }));
        Assert.StartsWith("series \"t\": Y[1] is NaN", e.Message);
    }

    [Fact]
    public void A_series_keeps_its_own_copy_of_the_values()
    {
        double[] y = [1, 2, 3];
        var series = new Series("a", [0, 1, 2], y);
        y[1] = double.NaN;
        Assert.Equal([1.0, 2, 3], series.Y);
        SvgAssert.ParseBounded(Plot.Line([series]));
    }

    [Fact]
    public void The_two_array_overload_names_x_and_y_in_its_errors()
    {
        Assert.Equal("x", Assert.Throws<ArgumentNullException>(() => Plot.Line(null!, new double[] { 1 })).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => Plot.Line(new double[] { 1 }, null!)).ParamName);
        var e = Assert.Throws<ArgumentException>(() => Plot.Line(new double[] { 0, 1, 2, 3 }, new double[] { 0, 1, 2, double.NaN }));
        Assert.StartsWith("y[3] is NaN: every coordinate must be finite.", e.Message);
        Assert.Equal("y", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Plot.Line(new double[] { 0, 1 }, new double[] { 0 }));
        Assert.StartsWith("x has 2 values but y has 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Line(Array.Empty<double>(), Array.Empty<double>()));
        Assert.StartsWith("x and y are empty", e.Message);
    }

    /// <summary>The tick labels of the x axis (under the frame) and of the y axis (left of it), each in drawing order.</summary>
    private static (List<string> X, List<string> Y) TickLabels(XElement root)
    {
        var labels = SvgAssert.WithClass(root, "tick-label");
        return (labels.Where(l => l.Attribute("text-anchor")?.Value == "middle").Select(l => l.Value).ToList(),
            labels.Where(l => l.Attribute("text-anchor")?.Value == "end").Select(l => l.Value).ToList());
    }

    [Fact]
    public void Values_spanning_the_whole_double_range_get_ticks_at_minus_1e308_0_and_1e308()
    {
        // Issue 10, case 7: 1.7e308 - (-1.7e308) overflows to infinity; this recursed forever in Ticks.Expand.
        var root = SvgAssert.ParseBounded(Plot.Line(new double[] { -1.7e308, 1.7e308 }, new double[] { 1, 2 }));
        var (x, _) = TickLabels(root);
        Assert.Equal(["-1e308", "0", "1e308"], x);
        var frame = SvgAssert.WithClass(root, "frame").Single();
        double left = SvgAssert.Number(frame, "x"), right = left + SvgAssert.Number(frame, "width");
        var markers = SvgAssert.WithClass(root, "marker").Select(m => SvgAssert.Number(m, "cx")).ToList();
        var zero = SvgAssert.WithClass(root, "tick-label").First(l => l.Value == "0");
        Assert.Equal((left + right) / 2, SvgAssert.Number(zero, "x"), 0.01);
        Assert.Equal(left + right, markers[0] + markers[1], 0.02);          // symmetric about the middle
        Assert.InRange(markers[0], left, right);
        Assert.InRange(markers[1], left, right);

        var y = SvgAssert.ParseBounded(Plot.Line(new double[] { 1, 2, 3 }, new double[] { -double.MaxValue, 0, double.MaxValue }));
        Assert.Equal(["-1e308", "0", "1e308"], TickLabels(y).Y);
    }

    [Fact]
    public void Equal_values_at_the_top_of_the_double_range_are_drawn_inside_it()
    {
        var root = SvgAssert.ParseBounded(Plot.Line(new double[] { 1, 2 }, new double[] { 1.7e308, 1.7e308 }));
        var (_, y) = TickLabels(root);
        Assert.Equal(["8e307", "1e308", "1.2e308", "1.4e308", "1.6e308"], y);
        Assert.Equal(2, SvgAssert.WithClass(root, "marker").Count);
    }

    [Fact]
    public void Equal_values_get_an_axis_around_them()
    {
        var root = SvgAssert.ParseBounded(Plot.Line(new double[] { 0, 1 }, new double[] { 5, 5 }));
        var (_, y) = TickLabels(root);
        Assert.Equal(["2", "4", "6", "8"], y);
        double Y(string label) => SvgAssert.Number(SvgAssert.WithClass(root, "tick-label").Single(l => l.Value == label && l.Attribute("text-anchor")?.Value == "end"), "y");
        var marker = SvgAssert.WithClass(root, "marker")[0];
        Assert.Equal((Y("4") + Y("6")) / 2 - 11 * 0.35, SvgAssert.Number(marker, "cy"), 0.02);
    }

    [Theory]
    [InlineData(5e-324, new[] { "1e-323", "2e-323", "5e-323", "1e-322", "2e-322", "5e-322" })]
    [InlineData(1e308, new[] { "1e306", "1e307", "1e308" })]
    [InlineData(1.7e308, new[] { "2e306", "5e306", "1e307", "2e307", "5e307", "1e308" })]
    [InlineData(5, new[] { "0.5", "1", "2", "5", "10", "20", "50" })]
    public void A_log_axis_over_equal_values_is_padded_by_a_decade(double value, string[] expected)
    {
        // Issue 10, case 8: these looped over nearly the whole int range (4.3 GB, then OutOfMemory).
        var root = SvgAssert.ParseBounded(Plot.Line([new Series("c", [1, 2], [value, value])], logY: true));
        Assert.Equal(expected, TickLabels(root).Y);
        var frame = SvgAssert.WithClass(root, "frame").Single();
        double top = SvgAssert.Number(frame, "y"), bottom = top + SvgAssert.Number(frame, "height");
        Assert.All(SvgAssert.WithClass(root, "marker"), m => Assert.InRange(SvgAssert.Number(m, "cy"), top, bottom));
    }

    [Fact]
    public void A_log_axis_over_the_whole_double_range_labels_every_hundredth_decade()
    {
        var root = SvgAssert.ParseBounded(Plot.Line([new Series("all", [1, 2, 3], [double.Epsilon, 1, double.MaxValue])], logY: true));
        Assert.Equal(["1e-300", "1e-200", "1e-100", "1", "1e100", "1e200", "1e300"], TickLabels(root).Y);
    }

    [Fact]
    public void A_subnormal_range_on_a_linear_axis_is_an_error_naming_the_values()
    {
        // Issue 10, case 9: this failed with "An SVG coordinate must be finite, but is NaN".
        var e = Assert.Throws<ArgumentException>(() => Plot.Line(new double[] { 1, 2 }, new double[] { 5e-324, 1e-323 }));
        Assert.Equal("y", e.ParamName);
        Assert.StartsWith("y: the values span only 4.94E-324 (from 4.94E-324 to 9.88E-324): a linear axis needs a span of at least 1e-300", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Line(new double[] { 1e-310, 2e-310 }, new double[] { 1, 2 }));
        Assert.Equal("x", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Plot.Line(new double[] { 1, 2 }, new double[] { 5e-324, 5e-324 }));
        Assert.StartsWith("y: every value is 4.94E-324", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Line([new Series("tiny", [1, 2], [0, 1e-305])]));
        Assert.Equal("series", e.ParamName);
        Assert.StartsWith("y: the values span only 1E-305 (from 0 to 1E-305)", e.Message);
    }

    [Fact]
    public void Subnormal_values_are_drawn_on_a_log_axis_and_beside_normal_ones_on_a_linear_axis()
    {
        var log = SvgAssert.ParseBounded(Plot.Line([new Series("tiny", [1, 2], [5e-324, 1e-320])], logY: true));
        Assert.Equal(["1e-323", "1e-322", "1e-321", "1e-320"], TickLabels(log).Y);
        var linear = SvgAssert.ParseBounded(Plot.Line(new double[] { 1, 2 }, new double[] { 5e-324, 1 }));
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], TickLabels(linear).Y);
    }

    [Fact]
    public void Ticks_of_a_narrow_range_far_from_zero_stay_distinct()
    {
        var root = SvgAssert.ParseBounded(Plot.Line(new double[] { 1, 2 }, new double[] { 1e15, 1e15 + 10 }));
        var (_, y) = TickLabels(root);
        Assert.Equal(y.Count, y.Distinct().Count());
        Assert.Equal(["1e15", "1.000000000000002e15", "1.000000000000004e15", "1.000000000000006e15", "1.000000000000008e15", "1.00000000000001e15"], y);
    }

    [Fact]
    public void Long_series_names_and_axis_titles_are_cut_and_keep_their_full_text_as_a_tooltip()
    {
        string name = new('n', 10_000), axis = new('x', 10_000);
        var root = SvgAssert.ParseBounded(Plot.Line([Series.Of(name, new[] { 1, 2 }, new[] { 1, 2 }), Series.Of("b", new[] { 1, 2 }, new[] { 2, 1 })], new string('T', 100_000), axis, axis));
        string legend = SvgAssert.Texts(root, "legend-label")[0];
        Assert.Equal(new string('n', 59) + "…", legend);
        Assert.Equal(new string('T', 79) + "…", SvgAssert.Texts(root, "title").Single());
        Assert.All(SvgAssert.Texts(root, "axis-title"), t => Assert.Equal(new string('x', 59) + "…", t));
        var shortened = SvgAssert.WithClass(root, "shortened");
        Assert.Equal(4, shortened.Count);
        Assert.Contains(shortened, g => g.Element(SvgAssert.Ns + "title")!.Value == name);
    }

    private static readonly int[] Measured = [256, 512, 1024, 2048];

    [Fact]
    public void A_log_x_axis_over_a_few_values_has_a_labelled_tick_at_each_of_them()
    {
        var root = SvgAssert.Parse(Plot.Line([Series.Of("matrix", Measured, Measured.Select(n => n * n / 40000.0))], "Memory", "tokens", "MiB", logX: true, logY: true));
        var grid = SvgAssert.WithClass(root, "grid").Single();
        var xLabels = grid.Elements().Where(e => e.Attribute("class")?.Value == "tick-label" && e.Attribute("text-anchor")?.Value == "middle").ToList();
        Assert.Equal(["256", "512", "1024", "2048"], xLabels.Select(l => l.Value));
        var markers = SvgAssert.WithClass(root, "marker").Select(m => SvgAssert.Number(m, "cx")).ToList();
        Assert.Equal(markers, xLabels.Select(l => SvgAssert.Number(l, "x")), new ToleranceComparer(0.02));
    }

    [Fact]
    public void Many_x_values_keep_the_powers_of_ten()
    {
        int[] dims = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
        var root = SvgAssert.Parse(Plot.Line([Series.Of("max", dims, dims.Select(d => 1 - 1.0 / (d + 1)))], logX: true));
        var xLabels = SvgAssert.WithClass(root, "grid").Single().Elements().Where(e => e.Attribute("class")?.Value == "tick-label" && e.Attribute("text-anchor")?.Value == "middle");
        Assert.Equal(["1", "10", "100", "1000"], xLabels.Select(l => l.Value));
    }

    [Fact]
    public void Long_series_names_are_listed_under_the_plot_in_full()
    {
        string[] names = ["matrix path: allocated per call (measured)", "fused kernel: Q, K, V and output buffers (computed)"];
        var root = SvgAssert.ParseBounded(Plot.Line([Series.Of(names[0], Measured, Measured.Select(n => n / 100.0)), Series.Of(names[1], Measured, Measured.Select(n => n / 1000.0))],
            "Memory", "tokens (T)", "MiB", logX: true, logY: true));
        Assert.Equal(names, SvgAssert.Texts(root, "legend-label"));
        var frame = SvgAssert.WithClass(root, "frame").Single();
        double plotBottom = SvgAssert.Number(frame, "y") + SvgAssert.Number(frame, "height");
        Assert.All(SvgAssert.WithClass(root, "legend-label"), l => Assert.True(SvgAssert.Number(l, "y") > plotBottom + 30));
        Assert.True(SvgAssert.Number(root, "width") < 700);
        var shortNames = SvgAssert.Parse(Plot.Line(Benchmark(), logX: true, logY: true));
        var shortFrame = SvgAssert.WithClass(shortNames, "frame").Single();
        Assert.All(SvgAssert.WithClass(shortNames, "legend-label"), l => Assert.True(SvgAssert.Number(l, "x") > SvgAssert.Number(shortFrame, "x") + SvgAssert.Number(shortFrame, "width")));
    }

    [Fact]
    public void Live_chart_lists_long_series_names_under_the_plot_as_the_svg_does_instead_of_squeezing_the_plot_with_a_legend_on_its_right()
    {
        string[] names = ["matrix path: allocated per call (measured)", "fused kernel: Q, K, V and output buffers (computed)"];
        var figure = Plot.Line([Series.Of(names[0], Measured, Measured.Select(n => n / 100.0)), Series.Of(names[1], Measured, Measured.Select(n => n / 1000.0))],
            "Memory", "tokens (T)", "MiB", logX: true, logY: true);
        var (_, layout) = PlotlyJson.Parse(figure);
        var legend = layout.GetProperty("legend");
        Assert.Equal(("v", 0.0, "left"), (legend.GetProperty("orientation").GetString(), legend.GetProperty("x").GetDouble(), legend.GetProperty("xanchor").GetString()));
        Assert.Equal(("container", 0.0, "bottom"), (legend.GetProperty("yref").GetString(), legend.GetProperty("y").GetDouble(), legend.GetProperty("yanchor").GetString()));
        // The bottom margin holds the x axis (its labels and title) and one 20-pixel line per entry, as the SVG's legend below the plot.
        double bottom = layout.GetProperty("margin").GetProperty("b").GetDouble();
        Assert.True(bottom >= 50 + 20 * names.Length, $"bottom margin {bottom}");
        // The plot keeps the SVG's height: the figure's height less the margins is the SVG plot's 300 pixels, give or take the title.
        double plotHeight = layout.GetProperty("height").GetDouble() - bottom - layout.GetProperty("margin").GetProperty("t").GetDouble();
        Assert.InRange(plotHeight, 270, 330);

        var (_, shortLayout) = PlotlyJson.Parse(Plot.Line(Benchmark(), logX: true, logY: true));
        Assert.False(shortLayout.TryGetProperty("legend", out _));   // short names: Plotly's legend on the right, as the SVG's
        Assert.Equal(50, shortLayout.GetProperty("margin").GetProperty("b").GetDouble());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double v) => 0;
    }
}
