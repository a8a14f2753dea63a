// Browser proof of live charts (see LiveCharts.csproj). Usage: dotnet run --project tools/LiveCharts -- [output folder]
// Exit code 0 if every check passed, 1 otherwise; each check is printed as PASS/FAIL with its values.
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AttentionNotebooks;
using AttentionNotebooks.Charts;
using AttentionNotebooks.Charts.Plotly;
using MathNet.Numerics.LinearAlgebra;

string outDir = Path.GetFullPath(args.Length > 0 ? args[0] : Path.Combine("artifacts", "live-charts"));
Directory.CreateDirectory(outDir);
string chromium = Environment.GetEnvironmentVariable("CHROMIUM") ?? "/usr/bin/chromium";
if (!File.Exists(chromium))
{
    Console.Error.WriteLine($"LiveCharts: chromium not found at {chromium} (apt-get install -y chromium, or set CHROMIUM).");
    return 1;
}

// Course charts: a 6x6 causal attention heatmap, a grid of per-head heatmaps, a 3-D scatter, a bar and a line chart.
var tokens = SampleData.Tokens;
var causal = new CausalAttention(3, 2, 6, generator: new TorchGenerator(123)).Forward(SampleData.Inputs());
Matrix<float> weights = causal.Weights;   // (6, 6)
var heads = new MultiHeadAttention(3, 2, 6, 0f, 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
// A head view over 6 layers x 12 heads (as notebook 7's model has), each layer a non-causal MultiHeadAttention of its
// own seed on the sample's inputs; the menu is checked by choosing "layer 2, head 4".
var sharpened = SampleData.Inputs() * 4f;
IReadOnlyList<IReadOnlyList<Matrix<float>>> attention = Enumerable.Range(0, 6)
    .Select(l => new MultiHeadAttention(3, 12, 6, 0f, 12, generator: new TorchGenerator(100 + (ulong)l)).Forward([sharpened], [sharpened]).Weights[0])
    .ToArray();
(int Layer, int Head) initial = (1, 8), chosen = (2, 4);
string chosenName = $"layer {chosen.Layer}, head {chosen.Head}";
var headView = Plot.HeadView(attention, tokens, initial.Layer, initial.Head, "Head view: 6 layers x 12 heads");
var figures = new (string Name, Figure Figure)[]
{
    ("heatmap", Plot.Weights(weights, tokens, "Causal attention weights", causal: true)),
    ("heatmaps", Plot.Heatmaps(heads, tokens, title: "Weights per head")),
    ("scatter3d", Plot.Scatter3D(SampleData.Inputs(), tokens, title: "Embeddings")),
    ("bar", Plot.QueryWeights(weights, 1, tokens)),
    ("line", Plot.Line([0.0, 1, 2, 3], [1.0, 0.5, 0.25, 0.125], "Halving", "step", "value")),
    ("headview", headView),
};

// live: plotly.js comes with the first chart, as in a notebook; late: it arrives after every chart (the charts wait for
// its ready event); no-plotly: never; broken: a window.Plotly whose newPlot throws; rejecting: one whose newPlot
// returns a promise that rejects (an asynchronous failure); to-html: each chart is Figure.ToHtml (no SVG, plotly.js
// inside every fragment), as a page saved from it, drawn offline.
string Page(string mode)
{
    var html = new StringBuilder("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>live charts</title></head><body style=\"background: #ffffff; margin: 0;\">\n");
    if (mode == "broken")
        html.Append("<script>window.Plotly = { newPlot: function () { throw new Error('plotly.js is broken'); } };</script>\n");
    if (mode == "rejecting")
        html.Append("<script>window.Plotly = { newPlot: function () { return Promise.reject(new Error('drawing failed later')); } };</script>\n");
    for (int k = 0; k < figures.Length; k++)
    {
        if (mode == "to-html")
            html.Append("<div class=\"an-html-chart\">").Append(figures[k].Figure.ToHtml()).Append("</div>\n");
        else
            html.Append(LiveHtml.Render(figures[k].Figure, includePlotly: mode == "live" && k == 0)).Append('\n');
    }
    if (mode == "late")
        html.Append(LiveHtml.PlotlyLoader()).Append('\n');
    html.Append("""
        <script type="text/javascript">
        // The charts inflate their data (and the SVG when Plotly cannot draw) asynchronously: wait until every chart is
        // drawn by Plotly with its SVG box hidden, or shows its SVG (at most 100 polls), then read them.
        var settled = function () {
          return [].slice.call(document.querySelectorAll('.an-live-chart, .an-html-chart')).every(function (chart) {
            var plot = chart.querySelector('.an-live-plot') || chart.querySelector('div[id^="an-plotly-"]'), svg = chart.querySelector('.an-live-svg');
            var drawn = plot.classList.contains('js-plotly-plot') && !!plot.querySelector('.main-svg') && (!svg || getComputedStyle(svg).display === 'none');
            return drawn || (!!svg && !!svg.querySelector('svg') && getComputedStyle(svg).display !== 'none');
          });
        };
        var polls = 0;
        var whenSettled = function (f) { if (settled() || ++polls > 100) setTimeout(f, 300); else setTimeout(function () { whenSettled(f); }, 100); };
        window.addEventListener('load', function () { whenSettled(function () {
          var out = [], later = [];
          document.querySelectorAll('.an-live-chart, .an-html-chart').forEach(function (chart) {
            var plot = chart.querySelector('.an-live-plot') || chart.querySelector('div[id^="an-plotly-"]'), svg = chart.querySelector('.an-live-svg');
            var r = { id: plot.id, plotly: plot.classList.contains('js-plotly-plot'),
                      svgVisible: !!svg && getComputedStyle(svg).display !== 'none', svgDrawn: !!svg && !!svg.querySelector('svg'), plotVisible: getComputedStyle(plot).display !== 'none' };
            if (r.plotly && plot.data) {
              r.types = plot.data.map(function (t) { return t.type; });
              var maps = plot.data.filter(function (t) { return t.type === 'heatmap'; });
              r.cells = maps.map(function (t) { return t.z.length * t.z[0].length; });
              r.texts = maps.map(function (t) { return [].concat.apply([], t.text).filter(function (s) { return typeof s === 'string' && s.indexOf(' \u2192 ') > 0; }).length; });
              r.drawnHeatmaps = plot.querySelectorAll('.hm image').length;
              r.barTexts = plot.querySelectorAll('.bartext').length;
              r.bars = plot.querySelectorAll('.bars .point').length;
              if (maps.length) {
                try { Plotly.Fx.hover(plot, { xval: 2, yval: 5 }); var h = plot.querySelector('.hoverlayer .hovertext'); r.hover = h ? h.textContent : null; }
                catch (e) { r.hover = 'error: ' + e; }
              }
              r.title = (plot.querySelector('.gtitle') || {}).textContent || null;
              r.colorbars = plot.querySelectorAll('.colorbar').length;
              if (plot.layout.updatemenus) {
                // A menu (the head view): read it, open it and choose CHOICE as a reader would, by clicks.
                r.menuEntries = plot.layout.updatemenus[0].buttons.map(function (b) { return b.label; });
                var header = plot.querySelector('.updatemenu-header');
                r.menuHeader = header ? header.textContent : null;
                r.zBefore = plot.data[0].z;
                if (header) {
                  header.dispatchEvent(new MouseEvent('click', { bubbles: true }));
                  var buttons = [].slice.call(plot.querySelectorAll('.updatemenu-dropdown-button'));
                  r.drawnEntries = buttons.length;
                  var target = buttons.filter(function (b) { return b.textContent === CHOICE; })[0];
                  r.chose = !!target;
                  if (target) target.dispatchEvent(new MouseEvent('click', { bubbles: true }));
                }
                later.push(function () {
                  r.zAfter = plot.data[0].z;
                  r.menuHeaderAfter = (plot.querySelector('.updatemenu-header') || {}).textContent || null;
                  try { Plotly.Fx.hover(plot, { xval: 2, yval: 5 }); var h = plot.querySelector('.hoverlayer .hovertext'); r.hoverAfter = h ? h.textContent : null; }
                  catch (e) { r.hoverAfter = 'error: ' + e; }
                });
              }
            }
            out.push(r);
          });
          setTimeout(function () {
            later.forEach(function (f) { f(); });
            var pre = document.createElement('pre'); pre.id = 'an-results'; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
          }, 500);
        }); });
        </script>
        </body></html>
        """.Replace("CHOICE", JsonSerializer.Serialize(chosenName), StringComparison.Ordinal));
    return html.ToString();
}

int failures = 0;
void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "PASS" : "FAIL")} {what}");
    if (!ok)
        failures++;
}

string RunChromium(params string[] arguments)
{
    var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true };
    // A fresh profile each time, and none of Chromium's own network traffic: this machine (and CI) has no internet.
    string profile = Path.Combine(Path.GetTempPath(), "live-charts-chromium-" + Guid.NewGuid().ToString("N"));
    foreach (var a in new[]
             {
                 "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--virtual-time-budget=15000", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", $"--user-data-dir={profile}",
             }.Concat(arguments))
        start.ArgumentList.Add(a);
    using var process = Process.Start(start)!;
    var stdout = process.StandardOutput.ReadToEndAsync();
    var stderr = process.StandardError.ReadToEndAsync();
    if (!process.WaitForExit(120_000))
    {
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"chromium {string.Join(' ', arguments)} took more than 120 s");
    }
    _ = stderr.Result;
    try
    {
        Directory.Delete(profile, recursive: true);
    }
    catch (IOException)
    {
        // a profile left in the temporary folder is harmless
    }
    return stdout.Result;
}

foreach (string name in new[] { "live", "late", "no-plotly", "broken", "rejecting", "to-html" })
{
    bool withPlotly = name is "live" or "late" or "to-html";
    string path = Path.Combine(outDir, name + ".html");
    File.WriteAllText(path, Page(name), new UTF8Encoding(false));
    string dom = RunChromium("--dump-dom", new Uri(path).AbsoluteUri);
    int start = dom.IndexOf("<pre id=\"an-results\">", StringComparison.Ordinal);
    Check(start >= 0, $"{name}: the page's check script wrote its results");
    if (start < 0)
        continue;
    start += "<pre id=\"an-results\">".Length;
    string json = System.Net.WebUtility.HtmlDecode(dom[start..dom.IndexOf("</pre>", start, StringComparison.Ordinal)]);
    File.WriteAllText(Path.Combine(outDir, name + ".json"), json);
    var results = JsonDocument.Parse(json).RootElement.EnumerateArray().ToArray();
    Check(results.Length == figures.Length, $"{name}: {results.Length} charts on the page, expected {figures.Length}");
    for (int k = 0; k < Math.Min(results.Length, figures.Length); k++)
    {
        var r = results[k];
        string label = $"{name} {figures[k].Name}";
        bool plotly = r.GetProperty("plotly").GetBoolean(), svgVisible = r.GetProperty("svgVisible").GetBoolean();
        if (!withPlotly)
        {
            bool svgDrawn = r.GetProperty("svgDrawn").GetBoolean();
            Check(!plotly && svgVisible && svgDrawn && !r.GetProperty("plotVisible").GetBoolean(),
                $"{label}: no Plotly plot, the SVG (inflated by the script) is visible (plotly={plotly}, svgVisible={svgVisible}, svgDrawn={svgDrawn})");
            continue;
        }
        Check(plotly && !svgVisible, $"{label}: a .js-plotly-plot element was drawn and the SVG hidden (plotly={plotly}, svgVisible={svgVisible})");
        if (!plotly)
            continue;
        string types = string.Join(",", r.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Console.WriteLine($"     traces {types}; title {r.GetProperty("title")}; colour bars {r.GetProperty("colorbars")}");
        if (figures[k].Name == "heatmap")
        {
            Check(r.GetProperty("cells")[0].GetInt32() == 36, $"{label}: 36 heatmap cells (z is 6x6), got {r.GetProperty("cells")[0]}");
            Check(r.GetProperty("texts")[0].GetInt32() == 36, $"{label}: 36 hover texts 'query → key: weight', got {r.GetProperty("texts")[0]}");
            Check(r.GetProperty("drawnHeatmaps").GetInt32() == 1, $"{label}: one heatmap image drawn, got {r.GetProperty("drawnHeatmaps")}");
            string expected = $"{tokens[5]} → {tokens[2]}: {weights[5, 2].ToString("F4", CultureInfo.InvariantCulture)}";
            string? hover = r.GetProperty("hover").ValueKind == JsonValueKind.String ? r.GetProperty("hover").GetString() : null;
            Check(hover is not null && hover.Contains(expected, StringComparison.Ordinal), $"{label}: hovering cell (5, 2) shows \"{expected}\", got \"{hover}\"");
        }
        if (figures[k].Name == "heatmaps")
        {
            var cells = r.GetProperty("cells").EnumerateArray().Select(c => c.GetInt32()).ToArray();
            int panels = heads.Weights[0].Count;   // one panel per head of sequence 0
            Check(cells.Length == panels && cells.All(c => c == 36), $"{label}: {panels} heatmap panels of 36 cells, got [{string.Join(", ", cells)}]");
            Check(r.GetProperty("texts").EnumerateArray().All(t => t.GetInt32() == 36), $"{label}: 36 hover texts per panel");
        }
        if (figures[k].Name == "bar")
            Check(r.GetProperty("bars").GetInt32() == tokens.Count && r.GetProperty("barTexts").GetInt32() == 0,
                $"{label}: {tokens.Count} bars drawn and no text printed inside them (bars {r.GetProperty("bars")}, bar texts {r.GetProperty("barTexts")})");
        if (figures[k].Name == "bar")
            Check(r.GetProperty("title").GetString() == "Attention weights of the query \"journey\"", $"{label}: the title reads Attention weights of the query \"journey\", got {r.GetProperty("title")}");
        if (figures[k].Name == "headview")
            CheckHeadView(r, label);
        if (figures[k].Name == "scatter3d")
            Check(types.Contains("scatter3d", StringComparison.Ordinal), $"{label}: a scatter3d trace");
    }

    string png = Path.Combine(outDir, name + ".png");
    File.Delete(png);
    RunChromium($"--screenshot={png}", "--window-size=1200,3600", new Uri(path).AbsoluteUri);
    var (width, height, inked) = Png.CountNonBackground(png);
    double share = inked / (double)(width * height);
    Check(share > 0.02, $"{name}: screenshot {width}x{height} not blank ({inked} non-white pixels, {share:P1})");
}

// The head view alone, drawn live, for screenshots: as drawn, with its menu open, and after choosing a head.
foreach (string state in new[] { "drawn", "open", "chosen" })
{
    string path = Path.Combine(outDir, $"headview-{state}.html");
    string action = state switch
    {
        "open" => "header.dispatchEvent(new MouseEvent('click', { bubbles: true }));",
        "chosen" => "header.dispatchEvent(new MouseEvent('click', { bubbles: true })); " +
                    "[].slice.call(plot.querySelectorAll('.updatemenu-dropdown-button')).filter(function (b) { return b.textContent === " + JsonSerializer.Serialize(chosenName) + "; })" +
                    ".forEach(function (b) { b.dispatchEvent(new MouseEvent('click', { bubbles: true })); });",
        _ => "",
    };
    File.WriteAllText(path,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>head view</title></head><body style=\"background: #ffffff; margin: 0;\">\n" +
        LiveHtml.Render(headView, includePlotly: true) +
        "\n<script>window.addEventListener('load', function () { var polls = 0; var act = function () { var plot = document.querySelector('.an-live-plot'); " +
        "var header = plot.querySelector('.updatemenu-header'); if (!header && ++polls < 100) { setTimeout(act, 100); return; } if (header) { " + action + " } }; setTimeout(act, 300); });</script>\n</body></html>\n",
        new UTF8Encoding(false));
    string png = Path.Combine(outDir, $"headview-{state}.png");
    File.Delete(png);
    RunChromium($"--screenshot={png}", $"--window-size={headView.Width + 40},{headView.Height + 40}", new Uri(path).AbsoluteUri);
    var (width, height, inked) = Png.CountNonBackground(png);
    Check(inked / (double)(width * height) > 0.05, $"head view {state}: screenshot {width}x{height} not blank ({inked} non-white pixels)");
}
File.WriteAllText(Path.Combine(outDir, "headview.svg"), headView.ToSvg() + "\n");
{
    string live = LiveHtml.Render(headView);
    Console.WriteLine($"     head view sizes: SVG {Encoding.UTF8.GetByteCount(headView.ToSvg()):N0} bytes (packed {LiveHtml.Pack(headView.ToSvg()).Length:N0}); " +
                      $"live HTML without plotly.js {Encoding.UTF8.GetByteCount(live):N0} bytes; Plotly script (data, layout, newPlot) {Encoding.UTF8.GetByteCount(headView.ToPlotly().GetPlottingJS()):N0} bytes");
}

Console.WriteLine(failures == 0 ? $"LiveCharts: all checks passed ({outDir})" : $"LiveCharts: {failures} checks failed ({outDir})");
return failures == 0 ? 0 : 1;

// The head view's menu: an entry per head named as notebook 7 names heads, the initial head shown, and choosing another
// by clicks shows that head's weights (rounded to 4 decimals in the page) and hover texts.
void CheckHeadView(JsonElement r, string label)
{
    var entries = r.GetProperty("menuEntries").EnumerateArray().Select(e => e.GetString()).ToArray();
    var expected = Enumerable.Range(0, 72).Select(k => $"layer {k / 12}, head {k % 12}").ToArray();
    Check(entries.SequenceEqual(expected), $"{label}: the menu has 72 entries, layer 0, head 0 to layer 5, head 11 (got {entries.Length}: {string.Join("; ", entries.Take(3))} … {entries.LastOrDefault()})");
    Check(r.GetProperty("drawnEntries").GetInt32() == 72, $"{label}: the opened menu draws 72 entries, got {r.GetProperty("drawnEntries")}");
    string initialName = $"layer {initial.Layer}, head {initial.Head}";
    Check(r.GetProperty("menuHeader").GetString() == initialName, $"{label}: the menu shows \"{initialName}\" first, got {r.GetProperty("menuHeader")}");
    double before = MaxDifference(r.GetProperty("zBefore"), attention[initial.Layer][initial.Head]);
    Check(before <= 0.5e-4 + 1e-7, $"{label}: the drawn z is {initialName}'s weights within 0.5e-4 (max difference {before:G3})");
    Check(r.GetProperty("chose").GetBoolean(), $"{label}: the entry \"{chosenName}\" was found and clicked");
    double after = MaxDifference(r.GetProperty("zAfter"), attention[chosen.Layer][chosen.Head]);
    double stale = MaxDifference(r.GetProperty("zAfter"), attention[initial.Layer][initial.Head]);
    Check(after <= 0.5e-4 + 1e-7 && stale > 1e-3, $"{label}: after choosing, the drawn z is {chosenName}'s weights within 0.5e-4 (max difference {after:G3}; from {initialName}'s {stale:G3})");
    Check(r.GetProperty("menuHeaderAfter").GetString() == chosenName, $"{label}: the menu then shows \"{chosenName}\", got {r.GetProperty("menuHeaderAfter")}");
    string hoverExpected = $"{tokens[5]} → {tokens[2]}: {attention[chosen.Layer][chosen.Head][5, 2].ToString("F4", CultureInfo.InvariantCulture)}";
    string? hover = r.GetProperty("hoverAfter").ValueKind == JsonValueKind.String ? r.GetProperty("hoverAfter").GetString() : null;
    Check(hover is not null && hover.Contains(hoverExpected, StringComparison.Ordinal), $"{label}: hovering cell (5, 2) then shows \"{hoverExpected}\", got \"{hover}\"");
}

static double MaxDifference(JsonElement z, Matrix<float> expected)
{
    var rows = z.EnumerateArray().ToArray();
    if (rows.Length != expected.RowCount)
        return double.PositiveInfinity;
    double max = 0;
    for (int i = 0; i < rows.Length; i++)
    {
        var row = rows[i].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        if (row.Length != expected.ColumnCount)
            return double.PositiveInfinity;
        for (int j = 0; j < row.Length; j++)
            max = Math.Max(max, Math.Abs(row[j] - expected[i, j]));
    }
    return max;
}

/// <summary>A minimal PNG reader for Chromium's screenshots: 8-bit RGB or RGBA, not interlaced.</summary>
internal static class Png
{
    /// <summary>Width, height and the number of pixels that are not (near) white.</summary>
    public static (int Width, int Height, long Inked) CountNonBackground(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        if (file.Length < 8 || file[1] != 'P' || file[2] != 'N' || file[3] != 'G')
            throw new InvalidDataException($"{path} is not a PNG file");
        int pos = 8, width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        while (pos < file.Length)
        {
            int length = (file[pos] << 24) | (file[pos + 1] << 16) | (file[pos + 2] << 8) | file[pos + 3];
            string type = Encoding.ASCII.GetString(file, pos + 4, 4);
            if (type == "IHDR")
            {
                width = BigEndian(file, pos + 8);
                height = BigEndian(file, pos + 12);
                byte depth = file[pos + 16], color = file[pos + 17], interlace = file[pos + 20];
                if (depth != 8 || (color != 2 && color != 6) || interlace != 0)
                    throw new InvalidDataException($"{path}: PNG bit depth {depth}, colour type {color}, interlace {interlace} not supported");
                channels = color == 2 ? 3 : 4;
            }
            else if (type == "IDAT")
                idat.Write(file, pos + 8, length);
            pos += 12 + length;
        }
        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        int stride = width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        long inked = 0;
        for (int y = 0; y < height; y++)
        {
            int filter = zlib.ReadByte();
            zlib.ReadExactly(current);
            for (int x = 0; x < stride; x++)
            {
                int a = x >= channels ? current[x - channels] : 0, b = previous[x], c = x >= channels ? previous[x - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{path}: PNG filter {filter} in row {y}"),
                };
                current[x] = (byte)(current[x] + predictor);
            }
            for (int x = 0; x < width; x++)
                if (current[x * channels] < 240 || current[x * channels + 1] < 240 || current[x * channels + 2] < 240)
                    inked++;
            (previous, current) = (current, previous);
        }
        return (width, height, inked);
    }

    private static int BigEndian(byte[] bytes, int at) => (bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3];

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
