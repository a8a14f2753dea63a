namespace AttentionNotebooks.Charts;

/// <summary>
/// What a chart shows, described once and independent of how it is drawn: checked data, labels, titles, colours,
/// highlights and every text both renderings show. <see cref="Svg.SvgRenderer"/> and
/// <see cref="Plotly.PlotlyRenderer"/> read it; neither derives a shown text or colour of its own.
/// </summary>
internal abstract record ChartModel
{
    /// <summary>Short name of the kind of chart, e.g. <c>heatmap</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>What the chart shows, for its text description, e.g. <c>a 6x6 matrix</c>.</summary>
    public abstract string Describe();
}
