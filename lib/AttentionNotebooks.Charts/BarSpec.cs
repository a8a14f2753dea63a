using System.Globalization;
using AttentionNotebooks.Charts.Plotly;
using AttentionNotebooks.Charts.Svg;
using MathNet.Numerics.LinearAlgebra;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>A bar per value, labelled below and with its value above; one bar may be highlighted.</summary>
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

    public BarSpec(Vector<float> values, IReadOnlyList<string>? labels, int? highlight, string? xTitle, string? yTitle, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 0)
            throw new ArgumentException($"{name} is empty: a bar chart needs at least one value.", name);
        for (int i = 0; i < values.Count; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{name} ({values.Count} values) contains {values[i].ToString(CultureInfo.InvariantCulture)} at index {i}: a bar needs a finite value.", name);
        Labels.Validate(values, labels, name);
        if (highlight is int h && (h < 0 || h >= values.Count))
            throw new ArgumentOutOfRangeException(nameof(highlight), h, $"highlight must be between 0 and {values.Count - 1} ({name} has {values.Count} values), but is {h}.");
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

    private int? ChooseDecimals()
    {
        int? bySlot = Slot >= 56 ? 4 : Slot >= 30 ? 2 : null;
        double largest = _values.Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
        int byMagnitude = largest < 10 ? 4 : Math.Max(0, 5 - ((int)Math.Floor(Math.Log10(largest)) + 1));
        if (bySlot is not int d)
            return null;
        int decimals = Math.Min(d, byMagnitude);
        return _values.Any(v => TextMetrics.Width(MatrixText.FormatNumber(v, decimals), TickFont) > 2 * Slot) ? null : decimals;
    }

    public override SvgDocument RenderSvg(string? title)
    {
        int n = _values.Length;
        double slot = Slot;
        var axis = Axis.Linear(_values.Min(), _values.Max(), includeZero: true, target: 6, padding: 0.08);
        double labelFont = Math.Clamp(slot * 0.8, 8, LabelFont);
        double widestLabel = _labels.Select(l => TextMetrics.Width(ChartText.Shorten(l, ChartText.LabelLength), labelFont)).Max();
        bool rotate = widestLabel > slot - 6;
        double labelHeight = rotate ? widestLabel * 0.7071 + labelFont : labelFont + 6;
        double tickWidth = axis.TickLabels.Select(l => TextMetrics.Width(l, TickFont)).Max();

        double top = Margin + (title is null ? 0 : TitleHeight) + 16;          // room for the value above the tallest bar
        double left = Margin + (_yTitle is null ? 0 : 20) + tickWidth + 8;
        if (rotate)
            left = Math.Max(left, Margin + widestLabel * 0.7071 + labelFont - slot / 2);
        double plotWidth = n * slot;
        double bottom = top + PlotHeight;
        double height = bottom + 8 + labelHeight + (_xTitle is null ? 0 : 22) + Margin;
        double width = left + plotWidth + Margin;
        width = SvgDocument.FitTitle(width, title);
        var doc = new SvgDocument(width, height, title ?? "Bar chart");
        doc.AddTitle(title);

        double Y(double v) => axis.Map(v, bottom, top);
        var grid = SvgDocument.Group("grid");
        for (int k = 0; k < axis.TickValues.Length; k++)
        {
            double ty = Y(axis.TickValues[k]);
            grid.Add(SvgDocument.Line(left, ty, left + plotWidth, ty, axis.TickValues[k] == 0 ? Palette.Axis : Palette.Grid, 1, cls: "gridline"));
            grid.Add(SvgDocument.Text(left - 6, ty, axis.TickLabels[k], TickFont, "end", Palette.MutedText, cls: "tick-label"));
        }
        doc.Root.Add(grid);
        if (_yTitle is not null)
            doc.Root.Add(SvgDocument.Text(Margin + 8, (top + bottom) / 2, _yTitle, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        var bars = SvgDocument.Group("bars");
        var values = SvgDocument.Group("values");
        var labels = SvgDocument.Group("labels");
        double zero = Y(0);
        for (int i = 0; i < n; i++)
        {
            double v = _values[i];
            double x = left + i * slot + slot * 0.15, w = slot * 0.7;
            double y0 = Math.Min(Y(v), zero), y1 = Math.Max(Y(v), zero);
            string fill = i == _highlight ? Palette.Highlight : Palette.Primary;
            var bar = SvgDocument.Rect(x, y0, w, Math.Max(y1 - y0, 0.5), fill, cls: i == _highlight ? "bar highlight" : "bar");
            bar.Add(SvgDocument.Tooltip($"{_labels[i]}: {MatrixText.FormatNumber(_values[i])}"));
            bars.Add(bar);
            if (Decimals is int d)
            {
                double vy = v >= 0 ? y0 - 8 : y1 + 8;
                values.Add(SvgDocument.Text(x + w / 2, vy, MatrixText.FormatNumber(_values[i], d), TickFont, "middle", Palette.Text, cls: "value"));
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
        var colors = Enumerable.Range(0, n).Select(i => i == _highlight ? Palette.Highlight : Palette.Primary).ToArray();
        var bar = new Bar
        {
            x = Enumerable.Range(0, n).ToArray(),
            y = _values.Select(v => PlotlyText.Number((double)v)).ToArray(),
            text = _labels.Select((l, i) => PlotlyText.Escape($"{l}: {MatrixText.FormatNumber(_values[i])}")).ToArray(),
            hoverinfo = "text",
            marker = new Marker { color = colors },
        };
        var layout = new PlotlyLayout
        {
            xaxis = new Xaxis { tickmode = "array", tickvals = Enumerable.Range(0, n).ToArray(), ticktext = _labels.Select(PlotlyText.Label).ToArray(), title = PlotlyText.AxisTitle(_xTitle ?? "") },
            yaxis = new Yaxis { title = PlotlyText.AxisTitle(_yTitle ?? ""), zeroline = true, gridcolor = Palette.Grid },
            margin = new Margin { l = 70, r = 20, t = title is null ? 30 : 60, b = 80 },
            paper_bgcolor = Palette.Background,
            plot_bgcolor = Palette.Background,
            font = new Font { family = Palette.FontFamily, size = 12, color = Palette.Text },
            showlegend = false,
        };
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        if (Decimals is int d)
            layout.annotations = Enumerable.Range(0, n).Select(i => new Annotation
            {
                text = MatrixText.FormatNumber(_values[i], d), x = i, y = PlotlyText.Number((double)_values[i]),
                yanchor = _values[i] >= 0 ? "bottom" : "top", showarrow = false, font = new Font { size = 11, color = Palette.Text },
            }).ToArray();
        return ([bar], layout);
    }
}
