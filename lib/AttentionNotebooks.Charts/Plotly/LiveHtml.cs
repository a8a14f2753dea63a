using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Text;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// The HTML a <see cref="Figure"/> shows as in a live session: a container holding a box for the static SVG and an
/// empty plot element, plus a script that draws <see cref="Figure.ToPlotly"/> into the plot element once
/// <c>window.Plotly</c> exists (now, or later when a loader in the page finishes), the plot element taking the box's place.
/// If plotly.js is not there (yet), or drawing throws or its promise rejects, the script puts the SVG into the box and
/// shows it (hiding the plot element): the reader never sees an empty box.
/// </summary>
/// <remarks>
/// The chart's Plotly JSON and its SVG are carried gzip-compressed and base64-encoded (<see cref="Pack"/>), and inflated
/// by the browser's <c>DecompressionStream</c> only when needed (the SVG only if Plotly cannot draw): a saved notebook
/// holds every live chart's HTML, and uncompressed the SVG (already stored as the output's <c>image/svg+xml</c>) would
/// be stored a second time next to every value and hover text in full. Without scripts (a viewer that runs none) the
/// box shows the chart's one-line description.
/// </remarks>
public static class LiveHtml
{
    /// <summary>The live HTML for <paramref name="figure"/>.</summary>
    /// <param name="figure">A chart made by <see cref="Plot"/>.</param>
    /// <param name="includePlotly">Whether to put <see cref="PlotlyLoader"/> (the whole embedded plotly.js, about 4.6 MB) in front.</param>
    /// <returns>
    /// <c>&lt;div class="an-live-chart"&gt;</c> with a <c>div.an-live-svg</c> (the chart's description until the script
    /// puts the SVG there) and a hidden <c>div.an-live-plot</c> whose id is the Plotly chart's id, then a
    /// <c>&lt;script&gt;</c> holding <c>{"data": …, "layout": …}</c> and the SVG, each packed by <see cref="Pack"/>.
    /// Deterministic.
    /// </returns>
    public static string Render(Figure figure, bool includePlotly = false)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var (id, data, layout) = figure.PlotlyParts();
        string chart = $"{{\"data\":{data},\"layout\":{layout}}}";
        var html = new StringBuilder();
        if (includePlotly)
            html.Append(PlotlyLoader()).Append('\n');
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"an-live-chart\" data-chart=\"{id}\">\n");
        html.Append("<div class=\"an-live-svg\">").Append(WebUtility.HtmlEncode(figure.ToString())).Append("</div>\n");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"an-live-plot\" id=\"{id}\" style=\"display: none; width: {figure.Width}px; height: {figure.Height}px;\"></div>\n");
        html.Append("</div>\n");
        html.Append("<script type=\"text/javascript\">\n(function () {\n");
        html.Append("  var id = '").Append(id).Append("';\n");
        html.Append("  var chart = '").Append(Pack(chart)).Append("';\n");
        html.Append("  var svg = '").Append(Pack(figure.ToSvg())).Append("';\n");
        html.Append(Script);
        html.Append("  document.addEventListener('").Append(PlotlyScript.ReadyEvent).Append("', draw);\n");
        html.Append("})();\n</script>");
        return html.ToString();
    }

    /// <summary>
    /// <paramref name="text"/> as UTF-8, gzip-compressed (smallest size) and base64-encoded: what the live script
    /// inflates with <c>new DecompressionStream('gzip')</c>. Base64 holds no <c>&lt;</c>, <c>'</c> or <c>\</c>, so it
    /// stands in a script's string literal as it is. Deterministic (.NET writes no time stamp into the gzip header).
    /// </summary>
    public static string Pack(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.SmallestSize, leaveOpen: true))
            gzip.Write(Encoding.UTF8.GetBytes(text));
        return Convert.ToBase64String(packed.ToArray());
    }

    /// <summary>The inverse of <see cref="Pack"/>.</summary>
    public static string Unpack(string packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        using var gzip = new GZipStream(new MemoryStream(Convert.FromBase64String(packed)), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The script's body after <c>id</c>, <c>chart</c> and <c>svg</c>: <c>draw</c> inflates the chart and draws it when
    /// <c>window.Plotly</c> exists; <c>showSvg</c> inflates the SVG into the box when Plotly is absent or fails.
    /// </summary>
    private const string Script = """
          var plot = document.getElementById(id);
          if (!plot) return;
          var box = plot.parentNode.querySelector('.an-live-svg');
          var started = false, drawn = false, svgPut = false;
          var inflate = function (packed) {
            var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
            return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
          };
          var showSvg = function () {
            if (drawn) return;
            box.style.display = '';
            if (svgPut) return;
            svgPut = true;
            var note = function (e) { if (window.console) console.warn('live chart ' + id + ': the SVG could not be inflated:', e); };
            try { inflate(svg).then(function (text) { box.innerHTML = text; }, note); } catch (e) { note(e); }
          };
          var fail = function (e) {
            plot.style.display = 'none';
            showSvg();
            if (window.console) console.warn('live chart ' + id + ' not drawn, the SVG stays:', e);
          };
          var shown = function () { drawn = true; };
          var draw = function () {
            if (started || typeof window.Plotly === 'undefined') return;
            started = true;
            var Plotly = window.Plotly;
            // The plot element takes the chart's place at once (its size is set), so the page does not jump while the
            // chart is inflated and drawn.
            box.style.display = 'none';
            plot.style.display = 'block';
            try {
              inflate(chart).then(function (json) {
                var parts = JSON.parse(json);
                return Plotly.newPlot(id, parts.data, parts.layout);
              }).then(shown, fail);
            } catch (e) {
              fail(e);
            }
          };
          if (typeof window.Plotly !== 'undefined') { draw(); return; }
          showSvg();

        """;

    /// <summary>
    /// A <c>&lt;script&gt;</c> element holding <see cref="PlotlyScript.Loader"/>: it defines <c>window.Plotly</c> from
    /// the embedded plotly.js unless the page already has it, then dispatches <see cref="PlotlyScript.ReadyEvent"/>.
    /// </summary>
    public static string PlotlyLoader() => "<script type=\"text/javascript\">\n" + PlotlyScript.Loader() + "</script>";
}
