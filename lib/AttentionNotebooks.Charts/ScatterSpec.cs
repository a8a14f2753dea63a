using System.Globalization;
using AttentionNotebooks.Charts.Plotly;
using AttentionNotebooks.Charts.Svg;
using MathNet.Numerics.LinearAlgebra;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>Checked points of a scatter chart: one labelled point per row, plus an optional highlighted point.</summary>
internal sealed record ScatterData(double[][] Points, string[] Labels, double[]? Highlight, string? HighlightLabel, int[] Dimensions, string[] AxisTitles)
{
    public static ScatterData Create(Matrix<float> points, IReadOnlyList<string>? labels, Vector<float>? highlight, string? highlightLabel, ScatterOptions options, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        int[] dims = dimensions == 2 ? [options.XDimension, options.YDimension] : [options.XDimension, options.YDimension, options.ZDimension];
        if (points.RowCount == 0)
            throw new ArgumentException($"points is empty ({Shape.Of(points)}): a scatter chart needs at least one point.", nameof(points));
        foreach (int d in dims)
            if (d < 0 || d >= points.ColumnCount)
                throw new ArgumentOutOfRangeException(nameof(options), d, $"points is {Shape.Of(points)} but dimension {d} was asked for: a {dimensions}-D scatter needs columns 0 to {points.ColumnCount - 1}.");
        if (dims.Distinct().Count() != dims.Length)
            throw new ArgumentException($"The dimensions shown must differ, but they are {string.Join(", ", dims)}.", nameof(options));
        ChartText.CheckNotNull(labels, nameof(labels), nameof(labels));
        AttentionNotebooks.Labels.Validate(points, labels, null, nameof(points));
        if (highlight is not null && highlight.Count != points.ColumnCount)
            throw new ArgumentException($"points is {Shape.Of(points)} but the highlighted vector has {highlight.Count} elements: it needs {points.ColumnCount}.", nameof(highlight));
        var rows = new double[points.RowCount][];
        for (int i = 0; i < points.RowCount; i++)
        {
            rows[i] = new double[dims.Length];
            for (int k = 0; k < dims.Length; k++)
            {
                float v = points[i, dims[k]];
                if (!float.IsFinite(v))
                    throw new ArgumentException($"points ({Shape.Of(points)}) contains {v.ToString(CultureInfo.InvariantCulture)} at row {i}, column {dims[k]}: a point needs finite coordinates.", nameof(points));
                rows[i][k] = v;
            }
        }
        double[]? h = null;
        if (highlight is not null)
        {
            foreach (int d in dims)
                if (!float.IsFinite(highlight[d]))
                    throw new ArgumentException($"highlight[{d}] is {highlight[d].ToString(CultureInfo.InvariantCulture)}: the highlighted point needs finite coordinates.", nameof(highlight));
            h = dims.Select(d => (double)highlight[d]).ToArray();
        }
        string[] names = (labels ?? Enumerable.Range(0, points.RowCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()).Select(AttentionNotebooks.Labels.Printable).ToArray();
        string?[] given = [options.XTitle, options.YTitle, options.ZTitle];
        string[] titles = dims.Select((d, k) => given[k] ?? ComponentName(d)).ToArray();
        return new ScatterData(rows, names, h, highlight is null ? null : AttentionNotebooks.Labels.Printable(highlightLabel ?? "highlight"), dims, titles);
    }

    /// <summary>
    /// The default name of column <paramref name="column"/>: x with the 1-based component number as a subscript
    /// (column 0 is <c>x₁</c>, column 11 is <c>x₁₂</c>), as the maths writes the components of an embedding x.
    /// </summary>
    public static string ComponentName(int column) =>
        "x" + string.Concat((column + 1).ToString(CultureInfo.InvariantCulture).Select(c => (char)('₀' + (c - '0'))));

    /// <summary>Every coordinate of axis k, the highlighted point included.</summary>
    public IEnumerable<double> Coordinates(int k) => Points.Select(p => p[k]).Concat(Highlight is null ? [] : [Highlight[k]]);
}

/// <summary>Points in the plane with their labels; the highlighted point (e.g. a context vector) stands out.</summary>
internal sealed class ScatterSpec(ScatterData data) : ChartSpec
{
    private const double Margin = SvgDocument.TitleMargin;
    private const double TitleHeight = 30;
    private const double PlotSize = 380;
    private const double PointRadius = 5;
    private const double HighlightRadius = 7;
    private const double LabelFont = 13;

    public override string Kind => "scatter";

    public override string Describe() => $"{data.Points.Length} points{(data.Highlight is null ? "" : " and a highlighted one")}";

    public override SvgDocument RenderSvg(string? title)
    {
        var x = Axis.Linear(data.Coordinates(0).Min(), data.Coordinates(0).Max(), padding: 0.05);
        var y = Axis.Linear(data.Coordinates(1).Min(), data.Coordinates(1).Max(), padding: 0.05);
        double tickWidth = y.TickLabels.Select(l => TextMetrics.Width(l, 11)).Max();
        double top = Margin + (title is null ? 0 : TitleHeight) + 8;
        double left = Margin + 20 + tickWidth + 8;
        double right = left + PlotSize, bottom = top + PlotSize;
        double width = right + 90 + Margin;                     // room for labels of points near the right edge
        double height = bottom + 20 + 22 + Margin;
        width = SvgDocument.FitTitle(width, title);
        var doc = new SvgDocument(width, height, title ?? "Scatter chart");
        doc.AddTitle(title);

        double X(double v) => x.Map(v, left, right);
        double Y(double v) => y.Map(v, bottom, top);
        doc.Root.Add(Axis.Grid(x, y, left, top, right, bottom));
        doc.Root.Add(SvgDocument.Text((left + right) / 2, bottom + 34, data.AxisTitles[0], 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        doc.Root.Add(SvgDocument.Text(Margin + 8, (top + bottom) / 2, data.AxisTitles[1], 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        var placer = new LabelPlacer();
        var screen = data.Points.Select(p => (X: X(p[0]), Y: Y(p[1]))).ToArray();
        foreach (var p in screen)
            placer.Occupy(p.X, p.Y, PointRadius);
        (double X, double Y)? highlight = data.Highlight is null ? null : (X(data.Highlight[0]), Y(data.Highlight[1]));
        if (highlight is { } hp)
            placer.Occupy(hp.X, hp.Y, HighlightRadius);

        var points = SvgDocument.Group("points");
        var labels = SvgDocument.Group("labels");
        for (int i = 0; i < screen.Length; i++)
        {
            var circle = SvgDocument.Circle(screen[i].X, screen[i].Y, PointRadius, Palette.Primary, Palette.Background, "point");
            circle.Add(SvgDocument.Tooltip($"{data.Labels[i]}: ({Coordinates(data.Points[i])})"));
            points.Add(circle);
            double w = TextMetrics.Width(ChartText.Shorten(data.Labels[i], ChartText.LabelLength), LabelFont);
            var (lx, ly, anchor) = placer.Place(screen[i].X, screen[i].Y, PointRadius, w, LabelFont, left, top, width - Margin, bottom);
            labels.Add(SvgDocument.Text(lx, ly, data.Labels[i], LabelFont, anchor, cls: "point-label"));
        }
        if (highlight is { } h)
        {
            var circle = SvgDocument.Circle(h.X, h.Y, HighlightRadius, Palette.Highlight, Palette.HighlightStroke, "point highlight", 2);
            circle.Add(SvgDocument.Tooltip($"{data.HighlightLabel}: ({Coordinates(data.Highlight!)})"));
            points.Add(circle);
            double w = TextMetrics.Width(ChartText.Shorten(data.HighlightLabel!, ChartText.LabelLength), LabelFont, bold: true);
            var (lx, ly, anchor) = placer.Place(h.X, h.Y, HighlightRadius, w, LabelFont, left, top, width - Margin, bottom);
            labels.Add(SvgDocument.Text(lx, ly, data.HighlightLabel!, LabelFont, anchor, Palette.HighlightStroke, bold: true, cls: "point-label highlight"));
        }
        doc.Root.Add(points);
        doc.Root.Add(labels);
        return doc;
    }

    public override (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) RenderPlotly(string? title)
    {
        var traces = new List<Trace>
        {
            new Scatter
            {
                name = "points", mode = "markers+text", textposition = "top right",
                x = data.Points.Select(p => PlotlyText.Number(p[0])).ToArray(), y = data.Points.Select(p => PlotlyText.Number(p[1])).ToArray(),
                text = data.Labels.Select(PlotlyText.Label).ToArray(),
                marker = new Marker { size = 10, color = Palette.Primary },
            },
        };
        if (data.Highlight is { } h)
            traces.Add(new Scatter
            {
                name = PlotlyText.AxisTitle(data.HighlightLabel!), mode = "markers+text", textposition = "bottom right",
                x = new[] { PlotlyText.Number(h[0]) }, y = new[] { PlotlyText.Number(h[1]) }, text = new[] { PlotlyText.Label(data.HighlightLabel!) },
                marker = new Marker { size = 14, color = Palette.Highlight, line = new Line { color = Palette.HighlightStroke, width = 2 } },
            });
        var layout = new PlotlyLayout
        {
            xaxis = new Xaxis { title = PlotlyText.AxisTitle(data.AxisTitles[0]), gridcolor = Palette.Grid },
            yaxis = new Yaxis { title = PlotlyText.AxisTitle(data.AxisTitles[1]), gridcolor = Palette.Grid },
            showlegend = false,
            margin = new Margin { l = 60, r = 20, t = title is null ? 30 : 60, b = 50 },
            paper_bgcolor = Palette.Background,
            plot_bgcolor = Palette.Background,
            font = new Font { family = Palette.FontFamily, size = 12, color = Palette.Text },
        };
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        return (traces, layout);
    }

    internal static string Coordinates(double[] point) => string.Join(", ", point.Select(v => MatrixText.FormatNumber((float)v)));
}
