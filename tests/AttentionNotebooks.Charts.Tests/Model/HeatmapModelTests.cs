using System.Globalization;
using System.Text.Json;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>
/// The SVG and the Plotly chart of a heatmap read one description: every test renders a figure both ways and checks
/// that they show the same hover texts, masks, values, colours, range and labels.
/// </summary>
public sealed class HeatmapModelTests
{
    private static readonly XNamespace Ns = SvgAssert.Ns;

    private static Matrix<float> Weights() => SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;

    private static Matrix<float> Scores() => SampleData.Inputs() * SampleData.Inputs().Transpose();

    private static Matrix<float> Random(int rows, int columns, int seed, double scale = 1, double shift = 0)
    {
        var rng = new Random(seed);
        return Matrix<float>.Build.Dense(rows, columns, (_, _) => (float)(rng.NextDouble() * scale + shift));
    }

    private static readonly string[] Hostile = ["<|endoftext|>", "a&b", "x<y>z", "naïve", "\"q\"", "&lt;"];

    private static readonly string[] Long = Enumerable.Range(0, 6).Select(i => $"a token label number {i} that is longer than forty characters").ToArray();

    private static readonly Dictionary<string, Func<Figure>> Figures = new()
    {
        ["weights with tokens"] = () => Plot.Heatmap(Weights(), SampleData.Tokens, "Attention weights"),
        ["hostile labels"] = () => Plot.Heatmap(Weights(), Hostile),
        ["long rotated labels"] = () => Plot.Heatmap(Weights(), Long),
        ["masked scores of -infinity"] = () => Plot.Heatmap(CausalMask.FillAboveDiagonal(Scores()), SampleData.Tokens),
        ["+infinity and -infinity"] = () =>
        {
            var m = Scores();
            m[0, 1] = float.PositiveInfinity;
            m[2, 3] = float.NegativeInfinity;
            return Plot.Heatmap(m);
        },
        ["marked non-zero cells"] = () => Plot.Heatmap(Scores(), SampleData.Tokens, options: new HeatmapOptions { Masked = (i, j) => (i + j) % 3 == 0 }),
        ["causal weights"] = () => Plot.Weights(CausalMask.ZeroAndRenormalize(Weights()), SampleData.Tokens, causal: true),
        ["fixed range"] = () => Plot.Heatmap(Weights(), SampleData.Tokens, options: new HeatmapOptions { Range = new ColorRange(-1, 2) }),
        ["auto min only"] = () => Plot.Heatmap(Scores(), options: new HeatmapOptions { Max = 5, ColorBarTitle = "score" }),
        ["12x12 with 2 decimals"] = () => Plot.Heatmap(Random(12, 12, 1)),
        ["20x20 without values"] = () => Plot.Heatmap(Random(20, 20, 2, 10, -5)),
        ["3 decimals asked for"] = () => Plot.Heatmap(Random(4, 6, 3, 100, -50), options: new HeatmapOptions { Decimals = 3 }),
        ["grid of three"] = () => Plot.Heatmaps([Weights(), Scores(), CausalMask.FillAboveDiagonal(Scores())], SampleData.Tokens, ["w", "s", "masked"]),
        ["grid of different shapes"] = () => Plot.Heatmaps([Random(3, 8, 4), Random(12, 12, 5, 3)], null, null, "shapes", columns: 1),
    };

    public static TheoryData<string> Names => new(Figures.Keys);

    /// <summary>The panels of the SVG with their cells (row-major), and the Plotly traces and layout.</summary>
    private static (List<XElement> Panels, XElement Svg, JsonElement Data, JsonElement Layout) Render(string name)
    {
        var figure = Figures[name]();
        var svg = SvgAssert.Parse(figure);
        var (data, layout) = PlotlyJson.Parse(figure);
        var panels = SvgAssert.WithClass(svg, "heatmap-panel");
        Assert.Equal(data.GetArrayLength(), panels.Count);
        return (panels, svg, data, layout);
    }

    private static string Suffix(int k) => k == 0 ? "" : (k + 1).ToString(CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_cell_hovers_in_plotly_with_the_text_of_its_svg_tooltip(string name)
    {
        var (panels, _, data, _) = Render(name);
        for (int k = 0; k < panels.Count; k++)
        {
            var cells = SvgAssert.WithClass(panels[k], "cell");
            var hover = data[k].GetProperty("text");
            int columns = hover[0].GetArrayLength();
            Assert.Equal(hover.GetArrayLength() * columns, cells.Count);
            for (int c = 0; c < cells.Count; c++)
            {
                var tooltip = cells[c].Element(Ns + "title");
                if (cells.Count > 400)
                    Assert.Null(tooltip);            // too many cells for tooltips in the SVG; nothing to compare
                else
                    Assert.Equal(tooltip!.Value, PlotlyJson.Shown(hover[c / columns][c % columns].GetString()!));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_cell_is_null_in_plotly_exactly_where_the_svg_draws_it_masked(string name)
    {
        var (panels, _, data, layout) = Render(name);
        bool anyMasked = false;
        for (int k = 0; k < panels.Count; k++)
        {
            var cells = SvgAssert.WithClass(panels[k], "cell");
            var z = data[k].GetProperty("z");
            int columns = z[0].GetArrayLength();
            for (int c = 0; c < cells.Count; c++)
            {
                bool masked = (cells[c].Attribute("class")!.Value).Split(' ').Contains("masked");
                anyMasked |= masked;
                Assert.Equal(masked, z[c / columns][c % columns].ValueKind == JsonValueKind.Null);
            }
        }
        Assert.Equal(anyMasked, layout.GetProperty("plot_bgcolor").GetString() != "#ffffff");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_plotly_colour_range_is_the_range_the_svg_colour_bar_spans(string name)
    {
        var (_, svg, data, _) = Render(name);
        var legend = SvgAssert.WithClass(svg, "legend").Single();
        var bar = SvgAssert.WithClass(legend, "colorbar").Single();
        double barTop = SvgAssert.Number(bar, "y"), barBottom = barTop + SvgAssert.Number(bar, "height");
        var ticks = SvgAssert.WithClass(legend, "tick");
        var labels = SvgAssert.Texts(legend, "tick-label").Take(ticks.Count).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();
        Assert.True(ticks.Count >= 2, $"{ticks.Count} ticks");
        // The colour bar is linear: two ticks fix the value at every height.
        double y0 = SvgAssert.Number(ticks[0], "y1"), y1 = SvgAssert.Number(ticks[^1], "y1");
        double ValueAt(double y) => labels[0] + (labels[^1] - labels[0]) * (y - y0) / (y1 - y0);
        for (int k = 0; k < data.GetArrayLength(); k++)
        {
            double zmin = data[k].GetProperty("zmin").GetDouble(), zmax = data[k].GetProperty("zmax").GetDouble();
            double tolerance = 1e-3 * (zmax - zmin);
            Assert.Equal(zmin, ValueAt(barBottom), tolerance);
            Assert.Equal(zmax, ValueAt(barTop), tolerance);
        }
        // The caption under the SVG's colour bar (auto range, auto min, …) is what Plotly's colour bar title ends with.
        string plotlyTitle = data[0].GetProperty("colorbar").GetProperty("title").GetString()!;
        var caption = SvgAssert.Texts(legend, "range-caption");
        if (caption.Count == 0)
            Assert.DoesNotContain("auto", plotlyTitle);
        else
            Assert.True(plotlyTitle == caption.Single() || plotlyTitle.EndsWith($" ({caption.Single()})", StringComparison.Ordinal), plotlyTitle);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Plotly_writes_the_values_the_svg_writes_in_the_cells_in_the_same_colours(string name)
    {
        var (panels, _, _, layout) = Render(name);
        var annotations = layout.GetProperty("annotations").EnumerateArray().ToList();
        for (int k = 0; k < panels.Count; k++)
        {
            var svgValues = SvgAssert.WithClass(panels[k], "value");
            var plotlyValues = annotations.Where(a => a.TryGetProperty("xref", out var x) && x.GetString() == "x" + Suffix(k)).ToList();
            Assert.Equal(svgValues.Select(v => v.Value), plotlyValues.Select(a => PlotlyJson.Shown(a.GetProperty("text").GetString()!)));
            Assert.Equal(svgValues.Select(v => v.Attribute("fill")!.Value), plotlyValues.Select(a => a.GetProperty("font").GetProperty("color").GetString()!));
            Assert.Equal(svgValues.Select(v => SvgAssert.Number(v, "font-size")), plotlyValues.Select(a => a.GetProperty("font").GetProperty("size").GetDouble()));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Plotly_labels_the_rows_and_columns_as_the_svg_does_and_rotates_the_same_column_labels(string name)
    {
        var (panels, _, _, layout) = Render(name);
        for (int k = 0; k < panels.Count; k++)
        {
            var xaxis = layout.GetProperty("xaxis" + Suffix(k));
            var yaxis = layout.GetProperty("yaxis" + Suffix(k));
            var columnLabels = SvgAssert.WithClass(panels[k], "column-label");
            var plotlyColumns = PlotlyJson.Strings(xaxis.GetProperty("ticktext"));
            var plotlyRows = PlotlyJson.Strings(yaxis.GetProperty("ticktext"));
            Assert.True(PlotlyJson.IsSubsequence(columnLabels.Select(l => l.Value).ToList(), plotlyColumns), string.Join(" | ", columnLabels.Select(l => l.Value)));
            Assert.True(PlotlyJson.IsSubsequence(SvgAssert.Texts(panels[k], "row-label"), plotlyRows));
            Assert.Equal(plotlyColumns[0], columnLabels[0].Value);
            bool rotated = columnLabels.All(l => l.Attribute("transform") is not null);
            Assert.True(rotated || columnLabels.All(l => l.Attribute("transform") is null));
            Assert.Equal(rotated ? -45 : 0, xaxis.GetProperty("tickangle").GetDouble());
        }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(9)]
    public void Decimals_outside_0_to_8_are_rejected_when_the_heatmap_is_made_not_when_it_is_drawn(int decimals)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Plot.Heatmap(Weights(), options: new HeatmapOptions { Decimals = decimals }));
        Assert.Equal("options", e.ParamName);
        Assert.StartsWith($"Decimals must be between 0 and 8, but is {decimals}.", e.Message, StringComparison.Ordinal);
    }
}
