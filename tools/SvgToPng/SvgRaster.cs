using System.Globalization;
using System.Xml;
using SkiaSharp;
using Svg.Skia;

namespace SvgToPng;

/// <summary>A PNG drawn from an SVG: its bytes, and the SVG's own size in CSS pixels, at which it is to be shown.</summary>
/// <param name="Bytes">The PNG file.</param>
/// <param name="Width">The SVG's <c>width</c> in CSS pixels (the PNG is <c>Width * scale</c> pixels wide).</param>
/// <param name="Height">The SVG's <c>height</c> in CSS pixels.</param>
public sealed record PngImage(byte[] Bytes, int Width, int Height);

/// <summary>
/// Draws an SVG as a PNG in-process (Svg.Skia on SkiaSharp): opaque RGB on the SVG's own background, text in the
/// <see cref="ShippedFonts"/>, encoded with fixed zlib settings and no timestamp. On x64 the same SVG gives the same
/// bytes on every machine; on ARM64 a few pixels differ by a few levels (Skia's arithmetic differs), so compare PNGs
/// drawn on different machines by the SVG they came from, never by their bytes.
/// </summary>
public static class SvgRaster
{
    private static readonly SKPngEncoderOptions Encoding = new(SKPngEncoderFilterFlags.AllFilters, zLibLevel: 6);

    /// <summary>Draws <paramref name="svg"/> at <paramref name="scale"/> PNG pixels per CSS pixel.</summary>
    /// <param name="svg">An SVG document whose root gives <c>width</c> and <c>height</c> in pixels.</param>
    /// <param name="scale">PNG pixels per CSS pixel (1 to 4).</param>
    /// <returns>The PNG, <c>round(width * scale)</c> x <c>round(height * scale)</c> pixels.</returns>
    public static PngImage Render(string svg, float scale = 1)
    {
        ArgumentNullException.ThrowIfNull(svg);
        if (!(scale is >= 1 and <= 4))
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"scale is {scale}; draw at 1 to 4 PNG pixels per CSS pixel");

        var (width, height) = CssSize(svg);
        using var document = new SKSvg();
        document.Settings.TypefaceProviders = [new ShippedFonts()];
        var picture = document.FromSvg(svg)
            ?? throw new ArgumentException($"Svg.Skia cannot draw this SVG ({Start(svg)})", nameof(svg));

        var pixelWidth = (int)MathF.Round(width * scale);
        var pixelHeight = (int)MathF.Round(height * scale);
        var info = new SKImageInfo(pixelWidth, pixelHeight, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info)
            ?? throw new InvalidOperationException($"SkiaSharp cannot create a {pixelWidth}x{pixelHeight} surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        var bounds = picture.CullRect;
        canvas.Scale(pixelWidth / bounds.Width, pixelHeight / bounds.Height);
        canvas.DrawPicture(picture);
        canvas.Flush();

        using var image = surface.Snapshot();
        using var pixels = image.PeekPixels();
        using var png = pixels.Encode(Encoding)
            ?? throw new InvalidOperationException($"SkiaSharp cannot encode the {pixelWidth}x{pixelHeight} image as PNG");
        return new PngImage(png.ToArray(), (int)MathF.Round(width), (int)MathF.Round(height));
    }

    /// <summary>The root element's <c>width</c> and <c>height</c>, in CSS pixels.</summary>
    /// <param name="svg">An SVG document.</param>
    public static (float Width, float Height) CssSize(string svg)
    {
        using var reader = Root(svg);
        return (Pixels(reader, "width", svg), Pixels(reader, "height", svg));
    }

    /// <summary>
    /// How many of the drawing's own units one CSS pixel shows: the <c>viewBox</c> width over the <c>width</c>, so 1.66
    /// for a 1,591-unit layout shown 960 px wide; 1 for an SVG without a <c>viewBox</c>. Drawing at this scale keeps
    /// every detail of a layout that is shown scaled down.
    /// </summary>
    /// <param name="svg">An SVG document.</param>
    public static float LayoutScale(string svg)
    {
        using var reader = Root(svg);
        var width = Pixels(reader, "width", svg);
        var viewBox = reader.GetAttribute("viewBox")?.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        return viewBox is { Length: 4 } && float.TryParse(viewBox[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var units) && units > 0
            ? units / width
            : 1;
    }

    // A reader positioned on the root <svg> element.
    private static XmlReader Root(string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        var reader = XmlReader.Create(new StringReader(svg), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        try
        {
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "svg")
                throw new ArgumentException($"not an SVG document: its root is not <svg> ({Start(svg)})", nameof(svg));
        }
        catch (XmlException ex)
        {
            reader.Dispose();
            throw new ArgumentException($"not an SVG document: {ex.Message} ({Start(svg)})", nameof(svg), ex);
        }
        catch (ArgumentException)
        {
            reader.Dispose();
            throw;
        }

        return reader;
    }

    private static float Pixels(XmlReader root, string attribute, string svg)
    {
        var text = root.GetAttribute(attribute);
        var number = text is null ? null : text.EndsWith("px", StringComparison.Ordinal) ? text[..^2] : text;
        if (number is null || !float.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value is > 0 and <= 16384))
            throw new ArgumentException($"the SVG's {attribute} is \"{text}\"; a size in pixels (1 to 16384) is needed ({Start(svg)})", nameof(svg));
        return value;
    }

    private static string Start(string svg) => svg.Length <= 80 ? svg : svg[..80] + "...";
}
