namespace AttentionNotebooks;

/// <summary>
/// The Gaussian error linear unit (Hendrycks and Gimpel 2016, "Gaussian Error Linear Units"), in its exact form — the
/// one BERT, MiniLM and PyTorch's <c>nn.GELU()</c> use: the input times the probability that a standard normal
/// variable is below it,
/// <code>
///   GELU(x) = x · Φ(x) = x · ½ · (1 + erf(x / √2))
/// </code>
/// (GPT-2 uses the tanh approximation instead, <c>nn.GELU(approximate='tanh')</c>.) .NET has no <c>Math.Erf</c>, so
/// <see cref="Erf"/> computes the error function here.
/// </summary>
public static class Gelu
{
    /// <summary>GELU of one value, computed in double precision and rounded to float32.</summary>
    /// <param name="x">Any float; NaN gives NaN, ±∞ gives +∞ and 0 (x·Φ(x) with Φ(−∞) = 0).</param>
    public static float Forward(float x)
    {
        if (float.IsNegativeInfinity(x))
            return 0f;
        return FromErf(x, Erf(x / Math.Sqrt(2.0)));
    }

    /// <summary>x · ½ · (1 + erf(x / √2)) rounded to float32, given that erf: the last step, shared with <see cref="GeluMap"/>.</summary>
    internal static float FromErf(float x, double erf) => (float)(x * 0.5 * (1.0 + erf));

    /// <summary>
    /// The error function erf(x) = (2/√π) ∫₀ˣ e^(−t²) dt, to about 1e-15 (tested against tabulated values). Two
    /// classical expansions from Abramowitz and Stegun, <i>Handbook of Mathematical Functions</i> (1964):
    /// for |x| &lt; 3 the series 7.1.6, erf(x) = (2/√π) e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms are
    /// all positive (no cancellation); for |x| ≥ 3 the continued fraction 7.1.14 for erfc(x) = 1 − erf(x),
    /// erfc(x) = (e^(−x²)/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated from the 60th term up.
    /// erf is odd, so both are applied to |x|.
    /// </summary>
    /// <param name="x">Any double; NaN gives NaN, ±∞ gives ±1.</param>
    public static double Erf(double x)
    {
        if (double.IsNaN(x))
            return double.NaN;
        double a = Math.Abs(x);
        double value = a < 3.0 ? Series(a) : 1.0 - ContinuedFraction(a);
        return x < 0 ? -value : value;
    }

    /// <summary>A&amp;S 7.1.6 for 0 ≤ a &lt; 3: terms t₀ = a, tₙ = tₙ₋₁ · 2a² / (2n+1), summed until they stop changing the sum.</summary>
    private static double Series(double a)
    {
        double a2 = a * a, term = a, sum = a;
        for (int n = 1; n < 200 && term > sum * 1e-17; n++)
        {
            term *= 2.0 * a2 / (2 * n + 1);
            sum += term;
        }
        return SeriesValue(a, sum);
    }

    /// <summary>The series' last step, erf(a) = (2/√π) · e^(−a²) · Σ, shared with <see cref="GeluMap"/>.</summary>
    internal static double SeriesValue(double a, double sum) => 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-(a * a)) * sum;

    /// <summary>A&amp;S 7.1.14 for a ≥ 3: erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + (2/2)/(a + (3/2)/(a + …)))), from the bottom up.</summary>
    private static double ContinuedFraction(double a)
    {
        if (double.IsPositiveInfinity(a))
            return 0.0;
        double tail = a;
        for (int k = 60; k >= 1; k--)
            tail = a + k / 2.0 / tail;
        return Math.Exp(-a * a) / Math.Sqrt(Math.PI) / tail;
    }
}
