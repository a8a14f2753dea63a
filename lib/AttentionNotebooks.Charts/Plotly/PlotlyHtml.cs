using System.Globalization;
using System.Text;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// Turns an XPlot.Plotly chart into an HTML fragment that draws it with the embedded plotly.js
/// (<see cref="PlotlyScript"/>; no CDN): a <c>div</c> and a script that uses <c>window.Plotly</c> if the page already
/// has it, and otherwise draws once <see cref="PlotlyScript.Loader"/> has run — in the fragment itself, or elsewhere in
/// the page. Viewers that run no scripts (GitHub) show an empty box, which is why the course stores SVG for charts.
/// </summary>
public static class PlotlyHtml
{
    /// <summary>The HTML fragment for <paramref name="chart"/>.</summary>
    /// <param name="chart">Any XPlot.Plotly chart.</param>
    /// <param name="id">The element id to draw into, which is also set as the chart's <see cref="PlotlyChart.Id"/>; the chart's own id if null.</param>
    /// <param name="includePlotly">
    /// Whether the script also carries <see cref="PlotlyScript.Loader"/> (the whole plotly.js, about 4.6 MB), so the
    /// fragment draws on its own, offline; if false it waits for a loader elsewhere in the page.
    /// </param>
    /// <returns>
    /// <c>&lt;div id="…" style="width: …px; height: …px;"&gt;&lt;/div&gt;</c> followed by one <c>&lt;script&gt;</c>. Every
    /// <c>&lt;</c> inside the chart's script is written as <c>\u003c</c>, so a label such as <c>&lt;/script&gt;</c> cannot
    /// end it. Deterministic.
    /// </returns>
    public static string Render(PlotlyChart chart, string? id = null, bool includePlotly = false)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (id is not null)
            chart.WithId(id);
        string elementId = chart.Id;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"{Escape(elementId)}\" style=\"width: {chart.Width}px; height: {chart.Height}px;\"></div>\n");
        html.Append("<script type=\"text/javascript\">\n(function () {\n");
        html.Append("  var render = function (Plotly) {\n    ");
        html.Append(Script(chart, "    "));
        html.Append("\n  };\n");
        html.Append("  if (typeof window.Plotly !== 'undefined') { render(window.Plotly); return; }\n");
        html.Append("  document.addEventListener('").Append(PlotlyScript.ReadyEvent).Append("', function () { render(window.Plotly); }, { once: true });\n");
        if (includePlotly)
            html.Append(PlotlyScript.Loader());
        html.Append("})();\n</script>");
        return html.ToString();
    }

    /// <summary>
    /// XPlot's plotting script for <paramref name="chart"/> (its data, its layout and one <c>Plotly.newPlot</c> call),
    /// each line trimmed and the lines after the first indented by <paramref name="indent"/>, with every <c>&lt;</c>
    /// written as <c>\u003c</c>: XPlot writes JSON and no "&lt;" operator, so a label such as <c>&lt;/script&gt;</c>
    /// cannot end the script element it stands in.
    /// </summary>
    internal static string Script(PlotlyChart chart, string indent)
    {
        string plotting = chart.GetPlottingJS().Trim().Replace("<", "\\u003c", StringComparison.Ordinal);
        return string.Join("\n" + indent, plotting.Split('\n').Select(line => line.Trim()));
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
