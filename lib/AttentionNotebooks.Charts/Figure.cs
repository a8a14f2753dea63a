using System.Globalization;
using System.Text;
using AttentionNotebooks.Charts.Plotly;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>
/// A chart made by <see cref="Plot"/>: render it as a standalone static SVG (<see cref="ToSvg"/>, what GitHub and
/// every notebook viewer can show) or as an interactive Plotly chart (<see cref="ToPlotly"/>; <see cref="ToHtml"/>
/// draws it with the plotly.js embedded in this library). Named Figure so that it never clashes with
/// <c>XPlot.Plotly.Chart</c> in a notebook that imports both namespaces. Immutable: <see cref="WithTitle"/> and <see cref="WithSize"/> return new charts.
/// </summary>
/// <example><code>Plot.Heatmap(weights, SampleData.Tokens, "Attention weights").ToSvg()</code></example>
public sealed class Figure
{
    private readonly ChartModel _model;
    private readonly (int Width, int Height)? _size;
    private readonly Lazy<(string Svg, int Width, int Height)> _natural;

    internal Figure(ChartModel model, string? title, (int Width, int Height)? size = null)
    {
        _model = model;
        Title = title;
        _size = size;
        _natural = new Lazy<(string, int, int)>(() =>
        {
            var document = Svg.SvgRenderer.Render(_model, Title);
            return (document.ToString(), (int)document.Width, (int)document.Height);
        });
    }

    /// <summary>The kind of chart: <c>heatmap</c>, <c>heatmaps</c>, <c>mask</c>, <c>headview</c>, <c>bar</c>, <c>scatter</c>, <c>scatter3d</c> or <c>line</c>.</summary>
    public string Kind => _model.Kind;

    /// <summary>The title drawn above the chart, or null for none.</summary>
    public string? Title { get; }

    /// <summary>
    /// The widest a chart is shown by default, in pixels: Jupyter's and VS Code's output areas are 960–978 pixels wide,
    /// so a wider layout is scaled down to this width (proportions kept) unless <see cref="WithSize"/> sets a size.
    /// </summary>
    public const int MaxWidth = 960;

    /// <summary>Width in pixels: the size the layout needs, at most <see cref="MaxWidth"/> (a wider layout is scaled down), unless <see cref="WithSize"/> set another.</summary>
    public int Width => Shown.Width;

    /// <summary>Height in pixels: the size the layout needs, scaled with <see cref="Width"/>, unless <see cref="WithSize"/> set another.</summary>
    public int Height => Shown.Height;

    /// <summary>
    /// The live chart's height: <see cref="Height"/>, except for a layout scaled down to <see cref="MaxWidth"/>, where
    /// the live chart keeps the layout's own height (Plotly's margins and fonts do not scale, so a proportionally
    /// shortened chart would crowd its row labels; it is laid out narrower instead).
    /// </summary>
    private int LiveHeight => _size?.Height ?? _natural.Value.Height;

    /// <summary>The size the chart is shown at: the one <see cref="WithSize"/> set, or the layout's, scaled down to <see cref="MaxWidth"/>.</summary>
    private (int Width, int Height) Shown
    {
        get
        {
            if (_size is { } size)
                return size;
            var (_, width, height) = _natural.Value;
            return width <= MaxWidth ? (width, height) : (MaxWidth, (int)Math.Round((double)height * MaxWidth / width));
        }
    }

    /// <summary>The same chart with another title (null for none); the layout makes room for it, a size set by <see cref="WithSize"/> is kept.</summary>
    public Figure WithTitle(string? title) => new(_model, title, _size);

    /// <summary>
    /// The same chart displayed at <paramref name="width"/> x <paramref name="height"/> pixels. The SVG keeps its
    /// layout and is scaled (its viewBox is unchanged, proportions are kept); the Plotly chart is laid out at that size.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not between 50 and 10000.</exception>
    public Figure WithSize(int width, int height)
    {
        if (width is < 50 or > 10000)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"width must be between 50 and 10000 pixels, but is {width}.");
        if (height is < 50 or > 10000)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"height must be between 50 and 10000 pixels, but is {height}.");
        return new Figure(_model, Title, (width, height));
    }

    /// <summary>
    /// The chart as a standalone SVG document (<c>&lt;svg xmlns=… width=… height=… viewBox=…&gt;</c>, no XML
    /// declaration), drawn in C# without a browser. The text is deterministic: the same chart always gives the same
    /// bytes, whatever the machine or culture.
    /// </summary>
    public string ToSvg()
    {
        string svg = _natural.Value.Svg;
        if (_size is null && _natural.Value.Width <= MaxWidth)
            return svg;
        // Only the outer width and height change; the viewBox keeps the natural layout, so the drawing scales.
        int end = svg.IndexOf('>', StringComparison.Ordinal);
        string head = svg[..end];
        head = ReplaceAttribute(head, "width", Width.ToString(CultureInfo.InvariantCulture));
        head = ReplaceAttribute(head, "height", Height.ToString(CultureInfo.InvariantCulture));
        return head + svg[end..];
    }

    /// <summary>Writes <see cref="ToSvg"/> to a file (UTF-8, no byte order mark).</summary>
    /// <param name="path">Where to write, e.g. <c>images/weights.svg</c>.</param>
    public void SaveSvg(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        File.WriteAllText(path, ToSvg() + "\n", new UTF8Encoding(false));
    }

    /// <summary>
    /// The chart as an interactive XPlot.Plotly chart (hover, zoom), with the same labels, values and colours as the
    /// SVG. Its <see cref="PlotlyChart.Id"/> is derived from its content, so the HTML it produces is deterministic.
    /// </summary>
    public PlotlyChart ToPlotly()
    {
        var (traces, layout) = PlotlyRenderer.Render(_model, Title, Width);
        layout.width = Width;
        layout.height = LiveHeight;
        var chart = XPlot.Plotly.Chart.Plot(traces, layout);
        chart.WithSize(Width, LiveHeight);
        chart.WithId("plotly-placeholder");
        chart.WithId(PlotlyId.For(chart.GetPlottingJS()));
        return chart;
    }

    /// <summary>
    /// What <see cref="Plotly.LiveHtml"/> draws: the id <see cref="ToPlotly"/> gives the chart, and the traces and the
    /// layout as plotly.js JSON, written from the chart's description (never read back out of a script).
    /// </summary>
    internal (string Id, string Data, string Layout) PlotlyParts()
    {
        var (traces, layout) = PlotlyRenderer.Render(_model, Title, Width);
        layout.width = Width;
        layout.height = LiveHeight;
        return (ToPlotly().Id, PlotlyData.Traces(traces), PlotlyData.Layout(layout));
    }

    /// <summary>
    /// The interactive chart as a self-contained HTML fragment that works offline: a
    /// <c>&lt;div id="an-plotly-…"&gt;</c> of the chart's size and one <c>&lt;script&gt;</c> holding the chart's data
    /// and the embedded plotly.js 2.35.3 (<see cref="PlotlyScript"/>, about 4.6 MB; no CDN address), which draws the
    /// chart when the fragment is put into a page, e.g. saved as an <c>.html</c> file. A page that already has
    /// <c>window.Plotly</c> draws with it and does not run the bundle again. Deterministic (see
    /// <see cref="PlotlyHtml.Render"/>).
    /// </summary>
    public string ToHtml() => PlotlyHtml.Render(ToPlotly(), includePlotly: true);

    /// <summary>
    /// One line describing the chart, used as its text output in notebooks: kind, data, title, size and a digest of
    /// the SVG (so a text comparison of stored outputs notices when the picture changes), e.g.
    /// <c>heatmap of a 6x6 matrix "Attention weights" (596x352 SVG, sha256 1a2b3c4d5e)</c>; a title longer than 80
    /// characters is cut with "…" as in the chart.
    /// </summary>
    public override string ToString()
    {
        string title = Title is null ? "" : $" \"{Layout.ChartText.Display(Title, Layout.ChartText.TitleLength)}\"";
        return $"{Kind} of {_model.Describe()}{title} {FigureDigest.Text(Width, Height, ToSvg())}";
    }

    private static string ReplaceAttribute(string head, string name, string value)
    {
        string marker = " " + name + "=\"";
        int start = head.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        int end = head.IndexOf('"', start);
        return head[..start] + value + head[end..];
    }
}
