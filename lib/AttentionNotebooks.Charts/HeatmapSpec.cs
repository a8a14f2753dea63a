using System.Globalization;
using System.Xml.Linq;
using AttentionNotebooks.Charts.Plotly;
using AttentionNotebooks.Charts.Svg;
using MathNet.Numerics.LinearAlgebra;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>One matrix ready to draw: checked values, labels, axis titles.</summary>
internal sealed record HeatmapPanelData(Matrix<float> Values, string[] RowLabels, string[] ColumnLabels, string? RowTitle, string? ColumnTitle, string? PanelTitle)
{
    public int Rows => Values.RowCount;

    public int Columns => Values.ColumnCount;

    /// <summary>Checks the matrix and resolves the labels: tokens label every dimension whose length they match.</summary>
    public static HeatmapPanelData Create(Matrix<float> matrix, IReadOnlyList<string>? tokens, HeatmapOptions options, string name, string? panelTitle)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.RowCount == 0 || matrix.ColumnCount == 0)
            throw new ArgumentException($"{name} is empty ({Shape.Of(matrix)}): a heatmap needs at least one row and one column.", name);
        for (int i = 0; i < matrix.RowCount; i++)
            for (int j = 0; j < matrix.ColumnCount; j++)
                if (float.IsNaN(matrix[i, j]))
                    throw new ArgumentException($"{name} ({Shape.Of(matrix)}) contains NaN at row {i}, column {j}: a heatmap can only colour numbers (±infinity is drawn as masked).", name);
        ChartText.CheckNotNull(tokens, nameof(tokens), nameof(tokens));
        ChartText.CheckNotNull(options.RowLabels, "options.RowLabels", nameof(options));
        ChartText.CheckNotNull(options.ColumnLabels, "options.ColumnLabels", nameof(options));
        bool rowsAreTokens = false, columnsAreTokens = false;
        if (tokens is not null)
        {
            rowsAreTokens = tokens.Count == matrix.RowCount && options.RowLabels is null;
            columnsAreTokens = tokens.Count == matrix.ColumnCount && options.ColumnLabels is null;
            if (tokens.Count != matrix.RowCount && tokens.Count != matrix.ColumnCount)
                throw new ArgumentException($"{name} is {Shape.Of(matrix)} but {tokens.Count} tokens were given: tokens label the {matrix.RowCount} rows or the {matrix.ColumnCount} columns.", nameof(tokens));
            Labels.Validate(matrix, rowsAreTokens ? tokens : null, columnsAreTokens ? tokens : null, name);
        }
        Labels.Validate(matrix, options.RowLabels, options.ColumnLabels, name);
        string[] rows = (options.RowLabels ?? (rowsAreTokens ? tokens : null) ?? Indices(matrix.RowCount)).Select(Labels.Printable).ToArray();
        string[] columns = (options.ColumnLabels ?? (columnsAreTokens ? tokens : null) ?? Indices(matrix.ColumnCount)).Select(Labels.Printable).ToArray();
        bool attention = rowsAreTokens && columnsAreTokens;
        string? rowTitle = options.RowTitle ?? (attention ? "query" : null);
        string? columnTitle = options.ColumnTitle ?? (attention ? "key" : null);
        return new HeatmapPanelData(matrix.Clone(), rows, columns, NullIfEmpty(rowTitle), NullIfEmpty(columnTitle), panelTitle);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string[] Indices(int count) => Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
}

/// <summary>The colour range shared by every panel of a chart.</summary>
internal readonly record struct ValueRange(double Lo, double Hi)
{
    public double Normalise(double v) => Hi > Lo ? (v - Lo) / (Hi - Lo) : 0.5;

    public static ValueRange For(IEnumerable<Matrix<float>> matrices, HeatmapOptions options)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var m in matrices)
            foreach (float v in m.Enumerate())
                if (float.IsFinite(v))
                {
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }
        if (double.IsInfinity(lo))
            (lo, hi) = (0, 1);                       // nothing finite: every cell is masked
        if (lo == hi)
            (lo, hi) = (Math.Min(0, lo), Math.Max(0, hi) == 0 ? 1 : Math.Max(0, hi));
        if (options.Min is { } min)
            lo = min;
        if (options.Max is { } max)
            hi = max;
        if (!(hi > lo) || !double.IsFinite(lo) || !double.IsFinite(hi))
            throw new ArgumentException($"The colour range must have Min < Max (both finite), but it is [{lo.ToString(CultureInfo.InvariantCulture)}, {hi.ToString(CultureInfo.InvariantCulture)}].", nameof(options));
        return new ValueRange(lo, hi);
    }
}

/// <summary>Geometry of one heatmap panel, measured before drawing so that panels and legend can be placed.</summary>
internal sealed class HeatmapPanelLayout
{
    private const double LabelFontMax = 13;
    private const double Gap = 8;

    public HeatmapPanelLayout(HeatmapPanelData data, HeatmapOptions options)
    {
        Data = data;
        int r = data.Rows, c = data.Columns;
        CellWidth = c <= 8 ? 64 : c <= 16 ? 44 : c <= 32 ? 20 : Math.Max(6, 640.0 / c);
        CellHeight = r <= 8 ? 40 : r <= 16 ? 30 : r <= 32 ? 20 : Math.Max(6, 640.0 / r);
        Decimals = options.ShowValues ? options.Decimals ?? (c <= 8 ? 4 : c <= 16 ? 2 : null) : null;
        if (Decimals is int d)
        {
            if (d is < 0 or > 8)
                throw new ArgumentOutOfRangeException(nameof(options), d, $"Decimals must be between 0 and 8, but is {d}.");
            ValueFont = CellWidth >= 44 && CellHeight >= 24 ? 12 : 10;
            double needed = TextMetrics.Width("-0." + new string('0', d), ValueFont) + 8;
            if (options.Decimals is not null)
                CellWidth = Math.Max(CellWidth, needed);
            if (CellWidth < needed || CellHeight < ValueFont + 4)
                Decimals = null;
            // Huge values (3.4e38 has 39 digits) would spill over their neighbours; their tooltips keep them.
            else if (data.Values.Enumerate().Any(v => TextMetrics.Width(MatrixText.FormatNumber(v, d), ValueFont) > CellWidth))
                Decimals = null;
        }

        RowFont = Math.Clamp(CellHeight * 0.8, 7, LabelFontMax);
        RowStep = (int)Math.Ceiling(RowFont * 1.15 / CellHeight);
        ColumnFont = Math.Clamp(CellWidth * 0.8, 7, LabelFontMax);
        double widestColumnLabel = ShownColumns().Select(j => TextMetrics.Width(ChartText.Shorten(data.ColumnLabels[j], ChartText.LabelLength), ColumnFont)).DefaultIfEmpty(0).Max();
        RotateColumnLabels = widestColumnLabel > CellWidth - 6;
        ColumnStep = RotateColumnLabels
            ? (int)Math.Ceiling(ColumnFont * 1.15 / (0.7071 * CellWidth))
            : 1;
        widestColumnLabel = ShownColumns().Select(j => TextMetrics.Width(ChartText.Shorten(data.ColumnLabels[j], ChartText.LabelLength), ColumnFont)).DefaultIfEmpty(0).Max();
        double widestRowLabel = ShownRows().Select(i => TextMetrics.Width(ChartText.Shorten(data.RowLabels[i], ChartText.LabelLength), RowFont)).DefaultIfEmpty(0).Max();

        PanelTitleHeight = data.PanelTitle is null ? 0 : 24;
        ColumnTitleHeight = data.ColumnTitle is null ? 0 : 18;
        ColumnLabelHeight = RotateColumnLabels ? widestColumnLabel * 0.7071 + ColumnFont * 0.7071 + Gap : ColumnFont + Gap;
        RowTitleWidth = data.RowTitle is null ? 0 : 20;
        GridLeft = RowTitleWidth + widestRowLabel + Gap;
        GridTop = PanelTitleHeight + ColumnTitleHeight + ColumnLabelHeight;
        GridWidth = c * CellWidth;
        GridHeight = r * CellHeight;
        double overhang = RotateColumnLabels ? Math.Max(0, widestColumnLabel * 0.7071 + ColumnFont * 0.5 - CellWidth / 2) : 0;
        double titleWidth = data.PanelTitle is null ? 0 : TextMetrics.Width(ChartText.Display(data.PanelTitle, ChartText.AxisTitleLength), 13, bold: true);
        Width = Math.Max(GridLeft + GridWidth + overhang, GridLeft + GridWidth / 2 + titleWidth / 2);
        Height = GridTop + GridHeight;
    }

    public HeatmapPanelData Data { get; }
    public double CellWidth { get; }
    public double CellHeight { get; }
    public int? Decimals { get; }
    public double ValueFont { get; }
    public double RowFont { get; }
    public double ColumnFont { get; }
    public int RowStep { get; }
    public int ColumnStep { get; }
    public bool RotateColumnLabels { get; }
    public double PanelTitleHeight { get; }
    public double ColumnTitleHeight { get; }
    public double ColumnLabelHeight { get; }
    public double RowTitleWidth { get; }
    public double GridLeft { get; }
    public double GridTop { get; }
    public double GridWidth { get; }
    public double GridHeight { get; }
    public double Width { get; }
    public double Height { get; }

    /// <summary>Rows whose label is drawn: every one, or every RowStep-th when they are too dense (always the last).</summary>
    public IEnumerable<int> ShownRows() => Every(Data.Rows, RowStep);

    /// <summary>Columns whose label is drawn.</summary>
    public IEnumerable<int> ShownColumns() => Every(Data.Columns, ColumnStep);

    private static IEnumerable<int> Every(int count, int step)
    {
        for (int i = 0; i < count; i += Math.Max(1, step))
            yield return i;
    }

    /// <summary>Draws the panel with its top-left corner at (x, y).</summary>
    public XElement Draw(double x, double y, ValueRange range)
    {
        var g = SvgDocument.Group("heatmap-panel", x, y);
        var data = Data;
        if (data.PanelTitle is not null)
            g.Add(SvgDocument.Text(GridLeft + GridWidth / 2, 10, data.PanelTitle, 13, "middle", bold: true, cls: "panel-title", maxLength: ChartText.AxisTitleLength));
        if (data.ColumnTitle is not null)
            g.Add(SvgDocument.Text(GridLeft + GridWidth / 2, PanelTitleHeight + 8, data.ColumnTitle, 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        if (data.RowTitle is not null)
            g.Add(SvgDocument.Text(9, GridTop + GridHeight / 2, data.RowTitle, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        bool tooltips = (long)data.Rows * data.Columns <= 400;
        bool gaps = CellWidth >= 12 && CellHeight >= 12;
        var cells = SvgDocument.Group("cells");
        var values = SvgDocument.Group("values");
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < data.Columns; j++)
            {
                float v = data.Values[i, j];
                bool masked = !float.IsFinite(v);
                string fill = masked ? $"url(#{SvgDocument.Id("masked")})" : ColorScale.At(range.Normalise(v));
                double cx = GridLeft + j * CellWidth, cy = GridTop + i * CellHeight;
                var rect = SvgDocument.Rect(cx, cy, CellWidth, CellHeight, fill, gaps ? Palette.Background : null, "cell");
                string text = MatrixText.FormatNumber(v, Decimals ?? 4);
                if (tooltips)
                    rect.Add(SvgDocument.Tooltip($"{data.RowLabels[i]} → {data.ColumnLabels[j]}: {text}"));
                cells.Add(rect);
                if (Decimals is not null)
                {
                    string color = masked ? Palette.MutedText : ColorScale.TextOn(fill);
                    values.Add(SvgDocument.Text(cx + CellWidth / 2, cy + CellHeight / 2, text, ValueFont, "middle", color, cls: "value"));
                }
            }
        }
        g.Add(cells);
        if (Decimals is not null)
            g.Add(values);

        var rowLabels = SvgDocument.Group("row-labels");
        foreach (int i in ShownRows())
            rowLabels.Add(SvgDocument.Text(GridLeft - Gap, GridTop + (i + 0.5) * CellHeight, data.RowLabels[i], RowFont, "end", cls: "row-label"));
        g.Add(rowLabels);
        var columnLabels = SvgDocument.Group("column-labels");
        foreach (int j in ShownColumns())
        {
            double lx = GridLeft + (j + 0.5) * CellWidth;
            columnLabels.Add(RotateColumnLabels
                ? SvgDocument.Text(lx, GridTop - Gap, data.ColumnLabels[j], ColumnFont, rotate: -45, cls: "column-label")
                : SvgDocument.Text(lx, GridTop - Gap - ColumnFont / 2, data.ColumnLabels[j], ColumnFont, "middle", cls: "column-label"));
        }
        g.Add(columnLabels);
        return g;
    }
}

/// <summary>One heatmap, or a grid of them sharing one colour scale and one legend.</summary>
internal sealed class HeatmapSpec : ChartSpec
{
    private const double Margin = SvgDocument.TitleMargin;
    private const double TitleHeight = 30;
    private const double PanelGapX = 32;
    private const double PanelGapY = 20;
    private const double BarWidth = 14;

    private readonly HeatmapPanelData[] _panels;
    private readonly HeatmapOptions _options;
    private readonly int _columns;
    private readonly bool _grid;

    /// <summary>A heatmap of each panel, <paramref name="columns"/> per row (null: as many as fit in about 1100 pixels, rows balanced).</summary>
    public HeatmapSpec(IReadOnlyList<HeatmapPanelData> panels, HeatmapOptions options, int? columns, bool grid)
    {
        _panels = panels.ToArray();
        _options = options;
        _columns = Math.Clamp(columns ?? DefaultColumns(), 1, _panels.Length);
        _grid = grid;
        Range = ValueRange.For(_panels.Select(p => p.Values), options);
    }

    public ValueRange Range { get; }

    private int DefaultColumns()
    {
        const double target = 1100;
        double slot = _panels.Select(p => new HeatmapPanelLayout(p, _options).Width).Max() + PanelGapX;
        int fit = Math.Max(1, (int)((target + PanelGapX) / slot));
        int rows = (_panels.Length + fit - 1) / fit;
        return (_panels.Length + rows - 1) / rows;
    }

    public override string Kind => _grid ? "heatmaps" : "heatmap";

    public override string Describe() => _grid
        ? $"{_panels.Length} matrices ({string.Join(", ", _panels.Select(p => Shape.Of(p.Values)).Distinct())})"
        : $"a {Shape.Of(_panels[0].Values)} matrix";

    public override SvgDocument RenderSvg(string? title)
    {
        var layouts = _panels.Select(p => new HeatmapPanelLayout(p, _options)).ToArray();
        int gridRows = (layouts.Length + _columns - 1) / _columns;
        double slotWidth = layouts.Max(l => l.Width), slotHeight = layouts.Max(l => l.Height);
        double top = Margin + (title is null ? 0 : TitleHeight);
        double contentWidth = _columns * slotWidth + (_columns - 1) * PanelGapX;
        double contentHeight = gridRows * slotHeight + (gridRows - 1) * PanelGapY;

        // Legend: a vertical colour bar beside the first row of panels, its ticks and (if needed) the masked swatch.
        var (ticks, decimals) = Ticks.Linear(Range.Lo, Range.Hi, 6);
        string[] tickLabels = Ticks.Labels(ticks, Math.Max(decimals, 1));
        bool anyMasked = _panels.Any(p => p.Values.Enumerate().Any(v => !float.IsFinite(v)));
        double barTop = top + layouts[0].GridTop;
        double barHeight = Math.Clamp(layouts[0].GridHeight, 120, 320);
        double tickWidth = tickLabels.Select(l => TextMetrics.Width(l, 11)).DefaultIfEmpty(0).Max();
        double legendWidth = BarWidth + 6 + Math.Max(tickWidth, anyMasked ? TextMetrics.Width("masked", 11) + 4 : 0);
        // Beside the grids of the last column; rotated column labels may reach further right, but only above the bar.
        double legendLeft = Margin + (_columns - 1) * (slotWidth + PanelGapX) + layouts.Max(l => l.GridLeft + l.GridWidth) + 24;
        double legendBottom = barTop + barHeight + (anyMasked ? 30 : 0);

        double width = Math.Max(legendLeft + legendWidth, Margin + contentWidth) + Margin;
        width = SvgDocument.FitTitle(width, title);
        double height = Math.Max(top + contentHeight, legendBottom) + Margin;
        var doc = new SvgDocument(width, height, title ?? (_grid ? "Heatmaps" : "Heatmap"));

        AddDefinitions(doc);
        doc.AddTitle(title);
        for (int k = 0; k < layouts.Length; k++)
        {
            int row = k / _columns, column = k % _columns;
            double x = Margin + column * (slotWidth + PanelGapX);
            double y = top + row * (slotHeight + PanelGapY);
            doc.Root.Add(layouts[k].Draw(x, y, Range));
        }

        var legend = SvgDocument.Group("legend");
        legend.Add(SvgDocument.Rect(legendLeft, barTop, BarWidth, barHeight, $"url(#{SvgDocument.Id("scale")})", Palette.Axis, "colorbar", 0.5));
        for (int k = 0; k < ticks.Length; k++)
        {
            double t = ticks[k];
            double ty = barTop + barHeight * (1 - Range.Normalise(t));
            legend.Add(SvgDocument.Line(legendLeft + BarWidth, ty, legendLeft + BarWidth + 4, ty, Palette.Axis, 1, cls: "tick"));
            legend.Add(SvgDocument.Text(legendLeft + BarWidth + 6, ty, tickLabels[k], 11, fill: Palette.MutedText, cls: "tick-label"));
        }
        if (anyMasked)
        {
            double sy = barTop + barHeight + 12;
            legend.Add(SvgDocument.Rect(legendLeft, sy, BarWidth, BarWidth, $"url(#{SvgDocument.Id("masked")})", Palette.Axis, "masked-swatch", 0.5));
            legend.Add(SvgDocument.Text(legendLeft + BarWidth + 6, sy + BarWidth / 2, "masked", 11, fill: Palette.MutedText, cls: "tick-label"));
        }
        doc.Root.Add(legend);
        return doc;
    }

    private static void AddDefinitions(SvgDocument doc)
    {
        var ns = SvgDocument.Ns;
        var gradient = new XElement(ns + "linearGradient",
            new XAttribute("id", SvgDocument.Id("scale")),
            new XAttribute("x1", "0"), new XAttribute("y1", "1"), new XAttribute("x2", "0"), new XAttribute("y2", "0"));
        foreach (var (position, color) in ColorScale.Stops)
            gradient.Add(new XElement(ns + "stop", new XAttribute("offset", SvgNumber.Format(position * 100) + "%"), new XAttribute("stop-color", color)));
        doc.Defs.Add(gradient);
        doc.Defs.Add(new XElement(ns + "pattern",
            new XAttribute("id", SvgDocument.Id("masked")),
            new XAttribute("width", "6"), new XAttribute("height", "6"),
            new XAttribute("patternUnits", "userSpaceOnUse"),
            new XAttribute("patternTransform", "rotate(45)"),
            SvgDocument.Rect(0, 0, 6, 6, ColorScale.Masked),
            SvgDocument.Line(0, 0, 0, 6, "#cbd5e1", 2)));
    }

    public override (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) RenderPlotly(string? title)
    {
        var layouts = _panels.Select(p => new HeatmapPanelLayout(p, _options)).ToArray();
        int gridRows = (layouts.Length + _columns - 1) / _columns;
        var layout = new PlotlyLayout
        {
            margin = new Margin { l = 90, r = 30, t = title is null ? 90 : 120, b = 30 },
            paper_bgcolor = Palette.Background,
            plot_bgcolor = Palette.Background,
            font = new Font { family = Palette.FontFamily, size = 12, color = Palette.Text },
        };
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        var traces = new List<Trace>();
        var annotations = new List<Annotation>();
        const double gapX = 0.08, gapY = 0.12;
        for (int k = 0; k < layouts.Length; k++)
        {
            var panel = layouts[k];
            var data = panel.Data;
            int row = k / _columns, column = k % _columns;
            string suffix = k == 0 ? "" : (k + 1).ToString(CultureInfo.InvariantCulture);
            double x0 = (double)column / _columns + (column > 0 ? gapX / 2 : 0), x1 = (double)(column + 1) / _columns - (column < _columns - 1 ? gapX / 2 : 0);
            double y1 = 1 - (double)row / gridRows - (row > 0 ? gapY / 2 : 0), y0 = 1 - (double)(row + 1) / gridRows + (row < gridRows - 1 ? gapY / 2 : 0);

            var z = new double?[data.Rows][];
            var hover = new string[data.Rows][];
            for (int i = 0; i < data.Rows; i++)
            {
                z[i] = new double?[data.Columns];
                hover[i] = new string[data.Columns];
                for (int j = 0; j < data.Columns; j++)
                {
                    float v = data.Values[i, j];
                    z[i][j] = float.IsFinite(v) ? PlotlyText.Number(v) : null;
                    string text = MatrixText.FormatNumber(v, panel.Decimals ?? 4);
                    hover[i][j] = PlotlyText.Escape($"{data.RowLabels[i]} → {data.ColumnLabels[j]}: {text}");
                    if (panel.Decimals is not null)
                    {
                        string fill = float.IsFinite(v) ? ColorScale.At(Range.Normalise(v)) : ColorScale.Masked;
                        annotations.Add(new Annotation
                        {
                            text = text, x = j, y = i, xref = "x" + suffix, yref = "y" + suffix, showarrow = false,
                            font = new Font { size = panel.ValueFont, color = float.IsFinite(v) ? ColorScale.TextOn(fill) : Palette.MutedText },
                        });
                    }
                }
            }
            traces.Add(new Heatmap
            {
                z = z, x = Enumerable.Range(0, data.Columns).ToArray(), y = Enumerable.Range(0, data.Rows).ToArray(),
                text = hover, hoverinfo = "text", zmin = Range.Lo, zmax = Range.Hi, zauto = false,
                colorscale = ColorScale.ForPlotly(), showscale = k == 0,
                colorbar = new Colorbar { thickness = 14, outlinewidth = 0 },
                xaxis = "x" + suffix, yaxis = "y" + suffix,
            });
            layout.Extra["xaxis" + suffix] = new Xaxis
            {
                domain = new[] { x0, x1 }, anchor = "y" + suffix, side = "top", tickmode = "array",
                tickvals = Enumerable.Range(0, data.Columns).ToArray(), ticktext = data.ColumnLabels.Select(PlotlyText.Label).ToArray(),
                tickangle = panel.RotateColumnLabels ? -45 : 0, showgrid = false, zeroline = false,
                title = PlotlyText.AxisTitle(data.PanelTitle is null ? data.ColumnTitle ?? "" : data.ColumnTitle is null ? data.PanelTitle : $"{data.PanelTitle} · {data.ColumnTitle}"),
            };
            layout.Extra["yaxis" + suffix] = new Yaxis
            {
                domain = new[] { y0, y1 }, anchor = "x" + suffix, autorange = "reversed", tickmode = "array",
                tickvals = Enumerable.Range(0, data.Rows).ToArray(), ticktext = data.RowLabels.Select(PlotlyText.Label).ToArray(),
                showgrid = false, zeroline = false, title = PlotlyText.AxisTitle(data.RowTitle ?? ""),
            };
        }
        layout.annotations = annotations;
        return (traces, layout);
    }
}
