namespace AttentionNotebooks.Tests;

public sealed class SinusoidalPositionsTests
{
    [Fact]
    public void Position_zero_alternates_zero_and_one_and_every_entry_follows_the_formula()
    {
        var pe = SinusoidalPositions.Create(7, 6);
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 1f], pe.Row(0).ToArray());
        for (int pos = 0; pos < 7; pos++)
            for (int i = 0; i < 3; i++)
            {
                double angle = pos / Math.Pow(10000, 2.0 * i / 6);
                Assert.Equal((float)Math.Sin(angle), pe[pos, 2 * i]);
                Assert.Equal((float)Math.Cos(angle), pe[pos, 2 * i + 1]);
            }
    }

    [Fact]
    public void An_odd_width_ends_with_a_sine_and_sizes_below_one_are_refused()
    {
        var pe = SinusoidalPositions.Create(3, 5);
        Assert.Equal((float)Math.Sin(2 / Math.Pow(10000, 4.0 / 5)), pe[2, 4]);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => SinusoidalPositions.Create(0, 4)).ParamName);
        Assert.Equal("theta", Assert.Throws<ArgumentOutOfRangeException>(() => SinusoidalPositions.Create(2, 4, theta: 1)).ParamName);
    }
}
