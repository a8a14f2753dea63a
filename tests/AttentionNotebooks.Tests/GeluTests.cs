namespace AttentionNotebooks.Tests;

public sealed class GeluTests
{
    // erf(x) to 16 digits, as tabulated (Abramowitz and Stegun, table 7.1, and the values every maths library agrees on).
    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(1.5, 0.9661051464753108)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(2.5, 0.9995930479825550)]
    [InlineData(2.9999, 0.9999778955735178)]
    [InlineData(3.0, 0.9999779095030014)]
    public void Erf_matches_tabulated_values(double x, double expected)
    {
        Assert.InRange(Gelu.Erf(x) - expected, -2e-15, 2e-15);
        Assert.InRange(Gelu.Erf(-x) + expected, -2e-15, 2e-15);
    }

    // erfc(x) = 1 − erf(x) beyond 3, where erf is within 2.2e-5 of 1: compare 1 − erf with the tabulated erfc.
    [Theory]
    [InlineData(3.5, 7.430983723414128e-07)]
    [InlineData(4.0, 1.541725790028002e-08)]
    [InlineData(5.0, 1.537459794428035e-12)]
    [InlineData(6.0, 2.151973671249892e-17)]
    public void One_minus_erf_matches_tabulated_erfc_in_the_tail(double x, double erfc)
    {
        Assert.InRange(1.0 - Gelu.Erf(x) - erfc, -3e-16, 3e-16);
    }

    [Fact]
    public void Erf_is_odd_increasing_and_bounded_by_one_and_its_edges_are_defined()
    {
        double previous = -1.0;
        for (double x = -7; x <= 7; x += 0.01)
        {
            double e = Gelu.Erf(x);
            Assert.InRange(e, previous - 1e-15, 1.0);
            Assert.Equal(-e, Gelu.Erf(-x));
            previous = e;
        }
        Assert.Equal(1.0, Gelu.Erf(double.PositiveInfinity));
        Assert.Equal(-1.0, Gelu.Erf(double.NegativeInfinity));
        Assert.True(double.IsNaN(Gelu.Erf(double.NaN)));
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(1f, 0.8413447460685429f)]     // Φ(1) = 0.8413447460685429
    [InlineData(-1f, -0.15865525393145707f)]  // −(1 − Φ(1))
    [InlineData(2f, 1.9544997361036416f)]     // 2·Φ(2)
    [InlineData(-3f, -0.00404969409489031f)]  // −3·(1 − Φ(3))
    public void Gelu_is_x_times_the_normal_cdf(float x, float expected)
    {
        Assert.Equal(expected, Gelu.Forward(x), 6);
    }

    [Fact]
    public void Gelu_of_infinities_is_the_limit_of_x_times_phi()
    {
        Assert.Equal(float.PositiveInfinity, Gelu.Forward(float.PositiveInfinity));
        Assert.Equal(0f, Gelu.Forward(float.NegativeInfinity));
        Assert.True(float.IsNaN(Gelu.Forward(float.NaN)));
    }
}
