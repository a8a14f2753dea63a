using AttentionNotebooks.Training;

namespace AttentionNotebooks.Tests.Training;

/// <summary>
/// Central finite differences of a loss computed in double precision, the independent reference of every backward
/// pass: ∂L/∂θ ≈ (L(θ + h) − L(θ − h)) / 2h with h = 1e-5 (error ~1e-10 for these smooth losses).
/// </summary>
internal static class FiniteDifferences
{
    private const double H = 1e-5;

    /// <summary>
    /// Analytic float32 gradients must match within 1e-5 absolute, or 1e-5 relative to the largest reference magnitude
    /// when that exceeds 1: |analytic − reference| ≤ 1e-5 · max(1, max|reference|).
    /// </summary>
    public const double Tolerance = 1e-5;

    /// <summary>∂L/∂t for every element of <paramref name="t"/>, which <paramref name="loss"/> reads.</summary>
    public static double[,] Gradient(double[,] t, Func<double> loss)
    {
        var g = new double[t.GetLength(0), t.GetLength(1)];
        for (int i = 0; i < t.GetLength(0); i++)
            for (int j = 0; j < t.GetLength(1); j++)
            {
                double saved = t[i, j];
                t[i, j] = saved + H;
                double plus = loss();
                t[i, j] = saved - H;
                double minus = loss();
                t[i, j] = saved;
                g[i, j] = (plus - minus) / (2 * H);
            }
        return g;
    }

    /// <summary>∂L/∂t for every element of the vector <paramref name="t"/>.</summary>
    public static double[] Gradient(double[] t, Func<double> loss)
    {
        var g = new double[t.Length];
        for (int i = 0; i < t.Length; i++)
        {
            double saved = t[i];
            t[i] = saved + H;
            double plus = loss();
            t[i] = saved - H;
            double minus = loss();
            t[i] = saved;
            g[i] = (plus - minus) / (2 * H);
        }
        return g;
    }

    public static void AssertClose(double[,] expected, Matrix<float> actual, string what) =>
        AssertClose(Flatten(expected), actual.ToRowMajorArray(), what);

    public static void AssertClose(double[] expected, Vector<float> actual, string what) =>
        AssertClose(expected, actual.ToArray(), what);

    /// <summary>Row-major values against the tolerance rule of <see cref="Tolerance"/>.</summary>
    public static void AssertClose(double[] expected, float[] actual, string what, double tolerance = Tolerance)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values but the reference has {expected.Length}.");
        double scale = Math.Max(1, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - actual[i]);
            if (!(diff <= tolerance * scale))
                Assert.Fail($"{what}[{i}] is {actual[i]:R} but the reference is {expected[i]:R} (difference {diff:E2} > {tolerance:E0}·{scale:G4}).");
        }
    }

    /// <summary>The largest |analytic − reference| / max(1, max|reference|) (for reports).</summary>
    public static double ScaledError(double[] expected, float[] actual)
    {
        double scale = Math.Max(1, expected.Select(Math.Abs).DefaultIfEmpty(0).Max());
        return expected.Zip(actual, (e, a) => Math.Abs(e - a)).DefaultIfEmpty(0).Max() / scale;
    }

    public static double[] Flatten(double[,] a)
    {
        var r = new double[a.Length];
        int n = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                r[n++] = a[i, j];
        return r;
    }
}

/// <summary>The forward passes from their definitions in double precision, over arrays a finite difference can perturb.</summary>
internal static class DoubleForward
{
    public static double[,] D(Matrix<float> m) => Reference.ToDouble(m);

    public static double[] D(Vector<float> v) => v.Select(x => (double)x).ToArray();

    /// <summary>y = x·Wᵀ + b.</summary>
    public static double[,] Linear(double[,] x, double[,] w, double[]? b)
    {
        int n = x.GetLength(0), din = x.GetLength(1), dout = w.GetLength(0);
        var y = new double[n, dout];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < dout; k++)
            {
                double s = b?[k] ?? 0;
                for (int j = 0; j < din; j++)
                    s += x[i, j] * w[k, j];
                y[i, k] = s;
            }
        return y;
    }

    /// <summary>Z = D(A)·V, A = softmax(mask(Q·Kᵀ)·scale), D the dropout mask (kept ·scale) or the identity.</summary>
    public static double[,] Attention(double[,] q, double[,] k, double[,] v, bool causal, double scale, DropoutMask? dropout = null)
    {
        var (_, a) = Reference.Attention(q, k, v, causal, scale);
        if (dropout is not null)
            for (int i = 0; i < a.GetLength(0); i++)
                for (int j = 0; j < a.GetLength(1); j++)
                    a[i, j] = dropout.IsKept(i, j) ? a[i, j] * dropout.Scale : 0;
        return Reference.MatMul(a, v);
    }

    /// <summary>Σ a ⊙ g: the loss whose gradient with respect to a is g (an upstream gradient).</summary>
    public static double Dot(double[,] a, Matrix<float> g)
    {
        double s = 0;
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                s += a[i, j] * g[i, j];
        return s;
    }

    public static double[,] Columns(double[,] a, int first, int count) => Reference.Columns(a, first, count);
}
