using AttentionNotebooks.Charts.Layout;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// Turns a <see cref="ChartModel"/> into Plotly traces and a layout: Plotly's own layout (domains, margins, axis
/// types) is decided here, everything shown (values, texts, colours, highlights) is read from the model.
/// </summary>
internal static partial class PlotlyRenderer
{
    /// <summary>The Plotly traces and layout of <paramref name="model"/>, with <paramref name="title"/> (if any), for a
    /// chart <paramref name="width"/> pixels wide.</summary>
    public static (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) Render(ChartModel model, string? title, int width) => model switch
    {
        HeatmapModel heatmap => Heatmap(heatmap, title, width),
        HeadViewModel headView => HeadView(headView, title),
        BarModel bar => Bar(bar, title),
        LineModel line => Line(line, title),
        ScatterModel { IsThreeD: true } scatter => Scatter3D(scatter, title),
        ScatterModel scatter => Scatter(scatter, title),
        _ => throw new ArgumentException($"No Plotly renderer for {model.Kind}.", nameof(model)),
    };

    /// <summary>The band at the top for the title: 46 pixels with one, 8 without.</summary>
    private static double TitleBand(string? title) => title is null ? 8 : 46;

    /// <summary>
    /// The title in the top-left corner of the chart, as the SVG has it: above everything the top margin holds (and
    /// clear of Plotly's mode bar, top right), not centred in the margin where Plotly puts it by default.
    /// </summary>
    private static void AddTitle(PlotlyLayout layout, string? title)
    {
        if (title is null)
            return;
        layout.Extra["title"] = new Dictionary<string, object>
        {
            ["text"] = PlotlyText.Title(title), ["x"] = 0, ["xref"] = "container", ["xanchor"] = "left", ["y"] = 1, ["yref"] = "container", ["yanchor"] = "top",
            ["pad"] = new Dictionary<string, object> { ["l"] = 16, ["t"] = 14 },
        };
    }

    /// <summary>The layout every chart starts from: background, font and margins.</summary>
    private static PlotlyLayout BaseLayout(Margin margin, bool plotBackground = true)
    {
        var layout = new PlotlyLayout
        {
            margin = margin,
            paper_bgcolor = Palette.Background,
            font = new Font { family = Palette.FontFamily, size = 12, color = Palette.Text },
        };
        if (plotBackground)
            layout.plot_bgcolor = Palette.Background;
        return layout;
    }
}
