using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

/// <summary>
/// Geometry of one heatmap panel in the SVG, measured before drawing so that panels and legend can be placed: where
/// the grid, labels and titles go. What is shown (texts, colours, decimals, rotation) comes from the model.
/// </summary>
internal sealed class HeatmapPanelLayout
{
    /// <summary>Space between the grid and its labels.</summary>
    public const double Gap = 8;

    /// <summary>Horizontal space between panels of a grid.</summary>
    public const double PanelGapX = 32;

    /// <summary>Vertical space between panels of a grid.</summary>
    public const double PanelGapY = 20;

    private HeatmapPanelLayout(HeatmapPanelData data, HeatmapCellFit fit)
    {
        Data = data;
        int r = data.Rows, c = data.Columns;
        CellWidth = fit.CellWidth;
        CellHeight = fit.CellHeight;
        RowFont = Math.Clamp(CellHeight * 0.8, 7, HeatmapCellFit.LabelFontMax);
        RowStep = (int)Math.Ceiling(RowFont * 1.15 / CellHeight);
        ColumnFont = fit.ColumnFont;
        RotateColumnLabels = fit.RotateColumnLabels;
        ColumnStep = RotateColumnLabels
            ? (int)Math.Ceiling(ColumnFont * 1.15 / (0.7071 * CellWidth))
            : 1;
        double widestColumnLabel = ShownColumns().Select(j => TextMetrics.Width(ChartText.Shorten(data.ColumnLabels[j], ChartText.LabelLength), ColumnFont)).DefaultIfEmpty(0).Max();
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

    /// <summary>The layout of a panel of the model.</summary>
    public HeatmapPanelLayout(HeatmapPanel panel) : this(panel.Data, panel.Fit)
    {
    }

    /// <summary>The layout of a panel before the model is complete (to choose how many panels fit in a row).</summary>
    public static HeatmapPanelLayout Measure(HeatmapPanelData data, HeatmapCellFit fit) => new(data, fit);

    public HeatmapPanelData Data { get; }
    public double CellWidth { get; }
    public double CellHeight { get; }
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
}
