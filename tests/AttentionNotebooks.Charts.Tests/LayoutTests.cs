using System.Globalization;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>The layout helpers both renderers use: colour scale, ticks, shortened texts.</summary>
public sealed class LayoutTests
{
    [Fact]
    public void The_colour_scale_gets_darker_all_the_way_from_0_to_1()
    {
        double previous = double.PositiveInfinity;
        for (int k = 0; k <= 1000; k++)
        {
            double l = ColorScale.Luminance(ColorScale.At(k / 1000.0));
            Assert.True(l <= previous, $"luminance rises at {k / 1000.0}");
            previous = l;
        }
        Assert.Equal("#f7fbff", ColorScale.At(-1));
        Assert.Equal("#08306b", ColorScale.At(2));
    }

    [Fact]
    public void Ticks_are_nice_numbers_inside_the_range()
    {
        var (values, decimals) = Ticks.Linear(0.0988, 0.2379, 6);
        Assert.All(values, v => Assert.InRange(v, 0.0988, 0.2379));
        Assert.True(values.Length >= 3);
        Assert.Equal(["0.10", "0.15", "0.20"], values.Select(v => Ticks.Label(v, decimals)));
        Assert.Equal([100.0, 200, 500, 1000], Ticks.Log(64, 1100));
        Assert.Equal("1e9", Ticks.LogLabel(1e9).ToString(CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("short", 40, "short")]
    [InlineData("abcdefghij", 10, "abcdefghij")]
    [InlineData("abcdefghijk", 10, "abcdefghi…")]
    [InlineData("😀😀😀😀😀😀😀😀😀😀", 10, "😀😀😀😀😀😀😀😀😀😀")]
    [InlineData("😀😀😀😀😀😀😀😀😀😀😀", 10, "😀😀😀😀😀😀😀😀😀…")]
    [InlineData("aaaaaaaa😀😀", 9, "aaaaaaaa…")]
    public void Shortening_cuts_after_whole_characters_and_ends_with_an_ellipsis(string text, int max, string expected) =>
        Assert.Equal(expected, ChartText.Shorten(text, max));

    [Fact]
    public void Tick_labels_turn_scientific_only_where_fixed_decimals_fail()
    {
        Assert.Equal(["0.10", "0.15"], Ticks.Labels([0.1, 0.15], 2));
        Assert.Equal(["123456789", "123456790"], Ticks.Labels([123456789, 123456790], 0));
        Assert.Equal(["-1e308", "0", "1e308"], Ticks.Labels([-1e308, 0, 1e308], 0));
        Assert.Equal(["2.5e-11", "5e-11", "7.5e-11"], Ticks.Labels([2.5e-11, 5e-11, 7.5e-11], 20));
        Assert.Equal("-1.5e308", Ticks.Scientific(-1.5e308, 3));
    }

    [Fact]
    public void Ticks_stay_few_and_finite_over_any_range_of_doubles()
    {
        (double Lo, double Hi)[] ranges = [(-double.MaxValue, double.MaxValue), (1e-300, 2e-300), (1e300, 1e300 * (1 + 1e-15)), (-5, 5), (0, 1e-290)];
        foreach (var (lo, hi) in ranges)
        {
            var (a, b) = Ticks.Expand(lo, hi);
            Assert.True(double.IsFinite(a) && double.IsFinite(b) && a <= lo && b >= hi, $"[{lo}, {hi}] -> [{a}, {b}]");
            var (values, _) = Ticks.Linear(a, b);
            Assert.InRange(values.Length, 2, 12);
            Assert.Equal(values.Length, values.Distinct().Count());
            Assert.All(values, v => Assert.InRange(v, a, b));
        }
        Assert.InRange(Ticks.Log(double.Epsilon, double.MaxValue).Length, 2, 12);
        Assert.Equal("1e-323", Ticks.LogTicks(9e-324, 2e-323)[0].Label);
    }
}
