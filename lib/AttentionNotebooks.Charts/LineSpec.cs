using System.Globalization;
using AttentionNotebooks.Charts.Plotly;
using AttentionNotebooks.Charts.Svg;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>
/// Lines with markers, one colour per series, a legend on the right (below the plot when an entry is longer than about
/// 35 characters); linear or logarithmic axes. A logarithmic x axis over at most 8 distinct x values (sequence
/// lengths 256, 512, 1024, 2048) gets its ticks at those values, each labelled, when the labels fit.
/// </summary>
internal sealed class LineSpec : ChartSpec
{
    private const double Margin = SvgDocument.TitleMargin;
    private const double TitleHeight = 30;
    private const double PlotWidth = 520;
    private const double PlotHeight = 300;
    private const double LegendRightMax = 240;
    private const int MaxDataTicks = 8;

    private readonly Series[] _series;
    private readonly string? _xTitle;
    private readonly string? _yTitle;
    private readonly bool _logX;
    private readonly bool _logY;
    private readonly Axis _x;
    private readonly Axis _y;

    /// <summary>Checks the series and builds both axes, so that every bad input fails here, not when drawn.</summary>
    /// <param name="series">The series (each already checked by its constructor).</param>
    /// <param name="xTitle">Title of the x axis, or null.</param>
    /// <param name="yTitle">Title of the y axis, or null.</param>
    /// <param name="logX">Logarithmic x axis.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    /// <param name="single">
    /// The chart was made from the caller's x and y arrays (<c>Plot.Line(x, y)</c>): errors name <c>x</c> and
    /// <c>y</c> instead of <c>series</c>.
    /// </param>
    public LineSpec(IReadOnlyList<Series> series, string? xTitle, string? yTitle, bool logX, bool logY, bool single = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
            throw new ArgumentException("series is empty: a line chart needs at least one series.", nameof(series));
        for (int s = 0; s < series.Count; s++)
        {
            var item = series[s] ?? throw new ArgumentException($"series[{s}] is null.", nameof(series));
            string name = $"series[{s}] \"{ChartText.Display(item.Name, ChartText.LabelLength)}\"";
            for (int i = 0; i < item.X.Count; i++)
            {
                CheckLog(item.X[i], logX, name, i, "x");
                CheckLog(item.Y[i], logY, name, i, "y");
            }
        }
        _series = series.ToArray();
        _xTitle = string.IsNullOrEmpty(xTitle) ? null : xTitle;
        _yTitle = string.IsNullOrEmpty(yTitle) ? null : yTitle;
        _logX = logX;
        _logY = logY;
        _x = MakeAxis(s => s.X, logX, "x", single ? "x" : nameof(series));
        _y = MakeAxis(s => s.Y, logY, "y", single ? "y" : nameof(series));
        if (logX && DataTicks() is { } ticks)
            _x = _x.WithTicksAt(ticks);
    }

    /// <summary>
    /// The distinct x values, when the x axis should be ticked at them: at most <see cref="MaxDataTicks"/> of them and
    /// their labels, drawn on the plot's width, at least 8 pixels apart. Null otherwise.
    /// </summary>
    private double[]? DataTicks()
    {
        double[] xs = _series.SelectMany(s => s.X).Distinct().Order().ToArray();
        if (xs.Length is < 2 or > MaxDataTicks)
            return null;
        var axis = _x.WithTicksAt(xs);
        for (int k = 1; k < xs.Length; k++)
        {
            double gap = axis.Map(xs[k], 0, PlotWidth) - axis.Map(xs[k - 1], 0, PlotWidth);
            double room = (TextMetrics.Width(axis.TickLabels[k], 11) + TextMetrics.Width(axis.TickLabels[k - 1], 11)) / 2 + 8;
            if (gap < room)
                return null;
        }
        return xs;
    }

    private static void CheckLog(double v, bool log, string name, int i, string axis)
    {
        if (log && v <= 0)
            throw new ArgumentException($"{name} has {axis} = {v.ToString(CultureInfo.InvariantCulture)} at point {i}, but a logarithmic {axis} axis needs positive values.", "series");
    }

    public override string Kind => "line";

    public override string Describe() => $"{_series.Length} series ({_series.Sum(s => s.X.Count)} points)";

    private Axis MakeAxis(Func<Series, IReadOnlyList<double>> pick, bool log, string what, string parameter)
    {
        double lo = _series.Min(s => pick(s).Min()), hi = _series.Max(s => pick(s).Max());
        return log ? Axis.Logarithmic(lo, hi) : Axis.Linear(lo, hi, target: 6, what: what, parameter: parameter);
    }

    public override SvgDocument RenderSvg(string? title)
    {
        var x = _x;
        var y = _y;
        double tickWidth = y.TickLabels.Select(l => TextMetrics.Width(l, 11)).Max();
        bool showLegend = _series.Length > 1;
        double legendWidth = showLegend ? _series.Max(s => TextMetrics.Width(ChartText.Display(s.Name, ChartText.AxisTitleLength), 12)) + 26 : 0;
        bool legendBelow = legendWidth > LegendRightMax;               // long names (up to 60 characters) go under the plot
        double top = Margin + (title is null ? 0 : TitleHeight) + 8;
        double left = Margin + (_yTitle is null ? 0 : 20) + tickWidth + 8;
        double right = left + PlotWidth, bottom = top + PlotHeight;
        double legendTop = bottom + 20 + (_xTitle is null ? 0 : 22) + 8;
        double width = legendBelow ? Math.Max(right + 12, left + legendWidth) + Margin : right + (showLegend ? 20 + legendWidth : 12) + Margin;
        double height = (legendBelow ? legendTop + _series.Length * 20 : bottom + 20 + (_xTitle is null ? 0 : 22)) + Margin;
        width = SvgDocument.FitTitle(width, title);
        var doc = new SvgDocument(width, height, title ?? "Line chart");
        doc.AddTitle(title);

        double X(double v) => x.Map(v, left, right);
        double Y(double v) => y.Map(v, bottom, top);
        doc.Root.Add(Axis.Grid(x, y, left, top, right, bottom));
        if (_xTitle is not null)
            doc.Root.Add(SvgDocument.Text((left + right) / 2, bottom + 34, _xTitle, 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        if (_yTitle is not null)
            doc.Root.Add(SvgDocument.Text(Margin + 8, (top + bottom) / 2, _yTitle, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        var lines = SvgDocument.Group("series");
        var legend = SvgDocument.Group("legend");
        for (int s = 0; s < _series.Length; s++)
        {
            var series = _series[s];
            string color = Palette.Series[s % Palette.Series.Length];
            string? dash = s < Palette.Series.Length ? null : "6 3";
            var g = SvgDocument.Group("line");
            var points = series.X.Select((v, i) => (X(v), Y(series.Y[i]))).ToArray();
            if (points.Length > 1)
                g.Add(SvgDocument.Polyline(points, color, 2, dash: dash));
            for (int i = 0; i < points.Length; i++)
            {
                var marker = SvgDocument.Circle(points[i].Item1, points[i].Item2, 3.5, color, Palette.Background, "marker", 1);
                marker.Add(SvgDocument.Tooltip($"{series.Name}: ({Number(series.X[i])}, {Number(series.Y[i])})"));
                g.Add(marker);
            }
            lines.Add(g);
            if (!showLegend)
                continue;
            double lx = legendBelow ? left : right + 20;
            double ly = legendBelow ? legendTop + 10 + s * 20 : top + 10 + s * 20;
            legend.Add(SvgDocument.Line(lx, ly, lx + 18, ly, color, 2.5, dash));
            legend.Add(SvgDocument.Text(lx + 24, ly, series.Name, 12, cls: "legend-label", maxLength: ChartText.AxisTitleLength));
        }
        doc.Root.Add(lines);
        doc.Root.Add(legend);
        return doc;
    }

    /// <summary>A coordinate in a tooltip: up to 6 significant digits, culture-invariant.</summary>
    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    public override (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) RenderPlotly(string? title)
    {
        var traces = _series.Select((s, k) => (Trace)new Scatter
        {
            name = PlotlyText.AxisTitle(s.Name), mode = "lines+markers",
            x = s.X.ToArray(), y = s.Y.ToArray(),
            line = new Line { color = Palette.Series[k % Palette.Series.Length], width = 2, dash = k < Palette.Series.Length ? "solid" : "dash" },
            marker = new Marker { size = 7, color = Palette.Series[k % Palette.Series.Length] },
        }).ToArray();
        var layout = new PlotlyLayout
        {
            xaxis = _logX && DataTicks() is { } ticks
                ? new Xaxis { title = PlotlyText.AxisTitle(_xTitle ?? ""), type = "log", gridcolor = Palette.Grid, tickmode = "array", tickvals = ticks, ticktext = _x.TickLabels }
                : new Xaxis { title = PlotlyText.AxisTitle(_xTitle ?? ""), type = _logX ? "log" : "linear", gridcolor = Palette.Grid },
            yaxis = new Yaxis { title = PlotlyText.AxisTitle(_yTitle ?? ""), type = _logY ? "log" : "linear", gridcolor = Palette.Grid },
            showlegend = _series.Length > 1,
            margin = new Margin { l = 70, r = 20, t = title is null ? 30 : 60, b = 50 },
            paper_bgcolor = Palette.Background,
            plot_bgcolor = Palette.Background,
            font = new Font { family = Palette.FontFamily, size = 12, color = Palette.Text },
        };
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        return (traces, layout);
    }
}
