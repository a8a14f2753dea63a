using AttentionNotebooks.Charts.Svg;

namespace AttentionNotebooks.Charts.Tests;

public sealed class SvgNumberTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.001, "0")]
    [InlineData(1.006, "1.01")]
    [InlineData(-12.5, "-12.5")]
    [InlineData(3.10, "3.1")]
    public void Svg_numbers_have_at_most_2_decimals_and_no_negative_zero(double value, string expected) =>
        Assert.Equal(expected, SvgNumber.Format(value));
}
