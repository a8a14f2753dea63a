using Newtonsoft.Json;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// XPlot's layout plus any further properties, written into the same JSON object. XPlot.Plotly 4.1 only knows two
/// subplot axes (<c>xaxis2</c>, <c>yaxis2</c>); a grid of heatmaps needs <c>xaxis3</c>, <c>yaxis3</c>, … too.
/// </summary>
internal sealed class PlotlyLayout : XPlot.Plotly.Layout.Layout
{
    /// <summary>Extra layout properties by name, e.g. <c>xaxis3</c>.</summary>
    [JsonExtensionData]
    public IDictionary<string, object> Extra { get; } = new SortedDictionary<string, object>(StringComparer.Ordinal);
}
