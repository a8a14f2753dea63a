using System.Globalization;
using System.Xml.Linq;
using AttentionNotebooks.Charts.Plotly;
using AttentionNotebooks.Charts.Svg;
using MathNet.Numerics.LinearAlgebra;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts;

/// <summary>
/// One matrix ready to draw: checked values, labels, axis titles, which cells the caller marked as masked
/// (<paramref name="Mask"/>, null for none) and how errors name the matrix (<paramref name="Name"/>).
/// </summary>
internal sealed record HeatmapPanelData(Matrix<float> Values, string[] RowLabels, string[] ColumnLabels, string? RowTitle, string? ColumnTitle, string? PanelTitle,
    bool[,]? Mask = null, string Name = "weights")
{
    public int Rows => Values.RowCount;

    public int Columns => Values.ColumnCount;

    /// <summary>Whether cell (i, j) is drawn masked: marked so by the caller, or ±∞.</summary>
    public bool IsMasked(int i, int j) => (Mask?[i, j] ?? false) || !float.IsFinite(Values[i, j]);

    /// <summary>Whether the caller marked cell (i, j) as masked (a finite value that is not coloured).</summary>
    public bool IsMarked(int i, int j) => Mask?[i, j] ?? false;

    /// <summary>Whether any cell is drawn masked.</summary>
    public bool AnyMasked()
    {
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < Columns; j++)
                if (IsMasked(i, j))
                    return true;
        return false;
    }

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
        bool[,]? mask = null;
        if (options.Causal || options.Masked is not null)
        {
            mask = new bool[matrix.RowCount, matrix.ColumnCount];
            for (int i = 0; i < matrix.RowCount; i++)
                for (int j = 0; j < matrix.ColumnCount; j++)
                    mask[i, j] = (options.Causal && j > i) || (options.Masked?.Invoke(i, j) ?? false);
        }
        return new HeatmapPanelData(matrix.Clone(), rows, columns, NullIfEmpty(rowTitle), NullIfEmpty(columnTitle), panelTitle, mask, name);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static string[] Indices(int count) => Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
}

/// <summary>
/// The colour range shared by every panel of a chart, and which of its ends were taken from the data
/// (<paramref name="AutoLo"/>, <paramref name="AutoHi"/>), which the colour bar says.
/// </summary>
internal readonly record struct ValueRange(double Lo, double Hi, bool AutoLo = false, bool AutoHi = false)
{
    public double Normalise(double v) => Hi > Lo ? (v - Lo) / (Hi - Lo) : 0.5;

    /// <summary>The caption under the colour bar: <c>auto range</c>, <c>auto min</c>, <c>auto max</c>, or null when the range is fixed.</summary>
    public string? Caption => (AutoLo, AutoHi) switch
    {
        (true, true) => "auto range",
        (true, false) => "auto min",
        (false, true) => "auto max",
        _ => null,
    };

    public static ValueRange For(IReadOnlyList<HeatmapPanelData> panels, HeatmapOptions options)
    {
        if (options.Range is { } range)
        {
            if (options.Min is not null || options.Max is not null)
                throw new ArgumentException("options sets both Range and Min or Max: give the colour range one way.", nameof(options));
            if (!float.IsFinite(range.Min) || !float.IsFinite(range.Max) || !(range.Max > range.Min))
                throw new ArgumentException($"options.Range must have Min < Max (both finite), but it is [{Show(range.Min)}, {Show(range.Max)}].", nameof(options));
            double slack = 1e-6 * ((double)range.Max - range.Min);
            foreach (var p in panels)
                for (int i = 0; i < p.Rows; i++)
                    for (int j = 0; j < p.Columns; j++)
                    {
                        float v = p.Values[i, j];
                        if (float.IsFinite(v) && !p.IsMarked(i, j) && (v < range.Min - slack || v > range.Max + slack))
                            throw new ArgumentException($"{p.Name} ({Shape.Of(p.Values)}) has {Show(v)} at row {i}, column {j}, outside the colour range [{Show(range.Min)}, {Show(range.Max)}]: widen the range (options.Range), or set it to null for the range of the data.", p.Name.Split('[', '.')[0]);
                    }
            return new ValueRange(range.Min, range.Max);
        }
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var p in panels)
            for (int i = 0; i < p.Rows; i++)
                for (int j = 0; j < p.Columns; j++)
                    if (!p.IsMasked(i, j))
                    {
                        lo = Math.Min(lo, p.Values[i, j]);
                        hi = Math.Max(hi, p.Values[i, j]);
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
        return new ValueRange(lo, hi, options.Min is null, options.Max is null);
    }

    private static string Show(float v) => v.ToString(CultureInfo.InvariantCulture);
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

    /// <summary>
    /// The text of cell (i, j): its value with <paramref name="decimals"/>, except that a masked zero is <c>0</c>, as in
    /// the course's diagram of the causal mask.
    /// </summary>
    public static string CellText(HeatmapPanelData data, int i, int j, int decimals)
    {
        float v = data.Values[i, j];
        return data.IsMarked(i, j) && v == 0 ? "0" : MatrixText.FormatNumber(v, decimals);
    }

    /// <summary>The border between masked and unmasked cells (for a causal mask, the staircase along the diagonal), one path.</summary>
    private XElement MaskEdges()
    {
        var data = Data;
        var d = new System.Text.StringBuilder();
        void Segment(double x1, double y1, double x2, double y2) =>
            d.Append(CultureInfo.InvariantCulture, $"M{SvgNumber.Format(x1)} {SvgNumber.Format(y1)}L{SvgNumber.Format(x2)} {SvgNumber.Format(y2)}");
        for (int i = 0; i < data.Rows; i++)
            for (int j = 0; j < data.Columns; j++)
            {
                if (!data.IsMasked(i, j))
                    continue;
                double x0 = GridLeft + j * CellWidth, y0 = GridTop + i * CellHeight, x1 = x0 + CellWidth, y1 = y0 + CellHeight;
                if (j > 0 && !data.IsMasked(i, j - 1))
                    Segment(x0, y0, x0, y1);
                if (j < data.Columns - 1 && !data.IsMasked(i, j + 1))
                    Segment(x1, y0, x1, y1);
                if (i > 0 && !data.IsMasked(i - 1, j))
                    Segment(x0, y0, x1, y0);
                if (i < data.Rows - 1 && !data.IsMasked(i + 1, j))
                    Segment(x0, y1, x1, y1);
            }
        var path = new XElement(SvgDocument.Ns + "path");
        path.SetAttributeValue("class", "mask-edge");
        path.SetAttributeValue("d", d.Length == 0 ? "M0 0" : d.ToString());
        path.SetAttributeValue("fill", "none");
        path.SetAttributeValue("stroke", Palette.MutedText);
        path.SetAttributeValue("stroke-width", "1.5");
        path.SetAttributeValue("stroke-linecap", "square");
        return path;
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
                bool masked = data.IsMasked(i, j);
                string fill = masked ? $"url(#{SvgDocument.Id("masked")})" : ColorScale.At(range.Normalise(v));
                double cx = GridLeft + j * CellWidth, cy = GridTop + i * CellHeight;
                var rect = SvgDocument.Rect(cx, cy, CellWidth, CellHeight, fill, gaps ? Palette.Background : null, masked ? "cell masked" : "cell");
                string text = CellText(data, i, j, Decimals ?? 4);
                if (tooltips)
                    rect.Add(SvgDocument.Tooltip($"{data.RowLabels[i]} → {data.ColumnLabels[j]}: {(data.IsMarked(i, j) ? $"masked ({text})" : text)}"));
                cells.Add(rect);
                if (Decimals is not null)
                {
                    string color = masked ? Palette.MutedText : ColorScale.TextOn(fill);
                    values.Add(SvgDocument.Text(cx + CellWidth / 2, cy + CellHeight / 2, text, ValueFont, "middle", color, cls: "value"));
                }
            }
        }
        g.Add(cells);
        if (data.AnyMasked())
            g.Add(MaskEdges());
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
    private readonly string? _colorBarTitle;

    /// <summary>A heatmap of each panel, <paramref name="columns"/> per row (null: as many as fit in about 1100 pixels, rows balanced).</summary>
    public HeatmapSpec(IReadOnlyList<HeatmapPanelData> panels, HeatmapOptions options, int? columns, bool grid)
    {
        _panels = panels.ToArray();
        _options = options;
        _columns = Math.Clamp(columns ?? DefaultColumns(), 1, _panels.Length);
        _grid = grid;
        Range = ValueRange.For(_panels, options);
        _colorBarTitle = string.IsNullOrEmpty(options.ColorBarTitle) ? null : options.ColorBarTitle;
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
        bool anyMasked = _panels.Any(p => p.AnyMasked());
        string? caption = Range.Caption;
        double barTop = top + layouts[0].GridTop;
        double barHeight = Math.Clamp(layouts[0].GridHeight, 120, 320);
        double tickWidth = tickLabels.Select(l => TextMetrics.Width(l, 11)).DefaultIfEmpty(0).Max();
        double barTitleX = BarWidth + 6 + tickWidth + 12;             // centre of the rotated colour bar title, from the bar's left
        double legendWidth = Math.Max(BarWidth + 6 + Math.Max(tickWidth, anyMasked ? TextMetrics.Width("masked", 11) + 4 : 0),
            caption is null ? 0 : TextMetrics.Width(caption, 11) + 2);
        if (_colorBarTitle is not null)
            legendWidth = Math.Max(legendWidth, barTitleX + 8);
        // Beside the grids of the last column; rotated column labels may reach further right, but only above the bar.
        double legendLeft = Margin + (_columns - 1) * (slotWidth + PanelGapX) + layouts.Max(l => l.GridLeft + l.GridWidth) + 24;
        double captionY = barTop + barHeight + 14;
        double swatchY = barTop + barHeight + 12 + (caption is null ? 0 : 20);
        double legendBottom = caption is null && !anyMasked ? barTop + barHeight : anyMasked ? swatchY + BarWidth + 4 : captionY + 8;

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
        if (_colorBarTitle is not null)
            legend.Add(SvgDocument.Text(legendLeft + barTitleX, barTop + barHeight / 2, _colorBarTitle, 12, "middle", Palette.MutedText, rotate: -90,
                cls: "colorbar-title", maxLength: ChartText.AxisTitleLength));
        if (caption is not null)
        {
            var group = SvgDocument.Group();
            group.Add(SvgDocument.Tooltip(_grid
                ? "The colour range runs from the smallest to the largest value of these matrices (masked cells left out); it is not fixed."
                : "The colour range runs from the smallest to the largest value of this matrix (masked cells left out); it is not fixed."));
            group.Add(SvgDocument.Text(legendLeft, captionY, caption, 11, fill: Palette.MutedText, cls: "range-caption"));
            legend.Add(group);
        }
        if (anyMasked)
        {
            legend.Add(SvgDocument.Rect(legendLeft, swatchY, BarWidth, BarWidth, $"url(#{SvgDocument.Id("masked")})", Palette.Axis, "masked-swatch", 0.5));
            legend.Add(SvgDocument.Text(legendLeft + BarWidth + 6, swatchY + BarWidth / 2, "masked", 11, fill: Palette.MutedText, cls: "tick-label"));
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

    /// <summary>The Plotly colour bar's title: the colour bar title and, when the range comes from the data, what the SVG's caption says.</summary>
    private string ColorBarTitleForPlotly()
    {
        string label = _colorBarTitle is null ? "" : PlotlyText.AxisTitle(_colorBarTitle);
        return Range.Caption is { } caption ? (label.Length == 0 ? caption : $"{label} ({caption})") : label;
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
                    bool masked = data.IsMasked(i, j);
                    z[i][j] = masked ? null : PlotlyText.Number(v);
                    string text = HeatmapPanelLayout.CellText(data, i, j, panel.Decimals ?? 4);
                    hover[i][j] = PlotlyText.Escape($"{data.RowLabels[i]} → {data.ColumnLabels[j]}: {(data.IsMarked(i, j) ? $"masked ({text})" : text)}");
                    if (panel.Decimals is not null)
                    {
                        string fill = masked ? ColorScale.Masked : ColorScale.At(Range.Normalise(v));
                        annotations.Add(new Annotation
                        {
                            text = text, x = j, y = i, xref = "x" + suffix, yref = "y" + suffix, showarrow = false,
                            font = new Font { size = panel.ValueFont, color = masked ? Palette.MutedText : ColorScale.TextOn(fill) },
                        });
                    }
                }
            }
            traces.Add(new Heatmap
            {
                z = z, x = Enumerable.Range(0, data.Columns).ToArray(), y = Enumerable.Range(0, data.Rows).ToArray(),
                text = hover, hoverinfo = "text", zmin = Range.Lo, zmax = Range.Hi, zauto = false,
                colorscale = ColorScale.ForPlotly(), showscale = k == 0,
                colorbar = new Colorbar { thickness = 14, outlinewidth = 0, title = ColorBarTitleForPlotly(), titleside = "right" },
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
        if (_panels.Any(p => p.AnyMasked()))
        {
            // Masked cells are gaps in the heatmap, so the plot's background shows through them: the masked grey.
            layout.plot_bgcolor = ColorScale.Masked;
            annotations.Add(new Annotation
            {
                text = "grey cells: masked", x = 1, y = -0.02, xref = "paper", yref = "paper", xanchor = "right", yanchor = "top",
                showarrow = false, font = new Font { size = 11, color = Palette.MutedText },
            });
            layout.margin.b = 50;
        }
        layout.annotations = annotations;
        return (traces, layout);
    }
}
