using System.Reflection;
using System.Text.Json;
using Newtonsoft.Json;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// The JSON plotly.js draws a chart from — its traces and its layout — written from XPlot's chart objects as XPlot
/// writes them (Json.NET's defaults: a member is written when it was set, which XPlot's ShouldSerialize methods say,
/// null included), so it equals what XPlot puts into its plotting script (a test compares them).
/// Nothing here reads XPlot's script text back: a label or title may hold any text, <c>Plotly.newPlot(</c> or
/// <c>]; var layout</c> included.
/// </summary>
public static class PlotlyData
{
    private static readonly JsonSerializerSettings XPlotSettings = new();

    /// <summary>The traces as plotly.js's <c>data</c> array.</summary>
    internal static string Traces(IEnumerable<Trace> traces) => JsonConvert.SerializeObject(traces, XPlotSettings);

    /// <summary>The layout as plotly.js's <c>layout</c> object.</summary>
    internal static string Layout(XPlot.Plotly.Layout.Layout layout) => JsonConvert.SerializeObject(layout, XPlotSettings);

    /// <summary>
    /// The <c>type</c> of each trace of any XPlot chart (for its one-line description), read from the chart's trace
    /// objects: XPlot.Plotly 4.1.0 (pinned, no longer developed) keeps them in its private field <c>traces</c>. Null if
    /// that field is not there.
    /// </summary>
    internal static IReadOnlyList<string>? TraceTypes(PlotlyChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var field = typeof(PlotlyChart).GetField("traces", BindingFlags.Instance | BindingFlags.NonPublic);
        if (field?.GetValue(chart) is not IEnumerable<Trace> traces)
            return field is null ? null : [];
        using var json = JsonDocument.Parse(Traces(traces));
        return json.RootElement.EnumerateArray()
            .Select(trace => trace.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString()! : "?")
            .ToArray();
    }

    /// <summary>
    /// One line describing any XPlot chart, its text output in notebooks: the type of each trace (not layout keys such
    /// as an axis's <c>"type":"log"</c>) and the size, e.g. <c>Plotly chart (heatmap, heatmap), 600x400</c>.
    /// </summary>
    public static string Describe(PlotlyChart chart)
    {
        var types = TraceTypes(chart);
        string traces = types is null ? "traces unknown" : types.Count == 0 ? "no traces" : string.Join(", ", types);
        return $"Plotly chart ({traces}), {chart.Width}x{chart.Height}";
    }
}
