using System.Globalization;
using System.Text.Json;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>The SVG and the Plotly scatter charts read one description: the same points, labels, highlight and axis titles.</summary>
public sealed class ScatterModelTests
{
    private static Matrix<float> Inputs() => SampleData.Inputs();

    private static Vector<float> Context() => SimplifiedSelfAttention.Forward(SampleData.Inputs()).Context.Row(1);

    private static readonly string[] Hostile = ["<|endoftext|>", "a&b", "x<y>z", "naïve", "a label longer than forty characters, which is cut", "t"];

    private static readonly Dictionary<string, Func<Figure>> Figures = new()
    {
        ["2-D"] = () => Plot.Scatter2D(Inputs(), SampleData.Tokens),
        ["2-D with a highlight"] = () => Plot.Scatter2D(Inputs(), Hostile, Context(), "z<2>"),
        ["2-D of other columns"] = () => Plot.Scatter2D(Inputs(), SampleData.Tokens, options: new ScatterOptions { XDimension = 2, YDimension = 0, YTitle = "first & only" }),
        ["3-D"] = () => Plot.Scatter3D(Inputs(), SampleData.Tokens),
        ["3-D with a highlight"] = () => Plot.Scatter3D(Inputs(), Hostile, Context(), "context z(2)"),
    };

    public static TheoryData<string> Names => new(Figures.Keys);

    /// <summary>The label and coordinates of every point of a Plotly trace.</summary>
    private static List<(string Label, double[] Coordinates)> Points(JsonElement trace)
    {
        string[] axes = trace.TryGetProperty("z", out _) ? ["x", "y", "z"] : ["x", "y"];
        var text = PlotlyJson.Strings(trace.GetProperty("text"));
        return text.Select((t, i) => (t, axes.Select(a => trace.GetProperty(a)[i].GetDouble()).ToArray())).ToList();
    }

    /// <summary>The label and coordinates of an SVG point, read from its tooltip <c>label: (x, y)</c>.</summary>
    private static (string Label, double[] Coordinates) Point(XElement circle)
    {
        string tooltip = circle.Element(SvgAssert.Ns + "title")!.Value;
        int split = tooltip.LastIndexOf(": (", StringComparison.Ordinal);
        double[] coordinates = tooltip[(split + 3)..^1].Split(", ").Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        return (tooltip[..split], coordinates);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_point_has_the_same_label_and_coordinates_in_both(string name)
    {
        var figure = Figures[name]();
        var svg = SvgAssert.Parse(figure);
        var (data, _) = PlotlyJson.Parse(figure);
        var svgPlain = SvgAssert.WithClass(svg, "point").Where(c => !c.Attribute("class")!.Value.Contains("highlight", StringComparison.Ordinal)).Select(Point)
            .OrderBy(p => p.Label, StringComparer.Ordinal).ToList();
        var plotlyPlain = Points(data[0]).OrderBy(p => p.Label, StringComparer.Ordinal).ToList();
        Assert.Equal(svgPlain.Count, plotlyPlain.Count);
        for (int i = 0; i < svgPlain.Count; i++)
        {
            // Plotly shows labels cut after 40 characters; the SVG tooltip keeps the whole label.
            Assert.Equal(Layout.ChartText.Display(svgPlain[i].Label, Layout.ChartText.LabelLength), plotlyPlain[i].Label);
            for (int k = 0; k < svgPlain[i].Coordinates.Length; k++)
                Assert.Equal(svgPlain[i].Coordinates[k], plotlyPlain[i].Coordinates[k], 1e-4);
        }
        var svgLabels = SvgAssert.WithClass(svg, "point-label").Where(l => !l.Attribute("class")!.Value.Contains("highlight", StringComparison.Ordinal)).Select(l => l.Value).Order(StringComparer.Ordinal);
        Assert.Equal(svgLabels, plotlyPlain.Select(p => p.Label).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_highlighted_point_has_the_same_label_colours_and_coordinates_in_both(string name)
    {
        var figure = Figures[name]();
        var svg = SvgAssert.Parse(figure);
        var (data, layout) = PlotlyJson.Parse(figure);
        var svgHighlight = SvgAssert.WithClass(svg, "point").Where(c => c.Attribute("class")!.Value.Contains("highlight", StringComparison.Ordinal)).ToList();
        Assert.Equal(svgHighlight.Count + 1, data.GetArrayLength());
        if (svgHighlight.Count == 1)
        {
            var trace = data[1];
            var (label, coordinates) = Points(trace).Single();
            var (svgLabel, svgCoordinates) = Point(svgHighlight[0]);
            Assert.Equal(svgLabel, label);
            Assert.Equal(SvgAssert.WithClass(svg, "point-label").Single(l => l.Attribute("class")!.Value.Contains("highlight", StringComparison.Ordinal)).Value, label);
            for (int k = 0; k < coordinates.Length; k++)
                Assert.Equal(svgCoordinates[k], coordinates[k], 1e-4);
            Assert.Equal(svgHighlight[0].Attribute("fill")!.Value, trace.GetProperty("marker").GetProperty("color").GetString());
            Assert.Equal(svgHighlight[0].Attribute("stroke")!.Value, trace.GetProperty("marker").GetProperty("line").GetProperty("color").GetString());
        }
        var axes = layout.TryGetProperty("scene", out var scene) ? scene : layout;
        var svgTitles = SvgAssert.Texts(svg, "axis-title");
        string[] names = svgTitles.Count == 3 ? ["xaxis", "yaxis", "zaxis"] : ["xaxis", "yaxis"];
        Assert.Equal(svgTitles.Order(StringComparer.Ordinal), names.Select(n => PlotlyJson.Shown(axes.GetProperty(n).GetProperty("title").GetString()!)).Order(StringComparer.Ordinal));
    }
}
