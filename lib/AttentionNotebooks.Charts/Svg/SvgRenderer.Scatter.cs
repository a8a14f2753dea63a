using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

internal static partial class SvgRenderer
{
    private const double ScatterPlotSize = 380;
    private const double PointRadius = 5;
    private const double HighlightRadius = 7;
    private const double PointLabelFont = 13;

    /// <summary>A circle for a point of a scatter chart, with its hover text as tooltip.</summary>
    private static System.Xml.Linq.XElement PointCircle(ScatterPoint point, double x, double y)
    {
        var circle = point.Highlight
            ? SvgDocument.Circle(x, y, HighlightRadius, point.Fill, point.Stroke, "point highlight", 2)
            : SvgDocument.Circle(x, y, PointRadius, point.Fill, Palette.Background, "point");
        circle.Add(SvgDocument.Tooltip(point.HoverText));
        return circle;
    }

    /// <summary>The label of a point of a scatter chart at (x, y), bold for the highlighted point.</summary>
    private static System.Xml.Linq.XElement PointLabel(ScatterPoint point, double x, double y, string anchor) =>
        SvgDocument.Text(x, y, point.Label, PointLabelFont, anchor, point.LabelColor, bold: point.Highlight, cls: point.Highlight ? "point-label highlight" : "point-label");

    /// <summary>The width of a point's label as drawn (cut after 40 characters).</summary>
    private static double PointLabelWidth(ScatterPoint point) =>
        TextMetrics.Width(ChartText.Shorten(point.Label, ChartText.LabelLength), PointLabelFont, point.Highlight);

    /// <summary>Points in the plane on a grid, each labelled where its label overlaps nothing else; the highlighted point drawn last.</summary>
    private static SvgDocument Scatter(ScatterModel model, string? title)
    {
        var data = model.Data;
        var x = Axis.Linear(data.Coordinates(0).Min(), data.Coordinates(0).Max(), padding: 0.05);
        var y = Axis.Linear(data.Coordinates(1).Min(), data.Coordinates(1).Max(), padding: 0.05);
        double tickWidth = y.TickLabels.Select(l => TextMetrics.Width(l, 11)).Max();
        double top = Margin + (title is null ? 0 : TitleHeight) + 8;
        double left = Margin + 20 + tickWidth + 8;
        double right = left + ScatterPlotSize, bottom = top + ScatterPlotSize;
        double width = right + 90 + Margin;                     // room for labels of points near the right edge
        double height = bottom + 20 + 22 + Margin;
        width = SvgDocument.FitTitle(width, title);
        var doc = new SvgDocument(width, height, title ?? "Scatter chart");
        doc.AddTitle(title);

        double X(double v) => x.Map(v, left, right);
        double Y(double v) => y.Map(v, bottom, top);
        doc.Root.Add(Grid(x, y, left, top, right, bottom));
        doc.Root.Add(SvgDocument.Text((left + right) / 2, bottom + 34, model.AxisTitles[0], 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        doc.Root.Add(SvgDocument.Text(Margin + 8, (top + bottom) / 2, model.AxisTitles[1], 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        var placer = new LabelPlacer();
        var screen = model.Points.Select(p => (X: X(p.Coordinates[0]), Y: Y(p.Coordinates[1]))).ToArray();
        foreach (var p in screen)
            placer.Occupy(p.X, p.Y, PointRadius);
        (double X, double Y)? highlight = model.Highlighted is null ? null : (X(model.Highlighted.Coordinates[0]), Y(model.Highlighted.Coordinates[1]));
        if (highlight is { } hp)
            placer.Occupy(hp.X, hp.Y, HighlightRadius);

        var points = SvgDocument.Group("points");
        var labels = SvgDocument.Group("labels");
        for (int i = 0; i < screen.Length; i++)
        {
            points.Add(PointCircle(model.Points[i], screen[i].X, screen[i].Y));
            var (lx, ly, anchor) = placer.Place(screen[i].X, screen[i].Y, PointRadius, PointLabelWidth(model.Points[i]), PointLabelFont, left, top, width - Margin, bottom);
            labels.Add(PointLabel(model.Points[i], lx, ly, anchor));
        }
        if (highlight is { } h)
        {
            points.Add(PointCircle(model.Highlighted!, h.X, h.Y));
            var (lx, ly, anchor) = placer.Place(h.X, h.Y, HighlightRadius, PointLabelWidth(model.Highlighted!), PointLabelFont, left, top, width - Margin, bottom);
            labels.Add(PointLabel(model.Highlighted!, lx, ly, anchor));
        }
        doc.Root.Add(points);
        doc.Root.Add(labels);
        return doc;
    }
}
