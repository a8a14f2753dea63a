using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

internal static partial class SvgRenderer
{
    private const double BarPlotHeight = 240;
    private const double BarLabelFont = 13;

    private static Axis BarAxis(BarModel model) => model.Log
        ? Axis.LogarithmicBars(model.Values.Min(), model.Values.Max())
        : Axis.Linear(model.Values.Min(), model.Values.Max(), includeZero: true, target: 6, padding: 0.08);

    /// <summary>The bars on a value axis with grid lines; the plot spans the chart's width (a long title widens the bars), long labels are rotated.</summary>
    private static SvgDocument Bar(BarModel model, string? title)
    {
        int n = model.Values.Count;
        var axis = BarAxis(model);
        double tickFont = BarModel.ValueFont;
        double tickWidth = axis.TickLabels.Select(l => TextMetrics.Width(l, tickFont)).Max();
        double labelFont = Math.Clamp(model.Slot * 0.8, 8, BarLabelFont);
        double widestLabel = model.Labels.Select(l => TextMetrics.Width(ChartText.Shorten(l, ChartText.LabelLength), labelFont)).Max();
        double legendHeight = model.HighlightLabel is null ? 0 : 22;
        double top = Margin + (title is null ? 0 : TitleHeight) + legendHeight + 16;   // room for the value above the tallest bar
        double left = Margin + (model.YTitle is null ? 0 : 20) + tickWidth + 8;
        double legendWidth = model.HighlightLabel is null ? 0 : 18 + TextMetrics.Width(ChartText.Display(model.HighlightLabel, ChartText.AxisTitleLength), 12);
        // The plot fills the chart's width: the slots widen when the title or the legend is wider than the bars.
        double width = SvgDocument.FitTitle(Math.Max(left + n * model.Slot, left + legendWidth) + Margin, title);
        double slot = Math.Max(model.Slot, (width - Margin - left) / n);
        bool rotate = widestLabel > slot - 6;
        if (rotate && Margin + widestLabel * 0.7071 + labelFont - slot / 2 > left)
        {
            left = Margin + widestLabel * 0.7071 + labelFont - slot / 2;
            width = SvgDocument.FitTitle(Math.Max(left + n * model.Slot, left + legendWidth) + Margin, title);
            slot = Math.Max(model.Slot, (width - Margin - left) / n);
        }
        double labelHeight = rotate ? widestLabel * 0.7071 + labelFont : labelFont + 6;
        double plotWidth = n * slot;
        double bottom = top + BarPlotHeight;
        double height = bottom + 8 + labelHeight + (model.XTitle is null ? 0 : 22) + Margin;
        var doc = new SvgDocument(width, height, title ?? "Bar chart");
        doc.AddTitle(title);
        if (model.HighlightLabel is not null)
        {
            double ly = top - 16 - legendHeight / 2 - 2;
            var legend = SvgDocument.Group("legend");
            legend.Add(SvgDocument.Rect(left, ly - 6, 12, 12, Palette.Highlight, cls: "legend-swatch"));
            legend.Add(SvgDocument.Text(left + 18, ly, model.HighlightLabel, 12, fill: Palette.Text, cls: "legend-label", maxLength: ChartText.AxisTitleLength));
            doc.Root.Add(legend);
        }

        double Y(double v) => axis.Map(v, bottom, top);
        var grid = SvgDocument.Group("grid");
        for (int k = 0; k < axis.TickValues.Length; k++)
        {
            double ty = Y(axis.TickValues[k]);
            grid.Add(SvgDocument.Line(left, ty, left + plotWidth, ty, axis.TickValues[k] == 0 || (model.Log && k == 0 && axis.TickValues[k] == axis.Lo) ? Palette.Axis : Palette.Grid, 1, cls: "gridline"));
            grid.Add(SvgDocument.Text(left - 6, ty, axis.TickLabels[k], tickFont, "end", Palette.MutedText, cls: "tick-label"));
        }
        doc.Root.Add(grid);
        if (model.YTitle is not null)
            doc.Root.Add(SvgDocument.Text(Margin + 8, (top + bottom) / 2, model.YTitle, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        var bars = SvgDocument.Group("bars");
        var values = SvgDocument.Group("values");
        var labels = SvgDocument.Group("labels");
        double zero = model.Log ? bottom : Y(0);                // log bars stand on the axis' first decade
        double w = Math.Min(slot * 0.7, 120);
        for (int i = 0; i < n; i++)
        {
            double v = model.Values[i];
            double x = left + (i + 0.5) * slot - w / 2;
            double y0 = Math.Min(Y(v), zero), y1 = Math.Max(Y(v), zero);
            var bar = SvgDocument.Rect(x, y0, w, Math.Max(y1 - y0, 0.5), model.Colors[i], cls: model.IsHighlighted(i) ? "bar highlight" : "bar");
            bar.Add(SvgDocument.Tooltip(model.HoverTexts[i]));
            bars.Add(bar);
            if (model.ValueTexts[i] is { } text)
            {
                double vy = v >= 0 ? y0 - 8 : y1 + 8;
                values.Add(SvgDocument.Text(x + w / 2, vy, text, tickFont, "middle", Palette.Text, cls: "value"));
            }
            double cx = left + (i + 0.5) * slot;
            labels.Add(rotate
                ? SvgDocument.Text(cx, bottom + 10, model.Labels[i], labelFont, "end", rotate: -45, cls: "label")
                : SvgDocument.Text(cx, bottom + 8 + labelFont / 2, model.Labels[i], labelFont, "middle", bold: model.IsHighlighted(i), cls: "label"));
        }
        doc.Root.Add(bars);
        doc.Root.Add(values);
        doc.Root.Add(labels);
        if (model.XTitle is not null)
            doc.Root.Add(SvgDocument.Text(left + plotWidth / 2, height - Margin - 8, model.XTitle, 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        return doc;
    }
}
