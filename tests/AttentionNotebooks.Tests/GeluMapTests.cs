using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Single;

namespace AttentionNotebooks.Tests;

/// <summary>The vectorised GELU gives every element the same bits as <see cref="Gelu.Forward"/>.</summary>
public sealed class GeluMapTests
{
    private static void AssertSameBits(float[] x)
    {
        foreach (bool vectorised in new[] { true, false })
        {
            var y = new float[x.Length];
            GeluMap.Apply(x, y, vectorised);
            for (int i = 0; i < x.Length; i++)
            {
                float expected = Gelu.Forward(x[i]);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(y[i]),
                    $"vectorised {vectorised}: GELU({x[i]:R}) at {i} is {y[i]:R}, Gelu.Forward gives {expected:R}");
            }
        }
    }

    [Fact]
    public void The_vectorised_series_gives_erf_to_the_bit_in_double()
    {
        // Rounding to float32 hides most differences in the last bits of a double, so the series is compared before it.
        var random = new Random(11);
        var a = new double[8];
        var erf = new double[8];
        for (int round = 0; round < 25_000; round++)
        {
            for (int lane = 0; lane < 8; lane++)
                a[lane] = round < 4 ? lane * 1e-300 * round : random.NextDouble() * 3.0 * Math.Pow(random.NextDouble(), 3 * (lane % 4));
            GeluMap.ErfBelowThree(a, erf);
            for (int lane = 0; lane < 8; lane++)
                Assert.True(BitConverter.DoubleToInt64Bits(erf[lane]) == BitConverter.DoubleToInt64Bits(Gelu.Erf(a[lane])),
                    $"erf({a[lane]:R}) is {erf[lane]:R} in the vector, {Gelu.Erf(a[lane]):R} in Gelu.Erf");
        }
    }

    [Fact]
    public void Random_values_of_every_magnitude_get_the_scalar_bits()
    {
        var random = new Random(7);
        var x = new float[20_003];                                           // not a multiple of four: a scalar tail
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)((random.NextDouble() * 2 - 1) * Math.Pow(10, random.Next(-8, 3)));   // |x| from 1e-8 to 100
        AssertSameBits(x);
    }

    [Fact]
    public void Values_around_the_switch_to_the_continued_fraction_get_the_scalar_bits()
    {
        float edge = (float)(3.0 * Math.Sqrt(2.0));                         // a = |x| / √2 = 3: series below, continued fraction above
        var x = new List<float>();
        float up = edge, down = edge;
        for (int k = 0; k < 64; k++)
        {
            x.Add(up); x.Add(-up); x.Add(down); x.Add(-down);
            up = MathF.BitIncrement(up);
            down = MathF.BitDecrement(down);
        }
        x.AddRange([0.5f, 4.0f, 4.5f, 0.25f]);                               // one chunk that mixes both sides
        AssertSameBits([.. x]);
    }

    [Fact]
    public void Zeros_tiny_values_infinities_and_NaN_get_the_scalar_bits()
    {
        AssertSameBits([0f, -0f, float.Epsilon, -float.Epsilon, 1e-38f, -1e-38f, 1e-20f, -1e-30f,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f, float.MaxValue, float.MinValue, -3f, 2f, 1e-3f]);
    }

    [Fact]
    public void A_dense_matrix_and_another_storage_both_give_the_scalar_map()
    {
        var dense = Matrix<float>.Build.Dense(13, 7, (i, j) => (i - 6) * 0.37f + j * 0.11f);
        var expected = dense.Map(Gelu.Forward);
        Assert.Equal(expected, GeluMap.Apply(dense));
        var sparse = Matrix<float>.Build.SparseOfMatrix(dense);
        Assert.Equal(expected, GeluMap.Apply(sparse));
        Assert.IsType<DenseMatrix>(GeluMap.Apply(dense));
    }
}
