using SkiaSharp;
using Svg.Skia.TypefaceProviders;

namespace SvgToPng;

/// <summary>
/// The only fonts a rendered chart uses: DejaVu Sans and DejaVu Sans Bold, embedded in this assembly (Debian's
/// fonts-dejavu-core 2.37, licence in Fonts/LICENSE). Every family name gets them, so a PNG has the same text on every
/// machine whatever fonts it has installed: Bold for weight 600 and above, Regular otherwise, upright for every style.
/// (Svg.Skia's own CustomTypefaceProvider matches weight and style exactly and returns nothing for weight 600 or
/// italic text, which then silently vanishes.)
/// </summary>
public sealed class ShippedFonts : ITypefaceProvider
{
    private static readonly Lazy<SKTypeface> Regular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> Bold = new(() => Load("DejaVuSans-Bold.ttf"));

    /// <summary>The lightest weight drawn Bold (CSS <c>font-weight: 600</c>, semi-bold).</summary>
    public const int BoldFrom = 600;

    /// <summary>The shipped typeface for a font request.</summary>
    /// <param name="fontFamily">Ignored: every family is drawn with DejaVu Sans.</param>
    /// <param name="fontWeight">Bold from <see cref="BoldFrom"/>, Regular below.</param>
    /// <param name="fontWidth">Ignored.</param>
    /// <param name="fontStyle">Ignored (upright).</param>
    public SKTypeface FromFamilyName(string fontFamily, SKFontStyleWeight fontWeight, SKFontStyleWidth fontWidth, SKFontStyleSlant fontStyle) =>
        (int)fontWeight >= BoldFrom ? Bold.Value : Regular.Value;

    private static SKTypeface Load(string file)
    {
        var name = $"SvgToPng.Fonts.{file}";
        using var stream = typeof(ShippedFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the font {name} is not embedded in {typeof(ShippedFonts).Assembly.GetName().Name}");
        return SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"the embedded font {name} cannot be read by SkiaSharp");
    }
}
