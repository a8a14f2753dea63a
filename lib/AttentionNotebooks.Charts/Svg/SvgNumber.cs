using System.Globalization;

namespace AttentionNotebooks.Charts.Svg;

/// <summary>Culture-invariant number text for SVG coordinates: at most 2 decimals, no trailing zeros, never <c>-0</c>.</summary>
internal static class SvgNumber
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
            throw new InvalidOperationException($"An SVG coordinate must be finite, but is {value}.");
        double rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        if (rounded == 0)
            return "0";
        return rounded.ToString("0.##", CultureInfo.InvariantCulture);
    }
}
