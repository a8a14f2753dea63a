using System.Globalization;
using AttentionNotebooks.Charts.Svg;

namespace AttentionNotebooks.Charts.Tests;

public sealed class SvgInternalsTests
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

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.001, "0")]
    [InlineData(1.006, "1.01")]
    [InlineData(-12.5, "-12.5")]
    [InlineData(3.10, "3.1")]
    public void Svg_numbers_have_at_most_2_decimals_and_no_negative_zero(double value, string expected) =>
        Assert.Equal(expected, SvgNumber.Format(value));

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
}
