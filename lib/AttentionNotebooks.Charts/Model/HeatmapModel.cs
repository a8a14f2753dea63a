using System.Globalization;
using AttentionNotebooks.Charts.Layout;
using AttentionNotebooks.Charts.Svg;
using MathNet.Numerics.LinearAlgebra;

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

    /// <summary>The most rows, and the most columns, one heatmap panel draws (one cell per value).</summary>
    public const int MaxSide = 160;

    /// <summary>Checks the matrix and resolves the labels: tokens label every dimension whose length they match.</summary>
    public static HeatmapPanelData Create(Matrix<float> matrix, IReadOnlyList<string>? tokens, HeatmapOptions options, string name, string? panelTitle)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.RowCount == 0 || matrix.ColumnCount == 0)
            throw new ArgumentException($"{name} is empty ({Shape.Of(matrix)}): a heatmap needs at least one row and one column.", name);
        if (matrix.RowCount > MaxSide || matrix.ColumnCount > MaxSide)
            throw new ArgumentException(
                $"{name} is {Shape.Of(matrix)}: a heatmap draws at most {MaxSide} rows and {MaxSide} columns (one labelled cell with a tooltip per value; " +
                $"1000x1000 would be an SVG of about 88 MB that takes seconds to draw and that no one can read). Draw a block of it, e.g. " +
                $"{name}.SubMatrix(0, {Math.Min(64, matrix.RowCount)}, 0, {Math.Min(64, matrix.ColumnCount)}), or average it into blocks first.", name);
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

    public static ValueRange For(IReadOnlyList<HeatmapPanelData> panels, HeatmapOptions options, double? center = null)
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
        if (center is double c)
            return Centred(panels, c);
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

    /// <summary>
    /// The range symmetric about <paramref name="center"/> that reaches the unmasked value farthest from it (±1 when
    /// every value equals the centre), both ends taken from the data.
    /// </summary>
    private static ValueRange Centred(IReadOnlyList<HeatmapPanelData> panels, double center)
    {
        double reach = 0;
        foreach (var p in panels)
            for (int i = 0; i < p.Rows; i++)
                for (int j = 0; j < p.Columns; j++)
                    if (!p.IsMasked(i, j))
                        reach = Math.Max(reach, Math.Abs(p.Values[i, j] - center));
        if (reach == 0)
            reach = 1;
        return new ValueRange(center - reach, center + reach, AutoLo: true, AutoHi: true);
    }

    private static string Show(float v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// How a heatmap turns values into colours and what its legend shows: the colour stops (shared by the cells, the
/// SVG's colour bar and Plotly's colorscale), the value a diverging scale is centred on (null for a sequential scale
/// from the data's or the options' range), and whether the chart is a two-state mask, whose legend names the two
/// states (<paramref name="VisibleLabel"/>: white; <paramref name="HiddenLabel"/>: hatched) instead of a colour bar.
/// </summary>
/// <param name="Stops">Colour stops, positions from 0 to 1.</param>
/// <param name="Center">The value drawn in the middle colour, the colour range symmetric about it; or null.</param>
/// <param name="VisibleLabel">For a mask chart, the legend entry of the white cells; null otherwise.</param>
/// <param name="HiddenLabel">For a mask chart, the legend entry of the hatched cells; null otherwise.</param>
internal sealed record HeatmapScale(IReadOnlyList<(double Position, string Color)> Stops, double? Center = null, string? VisibleLabel = null, string? HiddenLabel = null)
{
    /// <summary>The sequential blues of every heatmap: pale for small, dark for large.</summary>
    public static HeatmapScale Sequential { get; } = new(ColorScale.Stops);

    /// <summary>The diverging red–white–blue scale centred on <paramref name="center"/>.</summary>
    public static HeatmapScale DivergingAt(double center) => new(ColorScale.DivergingStops, center);

    /// <summary>A two-state mask: visible cells white, hidden cells hatched grey, named in the legend.</summary>
    public static HeatmapScale Mask { get; } = new([(0, ColorScale.Visible), (1, ColorScale.Visible)], null, "visible (0)", "hidden (1)");

    /// <summary>Whether the chart is a two-state mask (a legend of two swatches, no colour bar).</summary>
    public bool IsMask => VisibleLabel is not null;
}

/// <summary>
/// How big the cells of a panel are drawn and which text fits in them, decided once from the data and options: the
/// decimals of the cell values (null: none written), their font size, and whether the column labels are rotated.
/// Both renderers read these facts; the SVG also sizes its grid with <paramref name="CellWidth"/> and
/// <paramref name="CellHeight"/>.
/// </summary>
/// <param name="CellWidth">Width of a cell in SVG pixels.</param>
/// <param name="CellHeight">Height of a cell in SVG pixels.</param>
/// <param name="Decimals">Decimals of the values written in the cells, or null when no values are written.</param>
/// <param name="ValueFont">Font size of the values in the cells (0 when none are written).</param>
/// <param name="ColumnFont">Font size of the column labels.</param>
/// <param name="RotateColumnLabels">Whether the column labels are too wide for their cells and drawn rotated by 45°.</param>
internal sealed record HeatmapCellFit(double CellWidth, double CellHeight, int? Decimals, double ValueFont, double ColumnFont, bool RotateColumnLabels)
{
    /// <summary>The largest font of row and column labels.</summary>
    public const double LabelFontMax = 13;

    /// <summary>Sizes the cells of <paramref name="data"/> and fits the values and labels into them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The options' decimals are not between 0 and 8.</exception>
    public static HeatmapCellFit For(HeatmapPanelData data, HeatmapOptions options)
    {
        int r = data.Rows, c = data.Columns;
        double cellWidth = c <= 8 ? 64 : c <= 16 ? 44 : c <= 32 ? 20 : Math.Max(6, 640.0 / c);
        double cellHeight = r <= 8 ? 40 : r <= 16 ? 30 : r <= 32 ? 20 : Math.Max(6, 640.0 / r);
        int? decimals = options.ShowValues ? options.Decimals ?? (c <= 8 ? 4 : c <= 16 ? 2 : null) : null;
        double valueFont = 0;
        if (decimals is int d)
        {
            if (d is < 0 or > 8)
                throw new ArgumentOutOfRangeException(nameof(options), d, $"Decimals must be between 0 and 8, but is {d}.");
            valueFont = cellWidth >= 44 && cellHeight >= 24 ? 12 : 10;
            double needed = TextMetrics.Width("-0." + new string('0', d), valueFont) + 8;
            if (options.Decimals is not null)
                cellWidth = Math.Max(cellWidth, needed);
            if (cellWidth < needed || cellHeight < valueFont + 4)
                decimals = null;
            // Huge values (3.4e38 has 39 digits) would spill over their neighbours; their tooltips keep them.
            else if (data.Values.Enumerate().Any(v => TextMetrics.Width(MatrixText.FormatNumber(v, d), valueFont) > cellWidth))
                decimals = null;
        }
        double columnFont = Math.Clamp(cellWidth * 0.8, 7, LabelFontMax);
        double widestColumnLabel = data.ColumnLabels.Select(l => TextMetrics.Width(ChartText.Shorten(l, ChartText.LabelLength), columnFont)).DefaultIfEmpty(0).Max();
        return new HeatmapCellFit(cellWidth, cellHeight, decimals, valueFont, columnFont, widestColumnLabel > cellWidth - 6);
    }
}

/// <summary>
/// One panel of a heatmap as both renderers show it: the checked matrix and labels (<paramref name="Data"/>), how its
/// cells are sized (<paramref name="Fit"/>), and per cell the text written in it, the hover text (the SVG's tooltip,
/// Plotly's hover), the fill colour and the colour of the written value.
/// </summary>
/// <param name="Data">Checked values, labels, titles and mask.</param>
/// <param name="Fit">Cell size, decimals and label rotation.</param>
/// <param name="CellTexts">The value of each cell with <see cref="HeatmapCellFit.Decimals"/> (4 when none are written, for the hover), a masked zero as <c>0</c>.</param>
/// <param name="HoverTexts">What hovering cell (i, j) says: <c>row → column: value</c>, or <c>row → column: masked (value)</c> for a cell the caller masked.</param>
/// <param name="Fills">The colour of each cell on the shared colour scale, or null for a masked cell (drawn hatched grey).</param>
/// <param name="TextColors">The colour of each cell's written value: contrasting with its fill, grey on masked cells.</param>
/// <param name="AnyMasked">Whether any cell is masked.</param>
internal sealed record HeatmapPanel(HeatmapPanelData Data, HeatmapCellFit Fit, CellGrid<string> CellTexts, CellGrid<string> HoverTexts,
    CellGrid<string?> Fills, CellGrid<string> TextColors, bool AnyMasked)
{
    /// <summary>
    /// Describes <paramref name="data"/> with the cell sizing <paramref name="fit"/> on the colour range
    /// <paramref name="range"/> of <paramref name="scale"/> (hover texts of a mask chart say <c>visible</c> or <c>hidden</c>).
    /// </summary>
    public static HeatmapPanel Create(HeatmapPanelData data, HeatmapCellFit fit, ValueRange range, HeatmapScale scale)
    {
        int rows = data.Rows, columns = data.Columns;
        var texts = new CellGrid<string>(rows, columns, (i, j) => CellText(data, i, j, fit.Decimals ?? 4));
        var hovers = new CellGrid<string>(rows, columns, (i, j) =>
            $"{data.RowLabels[i]} → {data.ColumnLabels[j]}: {(scale.IsMask ? (data.IsMarked(i, j) ? "hidden" : "visible") : data.IsMarked(i, j) ? $"masked ({texts[i, j]})" : texts[i, j])}");
        var fills = new CellGrid<string?>(rows, columns, (i, j) => data.IsMasked(i, j) ? null : ColorScale.At(range.Normalise(data.Values[i, j]), scale.Stops));
        var textColors = new CellGrid<string>(rows, columns, (i, j) => fills[i, j] is { } fill ? ColorScale.TextOn(fill) : Palette.MutedText);
        return new HeatmapPanel(data, fit, texts, hovers, fills, textColors, data.AnyMasked());
    }

    /// <summary>Whether values are written in the cells.</summary>
    public bool ShowsValues => Fit.Decimals is not null;

    /// <summary>
    /// The text of cell (i, j): its value with <paramref name="decimals"/>, except that a masked zero is <c>0</c>, as in
    /// the course's diagram of the causal mask.
    /// </summary>
    private static string CellText(HeatmapPanelData data, int i, int j, int decimals)
    {
        float v = data.Values[i, j];
        return data.IsMarked(i, j) && v == 0 ? "0" : MatrixText.FormatNumber(v, decimals);
    }
}

/// <summary>
/// One heatmap, or a grid of them sharing one colour scale and one legend: the panels, how many per row, the colour
/// range with its caption, and the colour bar's title and ticks.
/// </summary>
/// <param name="Panels">The panels, in reading order.</param>
/// <param name="GridColumns">Panels per row.</param>
/// <param name="Grid">Whether the chart is a grid (<c>heatmaps</c>), even of one panel.</param>
/// <param name="Range">The shared colour range and which of its ends come from the data.</param>
/// <param name="ColorBarTitle">Title of the colour bar, or null.</param>
/// <param name="ColorBarTicks">Values of the colour bar's ticks.</param>
/// <param name="ColorBarTickLabels">Their labels.</param>
/// <param name="RangeNote">What the range caption means (its tooltip), or null when the range is fixed.</param>
/// <param name="Scale">The colour stops, the centre of a diverging scale, or the two states of a mask chart.</param>
internal sealed record HeatmapModel(IReadOnlyList<HeatmapPanel> Panels, int GridColumns, bool Grid, ValueRange Range, string? ColorBarTitle,
    IReadOnlyList<double> ColorBarTicks, IReadOnlyList<string> ColorBarTickLabels, string? RangeNote, HeatmapScale Scale) : ChartModel
{
    /// <summary>
    /// Checks the options against the panels and describes them, <paramref name="columns"/> per row (null: as many as
    /// fit in about 1100 pixels, rows balanced).
    /// </summary>
    /// <exception cref="ArgumentException">The colour range is invalid or a value lies outside a fixed one.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The decimals are not between 0 and 8.</exception>
    public static HeatmapModel Create(IReadOnlyList<HeatmapPanelData> panels, HeatmapOptions options, int? columns, bool grid, HeatmapScale? scale = null)
    {
        scale ??= HeatmapScale.Sequential;
        HeatmapCellFit[] fits;
        ValueRange range;
        int gridColumns;
        if (columns is int given)
        {
            range = ValueRange.For(panels, options, scale.Center);
            fits = panels.Select(p => HeatmapCellFit.For(p, options)).ToArray();
            gridColumns = Math.Clamp(given, 1, panels.Count);
        }
        else
        {
            fits = panels.Select(p => HeatmapCellFit.For(p, options)).ToArray();
            gridColumns = Math.Clamp(DefaultColumns(panels, fits), 1, panels.Count);
            range = ValueRange.For(panels, options, scale.Center);
        }
        var (ticks, decimals) = Ticks.Linear(range.Lo, range.Hi, 6);
        string? note = range.Caption is null ? null : scale.Center is double c
            ? $"The colour range is symmetric about {c.ToString(CultureInfo.InvariantCulture)} and reaches the value farthest from it (masked cells left out); it is not fixed."
            : grid
            ? "The colour range runs from the smallest to the largest value of these matrices (masked cells left out); it is not fixed."
            : "The colour range runs from the smallest to the largest value of this matrix (masked cells left out); it is not fixed.";
        var described = panels.Select((p, k) => HeatmapPanel.Create(p, fits[k], range, scale)).ToArray();
        return new HeatmapModel(described, gridColumns, grid, range, string.IsNullOrEmpty(options.ColorBarTitle) ? null : options.ColorBarTitle,
            ticks, Ticks.Labels(ticks, Math.Max(decimals, 1)), note, scale);
    }

    /// <summary>As many panels per row as fit in about 1100 pixels of SVG, with the rows balanced.</summary>
    private static int DefaultColumns(IReadOnlyList<HeatmapPanelData> panels, HeatmapCellFit[] fits)
    {
        const double target = 1100;
        double slot = panels.Select((p, k) => HeatmapPanelLayout.Measure(p, fits[k]).Width).Max() + HeatmapPanelLayout.PanelGapX;
        int fit = Math.Max(1, (int)((target + HeatmapPanelLayout.PanelGapX) / slot));
        int rows = (panels.Count + fit - 1) / fit;
        return (panels.Count + rows - 1) / rows;
    }

    /// <summary>Rows of panels.</summary>
    public int GridRows => (Panels.Count + GridColumns - 1) / GridColumns;

    /// <summary>Whether any cell of any panel is masked (the legend then names the masked swatch).</summary>
    public bool AnyMasked => Panels.Any(p => p.AnyMasked);

    public override string Kind => Scale.IsMask ? "mask" : Grid ? "heatmaps" : "heatmap";

    public override string Describe()
    {
        string shown = Grid
            ? $"{Panels.Count} matrices ({string.Join(", ", Panels.Select(p => Shape.Of(p.Data.Values)).Distinct())})"
            : $"a {Shape.Of(Panels[0].Data.Values)} matrix";
        if (Scale.IsMask)
        {
            int hidden = Panels.Sum(p => Enumerable.Range(0, p.Data.Rows).Sum(i => Enumerable.Range(0, p.Data.Columns).Count(j => p.Data.IsMarked(i, j))));
            return $"{shown} ({hidden} of {Panels.Sum(p => p.Data.Rows * p.Data.Columns)} cells hidden)";
        }
        return Scale.Center is double c ? $"{shown} (diverging colours centred at {c.ToString(CultureInfo.InvariantCulture)})" : shown;
    }
}
