namespace AttentionNotebooks.Charts.Layout;

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

    /// <summary>
    /// A linear axis covering [dataLo, dataHi] (and 0 if <paramref name="includeZero"/>), widened to nice ticks but
    /// never beyond ±<see cref="double.MaxValue"/>. Equal ends are widened by half their size (by 1 around 0).
    /// </summary>
    /// <param name="dataLo">Smallest value, finite.</param>
    /// <param name="dataHi">Largest value, finite.</param>
    /// <param name="includeZero">Whether the axis reaches 0 (bars).</param>
    /// <param name="target">About how many ticks.</param>
    /// <param name="padding">Room added on both sides, as a fraction of the span.</param>
    /// <param name="what">How an error message names the values, e.g. <c>y</c>.</param>
    /// <param name="parameter">The caller's parameter holding them.</param>
    /// <exception cref="ArgumentException">
    /// The values span less than <see cref="Ticks.MinLinearSpan"/> (subnormal doubles), e.g. <c>y: the values span only
    /// 4.94E-324 (from 4.94E-324 to 9.88E-324): …</c>.
    /// </exception>
    public static Axis Linear(double dataLo, double dataHi, bool includeZero = false, int target = 6, double padding = 0,
        string what = "values", string parameter = "values")
    {
        if (includeZero)
        {
            dataLo = Math.Min(dataLo, 0);
            dataHi = Math.Max(dataHi, 0);
        }
        CheckSpan(dataLo, dataHi, what, parameter);
        double span = dataHi - dataLo;
        double pad = double.IsFinite(span) ? span * padding : (dataHi / 2 - dataLo / 2) * padding * 2;
        if (!(includeZero && dataLo == 0))
            dataLo = Math.Max(dataLo - pad, -double.MaxValue);
        if (!(includeZero && dataHi == 0))
            dataHi = Math.Min(dataHi + pad, double.MaxValue);
        var (lo, hi) = Ticks.Expand(dataLo, dataHi, target);
        var (values, decimals) = Ticks.Linear(lo, hi, target);
        return new Axis(lo, hi, false, values, Ticks.Labels(values, decimals));
    }

    /// <summary>Throws unless [lo, hi] can be a linear axis: a span of at least <see cref="Ticks.MinLinearSpan"/>, or one value that is 0 or not subnormal-small.</summary>
    public static void CheckSpan(double lo, double hi, string what, string parameter)
    {
        if (lo == hi && (lo == 0 || Math.Abs(lo) >= Ticks.MinLinearSpan))
            return;
        if (hi - lo >= Ticks.MinLinearSpan)
            return;
        string message = lo == hi
            ? $"{what}: every value is {Show(lo)}: a linear axis around a value below 1e-300 has no room for ticks, as the doubles there are subnormal with too few digits. Rescale the values or use a logarithmic axis."
            : $"{what}: the values span only {Show(hi - lo)} (from {Show(lo)} to {Show(hi)}): a linear axis needs a span of at least 1e-300, as the doubles there are subnormal with too few digits for ticks. Rescale the values or use a logarithmic axis.";
        throw new ArgumentException(message, parameter);
    }

    private static string Show(double v) => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A logarithmic axis covering [dataLo, dataHi] (both positive and finite) with a little room on both sides (but
    /// never beyond the positive doubles); equal ends are widened by a decade each way (two decades on one side at
    /// the ends of the double range). Ticks at powers of ten (and 2 and 5 times them when the range spans at most
    /// three decades; only every few decades beyond twelve), or at the ends if that gives fewer than two.
    /// </summary>
    public static Axis Logarithmic(double dataLo, double dataHi)
    {
        if (!(dataHi > dataLo))
        {
            double v = dataLo;
            (dataLo, dataHi) = (v / 10, v * 10);
            if (double.IsInfinity(dataHi))
                (dataLo, dataHi) = (v / 100, v);
            else if (dataLo < 10 * double.Epsilon)
                (dataLo, dataHi) = (v, v * 100);
        }
        double lo = Math.Max(dataLo / 1.15, double.Epsilon), hi = Math.Min(dataHi * 1.15, double.MaxValue);
        var ticks = Ticks.LogTicks(lo, hi);
        double[] values = ticks.Select(t => t.Value).ToArray();
        string[] labels = ticks.Select(t => t.Label).ToArray();
        if (values.Length < 2)
        {
            values = [dataLo, dataHi];
            labels = values.Select(v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        return new Axis(lo, hi, true, values, labels);
    }

    /// <summary>
    /// A logarithmic axis for bars over [dataLo, dataHi] (both positive and finite): it starts at the largest power of
    /// ten at most half the smallest value, so that the shortest bar still has a visible height (at least log₁₀ 2 of
    /// the axis' decades), and ends a little above the largest. Ticks as <see cref="Logarithmic"/>.
    /// </summary>
    public static Axis LogarithmicBars(double dataLo, double dataHi)
    {
        double lo = Math.Max(Math.Pow(10, Math.Floor(Math.Log10(dataLo / 2))), double.Epsilon);
        double hi = Math.Min(Math.Max(dataHi * 1.15, lo * 10), double.MaxValue);
        var ticks = Ticks.LogTicks(lo, hi);
        double[] values = ticks.Select(t => t.Value).ToArray();
        string[] labels = ticks.Select(t => t.Label).ToArray();
        if (values.Length < 2)
        {
            values = [lo, hi];
            labels = values.Select(v => v.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        return new Axis(lo, hi, true, values, labels);
    }

    /// <summary>
    /// This logarithmic axis with its ticks at <paramref name="values"/> (labelled <c>256</c>, <c>1024</c>, …, up to
    /// 6 significant digits) instead of at powers of ten, e.g. at the sequence lengths a benchmark measured.
    /// </summary>
    public Axis WithTicksAt(IReadOnlyList<double> values) =>
        new(Lo, Hi, IsLog, values.ToArray(), values.Select(v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture)).ToArray());

    /// <summary>Where <paramref name="value"/> falls between pixel <paramref name="atLo"/> and pixel <paramref name="atHi"/>.</summary>
    public double Map(double value, double atLo, double atHi)
    {
        double span = Hi - Lo;
        double t = IsLog
            ? (Math.Log10(value) - Math.Log10(Lo)) / (Math.Log10(Hi) - Math.Log10(Lo))
            : double.IsFinite(span) ? (value - Lo) / span : (value / 2 - Lo / 2) / (Hi / 2 - Lo / 2);
        return atLo + t * (atHi - atLo);
    }
}
