using System.Globalization;

namespace AttentionNotebooks.Charts.Layout;

/// <summary>
/// The sequential colour scale of every heatmap: pale for small values, dark blue for large ones, with luminance
/// strictly decreasing, so darker always means more attention. Interpolated linearly in sRGB between nine stops
/// (ColorBrewer's "Blues"), the same stops the Plotly chart is given.
/// </summary>
internal static class ColorScale
{
    public static readonly (double Position, string Color)[] Stops =
    [
        (0.000, "#f7fbff"), (0.125, "#deebf7"), (0.250, "#c6dbef"), (0.375, "#9ecae1"), (0.500, "#6baed6"),
        (0.625, "#4292c6"), (0.750, "#2171b5"), (0.875, "#08519c"), (1.000, "#08306b"),
    ];

    /// <summary>
    /// The diverging colour scale of charts centred on a value (e.g. weights relative to uniform, centred at 1): red
    /// below the centre, near-white at it, blue above it, so that blue still means more attention. Nine stops
    /// (ColorBrewer's "RdBu", ordered from red to blue).
    /// </summary>
    public static readonly (double Position, string Color)[] DivergingStops =
    [
        (0.000, "#b2182b"), (0.125, "#d6604d"), (0.250, "#f4a582"), (0.375, "#fddbc7"), (0.500, "#f7f7f7"),
        (0.625, "#d1e5f0"), (0.750, "#92c5de"), (0.875, "#4393c3"), (1.000, "#2166ac"),
    ];

    /// <summary>The one fill of the visible cells of a mask chart: white, beside the hatched grey of hidden cells.</summary>
    public const string Visible = "#ffffff";

    /// <summary>Fill for cells that hold ±∞ (masked positions).</summary>
    public const string Masked = "#e5e7eb";

    /// <summary>Text colour on light fills: black, so that white or black always reaches a contrast of at least 4.5:1 (WCAG AA).</summary>
    public const string DarkText = "#000000";

    /// <summary>The colour for <paramref name="t"/> in [0, 1] (clamped), as <c>#rrggbb</c>.</summary>
    public static string At(double t) => At(t, Stops);

    /// <summary>The colour for <paramref name="t"/> in [0, 1] (clamped) on the scale given by <paramref name="stops"/>.</summary>
    public static string At(double t, IReadOnlyList<(double Position, string Color)> stops)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        for (int k = 1; k < stops.Count; k++)
        {
            if (t <= stops[k].Position)
            {
                var (p0, c0) = stops[k - 1];
                var (p1, c1) = stops[k];
                if (p1 == p0)
                    return c1;
                double f = (t - p0) / (p1 - p0);
                var a = Parse(c0);
                var b = Parse(c1);
                return Hex(Mix(a.R, b.R, f), Mix(a.G, b.G, f), Mix(a.B, b.B, f));
            }
        }
        return stops[^1].Color;
    }

    /// <summary>WCAG relative luminance of a <c>#rrggbb</c> colour, in [0, 1].</summary>
    public static double Luminance(string color)
    {
        var (r, g, b) = Parse(color);
        static double Channel(int c)
        {
            double s = c / 255.0;
            return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(r) + 0.7152 * Channel(g) + 0.0722 * Channel(b);
    }

    /// <summary>White or dark text, whichever contrasts more with <paramref name="fill"/>.</summary>
    public static string TextOn(string fill)
    {
        double l = Luminance(fill);
        double onWhite = 1.05 / (l + 0.05);
        double onDark = (l + 0.05) / (Luminance(DarkText) + 0.05);
        return onWhite > onDark ? "#ffffff" : DarkText;
    }

    /// <summary>The Plotly colorscale: <c>[[0, "#f7fbff"], …, [1, "#08306b"]]</c>.</summary>
    public static object[] ForPlotly() => ForPlotly(Stops);

    /// <summary>The Plotly colorscale of <paramref name="stops"/>.</summary>
    public static object[] ForPlotly(IReadOnlyList<(double Position, string Color)> stops) => stops.Select(s => (object)new object[] { s.Position, s.Color }).ToArray();

    private static int Mix(int a, int b, double f) => (int)Math.Round(a + (b - a) * f, MidpointRounding.AwayFromZero);

    private static (int R, int G, int B) Parse(string color) =>
        (int.Parse(color.AsSpan(1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
         int.Parse(color.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
         int.Parse(color.AsSpan(5, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));

    private static string Hex(int r, int g, int b) => string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
}
