using System.Security.Cryptography;
using AttentionNotebooks.Charts;

namespace SvgToPng.Tests;

public sealed class SvgRasterTests
{
    private static string Label(string text, string attributes = "") =>
        $"""<svg width="300" height="80" viewBox="0 0 300 80" xmlns="http://www.w3.org/2000/svg"><rect width="300" height="80" fill="#ffffff"/><text x="20" y="50" font-size="24" {attributes}>{text}</text></svg>""";

    private static Figure TitledHeatmap(string? title) =>
        Plot.Heatmap(Matrix<float>.Build.Dense(4, 4, (i, j) => (i + j) / 6f), ["a", "b", "c", "d"], title);

    [Fact]
    public void Render_of_a_chart_is_a_PNG_of_the_SVG_s_size_and_reports_that_size()
    {
        var figure = TitledHeatmap("Weights");

        var png = SvgRaster.Render(figure.ToSvg());

        using var pixels = new Pixels(png.Bytes);
        Assert.Equal((figure.Width, figure.Height), (pixels.Width, pixels.Height));
        Assert.Equal((figure.Width, figure.Height), (png.Width, png.Height));
    }

    [Fact]
    public void Render_at_scale_2_has_twice_the_pixels_and_still_reports_the_CSS_size()
    {
        var figure = TitledHeatmap("Weights");

        var png = SvgRaster.Render(figure.ToSvg(), scale: 2);

        using var pixels = new Pixels(png.Bytes);
        Assert.Equal((2 * figure.Width, 2 * figure.Height), (pixels.Width, pixels.Height));
        Assert.Equal((figure.Width, figure.Height), (png.Width, png.Height));
    }

    [Fact]
    public void Render_of_a_layout_scaled_down_to_the_maximum_width_draws_the_whole_layout_into_that_width()
    {
        var heads = Enumerable.Range(0, 12).Select(h => Matrix<float>.Build.Dense(8, 8, (i, j) => ((i * j) + h) % 7 / 7f)).ToArray();
        var figure = Plot.Heatmaps(heads, titles: heads.Select((_, h) => $"head {h}").ToArray());
        Assert.Equal(Figure.MaxWidth, figure.Width);   // wider layout, viewBox larger than width

        using var pixels = new Pixels(SvgRaster.Render(figure.ToSvg()).Bytes);

        Assert.Equal(Figure.MaxWidth, pixels.Width);
        Assert.True(pixels.DarkIn(pixels.Width * 3 / 4, 0, pixels.Width, pixels.Height) > 0, "the right quarter (the last heads) is blank");
    }

    [Fact]
    public void LayoutScale_is_the_viewBox_width_over_the_width_and_1_without_a_viewBox()
    {
        Assert.Equal(1591f / 960f, SvgRaster.LayoutScale("""<svg width="960" height="447" viewBox="0 0 1591 741" xmlns="http://www.w3.org/2000/svg"/>"""), 1e-6f);
        Assert.Equal(1f, SvgRaster.LayoutScale("""<svg width="300" height="80" xmlns="http://www.w3.org/2000/svg"/>"""));
    }

    [Fact]
    public void Render_of_a_chart_with_a_title_has_dark_pixels_where_the_title_is()
    {
        using var titled = new Pixels(SvgRaster.Render(TitledHeatmap("Attention weights of four tokens").ToSvg()).Bytes);
        using var untitled = new Pixels(SvgRaster.Render(TitledHeatmap(null).ToSvg()).Bytes);

        // The title is the chart's first line (16 px text, baseline 31.6, from x = 16); without it, the band holds at
        // most the top of the grey axis title below it.
        var withTitle = titled.DarkIn(16, 14, 216, 34);
        var without = untitled.DarkIn(16, 14, 216, 34);
        Assert.True(withTitle > 200 && withTitle > 10 * without, $"{withTitle} dark pixels in the title's band, {without} without a title");
    }

    [Theory]
    [InlineData("font-weight=\"600\"")]
    [InlineData("font-weight=\"bold\"")]
    [InlineData("font-style=\"italic\"")]
    [InlineData("font-family=\"No Such Family\"")]
    public void Render_draws_text_whatever_its_weight_style_or_family(string attributes)
    {
        using var pixels = new Pixels(SvgRaster.Render(Label("Heads", attributes)).Bytes);

        Assert.True(pixels.DarkIn(20, 20, 160, 60) > 100, $"{pixels.DarkIn(20, 20, 160, 60)} dark pixels where the label is");
    }

    [Fact]
    public void Render_draws_weight_600_in_bold_and_400_in_regular()
    {
        using var regular = new Pixels(SvgRaster.Render(Label("Heads", "font-weight=\"400\"")).Bytes);
        using var semibold = new Pixels(SvgRaster.Render(Label("Heads", "font-weight=\"600\"")).Bytes);

        Assert.True(semibold.Dark() > regular.Dark() * 1.2, $"weight 600: {semibold.Dark()} dark pixels, 400: {regular.Dark()}");
    }

    [Fact]
    public void Render_draws_every_family_name_in_the_shipped_font()
    {
        var named = SvgRaster.Render(Label("Heads", "font-family=\"DejaVu Sans\"")).Bytes;
        var unknown = SvgRaster.Render(Label("Heads", "font-family=\"No Such Family, serif\"")).Bytes;

        Assert.Equal(named, unknown);
    }

    [Fact]
    public void Render_twice_gives_the_same_bytes()
    {
        var svg = TitledHeatmap("Weights").ToSvg();

        var first = SHA256.HashData(SvgRaster.Render(svg).Bytes);
        var second = SHA256.HashData(SvgRaster.Render(svg).Bytes);

        Assert.Equal(Convert.ToHexString(first), Convert.ToHexString(second));
    }

    [Fact]
    public void Render_of_an_SVG_without_a_size_names_the_missing_attribute()
    {
        var ex = Assert.Throws<ArgumentException>(() => SvgRaster.Render("""<svg xmlns="http://www.w3.org/2000/svg" height="20"/>"""));

        Assert.Contains("width is \"\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_of_text_that_is_not_an_SVG_says_so()
    {
        var ex = Assert.Throws<ArgumentException>(() => SvgRaster.Render("<html/>"));

        Assert.Contains("not an SVG document", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_at_a_scale_below_1_names_the_scale()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SvgRaster.Render(Label("x"), scale: 0.5f));

        Assert.Contains("scale is 0.5", ex.Message, StringComparison.Ordinal);
    }
}
