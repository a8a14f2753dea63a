using System.Globalization;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>The SVG and the Plotly line chart read one description: the same series, points, colours, dashes and ticks.</summary>
public sealed class LineModelTests
{
    private static readonly double[] Lengths = [256, 512, 1024, 2048];

    private static readonly Dictionary<string, Func<Figure>> Figures = new()
    {
        ["one line"] = () => Plot.Line(new double[] { 1, 2, 3 }, new double[] { 0.5, 0.3, 0.2 }, "Loss", "epoch", "loss"),
        ["two series on log axes"] = () => Plot.Line([Series.Of("naive", Lengths, Lengths.Select(l => l * l / 1e4)), Series.Of("flash", Lengths, Lengths.Select(l => l / 100.0))],
            "Time", "tokens", "ms", logX: true, logY: true),
        ["more series than colours"] = () => Plot.Line(Enumerable.Range(0, 10).Select(k => Series.Of($"series <{k}>", new[] { 0, 1, 2 }, new[] { k, k + 1.5, k * 0.5 })).ToList()),
    };

    public static TheoryData<string> Names => new(Figures.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_series_has_the_same_colour_dash_name_and_points_in_both(string name)
    {
        var figure = Figures[name]();
        var svg = SvgAssert.Parse(figure);
        var (data, _) = PlotlyJson.Parse(figure);
        var lines = SvgAssert.WithClass(svg, "line");
        var legend = SvgAssert.Texts(svg, "legend-label");
        Assert.Equal(lines.Count, data.GetArrayLength());
        for (int s = 0; s < lines.Count; s++)
        {
            var trace = data[s];
            var markers = SvgAssert.WithClass(lines[s], "marker");
            string color = markers[0].Attribute("fill")!.Value;
            Assert.Equal(color, trace.GetProperty("line").GetProperty("color").GetString());
            Assert.Equal(color, trace.GetProperty("marker").GetProperty("color").GetString());
            var polyline = lines[s].Element(SvgAssert.Ns + "polyline")!;
            Assert.Equal(polyline.Attribute("stroke-dasharray") is not null, trace.GetProperty("line").GetProperty("dash").GetString() == "dash");
            string seriesName = PlotlyJson.Shown(trace.GetProperty("name").GetString()!);
            if (legend.Count > 0)
                Assert.Equal(legend[s], seriesName);
            var x = trace.GetProperty("x");
            var y = trace.GetProperty("y");
            Assert.Equal(markers.Count, x.GetArrayLength());
            for (int i = 0; i < markers.Count; i++)
                Assert.Equal(markers[i].Element(SvgAssert.Ns + "title")!.Value,
                    $"{seriesName}: ({x[i].GetDouble().ToString("G6", CultureInfo.InvariantCulture)}, {y[i].GetDouble().ToString("G6", CultureInfo.InvariantCulture)})");
        }
    }

    [Fact]
    public void A_log_x_axis_ticked_at_the_lengths_has_the_same_tick_labels_in_both()
    {
        var figure = Figures["two series on log axes"]();
        var svg = SvgAssert.Parse(figure);
        var (_, layout) = PlotlyJson.Parse(figure);
        var xaxis = layout.GetProperty("xaxis");
        var ticktext = PlotlyJson.Strings(xaxis.GetProperty("ticktext"));
        Assert.Equal(Lengths, xaxis.GetProperty("tickvals").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(ticktext, SvgAssert.Texts(svg, "tick-label").Take(ticktext.Count));
    }
}
