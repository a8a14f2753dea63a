using System.Globalization;
using AttentionNotebooks.Charts.Layout;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

internal static partial class PlotlyRenderer
{
    /// <summary>One Plotly heatmap per panel on its own axis pair, the values as annotations, masked cells as gaps over a
    /// grey background; <paramref name="width"/> is the chart's width in pixels.</summary>
    private static (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) Heatmap(HeatmapModel model, string? title, int width)
    {
        int columns = model.GridColumns, gridRows = model.GridRows;
        // Top to bottom, as in the SVG: the title (top left), the column title, the column labels (rotated ones are
        // taller), the grid. The top margin holds all of them, so that the title never overlaps the axis title.
        var firstRow = model.Panels.Take(columns).ToArray();
        double axisBand = firstRow.Max(p => ColumnLabelBand(p.Data, p.Fit));
        // Left of the first column: its row labels and row title (90 pixels at least, as the charts had before).
        double left = Math.Max(90, Math.Ceiling(RowLabelBand(model.Panels.Where((_, k) => k % columns == 0))) + 6);
        var layout = BaseLayout(new Margin { l = left, r = 30, t = TitleBand(title) + axisBand, b = 30 });
        AddTitle(layout, title);
        var traces = new List<Trace>();
        var annotations = new List<Annotation>();
        // Between two columns of panels: the right one's row labels and row title (notebook 7's "layer 0  [CLS]"), or
        // 8 % of the plot's width if that is more.
        const double gapY = 0.12;
        double gapX = Math.Max(0.08, RowLabelBand(model.Panels.Where((_, k) => k % columns > 0)) / Math.Max(1, width - layout.margin.l - layout.margin.r));
        for (int k = 0; k < model.Panels.Count; k++)
        {
            var panel = model.Panels[k];
            var data = panel.Data;
            int row = k / columns, column = k % columns;
            string suffix = k == 0 ? "" : (k + 1).ToString(CultureInfo.InvariantCulture);
            double x0 = (double)column / columns + (column > 0 ? gapX / 2 : 0), x1 = (double)(column + 1) / columns - (column < columns - 1 ? gapX / 2 : 0);
            double y1 = 1 - (double)row / gridRows - (row > 0 ? gapY / 2 : 0), y0 = 1 - (double)(row + 1) / gridRows + (row < gridRows - 1 ? gapY / 2 : 0);

            var z = new double?[data.Rows][];
            var hover = new string[data.Rows][];
            for (int i = 0; i < data.Rows; i++)
            {
                z[i] = new double?[data.Columns];
                hover[i] = new string[data.Columns];
                for (int j = 0; j < data.Columns; j++)
                {
                    z[i][j] = panel.Fills[i, j] is null ? null : PlotlyText.Number(data.Values[i, j]);
                    hover[i][j] = PlotlyText.Escape(panel.HoverTexts[i, j]);
                    if (panel.ShowsValues)
                        annotations.Add(new Annotation
                        {
                            text = panel.CellTexts[i, j], x = j, y = i, xref = "x" + suffix, yref = "y" + suffix, showarrow = false,
                            font = new Font { size = panel.Fit.ValueFont, color = panel.TextColors[i, j] },
                        });
                }
            }
            traces.Add(new Heatmap
            {
                z = z, x = Enumerable.Range(0, data.Columns).ToArray(), y = Enumerable.Range(0, data.Rows).ToArray(),
                text = hover, hoverinfo = "text", zmin = model.Range.Lo, zmax = model.Range.Hi, zauto = false,
                colorscale = ColorScale.ForPlotly(model.Scale.Stops), showscale = k == 0 && !model.Scale.IsMask,
                // Rotated column labels lean right, past the grid's last column: the colour bar keeps clear of them.
                colorbar = new Colorbar { thickness = 14, outlinewidth = 0, title = ColorBarTitle(model), titleside = "right", xpad = ColorBarPad(model) },
                xaxis = "x" + suffix, yaxis = "y" + suffix,
            });
            layout.Extra["xaxis" + suffix] = new Xaxis
            {
                domain = new[] { x0, x1 }, anchor = "y" + suffix, side = "top", tickmode = "array",
                tickvals = Enumerable.Range(0, data.Columns).ToArray(), ticktext = data.ColumnLabels.Select(PlotlyText.Label).ToArray(),
                tickangle = panel.Fit.RotateColumnLabels ? -45 : 0, showgrid = false, zeroline = false,
                title = PlotlyText.AxisTitle(data.PanelTitle is null ? data.ColumnTitle ?? "" : data.ColumnTitle is null ? data.PanelTitle : $"{data.PanelTitle} · {data.ColumnTitle}"),
            };
            layout.Extra["yaxis" + suffix] = new Yaxis
            {
                domain = new[] { y0, y1 }, anchor = "x" + suffix, autorange = "reversed", tickmode = "array",
                tickvals = Enumerable.Range(0, data.Rows).ToArray(), ticktext = data.RowLabels.Select(PlotlyText.Label).ToArray(),
                showgrid = false, zeroline = false, title = PlotlyText.AxisTitle(data.RowTitle ?? ""),
            };
        }
        if (model.AnyMasked)
        {
            // Masked cells are gaps in the heatmap, so the plot's background shows through them: the masked grey.
            layout.plot_bgcolor = ColorScale.Masked;
            annotations.Add(new Annotation
            {
                text = model.Scale.IsMask ? $"white cells: {model.Scale.VisibleLabel}, grey cells: {model.Scale.HiddenLabel}" : "grey cells: masked", x = 1, y = -0.02, xref = "paper", yref = "paper", xanchor = "right", yanchor = "top",
                showarrow = false, font = new Font { size = 11, color = Palette.MutedText },
            });
            layout.margin.b = 50;
        }
        layout.annotations = annotations;
        return (traces, layout);
    }

    /// <summary>Plotly's font size of tick labels (the layout's font).</summary>
    private const double TickFont = 12;

    /// <summary>The band above a heatmap's grid for its column labels (rotated by 45° when the model says so) and its column title, in pixels.</summary>
    private static double ColumnLabelBand(HeatmapPanelData data, HeatmapCellFit fit)
    {
        double labels = fit.RotateColumnLabels
            ? WidestLabel(data.ColumnLabels) * Sin45 + 8
            : TickFont + 10;
        bool axisTitle = data.PanelTitle is not null || data.ColumnTitle is not null;
        return labels + (axisTitle ? 22 : 0);
    }

    /// <summary>The band left of a heatmap's grid for the row labels and row title of <paramref name="panels"/>, in
    /// pixels (0 for none): the widest label, the tick and a gap, and the title's line.</summary>
    private static double RowLabelBand(IEnumerable<HeatmapPanel> panels) => panels
        .Select(p => WidestLabel(p.Data.RowLabels) + 14 + (p.Data.RowTitle is null ? 0 : 22))
        .DefaultIfEmpty(0).Max();

    /// <summary>
    /// The colour bar's padding from the plot, in pixels: Plotly's 10, or the reach of the last column's label past
    /// the grid when the labels are rotated (a label of width w, rotated by 45° from its tick at the middle of the last
    /// cell, reaches w·sin 45° right of the tick; the cell's width is the SVG's, which the live chart shares).
    /// </summary>
    private static double ColorBarPad(HeatmapModel model)
    {
        double reach = model.Panels
            .Where(p => p.Fit.RotateColumnLabels && p.Data.Columns > 0)
            .Select(p => TextMetrics.Width(PlotlyText.Shown(PlotlyText.Label(p.Data.ColumnLabels[^1])), TickFont) * Sin45 + TickFont * Sin45 - p.Fit.CellWidth / 2)
            .DefaultIfEmpty(0).Max();
        return Math.Max(10, Math.Ceiling(reach) + 10);
    }

    private const double Sin45 = 0.7071;

    private static double WidestLabel(IReadOnlyList<string> labels) =>
        labels.Select(l => TextMetrics.Width(PlotlyText.Shown(PlotlyText.Label(l)), TickFont)).DefaultIfEmpty(0).Max();

    /// <summary>The colour bar's title: the model's colour bar title and, when the range comes from the data, its caption (the SVG writes it under the bar).</summary>
    private static string ColorBarTitle(HeatmapModel model)
    {
        string label = model.ColorBarTitle is null ? "" : PlotlyText.AxisTitle(model.ColorBarTitle);
        return model.Range.Caption is { } caption ? (label.Length == 0 ? caption : $"{label} ({caption})") : label;
    }
}
