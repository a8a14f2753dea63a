using AttentionNotebooks.Efficient;
using CsCheck;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class FlashAttentionBackwardTests
{
    /// <summary>
    /// The definitions in double precision, per (batch, head): P = softmax(scale·Q·Kᵀ [+ mask]), O = P·V, and for the loss
    /// L = Σ dO ∘ O: dV = Pᵀ·dO, dP = dO·Vᵀ, dS_ij = P_ij·(dP_ij − Σ_k P_ik·dP_ik), dQ = scale·dS·K, dK = scale·dSᵀ·Q;
    /// also each row's log-sum-exp ln Σ_j exp(scale·q_i·k_j).
    /// </summary>
    private static (double[] Dq, double[] Dk, double[] Dv, double[] Lse) Reference(float[] q, float[] k, float[] v, float[] dO, int slices, int tokens, int headDim, bool causal)
    {
        double scale = 1.0 / Math.Sqrt(headDim);
        double[] dq = new double[q.Length], dk = new double[q.Length], dv = new double[q.Length], lse = new double[slices * tokens];
        var p = new double[tokens];
        var dp = new double[tokens];
        for (int s = 0; s < slices; s++)
        {
            int first = s * tokens * headDim;
            for (int i = 0; i < tokens; i++)
            {
                int visible = causal ? i + 1 : tokens;
                double max = double.NegativeInfinity, sum = 0, rowDot = 0;
                for (int j = 0; j < visible; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++)
                        dot += (double)q[first + i * headDim + d] * k[first + j * headDim + d];
                    p[j] = dot * scale;
                    max = Math.Max(max, p[j]);
                }
                for (int j = 0; j < visible; j++)
                    sum += p[j] = Math.Exp(p[j] - max);
                lse[s * tokens + i] = max + Math.Log(sum);
                for (int j = 0; j < visible; j++)
                {
                    p[j] /= sum;
                    double g = 0;
                    for (int d = 0; d < headDim; d++)
                        g += (double)dO[first + i * headDim + d] * v[first + j * headDim + d];
                    dp[j] = g;
                    rowDot += p[j] * g;
                }
                for (int j = 0; j < visible; j++)
                {
                    double ds = p[j] * (dp[j] - rowDot) * scale;
                    for (int d = 0; d < headDim; d++)
                    {
                        dv[first + j * headDim + d] += p[j] * dO[first + i * headDim + d];
                        dq[first + i * headDim + d] += ds * k[first + j * headDim + d];
                        dk[first + j * headDim + d] += ds * q[first + i * headDim + d];
                    }
                }
            }
        }
        return (dq, dk, dv, lse);
    }

    /// <summary>Every element within 1e-5 × <paramref name="largest"/>, the largest |reference gradient| of the call.</summary>
    private static void AssertCloseRelative(double[] expected, float[] actual, string what, double largest) =>
        AssertClose(expected, actual, what, 1e-5 * largest);

    private static void Check(int batch, int heads, int tokens, int headDim, bool causal, SimdPath path, int threads, int seed)
    {
        int n = batch * heads * tokens * headDim, rows = batch * heads * tokens;
        float[] q = Uniform(n, seed), k = Uniform(n, seed + 1), v = Uniform(n, seed + 2), dO = Uniform(n, seed + 3);
        float[] o = new float[n], lse = new float[rows], dq = new float[n], dk = new float[n], dv = new float[n];
        var options = new FlashAttentionOptions { MaxDegreeOfParallelism = threads, Simd = path };
        FlashAttention.Forward(q, k, v, o, lse, batch, heads, tokens, headDim, causal, options);
        FlashAttention.Backward(q, k, v, o, dO, lse, dq, dk, dv, batch, heads, tokens, headDim, causal, options);
        var expected = Reference(q, k, v, dO, batch * heads, tokens, headDim, causal);
        string what = $"(batch {batch}, heads {heads}, tokens {tokens}, headDim {headDim}) causal {causal}, {path}, {threads} threads";
        AssertClose(expected.Lse, lse, $"{what}: log-sum-exp");
        double largest = new[] { expected.Dq, expected.Dk, expected.Dv }.Max(g => g.Max(Math.Abs));
        AssertCloseRelative(expected.Dq, dq, $"{what}: dQ", largest);
        AssertCloseRelative(expected.Dk, dk, $"{what}: dK", largest);
        AssertCloseRelative(expected.Dv, dv, $"{what}: dV", largest);
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(1, 2, 1, 64)]
    [InlineData(2, 3, 5, 3)]
    [InlineData(1, 2, 63, 64)]
    [InlineData(1, 2, 64, 64)]
    [InlineData(1, 2, 65, 80)]
    [InlineData(2, 1, 200, 1)]
    [InlineData(1, 3, 200, 3)]
    [InlineData(1, 1, 129, 17)]
    public void Gradients_match_the_double_precision_definition_within_1e_5_of_the_largest_gradient_on_every_path(int batch, int heads, int tokens, int headDim)
    {
        foreach (var path in Paths)
            foreach (bool causal in new[] { true, false })
                Check(batch, heads, tokens, headDim, causal, path, threads: 2, seed: tokens * 13 + headDim);
    }

    [Fact]
    public void Random_shapes_match_the_definition()
    {
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 3], Gen.OneOfConst(1, 63, 64, 65, 130, 200), Gen.OneOfConst(1, 3, 16, 64, 80), Gen.Bool, Gen.OneOfConst(Paths), Gen.Int[0, 100_000])
            .Sample((batch, heads, tokens, headDim, causal, path, seed) => Check(batch, heads, tokens, headDim, causal, path, threads: 2, seed), iter: 30, threads: 1);
    }

    [Fact]
    public void The_reference_gradients_are_the_finite_differences_of_the_definition()
    {
        // Guards the reference itself: L = Σ dO ∘ O with O from the double-precision forward, central differences.
        const int slices = 2, tokens = 7, headDim = 3;
        int n = slices * tokens * headDim;
        foreach (bool causal in new[] { true, false })
        {
            float[] q = Uniform(n, 1), k = Uniform(n, 2), v = Uniform(n, 3), dO = Uniform(n, 4);
            var (dq, dk, dv, _) = Reference(q, k, v, dO, slices, tokens, headDim, causal);
            double Loss(float[] qq, float[] kk, float[] vv)
            {
                var o = Attention(qq, kk, vv, 1, slices, tokens, headDim, causal);
                return o.Select((x, i) => x * dO[i]).Sum();
            }
            foreach (var (tensor, gradient, name) in new[] { (q, dq, "dQ"), (k, dk, "dK"), (v, dv, "dV") })
                for (int i = 0; i < n; i++)
                {
                    float saved = tensor[i];
                    const float h = 1e-2f;
                    tensor[i] = saved + h;
                    double plus = Loss(q, k, v);
                    tensor[i] = saved - h;
                    double minus = Loss(q, k, v);
                    tensor[i] = saved;
                    double numeric = (plus - minus) / ((double)(saved + h) - (double)(saved - h));
                    Assert.True(Math.Abs(numeric - gradient[i]) < 1e-4, $"{name}[{i}] causal {causal}: definition {gradient[i]}, finite difference {numeric}");
                }
        }
    }

    [Theory]
    [InlineData(SimdPath.Vector512)]
    [InlineData(SimdPath.Vector256)]
    [InlineData(SimdPath.Vector128)]
    [InlineData(SimdPath.Scalar)]
    public void One_and_two_threads_give_identical_gradients(SimdPath path)
    {
        const int batch = 2, heads = 3, tokens = 150, headDim = 24;
        int n = batch * heads * tokens * headDim;
        float[] q = Uniform(n, 1), k = Uniform(n, 2), v = Uniform(n, 3), dO = Uniform(n, 4), o = new float[n], lse = new float[batch * heads * tokens];
        FlashAttention.Forward(q, k, v, o, lse, batch, heads, tokens, headDim, true);
        float[][] Gradients(int threads)
        {
            float[] dq = new float[n], dk = new float[n], dv = new float[n];
            FlashAttention.Backward(q, k, v, o, dO, lse, dq, dk, dv, batch, heads, tokens, headDim, true, new FlashAttentionOptions { MaxDegreeOfParallelism = threads, Simd = path });
            return [dq, dk, dv];
        }
        var one = Gradients(1);
        var two = Gradients(2);
        for (int t = 0; t < 3; t++)
            Assert.Equal(one[t], two[t]);
    }

    [Fact]
    public void Saving_the_log_sum_exp_leaves_the_output_bit_identical_on_every_path()
    {
        const int batch = 1, heads = 2, tokens = 131, headDim = 20;
        int n = batch * heads * tokens * headDim;
        float[] q = Uniform(n, 7), k = Uniform(n, 8), v = Uniform(n, 9);
        foreach (var path in Paths)
            foreach (bool causal in new[] { true, false })
            {
                var options = new FlashAttentionOptions { Simd = path };
                float[] plain = new float[n], withLse = new float[n], lse = new float[batch * heads * tokens];
                FlashAttention.Forward(q, k, v, plain, batch, heads, tokens, headDim, causal, options);
                FlashAttention.Forward(q, k, v, withLse, lse, batch, heads, tokens, headDim, causal, options);
                Assert.Equal(plain, withLse);
                var expected = Reference(q, k, v, new float[n], batch * heads, tokens, headDim, causal).Lse;
                AssertClose(expected, lse, $"log-sum-exp {path} causal {causal}");
            }
    }

    [Fact]
    public void Wrong_lengths_and_overlapping_gradients_are_rejected_by_name()
    {
        const int batch = 1, heads = 2, tokens = 3, headDim = 4;
        int n = batch * heads * tokens * headDim;
        float[] x = Uniform(n, 1), lse = new float[batch * heads * tokens];
        var error = Assert.Throws<ArgumentException>(() => FlashAttention.Forward(x, x, x, new float[n], new float[5], batch, heads, tokens, headDim, true));
        Assert.Equal("logSumExp", error.ParamName);
        Assert.Equal("logSumExp has 5 floats but batch (1) x heads (2) x tokens (3) = 6 floats are needed. (Parameter 'logSumExp')", error.Message);
        var output = new float[n];
        error = Assert.Throws<ArgumentException>(() => FlashAttention.Forward(x, x, x, output, output.AsSpan(0, 6), batch, heads, tokens, headDim, true));
        Assert.Equal("logSumExp", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => FlashAttention.Backward(x, x, x, x, x, new float[7], new float[n], new float[n], new float[n], batch, heads, tokens, headDim, true));
        Assert.Equal("logSumExp", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => FlashAttention.Backward(x, x, x, x, new float[n - 1], lse, new float[n], new float[n], new float[n], batch, heads, tokens, headDim, true));
        Assert.Equal("outputGradient", error.ParamName);
        var shared = new float[n];
        error = Assert.Throws<ArgumentException>(() => FlashAttention.Backward(x, x, x, x, x, lse, new float[n], shared, shared, batch, heads, tokens, headDim, true));
        Assert.Equal("keyGradient", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => FlashAttention.Backward(x, x, x, x, x, lse, x, new float[n], new float[n], batch, heads, tokens, headDim, true));
        Assert.Equal("queryGradient", error.ParamName);
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Backward(x, x, x, x, x, lse, new float[n], new float[n], new float[n], batch, heads, 0, headDim, true)).ParamName);
    }
}
