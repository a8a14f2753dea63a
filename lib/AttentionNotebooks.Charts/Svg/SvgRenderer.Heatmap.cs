using System.Globalization;
using System.Xml.Linq;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

internal static partial class SvgRenderer
{
    private const double ColorBarWidth = 14;

    private const double NoteHeight = 24;

    /// <summary>
    /// The panels in a grid, and a vertical colour bar beside the first row with its ticks, caption and masked swatch;
    /// <paramref name="note"/>, if any, is a line of muted text between the title and the panels; the document is named
    /// by the title, else by <paramref name="documentTitle"/>, else by the kind of chart.
    /// </summary>
    private static SvgDocument Heatmap(HeatmapModel model, string? title, string? note = null, string? documentTitle = null)
    {
        var layouts = model.Panels.Select(p => new HeatmapPanelLayout(p)).ToArray();
        int columns = model.GridColumns, gridRows = model.GridRows;
        double slotWidth = layouts.Max(l => l.Width), slotHeight = layouts.Max(l => l.Height);
        double noteTop = Margin + (title is null ? 0 : TitleHeight);
        double top = noteTop + (note is null ? 0 : NoteHeight);
        double contentWidth = columns * slotWidth + (columns - 1) * HeatmapPanelLayout.PanelGapX;
        double contentHeight = gridRows * slotHeight + (gridRows - 1) * HeatmapPanelLayout.PanelGapY;

        // Legend: a vertical colour bar beside the first row of panels, its ticks and (if needed) the masked swatch.
        var range = model.Range;
        var ticks = model.ColorBarTicks;
        var tickLabels = model.ColorBarTickLabels;
        bool anyMasked = model.AnyMasked;
        string? caption = range.Caption;
        double barTop = top + layouts[0].GridTop;
        double barHeight = Math.Clamp(layouts[0].GridHeight, 120, 320);
        double tickWidth = tickLabels.Select(l => TextMetrics.Width(l, 11)).DefaultIfEmpty(0).Max();
        double barTitleX = ColorBarWidth + 6 + tickWidth + 12;             // centre of the rotated colour bar title, from the bar's left
        double legendWidth = Math.Max(ColorBarWidth + 6 + Math.Max(tickWidth, anyMasked ? TextMetrics.Width("masked", 11) + 4 : 0),
            caption is null ? 0 : TextMetrics.Width(caption, 11) + 2);
        if (model.ColorBarTitle is not null)
            legendWidth = Math.Max(legendWidth, barTitleX + 8);
        // Beside the grids of the last column; rotated column labels may reach further right, but only above the bar.
        double legendLeft = Margin + (columns - 1) * (slotWidth + HeatmapPanelLayout.PanelGapX) + layouts.Max(l => l.GridLeft + l.GridWidth) + 24;
        double captionY = barTop + barHeight + 14;
        double swatchY = barTop + barHeight + 12 + (caption is null ? 0 : 20);
        double legendBottom = caption is null && !anyMasked ? barTop + barHeight : anyMasked ? swatchY + ColorBarWidth + 4 : captionY + 8;
        var scale = model.Scale;
        if (scale.IsMask)
        {
            // Two swatches, visible (white) and hidden (hatched), instead of a colour bar.
            legendWidth = ColorBarWidth + 6 + Math.Max(TextMetrics.Width(scale.VisibleLabel!, 11), TextMetrics.Width(scale.HiddenLabel!, 11)) + 4;
            legendBottom = barTop + 2 * ColorBarWidth + 10;
        }

        double width = Math.Max(legendLeft + legendWidth, Margin + contentWidth) + Margin;
        width = SvgDocument.FitTitle(width, title);
        if (note is not null)
            width = Math.Max(width, Margin * 2 + TextMetrics.Width(ChartText.Display(note, ChartText.TitleLength), 12));
        double height = Math.Max(top + contentHeight, legendBottom) + Margin;
        var doc = new SvgDocument(width, height, title ?? documentTitle ?? (model.Grid ? "Heatmaps" : "Heatmap"));

        AddHeatmapDefinitions(doc, scale.IsMask ? null : scale.Stops);
        doc.AddTitle(title);
        if (note is not null)
            doc.Root.Add(SvgDocument.Text(Margin, noteTop + 6, note, 12, fill: Palette.MutedText, cls: "note", maxLength: ChartText.TitleLength));
        for (int k = 0; k < layouts.Length; k++)
        {
            int row = k / columns, column = k % columns;
            double x = Margin + column * (slotWidth + HeatmapPanelLayout.PanelGapX);
            double y = top + row * (slotHeight + HeatmapPanelLayout.PanelGapY);
            doc.Root.Add(HeatmapPanel(model.Panels[k], layouts[k], x, y));
        }

        var legend = SvgDocument.Group("legend");
        if (scale.IsMask)
        {
            legend.Add(SvgDocument.Rect(legendLeft, barTop, ColorBarWidth, ColorBarWidth, ColorScale.Visible, Palette.Axis, "visible-swatch", 0.5));
            legend.Add(SvgDocument.Text(legendLeft + ColorBarWidth + 6, barTop + ColorBarWidth / 2, scale.VisibleLabel!, 11, fill: Palette.MutedText, cls: "state-label"));
            double hiddenY = barTop + ColorBarWidth + 10;
            legend.Add(SvgDocument.Rect(legendLeft, hiddenY, ColorBarWidth, ColorBarWidth, $"url(#{SvgDocument.Id("masked")})", Palette.Axis, "masked-swatch", 0.5));
            legend.Add(SvgDocument.Text(legendLeft + ColorBarWidth + 6, hiddenY + ColorBarWidth / 2, scale.HiddenLabel!, 11, fill: Palette.MutedText, cls: "state-label"));
            doc.Root.Add(legend);
            return doc;
        }
        legend.Add(SvgDocument.Rect(legendLeft, barTop, ColorBarWidth, barHeight, $"url(#{SvgDocument.Id("scale")})", Palette.Axis, "colorbar", 0.5));
        for (int k = 0; k < ticks.Count; k++)
        {
            double t = ticks[k];
            double ty = barTop + barHeight * (1 - range.Normalise(t));
            legend.Add(SvgDocument.Line(legendLeft + ColorBarWidth, ty, legendLeft + ColorBarWidth + 4, ty, Palette.Axis, 1, cls: "tick"));
            legend.Add(SvgDocument.Text(legendLeft + ColorBarWidth + 6, ty, tickLabels[k], 11, fill: Palette.MutedText, cls: "tick-label"));
        }
        if (model.ColorBarTitle is not null)
            legend.Add(SvgDocument.Text(legendLeft + barTitleX, barTop + barHeight / 2, model.ColorBarTitle, 12, "middle", Palette.MutedText, rotate: -90,
                cls: "colorbar-title", maxLength: ChartText.AxisTitleLength));
        if (caption is not null)
        {
            var group = SvgDocument.Group();
            group.Add(SvgDocument.Tooltip(model.RangeNote!));
            group.Add(SvgDocument.Text(legendLeft, captionY, caption, 11, fill: Palette.MutedText, cls: "range-caption"));
            legend.Add(group);
        }
        if (anyMasked)
        {
            legend.Add(SvgDocument.Rect(legendLeft, swatchY, ColorBarWidth, ColorBarWidth, $"url(#{SvgDocument.Id("masked")})", Palette.Axis, "masked-swatch", 0.5));
            legend.Add(SvgDocument.Text(legendLeft + ColorBarWidth + 6, swatchY + ColorBarWidth / 2, "masked", 11, fill: Palette.MutedText, cls: "tick-label"));
        }
        doc.Root.Add(legend);
        return doc;
    }

    /// <summary>The colour bar's gradient of <paramref name="stops"/> (none for a mask chart, which has no colour bar: null) and the hatch of masked cells.</summary>
    private static void AddHeatmapDefinitions(SvgDocument doc, IReadOnlyList<(double Position, string Color)>? stops)
    {
        var ns = SvgDocument.Ns;
        if (stops is not null)
        {
            var gradient = new XElement(ns + "linearGradient",
                new XAttribute("id", SvgDocument.Id("scale")),
                new XAttribute("x1", "0"), new XAttribute("y1", "1"), new XAttribute("x2", "0"), new XAttribute("y2", "0"));
            foreach (var (position, color) in stops)
                gradient.Add(new XElement(ns + "stop", new XAttribute("offset", SvgNumber.Format(position * 100) + "%"), new XAttribute("stop-color", color)));
            doc.Defs.Add(gradient);
        }
        doc.Defs.Add(new XElement(ns + "pattern",
            new XAttribute("id", SvgDocument.Id("masked")),
            new XAttribute("width", "6"), new XAttribute("height", "6"),
            new XAttribute("patternUnits", "userSpaceOnUse"),
            new XAttribute("patternTransform", "rotate(45)"),
            SvgDocument.Rect(0, 0, 6, 6, ColorScale.Masked),
            SvgDocument.Line(0, 0, 0, 6, "#cbd5e1", 2)));
    }

    /// <summary>Draws one panel with its top-left corner at (x, y): titles, cells (with tooltips when at most 400), values, mask edges and labels.</summary>
    private static XElement HeatmapPanel(HeatmapPanel panel, HeatmapPanelLayout l, double x, double y)
    {
        const double gap = HeatmapPanelLayout.Gap;
        var g = SvgDocument.Group("heatmap-panel", x, y);
        var data = panel.Data;
        if (data.PanelTitle is not null)
            g.Add(SvgDocument.Text(l.GridLeft + l.GridWidth / 2, 10, data.PanelTitle, 13, "middle", bold: true, cls: "panel-title", maxLength: ChartText.AxisTitleLength));
        if (data.ColumnTitle is not null)
            g.Add(SvgDocument.Text(l.GridLeft + l.GridWidth / 2, l.PanelTitleHeight + 8, data.ColumnTitle, 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        if (data.RowTitle is not null)
            g.Add(SvgDocument.Text(9, l.GridTop + l.GridHeight / 2, data.RowTitle, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        bool tooltips = (long)data.Rows * data.Columns <= 400;
        bool gaps = l.CellWidth >= 12 && l.CellHeight >= 12;
        var cells = SvgDocument.Group("cells");
        var values = SvgDocument.Group("values");
        for (int i = 0; i < data.Rows; i++)
        {
            for (int j = 0; j < data.Columns; j++)
            {
                string fill = panel.Fills[i, j] ?? $"url(#{SvgDocument.Id("masked")})";
                double cx = l.GridLeft + j * l.CellWidth, cy = l.GridTop + i * l.CellHeight;
                var rect = SvgDocument.Rect(cx, cy, l.CellWidth, l.CellHeight, fill, gaps ? Palette.Background : null, panel.Fills[i, j] is null ? "cell masked" : "cell");
                if (tooltips)
                    rect.Add(SvgDocument.Tooltip(panel.HoverTexts[i, j]));
                cells.Add(rect);
                if (panel.ShowsValues)
                    values.Add(SvgDocument.Text(cx + l.CellWidth / 2, cy + l.CellHeight / 2, panel.CellTexts[i, j], panel.Fit.ValueFont, "middle", panel.TextColors[i, j], cls: "value"));
            }
        }
        g.Add(cells);
        if (panel.AnyMasked)
            g.Add(MaskEdges(data, l));
        if (panel.ShowsValues)
            g.Add(values);

        var rowLabels = SvgDocument.Group("row-labels");
        foreach (int i in l.ShownRows())
            rowLabels.Add(SvgDocument.Text(l.GridLeft - gap, l.GridTop + (i + 0.5) * l.CellHeight, data.RowLabels[i], l.RowFont, "end", cls: "row-label"));
        g.Add(rowLabels);
        var columnLabels = SvgDocument.Group("column-labels");
        foreach (int j in l.ShownColumns())
        {
            double lx = l.GridLeft + (j + 0.5) * l.CellWidth;
            columnLabels.Add(l.RotateColumnLabels
                ? SvgDocument.Text(lx, l.GridTop - gap, data.ColumnLabels[j], l.ColumnFont, rotate: -45, cls: "column-label")
                : SvgDocument.Text(lx, l.GridTop - gap - l.ColumnFont / 2, data.ColumnLabels[j], l.ColumnFont, "middle", cls: "column-label"));
        }
        g.Add(columnLabels);
        return g;
    }

    /// <summary>The border between masked and unmasked cells (for a causal mask, the staircase along the diagonal), one path.</summary>
    private static XElement MaskEdges(HeatmapPanelData data, HeatmapPanelLayout l)
    {
        var d = new System.Text.StringBuilder();
        void Segment(double x1, double y1, double x2, double y2) =>
            d.Append(CultureInfo.InvariantCulture, $"M{SvgNumber.Format(x1)} {SvgNumber.Format(y1)}L{SvgNumber.Format(x2)} {SvgNumber.Format(y2)}");
        for (int i = 0; i < data.Rows; i++)
            for (int j = 0; j < data.Columns; j++)
            {
                if (!data.IsMasked(i, j))
                    continue;
                double x0 = l.GridLeft + j * l.CellWidth, y0 = l.GridTop + i * l.CellHeight, x1 = x0 + l.CellWidth, y1 = y0 + l.CellHeight;
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
}
