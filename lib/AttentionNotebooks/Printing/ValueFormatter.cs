using System.Globalization;

namespace AttentionNotebooks;

/// <summary>
/// Formats the numbers of one matrix or vector with a common style, as PyTorch's <c>_Formatter</c> does: whole numbers
/// only (every finite value is an integer) print as <c>1.</c>, otherwise every value has the same number of decimals;
/// <c>nan</c>, <c>inf</c> and <c>-inf</c> as in Python; a negative zero as zero; never scientific notation.
/// </summary>
internal sealed class ValueFormatter
{
    private readonly string _fixedFormat;

    private ValueFormatter(bool wholeNumbers, int decimals, int width)
    {
        WholeNumbers = wholeNumbers;
        _fixedFormat = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        Width = width;
    }

    /// <summary>True when every finite value is a whole number (PyTorch's int mode).</summary>
    public bool WholeNumbers { get; }

    /// <summary>The width every value is right-aligned to: the longest of the shown values.</summary>
    public int Width { get; }

    /// <summary>The formatter for the values that will be shown (for a summarised matrix, only the edges).</summary>
    public static ValueFormatter For(IEnumerable<float> shown, int decimals)
    {
        var values = shown as IReadOnlyCollection<float> ?? shown.ToArray();
        bool whole = true;
        foreach (float v in values)
        {
            if (float.IsFinite(v) && v != MathF.Floor(v))
            {
                whole = false;
                break;
            }
        }
        var probe = new ValueFormatter(whole, decimals, 0);
        int width = 1;
        foreach (float v in values)
            width = Math.Max(width, probe.Raw(v).Length);
        return new ValueFormatter(whole, decimals, width);
    }

    /// <summary>The value without padding, e.g. <c>0.1385</c>, <c>-0.5000</c>, <c>1.</c>, <c>-inf</c>.</summary>
    public string Raw(float value)
    {
        if (float.IsNaN(value))
            return "nan";
        if (float.IsPositiveInfinity(value))
            return "inf";
        if (float.IsNegativeInfinity(value))
            return "-inf";
        string text = WholeNumbers
            ? ((double)value).ToString("F0", CultureInfo.InvariantCulture) + "."
            : ((double)value).ToString(_fixedFormat, CultureInfo.InvariantCulture);
        return IsNegativeZero(text) ? text[1..] : text;
    }

    /// <summary>The value right-aligned to <see cref="Width"/>.</summary>
    public string Padded(float value) => Raw(value).PadLeft(Width);

    /// <summary>One value on its own, e.g. <c>0.9544</c> (no padding; whole numbers keep their decimals).</summary>
    public static string Single(float value, int decimals)
    {
        var formatter = new ValueFormatter(false, decimals, 0);
        return formatter.Raw(value);
    }

    private static bool IsNegativeZero(string text)
    {
        if (text.Length < 2 || text[0] != '-')
            return false;
        for (int i = 1; i < text.Length; i++)
            if (text[i] is not ('0' or '.'))
                return false;
        return true;
    }
}
