using System.Globalization;
using System.Text;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// The HTML a <see cref="Figure"/> shows as in a live session: a container holding the static SVG and an empty plot
/// element, plus a script that draws <see cref="Figure.ToPlotly"/> into the plot element and hides the SVG once
/// <c>window.Plotly</c> exists (now, or later when a loader in the page finishes) and its drawing has finished. If
/// plotly.js never arrives, or drawing throws or its promise rejects, the SVG stays: the reader never sees an empty box.
/// </summary>
public static class LiveHtml
{
    /// <summary>The live HTML for <paramref name="figure"/>.</summary>
    /// <param name="figure">A chart made by <see cref="Plot"/>.</param>
    /// <param name="includePlotly">Whether to put <see cref="PlotlyLoader"/> (the whole embedded plotly.js, about 4.6 MB) in front.</param>
    /// <returns>
    /// <c>&lt;div class="an-live-chart"&gt;</c> with a <c>div.an-live-svg</c> (the SVG) and a hidden
    /// <c>div.an-live-plot</c> whose id is the Plotly chart's id, then a <c>&lt;script&gt;</c>. Deterministic.
    /// </returns>
    public static string Render(Figure figure, bool includePlotly = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var (id, data, layout) = figure.PlotlyParts();
        // Written here from the chart's JSON, not taken out of XPlot's script: newPlot returns a promise, and the SVG is
        // hidden only once it resolves (it comes back if it rejects). Every "<" in the JSON is written as \u003c, so
        // a label such as </script> cannot end the script element.
        string plotting =
            $"var data = {ScriptSafe(data)};\n      var layout = {ScriptSafe(layout)};\n      drawing = Plotly.newPlot('{id}', data, layout);";
        var html = new StringBuilder();
        if (includePlotly)
            html.Append(PlotlyLoader()).Append('\n');
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"an-live-chart\" data-chart=\"{id}\">\n");
        html.Append("<div class=\"an-live-svg\">").Append(figure.ToSvg()).Append("</div>\n");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"an-live-plot\" id=\"{id}\" style=\"display: none; width: {figure.Width}px; height: {figure.Height}px;\"></div>\n");
        html.Append("</div>\n");
        html.Append("<script type=\"text/javascript\">\n(function () {\n");
        html.Append("  var id = '").Append(id).Append("';\n");
        html.Append("  var drawn = false;\n");
        html.Append("  var draw = function () {\n");
        html.Append("    var plot = document.getElementById(id);\n");
        html.Append("    if (drawn || !plot || typeof window.Plotly === 'undefined') return;\n");
        html.Append("    drawn = true;\n");
        html.Append("    var svg = plot.parentNode.querySelector('.an-live-svg');\n");
        html.Append("    var fail = function (e) {\n");
        html.Append("      plot.style.display = 'none';\n");
        html.Append("      if (svg) svg.style.display = '';\n");
        html.Append("      if (window.console) console.warn('live chart ' + id + ' not drawn, the SVG stays:', e);\n");
        html.Append("    };\n");
        html.Append("    var shown = function () { if (svg) svg.style.display = 'none'; };\n");
        html.Append("    var drawing;\n");
        html.Append("    try {\n");
        html.Append("      plot.style.display = 'block';\n");
        html.Append("      var Plotly = window.Plotly;\n      ");
        html.Append(plotting);
        html.Append("\n      if (drawing && typeof drawing.then === 'function') drawing.then(shown, fail); else shown();\n");
        html.Append("    } catch (e) {\n");
        html.Append("      fail(e);\n");
        html.Append("    }\n");
        html.Append("  };\n");
        html.Append("  if (typeof window.Plotly !== 'undefined') { draw(); return; }\n");
        html.Append("  document.addEventListener('").Append(PlotlyScript.ReadyEvent).Append("', draw);\n");
        html.Append("})();\n</script>");
        return html.ToString();
    }

    /// <summary>
    /// A <c>&lt;script&gt;</c> element holding <see cref="PlotlyScript.Loader"/>: it defines <c>window.Plotly</c> from
    /// the embedded plotly.js unless the page already has it, then dispatches <see cref="PlotlyScript.ReadyEvent"/>.
    /// </summary>
    public static string PlotlyLoader() => "<script type=\"text/javascript\">\n" + PlotlyScript.Loader() + "</script>";

    private static string ScriptSafe(string json) => json.Replace("<", "\\u003c", StringComparison.Ordinal);
}
