namespace AttentionNotebooks.Charts.Svg;

/// <summary>
/// Draws a <see cref="ChartModel"/> as a standalone SVG document: the geometry (sizes, positions, fonts) is decided
/// here, everything shown (values, texts, colours, highlights) is read from the model.
/// </summary>
internal static partial class SvgRenderer
{
    private const double Margin = SvgDocument.TitleMargin;
    private const double TitleHeight = 30;

    /// <summary>The SVG document of <paramref name="model"/> at its natural size, with <paramref name="title"/> (if any) at the top.</summary>
    public static SvgDocument Render(ChartModel model, string? title) => model switch
    {
        HeatmapModel heatmap => Heatmap(heatmap, title),
        HeadViewModel headView => HeadView(headView, title),
        BarModel bar => Bar(bar, title),
        LineModel line => Line(line, title),
        ScatterModel { IsThreeD: true } scatter => Scatter3D(scatter, title),
        ScatterModel scatter => Scatter(scatter, title),
        _ => throw new ArgumentException($"No SVG renderer for {model.Kind}.", nameof(model)),
    };
}
