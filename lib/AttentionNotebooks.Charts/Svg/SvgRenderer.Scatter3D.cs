using System.Xml.Linq;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

internal static partial class SvgRenderer
{
    private const double Scatter3DPlotSize = 400;
    private const double Azimuth = 40 * Math.PI / 180;
    private const double Elevation = 25 * Math.PI / 180;

    /// <summary>Screen position (x right, y up, unscaled) and depth (larger is farther) of a point of the [-1, 1]³ cube.</summary>
    private static (double U, double V, double Depth) Project3D(double x, double y, double z)
    {
        double u = x * Math.Cos(Azimuth) - y * Math.Sin(Azimuth);         // x runs right, y runs left
        double w = x * Math.Sin(Azimuth) + y * Math.Cos(Azimuth);         // both run away from the viewer
        return (u, z * Math.Cos(Elevation) + w * Math.Sin(Elevation), w * Math.Cos(Elevation) - z * Math.Sin(Elevation));
    }

    /// <summary>
    /// Points in space as an orthographic projection seen from above the corner where x and y are smallest (rotated 40°
    /// about the vertical z axis, tilted 25° down): a floor and two back walls with grid lines and ticks, each point with
    /// a dashed drop line to the floor, nearer points drawn over farther ones.
    /// </summary>
    private static SvgDocument Scatter3D(ScatterModel model, string? title)
    {
        var data = model.Data;
        var axes = Enumerable.Range(0, 3).Select(k => Axis.Linear(data.Coordinates(k).Min(), data.Coordinates(k).Max(), padding: 0.05)).ToArray();
        double N(int k, double v) => (v - axes[k].Lo) / (axes[k].Hi - axes[k].Lo) * 2 - 1;

        // Fit the projected cube into the plot square.
        var corners = (from cx in new[] { -1.0, 1 } from cy in new[] { -1.0, 1 } from cz in new[] { -1.0, 1 } select Project3D(cx, cy, cz)).ToArray();
        double uMin = corners.Min(c => c.U), uMax = corners.Max(c => c.U), vMin = corners.Min(c => c.V), vMax = corners.Max(c => c.V);
        double scale = Scatter3DPlotSize / Math.Max(uMax - uMin, vMax - vMin);
        double top = Margin + (title is null ? 0 : TitleHeight) + 20;
        double left = Margin + 80;
        double width = left + (uMax - uMin) * scale + 110 + Margin;
        double height = top + (vMax - vMin) * scale + 50 + Margin;
        width = SvgDocument.FitTitle(width, title);
        (double X, double Y, double Depth) S(double x, double y, double z)
        {
            var p = Project3D(x, y, z);
            return (left + (p.U - uMin) * scale, top + (vMax - p.V) * scale, p.Depth);
        }
        (double X, double Y) C(double x, double y, double z)
        {
            var p = S(x, y, z);
            return (p.X, p.Y);
        }

        var doc = new SvgDocument(width, height, title ?? "3-D scatter chart");
        doc.AddTitle(title);

        // Back walls: for x and y, the side farther from the viewer; the floor is z = -1.
        double xBack = S(1, 0, 0).Depth > S(-1, 0, 0).Depth ? 1 : -1;
        double yBack = S(0, 1, 0).Depth > S(0, -1, 0).Depth ? 1 : -1;
        var panes = SvgDocument.Group("panes");
        panes.Add(Pane([C(-1, -1, -1), C(1, -1, -1), C(1, 1, -1), C(-1, 1, -1)]));
        panes.Add(Pane([C(xBack, -1, -1), C(xBack, 1, -1), C(xBack, 1, 1), C(xBack, -1, 1)]));
        panes.Add(Pane([C(-1, yBack, -1), C(1, yBack, -1), C(1, yBack, 1), C(-1, yBack, 1)]));
        var gridLines = SvgDocument.Group("grid");
        foreach (double t in axes[0].TickValues.Select(v => N(0, v)))
        {
            AddGridLine(gridLines, C(t, -1, -1), C(t, 1, -1));
            AddGridLine(gridLines, C(t, yBack, -1), C(t, yBack, 1));
        }
        foreach (double t in axes[1].TickValues.Select(v => N(1, v)))
        {
            AddGridLine(gridLines, C(-1, t, -1), C(1, t, -1));
            AddGridLine(gridLines, C(xBack, t, -1), C(xBack, t, 1));
        }
        foreach (double t in axes[2].TickValues.Select(v => N(2, v)))
        {
            AddGridLine(gridLines, C(xBack, -1, t), C(xBack, 1, t));
            AddGridLine(gridLines, C(-1, yBack, t), C(1, yBack, t));
        }
        doc.Root.Add(panes);
        doc.Root.Add(gridLines);

        // Ticks along the front edges of the floor (x and y) and the leftmost vertical edge (z).
        var floorCentre = C(0, 0, -1);
        var ticks = SvgDocument.Group("ticks");
        double xFrontY = -yBack, yFrontX = -xBack;
        var verticals = new[] { (X: -1.0, Y: -1.0), (1, -1), (1, 1), (-1, 1) };
        var zEdge = verticals.OrderBy(e => C(e.X, e.Y, 0).X).First();
        var placed = new List<(double X, double Y)>();
        AxisLabels3D(ticks, placed, axes[2], k => C(zEdge.X, zEdge.Y, N(2, axes[2].TickValues[k])), floorCentre, model.AxisTitles[2], C(zEdge.X, zEdge.Y, 0), vertical: true);
        AxisLabels3D(ticks, placed, axes[0], k => C(N(0, axes[0].TickValues[k]), xFrontY, -1), floorCentre, model.AxisTitles[0], C(0, xFrontY, -1));
        AxisLabels3D(ticks, placed, axes[1], k => C(yFrontX, N(1, axes[1].TickValues[k]), -1), floorCentre, model.AxisTitles[1], C(yFrontX, 0, -1));
        doc.Root.Add(ticks);

        // Points, farthest first, each with a drop line to the floor.
        var items = model.Points.Concat(model.Highlighted is null ? [] : [model.Highlighted])
            .Select(p => (Point: p, Screen: S(N(0, p.Coordinates[0]), N(1, p.Coordinates[1]), N(2, p.Coordinates[2])),
                Floor: C(N(0, p.Coordinates[0]), N(1, p.Coordinates[1]), -1)))
            .OrderByDescending(item => item.Screen.Depth).ThenBy(item => item.Point.Label, StringComparer.Ordinal)
            .ToArray();
        var placer = new LabelPlacer();
        foreach (var item in items)
            placer.Occupy(item.Screen.X, item.Screen.Y, item.Point.Highlight ? HighlightRadius : PointRadius);
        var drops = SvgDocument.Group("drop-lines");
        var points = SvgDocument.Group("points");
        var labels = SvgDocument.Group("labels");
        foreach (var item in items)
        {
            drops.Add(SvgDocument.Line(item.Screen.X, item.Screen.Y, item.Floor.X, item.Floor.Y, Palette.Axis, 1, "3 3", "drop-line"));
            drops.Add(SvgDocument.Circle(item.Floor.X, item.Floor.Y, 2, Palette.Axis, cls: "floor-point"));
            points.Add(PointCircle(item.Point, item.Screen.X, item.Screen.Y));
        }
        foreach (var item in items.Reverse())
        {
            double r = item.Point.Highlight ? HighlightRadius : PointRadius;
            var (lx, ly, anchor) = placer.Place(item.Screen.X, item.Screen.Y, r, PointLabelWidth(item.Point), PointLabelFont, Margin, top - 20, width - Margin, height - Margin);
            labels.Add(PointLabel(item.Point, lx, ly, anchor));
        }
        doc.Root.Add(drops);
        doc.Root.Add(points);
        doc.Root.Add(labels);
        return doc;
    }

    private static XElement Pane((double X, double Y)[] corners)
    {
        var polygon = new XElement(SvgDocument.Ns + "polygon");
        polygon.SetAttributeValue("class", "pane");
        polygon.SetAttributeValue("points", string.Join(" ", corners.Select(c => SvgNumber.Format(c.X) + "," + SvgNumber.Format(c.Y))));
        polygon.SetAttributeValue("fill", "#f8fafc");
        polygon.SetAttributeValue("stroke", Palette.Axis);
        polygon.SetAttributeValue("stroke-width", "1");
        return polygon;
    }

    private static void AddGridLine(XElement group, (double X, double Y) a, (double X, double Y) b) =>
        group.Add(SvgDocument.Line(a.X, a.Y, b.X, b.Y, Palette.Grid, 1, cls: "gridline"));

    /// <summary>
    /// Tick labels pushed away from <paramref name="centre"/> (to the left for the vertical axis), skipping any that
    /// would land on a label already placed (where two axes meet), and the axis title beyond them.
    /// </summary>
    private static void AxisLabels3D(XElement group, List<(double X, double Y)> placed, Axis axis, Func<int, (double X, double Y)> at,
        (double X, double Y) centre, string title, (double X, double Y) middle, bool vertical = false)
    {
        for (int k = 0; k < axis.TickValues.Length; k++)
        {
            var p = at(k);
            var (dx, dy) = Outward(p, centre, vertical);
            string anchor = dx < -0.3 ? "end" : dx > 0.3 ? "start" : "middle";
            var position = (X: p.X + dx * 10, Y: p.Y + dy * 12);
            if (placed.Any(q => Math.Abs(q.X - position.X) < 24 && Math.Abs(q.Y - position.Y) < 12))
                continue;
            placed.Add(position);
            group.Add(SvgDocument.Text(position.X, position.Y, axis.TickLabels[k], 11, anchor, Palette.MutedText, cls: "tick-label"));
        }
        if (vertical)
        {
            group.Add(SvgDocument.Text(middle.X - 44, middle.Y, title, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
            return;
        }
        var (tx, ty) = Outward(middle, centre, vertical);
        string titleAnchor = tx < -0.3 ? "end" : tx > 0.3 ? "start" : "middle";
        group.Add(SvgDocument.Text(middle.X + tx * 34, middle.Y + ty * 34, title, 12, titleAnchor, Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
    }

    private static (double X, double Y) Outward((double X, double Y) p, (double X, double Y) centre, bool vertical)
    {
        if (vertical)
            return (-1, 0);
        double dx = p.X - centre.X, dy = p.Y - centre.Y, length = Math.Sqrt(dx * dx + dy * dy);
        return length < 1e-9 ? (0, 1) : (dx / length, dy / length);
    }
}
