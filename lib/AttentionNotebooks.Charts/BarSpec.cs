using System.Globalization;
using AttentionNotebooks.Charts.Plotly;
using AttentionNotebooks.Charts.Svg;
using MathNet.Numerics.LinearAlgebra;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>
/// A bar per value, labelled below and with its value above; one bar may be highlighted (and is then named in a
/// legend); a linear axis from 0 or a logarithmic one. The plot spans the chart's width (a long title widens the bars).
/// </summary>
internal sealed class BarSpec : ChartSpec
{
    private const double Margin = SvgDocument.TitleMargin;
    private const double TitleHeight = 30;
    private const double PlotHeight = 240;
    private const double LabelFont = 13;
    private const double TickFont = 11;

    private readonly float[] _values;
    private readonly string[] _labels;
    private readonly int? _highlight;
    private readonly int? _decimals;
    private readonly string? _xTitle;
    private readonly string? _yTitle;
    private readonly bool _log;
    private readonly string? _highlightLabel;

    /// <summary>Checks the values and labels; every bad input fails here, not when drawn.</summary>
    /// <param name="values">The heights.</param>
    /// <param name="labels">One label per bar, or null for 0, 1, ….</param>
    /// <param name="highlight">Index of the highlighted bar, or null.</param>
    /// <param name="xTitle">Title under the labels, or null.</param>
    /// <param name="yTitle">Title of the value axis, or null.</param>
    /// <param name="name">How errors name the values, e.g. <c>values</c>.</param>
    /// <param name="log">A logarithmic value axis: every value must be positive.</param>
    /// <param name="highlightLabel">The legend entry of the highlighted bar; null gives <c>highlighted</c>.</param>
    public BarSpec(Vector<float> values, IReadOnlyList<string>? labels, int? highlight, string? xTitle, string? yTitle, string name,
        bool log = false, string? highlightLabel = null)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 0)
            throw new ArgumentException($"{name} is empty: a bar chart needs at least one value.", name);
        for (int i = 0; i < values.Count; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{name} ({values.Count} values) contains {values[i].ToString(CultureInfo.InvariantCulture)} at index {i}: a bar needs a finite value.", name);
        Labels.Validate(values, labels, name);
        if (log)
            for (int i = 0; i < values.Count; i++)
                if (!(values[i] > 0))
                    throw new ArgumentException($"{name}[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}: a logarithmic bar chart needs positive values (use logScale: false for zero or negative ones).", name);
        if (highlight is int h && (h < 0 || h >= values.Count))
            throw new ArgumentOutOfRangeException(nameof(highlight), h, $"highlight must be between 0 and {values.Count - 1} ({name} has {values.Count} values), but is {h}.");
        if (highlight is null && highlightLabel is not null)
            throw new ArgumentException($"highlightLabel is \"{ChartText.Display(highlightLabel, ChartText.LabelLength)}\" but no bar is highlighted: give highlight too, or no label.", nameof(highlightLabel));
        _log = log;
        _highlightLabel = highlight is null ? null : string.IsNullOrEmpty(highlightLabel) ? "highlighted" : highlightLabel;
        _values = values.ToArray();
        _labels = (labels ?? Enumerable.Range(0, values.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()).Select(Labels.Printable).ToArray();
        _highlight = highlight;
        _decimals = ChooseDecimals();
        _xTitle = string.IsNullOrEmpty(xTitle) ? null : xTitle;
        _yTitle = string.IsNullOrEmpty(yTitle) ? null : yTitle;
    }

    public override string Kind => "bar";

    public override string Describe() => $"{_values.Length} values";

    private double Slot => _values.Length <= 12 ? 64 : _values.Length <= 24 ? 36 : Math.Max(8, 720.0 / _values.Length);

    /// <summary>
    /// Decimals of the value labels: 4 (like the matrices) for values below 10, such as attention weights; fewer for
    /// large values (timings), so that a label keeps about five significant digits; fewer still when bars are narrow;
    /// none when a label would be wider than two bars (3.4e38 has 39 digits).
    /// </summary>
    private int? Decimals => _decimals;

    /// <summary>
    /// The text above bar i: on a linear axis with the shared <see cref="Decimals"/>; on a logarithmic one, where values
    /// span decades, each with 4 significant digits (3 when bars are narrow), so that 1.5 and 1813 are both readable.
    /// Null for none.
    /// </summary>
    private string? ValueText(int i)
    {
        if (Decimals is not int d)
            return null;
        if (!_log)
            return MatrixText.FormatNumber(_values[i], d);
        int significant = Slot >= 56 ? 4 : 3;
        int digits = (int)Math.Floor(Math.Log10(_values[i])) + 1;
        return MatrixText.FormatNumber(_values[i], Math.Clamp(significant - digits, 0, 4));
    }

    private int? ChooseDecimals()
    {
        int? bySlot = Slot >= 56 ? 4 : Slot >= 30 ? 2 : null;
        if (_log && bySlot is not null)
        {
            // Per-value decimals (ValueText); a label wider than two bars (3.4e38) means none at all.
            for (int i = 0; i < _values.Length; i++)
            {
                int digits = (int)Math.Floor(Math.Log10(_values[i])) + 1;
                string text = MatrixText.FormatNumber(_values[i], Math.Clamp((Slot >= 56 ? 4 : 3) - digits, 0, 4));
                if (TextMetrics.Width(text, TickFont) > 2 * Slot)
                    return null;
            }
            return bySlot;
        }
        double largest = _values.Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
        int byMagnitude = largest < 10 ? 4 : Math.Max(0, 5 - ((int)Math.Floor(Math.Log10(largest)) + 1));
        if (bySlot is not int d)
            return null;
        int decimals = Math.Min(d, byMagnitude);
        return _values.Any(v => TextMetrics.Width(MatrixText.FormatNumber(v, decimals), TickFont) > 2 * Slot) ? null : decimals;
    }

    private Axis MakeAxis() => _log
        ? Axis.LogarithmicBars(_values.Min(), _values.Max())
        : Axis.Linear(_values.Min(), _values.Max(), includeZero: true, target: 6, padding: 0.08);

    public override SvgDocument RenderSvg(string? title)
    {
        int n = _values.Length;
        var axis = MakeAxis();
        double tickWidth = axis.TickLabels.Select(l => TextMetrics.Width(l, TickFont)).Max();
        double labelFont = Math.Clamp(Slot * 0.8, 8, LabelFont);
        double widestLabel = _labels.Select(l => TextMetrics.Width(ChartText.Shorten(l, ChartText.LabelLength), labelFont)).Max();
        double legendHeight = _highlightLabel is null ? 0 : 22;
        double top = Margin + (title is null ? 0 : TitleHeight) + legendHeight + 16;   // room for the value above the tallest bar
        double left = Margin + (_yTitle is null ? 0 : 20) + tickWidth + 8;
        double legendWidth = _highlightLabel is null ? 0 : 18 + TextMetrics.Width(ChartText.Display(_highlightLabel, ChartText.AxisTitleLength), 12);
        // The plot fills the chart's width: the slots widen when the title or the legend is wider than the bars.
        double width = SvgDocument.FitTitle(Math.Max(left + n * Slot, left + legendWidth) + Margin, title);
        double slot = Math.Max(Slot, (width - Margin - left) / n);
        bool rotate = widestLabel > slot - 6;
        if (rotate && Margin + widestLabel * 0.7071 + labelFont - slot / 2 > left)
        {
            left = Margin + widestLabel * 0.7071 + labelFont - slot / 2;
            width = SvgDocument.FitTitle(Math.Max(left + n * Slot, left + legendWidth) + Margin, title);
            slot = Math.Max(Slot, (width - Margin - left) / n);
        }
        double labelHeight = rotate ? widestLabel * 0.7071 + labelFont : labelFont + 6;
        double plotWidth = n * slot;
        double bottom = top + PlotHeight;
        double height = bottom + 8 + labelHeight + (_xTitle is null ? 0 : 22) + Margin;
        var doc = new SvgDocument(width, height, title ?? "Bar chart");
        doc.AddTitle(title);
        if (_highlightLabel is not null)
        {
            double ly = top - 16 - legendHeight / 2 - 2;
            var legend = SvgDocument.Group("legend");
            legend.Add(SvgDocument.Rect(left, ly - 6, 12, 12, Palette.Highlight, cls: "legend-swatch"));
            legend.Add(SvgDocument.Text(left + 18, ly, _highlightLabel, 12, fill: Palette.Text, cls: "legend-label", maxLength: ChartText.AxisTitleLength));
            doc.Root.Add(legend);
        }

        double Y(double v) => axis.Map(v, bottom, top);
        var grid = SvgDocument.Group("grid");
        for (int k = 0; k < axis.TickValues.Length; k++)
        {
            double ty = Y(axis.TickValues[k]);
            grid.Add(SvgDocument.Line(left, ty, left + plotWidth, ty, axis.TickValues[k] == 0 || (_log && k == 0 && axis.TickValues[k] == axis.Lo) ? Palette.Axis : Palette.Grid, 1, cls: "gridline"));
            grid.Add(SvgDocument.Text(left - 6, ty, axis.TickLabels[k], TickFont, "end", Palette.MutedText, cls: "tick-label"));
        }
        doc.Root.Add(grid);
        if (_yTitle is not null)
            doc.Root.Add(SvgDocument.Text(Margin + 8, (top + bottom) / 2, _yTitle, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        var bars = SvgDocument.Group("bars");
        var values = SvgDocument.Group("values");
        var labels = SvgDocument.Group("labels");
        double zero = _log ? bottom : Y(0);                // log bars stand on the axis' first decade
        double w = Math.Min(slot * 0.7, 120);
        for (int i = 0; i < n; i++)
        {
            double v = _values[i];
            double x = left + (i + 0.5) * slot - w / 2;
            double y0 = Math.Min(Y(v), zero), y1 = Math.Max(Y(v), zero);
            string fill = i == _highlight ? Palette.Highlight : Palette.Primary;
            var bar = SvgDocument.Rect(x, y0, w, Math.Max(y1 - y0, 0.5), fill, cls: i == _highlight ? "bar highlight" : "bar");
            bar.Add(SvgDocument.Tooltip($"{_labels[i]}: {MatrixText.FormatNumber(_values[i])}"));
            bars.Add(bar);
            if (ValueText(i) is { } text)
            {
                double vy = v >= 0 ? y0 - 8 : y1 + 8;
                values.Add(SvgDocument.Text(x + w / 2, vy, text, TickFont, "middle", Palette.Text, cls: "value"));
            }
            double cx = left + (i + 0.5) * slot;
            labels.Add(rotate
                ? SvgDocument.Text(cx, bottom + 10, _labels[i], labelFont, "end", rotate: -45, cls: "label")
                : SvgDocument.Text(cx, bottom + 8 + labelFont / 2, _labels[i], labelFont, "middle", bold: i == _highlight, cls: "label"));
        }
        doc.Root.Add(bars);
        doc.Root.Add(values);
        doc.Root.Add(labels);
        if (_xTitle is not null)
            doc.Root.Add(SvgDocument.Text(left + plotWidth / 2, height - Margin - 8, _xTitle, 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        return doc;
    }

    public override (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) RenderPlotly(string? title)
    {
        int n = _values.Length;
        Bar Bars(int[] indices, string color) => new()
        {
            x = indices,
            y = indices.Select(i => PlotlyText.Number((double)_values[i])).ToArray(),
            text = indices.Select(i => PlotlyText.Escape($"{_labels[i]}: {MatrixText.FormatNumber(_values[i])}")).ToArray(),
            hoverinfo = "text",
            marker = new Marker { color = color },
        };
        var traces = new List<Trace>();
        var plain = Enumerable.Range(0, n).Where(i => i != _highlight).ToArray();
        if (plain.Length > 0)
        {
            var bar = Bars(plain, Palette.Primary);
            bar.showlegend = false;
            bar.name = "";
            traces.Add(bar);
        }
        if (_highlight is int h)
        {
            var bar = Bars([h], Palette.Highlight);
            bar.name = PlotlyText.AxisTitle(_highlightLabel!);
            bar.showlegend = true;
            traces.Add(bar);
        }
        var layout = new PlotlyLayout
        {
            xaxis = new Xaxis { tickmode = "array", tickvals = Enumerable.Range(0, n).ToArray(), ticktext = _labels.Select(PlotlyText.Label).ToArray(), title = PlotlyText.AxisTitle(_xTitle ?? "") },
            yaxis = new Yaxis { title = PlotlyText.AxisTitle(_yTitle ?? ""), zeroline = !_log, gridcolor = Palette.Grid, type = _log ? "log" : null },
            margin = new Margin { l = 70, r = 20, t = title is null ? 30 : 60, b = 80 },
            paper_bgcolor = Palette.Background,
            plot_bgcolor = Palette.Background,
            font = new Font { family = Palette.FontFamily, size = 12, color = Palette.Text },
            showlegend = _highlight is not null,
            barmode = "overlay",
        };
        if (_highlight is not null)
            layout.legend = new Legend { orientation = "h", x = 0, y = 1.02, xanchor = "left", yanchor = "bottom" };
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        if (Decimals is not null)
            layout.annotations = Enumerable.Range(0, n).Select(i => new Annotation
            {
                // On a log axis Plotly places annotations in decades: y is log10 of the value.
                text = ValueText(i)!, x = i, y = _log ? Math.Round(Math.Log10(_values[i]), 6) : PlotlyText.Number((double)_values[i]),
                yanchor = _values[i] >= 0 ? "bottom" : "top", showarrow = false, font = new Font { size = 11, color = Palette.Text },
            }).ToArray();
        return (traces, layout);
    }
}
