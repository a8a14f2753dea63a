using AttentionNotebooks.Charts.Plotly;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>What a chart shows, independent of how it is rendered: each kind draws itself as SVG and as Plotly.</summary>
internal abstract class ChartSpec
{
    /// <summary>Short name of the kind of chart, e.g. <c>heatmap</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>What the chart shows, for its text description, e.g. <c>6x6 matrix</c>.</summary>
    public abstract string Describe();

    /// <summary>The SVG document at its natural size, with <paramref name="title"/> (if any) at the top.</summary>
    public abstract Svg.SvgDocument RenderSvg(string? title);

    /// <summary>The Plotly traces and layout.</summary>
    public abstract (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) RenderPlotly(string? title);
}
