using System.Xml.Linq;

namespace AttentionNotebooks.Charts.Svg;

/// <summary>A numeric axis: its range (starting and ending on ticks), its ticks and their labels, linear or logarithmic.</summary>
internal sealed class Axis
{
    private Axis(double lo, double hi, bool log, double[] ticks, string[] labels)
    {
        Lo = lo;
        Hi = hi;
        IsLog = log;
        TickValues = ticks;
        TickLabels = labels;
    }

    public double Lo { get; }

    public double Hi { get; }

    public bool IsLog { get; }

    public double[] TickValues { get; }

    public string[] TickLabels { get; }

    /// <summary>A linear axis covering [dataLo, dataHi] (and 0 if <paramref name="includeZero"/>), widened to nice ticks.</summary>
    public static Axis Linear(double dataLo, double dataHi, bool includeZero = false, int target = 6, double padding = 0)
    {
        if (includeZero)
        {
            dataLo = Math.Min(dataLo, 0);
            dataHi = Math.Max(dataHi, 0);
        }
        double pad = (dataHi - dataLo) * padding;
        if (!(includeZero && dataLo == 0))
            dataLo -= pad;
        if (!(includeZero && dataHi == 0))
            dataHi += pad;
        var (lo, hi) = Ticks.Expand(dataLo, dataHi, target);
        var (values, decimals) = Ticks.Linear(lo, hi, target);
        return new Axis(lo, hi, false, values, values.Select(v => Ticks.Label(v, decimals)).ToArray());
    }

    /// <summary>
    /// A logarithmic axis covering [dataLo, dataHi] (both positive) with a little room on both sides; ticks at powers
    /// of ten (and 2 and 5 times them when the range spans at most three decades), or at the ends if that gives fewer
    /// than two.
    /// </summary>
    public static Axis Logarithmic(double dataLo, double dataHi)
    {
        if (!(dataHi > dataLo))
            (dataLo, dataHi) = (dataLo / 2, dataHi * 2);
        double lo = dataLo / 1.15, hi = dataHi * 1.15;
        var values = Ticks.Log(lo, hi);
        string[] labels = values.Select(Ticks.LogLabel).ToArray();
        if (values.Length < 2)
        {
            values = [dataLo, dataHi];
            labels = values.Select(v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        return new Axis(lo, hi, true, values, labels);
    }

    /// <summary>
    /// The frame of a 2-D chart: a vertical grid line and label per tick of <paramref name="x"/>, a horizontal one per
    /// tick of <paramref name="y"/>, and the frame around the plot area [left, right] × [top, bottom].
    /// </summary>
    public static XElement Grid(Axis x, Axis y, double left, double top, double right, double bottom)
    {
        var grid = SvgDocument.Group("grid");
        for (int k = 0; k < x.TickValues.Length; k++)
        {
            double tx = x.Map(x.TickValues[k], left, right);
            grid.Add(SvgDocument.Line(tx, top, tx, bottom, Palette.Grid, 1, cls: "gridline"));
            grid.Add(SvgDocument.Text(tx, bottom + 12, x.TickLabels[k], 11, "middle", Palette.MutedText, cls: "tick-label"));
        }
        for (int k = 0; k < y.TickValues.Length; k++)
        {
            double ty = y.Map(y.TickValues[k], bottom, top);
            grid.Add(SvgDocument.Line(left, ty, right, ty, Palette.Grid, 1, cls: "gridline"));
            grid.Add(SvgDocument.Text(left - 6, ty, y.TickLabels[k], 11, "end", Palette.MutedText, cls: "tick-label"));
        }
        grid.Add(SvgDocument.Rect(left, top, right - left, bottom - top, "none", Palette.Axis, "frame"));
        return grid;
    }

    /// <summary>Where <paramref name="value"/> falls between pixel <paramref name="atLo"/> and pixel <paramref name="atHi"/>.</summary>
    public double Map(double value, double atLo, double atHi)
    {
        double t = IsLog
            ? (Math.Log10(value) - Math.Log10(Lo)) / (Math.Log10(Hi) - Math.Log10(Lo))
            : (value - Lo) / (Hi - Lo);
        return atLo + t * (atHi - atLo);
    }
}

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
