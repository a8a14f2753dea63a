using System.Globalization;

namespace AttentionNotebooks.Charts.Svg;

/// <summary>"Nice" axis ticks: multiples of 1, 2, 2.5 or 5 times a power of ten, and their labels.</summary>
internal static class Ticks
{
    /// <summary>Tick values inside [lo, hi] (at most about <paramref name="target"/> of them) and the decimals their labels need.</summary>
    public static (double[] Values, int Decimals) Linear(double lo, double hi, int target = 6)
    {
        if (!(hi > lo))
            return ([lo], DecimalsFor(Math.Abs(lo) > 0 ? Math.Abs(lo) / 10 : 1));
        double step = NiceStep((hi - lo) / Math.Max(1, target - 1));
        long first = (long)Math.Ceiling(lo / step - 1e-9);
        long last = (long)Math.Floor(hi / step + 1e-9);
        var values = new List<double>();
        for (long k = first; k <= last; k++)
            values.Add(Clean(k * step));
        return (values.ToArray(), DecimalsFor(step));
    }

    /// <summary>The range [lo, hi] widened to the nearest ticks outside it, for axes that should start and end on a tick.</summary>
    public static (double Lo, double Hi) Expand(double lo, double hi, int target = 6)
    {
        if (!(hi > lo))
        {
            double pad = lo == 0 ? 1 : Math.Abs(lo) * 0.5;
            return Expand(lo - pad, hi + pad, target);
        }
        double step = NiceStep((hi - lo) / Math.Max(1, target - 1));
        return (Clean(Math.Floor(lo / step + 1e-9) * step), Clean(Math.Ceiling(hi / step - 1e-9) * step));
    }

    /// <summary>Ticks of a logarithmic axis: the powers of ten in [lo, hi], with 2 and 5 times them when that gives too few.</summary>
    public static double[] Log(double lo, double hi)
    {
        int a = (int)Math.Floor(Math.Log10(lo) + 1e-9), b = (int)Math.Ceiling(Math.Log10(hi) - 1e-9);
        var values = new List<double>();
        double[] mantissas = b - a <= 3 ? [1, 2, 5] : [1];
        for (int e = a; e <= b; e++)
            foreach (double m in mantissas)
            {
                double v = m * Math.Pow(10, e);
                if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
                    values.Add(v);
            }
        return values.ToArray();
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

    private static double NiceStep(double raw)
    {
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double m = raw / power;
        double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
        return nice * power;
    }

    private static int DecimalsFor(double step)
    {
        int decimals = 0;
        while (decimals < 10 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6 * Math.Max(1, step * Math.Pow(10, decimals)))
            decimals++;
        return decimals;
    }

    private static double Clean(double v) => Math.Abs(v) < 1e-12 ? 0 : double.Parse(v.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
