namespace SvgToPng.Tests;

/// <summary>A decoded PNG, to count dark pixels in a region.</summary>
internal sealed class Pixels : IDisposable
{
    private readonly SKBitmap _bitmap;

    public Pixels(byte[] png)
    {
        _bitmap = SKBitmap.Decode(png) ?? throw new ArgumentException("not a PNG SkiaSharp can decode", nameof(png));
    }

    public int Width => _bitmap.Width;

    public int Height => _bitmap.Height;

    /// <summary>Pixels in [x0, x1) x [y0, y1) whose darkest channel is below 128.</summary>
    public int DarkIn(int x0, int y0, int x1, int y1)
    {
        int count = 0;
        for (int y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
        {
            for (int x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
            {
                var c = _bitmap.GetPixel(x, y);
                if (Math.Min(c.Red, Math.Min(c.Green, c.Blue)) < 128)
                    count++;
            }
        }

        return count;
    }

    public int Dark() => DarkIn(0, 0, Width, Height);

    public void Dispose() => _bitmap.Dispose();
}
