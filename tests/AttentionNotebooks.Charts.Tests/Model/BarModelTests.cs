using System.Globalization;
using System.Text.Json;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>The SVG and the Plotly bar chart read one description: the same values, labels, value texts, colours and highlight.</summary>
public sealed class BarModelTests
{
    private static Vector<float> Six() => Vector<float>.Build.DenseOfArray([0.1f, 0.25f, 0.05f, 0.3f, 0.2f, 0.1f]);

    private static readonly Dictionary<string, Func<Figure>> Figures = new()
    {
        ["weights of a query"] = () => Plot.QueryWeights(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.JourneyIndex, SampleData.Tokens),
        ["hostile labels and a highlight"] = () => Plot.Bar(Six(), ["<|endoftext|>", "a&b", "x<y>z", "naïve", "\"q\"", "t"], highlight: 2, highlightLabel: "the <one>"),
        ["negative values"] = () => Plot.Bar(Vector<float>.Build.DenseOfArray([-1.5f, 2f, -0.25f, 3f]), ["a", "b", "c", "d"]),
        ["large values"] = () => Plot.Bar(Vector<float>.Build.DenseOfArray([1234.5f, 98765.4f, 12f])),
        ["logarithmic"] = () => Plot.Bar(Vector<float>.Build.DenseOfArray([1.5f, 12f, 180f, 1813f]), ["naive", "a", "b", "flash"], highlight: 3, logScale: true),
        ["20 bars with long labels"] = () => Plot.Bar(Vector<float>.Build.Dense(20, i => (float)Math.Sin(i)), Enumerable.Range(0, 20).Select(i => $"a label longer than the bar {i}").ToArray()),
        ["100 bars without values"] = () => Plot.Bar(Vector<float>.Build.Dense(100, i => (float)Math.Cos(i)), highlight: 50),
    };

    public static TheoryData<string> Names => new(Figures.Keys);

    /// <summary>Each Plotly bar by its x (bar index): its trace, and its position within the trace.</summary>
    private static SortedDictionary<int, (JsonElement Trace, int Index)> PlotlyBars(JsonElement data)
    {
        var bars = new SortedDictionary<int, (JsonElement, int)>();
        foreach (var trace in data.EnumerateArray())
        {
            var x = trace.GetProperty("x");
            for (int k = 0; k < x.GetArrayLength(); k++)
                bars.Add(x[k].GetInt32(), (trace, k));
        }
        return bars;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_plotly_bar_hovers_with_its_svg_tooltip_and_has_its_svg_colour(string name)
    {
        var figure = Figures[name]();
        var svgBars = SvgAssert.WithClass(SvgAssert.Parse(figure), "bar");
        var plotly = PlotlyBars(PlotlyJson.Parse(figure).Data);
        Assert.Equal(Enumerable.Range(0, svgBars.Count), plotly.Keys);
        foreach (var (i, (trace, k)) in plotly)
        {
            Assert.Equal(svgBars[i].Element(SvgAssert.Ns + "title")!.Value, PlotlyJson.Shown(trace.GetProperty("text")[k].GetString()!));
            Assert.Equal(svgBars[i].Attribute("fill")!.Value, trace.GetProperty("marker").GetProperty("color").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Plotly_labels_the_bars_and_writes_their_values_as_the_svg_does(string name)
    {
        var figure = Figures[name]();
        var svg = SvgAssert.Parse(figure);
        var (_, layout) = PlotlyJson.Parse(figure);
        Assert.Equal(SvgAssert.Texts(svg, "label"), PlotlyJson.Strings(layout.GetProperty("xaxis").GetProperty("ticktext")));
        var svgValues = SvgAssert.Texts(svg, "value");
        var plotlyValues = layout.TryGetProperty("annotations", out var annotations)
            ? annotations.EnumerateArray().Select(a => PlotlyJson.Shown(a.GetProperty("text").GetString()!)).ToList()
            : [];
        Assert.Equal(svgValues, plotlyValues);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_highlighted_bar_and_its_legend_entry_are_the_same_in_both(string name)
    {
        var figure = Figures[name]();
        var svg = SvgAssert.Parse(figure);
        var (data, _) = PlotlyJson.Parse(figure);
        var svgBars = SvgAssert.WithClass(svg, "bar");
        int[] highlighted = svgBars.Select((b, i) => (b, i)).Where(p => p.b.Attribute("class")!.Value.Contains("highlight", StringComparison.Ordinal)).Select(p => p.i).ToArray();
        var legendTraces = data.EnumerateArray().Where(t => t.GetProperty("showlegend").GetBoolean()).ToList();
        Assert.Equal(highlighted, legendTraces.SelectMany(t => t.GetProperty("x").EnumerateArray().Select(x => x.GetInt32())));
        Assert.Equal(SvgAssert.Texts(svg, "legend-label"), legendTraces.Select(t => PlotlyJson.Shown(t.GetProperty("name").GetString()!)));
    }

    [Fact]
    public void The_plotly_heights_are_the_values_in_the_svg_tooltips()
    {
        var figure = Plot.Bar(Vector<float>.Build.DenseOfArray([0.125f, -2.5f, 3.75f]), ["a", "b", "c"], highlight: 1);
        var svgBars = SvgAssert.WithClass(SvgAssert.Parse(figure), "bar");
        foreach (var (i, (trace, k)) in PlotlyBars(PlotlyJson.Parse(figure).Data))
        {
            string tooltip = svgBars[i].Element(SvgAssert.Ns + "title")!.Value;
            double shown = double.Parse(tooltip[(tooltip.IndexOf(": ", StringComparison.Ordinal) + 2)..], CultureInfo.InvariantCulture);
            Assert.Equal(shown, trace.GetProperty("y")[k].GetDouble(), 1e-4);
        }
    }
}
