namespace AttentionNotebooks.Charts.Svg;

/// <summary>
/// Places point labels so they do not overlap each other or the points: for each point in turn, the first of eight
/// positions around it (right, left, above, below, then the diagonals) that collides with nothing already placed,
/// or the one that collides least. Deterministic.
/// </summary>
internal sealed class LabelPlacer
{
    private readonly List<(double X0, double Y0, double X1, double Y1)> _taken = [];

    /// <summary>Marks a point (a circle of radius r) as occupied.</summary>
    public void Occupy(double x, double y, double r) => _taken.Add((x - r, y - r, x + r, y + r));

    /// <summary>
    /// The anchor (x, y is the vertical centre) and text-anchor for a label of the given size next to a point of
    /// radius r, inside the bounds [left, right] × [top, bottom].
    /// </summary>
    public (double X, double Y, string Anchor) Place(double x, double y, double r, double width, double height, double left, double top, double right, double bottom)
    {
        double d = r + 4;
        (double dx, double dy, string anchor)[] candidates =
        [
            (d, 0, "start"), (-d, 0, "end"), (0, -d - height / 2, "middle"), (0, d + height / 2, "middle"),
            (d * 0.8, -d * 0.8 - height / 3, "start"), (-d * 0.8, -d * 0.8 - height / 3, "end"),
            (d * 0.8, d * 0.8 + height / 3, "start"), (-d * 0.8, d * 0.8 + height / 3, "end"),
        ];
        double bestOverlap = double.PositiveInfinity;
        (double X, double Y, string Anchor, (double, double, double, double) Box) best = (x + d, y, "start", (x, y, x, y));
        foreach (var (dx, dy, anchor) in candidates)
        {
            double lx = x + dx, ly = y + dy;
            double x0 = anchor switch { "start" => lx, "end" => lx - width, _ => lx - width / 2 };
            var box = (x0, ly - height / 2, x0 + width, ly + height / 2);
            double overlap = _taken.Sum(t => Overlap(box, t)) + OutOfBounds(box, left, top, right, bottom) * 4;
            if (overlap < bestOverlap - 1e-9)
            {
                bestOverlap = overlap;
                best = (lx, ly, anchor, box);
                if (overlap == 0)
                    break;
            }
        }
        _taken.Add(best.Box);
        return (best.X, best.Y, best.Anchor);
    }

    private static double Overlap((double X0, double Y0, double X1, double Y1) a, (double X0, double Y0, double X1, double Y1) b)
    {
        double w = Math.Min(a.X1, b.X1) - Math.Max(a.X0, b.X0);
        double h = Math.Min(a.Y1, b.Y1) - Math.Max(a.Y0, b.Y0);
        return w > 0 && h > 0 ? w * h : 0;
    }

    private static double OutOfBounds((double X0, double Y0, double X1, double Y1) box, double left, double top, double right, double bottom)
    {
        double area = (box.X1 - box.X0) * (box.Y1 - box.Y0);
        double inside = Overlap(box, (left, top, right, bottom));
        return area - inside;
    }
}
