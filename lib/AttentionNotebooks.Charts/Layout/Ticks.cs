using System.Globalization;

namespace AttentionNotebooks.Charts.Layout;

/// <summary>
/// "Nice" axis ticks: multiples of 1, 2, 2.5 or 5 times a power of ten, and their labels. Works over the whole range
/// of finite doubles: a span that overflows (1.7e308 − (−1.7e308) = +∞) is computed from halves, ranges are never
/// widened beyond ±<see cref="double.MaxValue"/>, and every loop is bounded.
/// </summary>
internal static class Ticks
{
    /// <summary>
    /// The smallest span a linear axis accepts. Below it the tick step would be a subnormal double, whose few
    /// significant digits cannot hold nice tick values (5e-324 is the smallest double; 1e-323 is stored as 9.88e-324).
    /// </summary>
    public const double MinLinearSpan = 1e-300;

    /// <summary>Most ticks a linear axis gets; a guard, as the step always gives about <c>target</c>.</summary>
    private const int MaxTicks = 1000;

    /// <summary>Tick values inside [lo, hi] (at most about <paramref name="target"/> of them) and the decimals their labels need (more than 10: use <see cref="Labels"/>).</summary>
    public static (double[] Values, int Decimals) Linear(double lo, double hi, int target = 6)
    {
        if (!(hi > lo))
            return ([lo], DecimalsFor(Math.Abs(lo) > 0 ? Math.Abs(lo) / 10 : 1));
        double step = StepFor(lo, hi, target);
        long first = (long)Math.Ceiling(lo / step - 1e-9);
        long last = (long)Math.Floor(hi / step + 1e-9);
        if (last - first > MaxTicks)
            throw new InvalidOperationException($"The ticks of [{lo.ToString("R", CultureInfo.InvariantCulture)}, {hi.ToString("R", CultureInfo.InvariantCulture)}] with step {step.ToString("R", CultureInfo.InvariantCulture)} would be {last - first + 1}.");
        var values = new List<double>();
        for (long k = first; k <= last; k++)
            values.Add(Clean(k * step, step));
        return (values.ToArray(), DecimalsFor(step));
    }

    /// <summary>The range [lo, hi] widened to the nearest ticks outside it (but not beyond ±<see cref="double.MaxValue"/>), for axes that should start and end on a tick.</summary>
    public static (double Lo, double Hi) Expand(double lo, double hi, int target = 6)
    {
        if (!(hi > lo))
        {
            double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.5;
            (lo, hi) = (Math.Max(lo - pad, -double.MaxValue), Math.Min(hi + pad, double.MaxValue));
            if (!(hi > lo))
                throw new InvalidOperationException($"The range around {lo.ToString("R", CultureInfo.InvariantCulture)} cannot be widened: it is subnormal.");
        }
        double step = StepFor(lo, hi, target);
        double a = Clean(Math.Floor(lo / step + 1e-9) * step, step), b = Clean(Math.Ceiling(hi / step - 1e-9) * step, step);
        return (double.IsFinite(a) ? a : -double.MaxValue, double.IsFinite(b) ? b : double.MaxValue);
    }

    /// <summary>Labels of linear ticks: fixed decimals (<see cref="Label"/>) when those are exact and short, otherwise <c>2.5e-11</c>-style with as many digits as the ticks need to differ.</summary>
    public static string[] Labels(double[] values, int decimals)
    {
        double largest = values.Select(Math.Abs).DefaultIfEmpty(0).Max();
        if (decimals <= 10 && largest * Math.Pow(10, decimals) < 1e15)
            return values.Select(v => Label(v, decimals)).ToArray();
        int digits = 6;
        if (values.Length > 1)
        {
            double step = Math.Abs(values[1] - values[0]);
            digits = Math.Clamp(Exponent(largest) - Exponent(step) + 1, 0, 16);
        }
        return values.Select(v => Scientific(v, digits)).ToArray();
    }

    /// <summary><paramref name="value"/> as <c>-1.5e308</c>: up to <paramref name="digits"/> decimals in the mantissa, trailing zeros dropped.</summary>
    public static string Scientific(double value, int digits)
    {
        if (value == 0)
            return "0";
        string text = value.ToString("E" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        string mantissa = text[..e];
        if (mantissa.Contains('.', StringComparison.Ordinal))
            mantissa = mantissa.TrimEnd('0').TrimEnd('.');
        int exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return mantissa + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Ticks of a logarithmic axis: the powers of ten in [lo, hi], with 2 and 5 times them when that gives too few.</summary>
    public static double[] Log(double lo, double hi) => LogTicks(lo, hi).Select(t => t.Value).ToArray();

    /// <summary>
    /// Ticks of a logarithmic axis over [lo, hi] (positive, finite) and their labels: the powers of ten (every
    /// 2nd, 5th, 10th, … decade when there are more than 12 decades, so that at most about 10 remain), with 2 and 5
    /// times them when the range spans at most three decades. Labels are made from the exact decimal (<c>1e-323</c>,
    /// though the double nearest to it is 9.88e-324).
    /// </summary>
    public static (double Value, string Label)[] LogTicks(double lo, double hi)
    {
        int a = (int)Math.Floor(Math.Log10(lo) + 1e-9), b = (int)Math.Ceiling(Math.Log10(hi) - 1e-9);
        int every = 1;
        if (b - a > 12)
            every = new[] { 2, 5, 10, 20, 25, 50, 100, 200 }.First(s => (b - a) / s <= 10);
        double[] mantissas = b - a <= 3 ? [1, 2, 5] : [1];
        var ticks = new List<(double, string)>();
        for (int e = a; e <= b; e++)
        {
            if (e % every != 0)
                continue;
            foreach (double m in mantissas)
            {
                double v = m * Math.Pow(10, e);
                if (v > 0 && double.IsFinite(v) && v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                    ticks.Add((v, LogLabel(m, e, v)));
            }
        }
        return ticks.ToArray();
    }

    /// <summary>A tick label: fixed decimals, culture-invariant, never <c>-0</c>.</summary>
    public static string Label(double value, int decimals)
    {
        string text = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return text.StartsWith('-') && text.Trim('-', '0', '.').Length == 0 ? text[1..] : text;
    }

    /// <summary>A label for a logarithmic tick: plain digits from 0.001 to 1,000,000, otherwise <c>1e9</c>-style.</summary>
    public static string LogLabel(double value)
    {
        if (value >= 1e-3 && value < 1e6)
            return value.ToString("0.###", CultureInfo.InvariantCulture);
        return value.ToString("0.#e0", CultureInfo.InvariantCulture);
    }

    /// <summary>The label of the tick m·10^e (m is 1, 2 or 5), whose double is <paramref name="value"/>.</summary>
    private static string LogLabel(double m, int e, double value) =>
        value >= 1e-3 && value < 1e6
            ? LogLabel(value)
            : m.ToString(CultureInfo.InvariantCulture) + "e" + e.ToString(CultureInfo.InvariantCulture);

    /// <summary>The nice step for about <paramref name="target"/> ticks over [lo, hi]; the span is taken from halves when it overflows.</summary>
    private static double StepFor(double lo, double hi, int target)
    {
        int intervals = Math.Max(1, target - 1);
        double span = hi - lo;
        double raw = double.IsFinite(span) ? span / intervals : (hi / 2 - lo / 2) / intervals * 2;
        double step = NiceStep(raw);
        return double.IsFinite(step) ? step : double.MaxValue;
    }

    private static double NiceStep(double raw)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double m = raw / power;
        double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
        return nice * power;
    }

    private static int Exponent(double v) => v > 0 ? (int)Math.Floor(Math.Log10(v)) : 0;

    /// <summary>
    /// Decimals the step needs, up to 10; 20 for a step of at most 1e-6, which the test below (an absolute 1e-6)
    /// would take for a whole number, and which fixed decimals cannot show well anyway.
    /// </summary>
    private static int DecimalsFor(double step)
    {
        if (step <= 1e-6)
            return 20;
        int decimals = 0;
        while (decimals < 10 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6 * Math.Max(1, step * Math.Pow(10, decimals)))
            decimals++;
        return decimals;
    }

    /// <summary>A tick value k·step rounded to the decimal it stands for (12 significant digits, more when the ticks are close together relative to their size).</summary>
    private static double Clean(double v, double step)
    {
        if (!double.IsFinite(v))
            return v;
        if (Math.Abs(v) < Math.Min(1e-12, step * 1e-6))
            return 0;
        int digits = Math.Clamp(Exponent(Math.Abs(v)) - Exponent(step) + 3, 12, 17);
        return double.Parse(v.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
