using System.Runtime.Intrinsics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Single;

namespace AttentionNotebooks;

/// <summary>
/// <see cref="Gelu.Forward"/> on every element of a matrix, identical to the bit, eight elements at a time: the series of
/// <see cref="Gelu.Erf"/> (up to about 60 terms per element, each a division, a multiplication and an addition, most of
/// a GELU's time) runs in two <see cref="Vector256{T}"/> of four doubles, with the same operations in the same order,
/// each lane stopping where the scalar loop stops; the rest (e^(−a²), the continued fraction for |x| ≥ 3·√2, NaN and
/// ±∞) is the scalar code itself. <see cref="FeedForward"/> calls it.
/// </summary>
/// <remarks>
/// Measured 2026-12-08 on the encoder's shape (12 tokens × 1,536 hidden features, six layers' worth, inputs drawn
/// normal with standard deviation 1.5; AVX-512 machine, best of 30): 9.8–10.3 ms one element at a time, 4.0–4.1 ms
/// here. The tests compare every bit with <see cref="Gelu.Forward"/>, and the series' doubles with
/// <see cref="Gelu.Erf"/> before they are rounded to float32, which hides most differences in their last bits.
/// </remarks>
internal static class GeluMap
{
    private const int Lanes = 8;                                           // two vectors of four doubles, two independent chains

    /// <summary>GELU of every element, as <c>x.Map(Gelu.Forward)</c> would give.</summary>
    /// <param name="x">Any matrix; a dense one takes the vector path, another storage MathNet's <c>Map</c>.</param>
    /// <param name="vectorised">False runs <see cref="Gelu.Forward"/> on every element (the tests compare both).</param>
    public static Matrix<float> Apply(Matrix<float> x, bool vectorised = true)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x is not DenseMatrix dense)
            return x.Map(Gelu.Forward);
        var y = new DenseMatrix(x.RowCount, x.ColumnCount);
        Apply(dense.Values, y.Values, vectorised && Vector256.IsHardwareAccelerated);
        return y;
    }

    /// <summary>y[i] = GELU(x[i]) for every i.</summary>
    internal static void Apply(ReadOnlySpan<float> x, Span<float> y, bool vectorised)
    {
        int i = 0;
        if (vectorised)
        {
            Span<double> a = stackalloc double[Lanes];
            Span<double> values = stackalloc double[Lanes];
            for (; i + Lanes <= x.Length; i += Lanes)
            {
                bool series = true;
                for (int lane = 0; lane < Lanes; lane++)
                {
                    a[lane] = Math.Abs(x[i + lane] / Math.Sqrt(2.0));       // as Gelu.Forward and Gelu.Erf compute it
                    series &= a[lane] < 3.0;                                // false for NaN and ±∞ too
                }
                if (!series)
                {
                    for (int lane = 0; lane < Lanes; lane++)
                        y[i + lane] = Gelu.Forward(x[i + lane]);
                    continue;
                }
                ErfBelowThree(a, values);
                for (int lane = 0; lane < Lanes; lane++)
                {
                    float xi = x[i + lane];
                    double erf = xi / Math.Sqrt(2.0) < 0 ? -values[lane] : values[lane];   // erf is odd, as Gelu.Erf applies it
                    y[i + lane] = Gelu.FromErf(xi, erf);
                }
            }
        }
        for (; i < x.Length; i++)
            y[i] = Gelu.Forward(x[i]);
    }

    /// <summary>erf(a[k]) for eight values 0 ≤ a[k] &lt; 3, the same bits as <see cref="Gelu.Erf"/> gives.</summary>
    internal static void ErfBelowThree(ReadOnlySpan<double> a, Span<double> erf)
    {
        Span<double> sums = stackalloc double[Lanes];
        var (low, high) = SeriesSums(Vector256.Create(a), Vector256.Create(a[4..]));
        low.CopyTo(sums);
        high.CopyTo(sums[4..]);
        for (int lane = 0; lane < Lanes; lane++)
            erf[lane] = Gelu.SeriesValue(a[lane], sums[lane]);
    }

    /// <summary>
    /// Σₙ tₙ of Gelu.Erf's series in each lane: t₀ = a, tₙ = tₙ₋₁ · (2a² / (2n+1)), added while tₙ₋₁ &gt; sum · 1e-17
    /// (and n &lt; 200), exactly as the scalar loop; a lane that has stopped keeps its sum and term.
    /// </summary>
    private static (Vector256<double>, Vector256<double>) SeriesSums(Vector256<double> a, Vector256<double> b)
    {
        var tiny = Vector256.Create(1e-17);
        var twoA2 = Vector256.Create(2.0) * (a * a);
        var twoB2 = Vector256.Create(2.0) * (b * b);
        Vector256<double> termA = a, sumA = a, termB = b, sumB = b;
        for (int n = 1; n < 200; n++)
        {
            var goingA = Vector256.GreaterThan(termA, sumA * tiny);
            var goingB = Vector256.GreaterThan(termB, sumB * tiny);
            if (Vector256.ExtractMostSignificantBits(goingA | goingB) == 0)
                break;
            var odd = Vector256.Create((double)(2 * n + 1));
            termA = Vector256.ConditionalSelect(goingA, termA * (twoA2 / odd), termA);
            termB = Vector256.ConditionalSelect(goingB, termB * (twoB2 / odd), termB);
            sumA = Vector256.ConditionalSelect(goingA, sumA + termA, sumA);
            sumB = Vector256.ConditionalSelect(goingB, sumB + termB, sumB);
        }
        return (sumA, sumB);
    }
}
