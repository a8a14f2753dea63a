namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// The element id of a course Plotly chart: <see cref="Prefix"/> and 10 hex digits of the SHA-256 of the chart's
/// content, so the HTML of the same chart is the same on every run (XPlot gives each chart a random GUID).
/// </summary>
public static class PlotlyId
{
    /// <summary>What every such id starts with: <c>an-plotly-</c>.</summary>
    public const string Prefix = "an-plotly-";

    /// <summary><see cref="Prefix"/> and the first 10 hex digits of the SHA-256 of <paramref name="content"/>'s UTF-8 text, e.g. <c>an-plotly-1a2b3c4d5e</c>.</summary>
    /// <param name="content">What identifies the chart, e.g. its plotting script without its id.</param>
    public static string For(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Prefix + FigureDigest.Of(content, 10);
    }
}
