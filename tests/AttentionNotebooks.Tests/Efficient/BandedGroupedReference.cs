using AttentionNotebooks.Efficient;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>
/// Attention with grouped key/value heads and an optional sliding window, forward and backward, in double precision:
/// the definition the fused kernel's grouped-query, sliding-window and decode paths are checked against.
/// </summary>
/// <remarks>
/// Q, O, dO, dQ are (batch, heads, queries, headDim); K, V, dK, dV are (batch, kvHeads, keys, headDim); query head h reads
/// key/value head h / (heads / kvHeads). Query i is at position keys − queries + i (the last positions: a whole sequence
/// when queries = keys, the new tokens of a decode step otherwise); with causal it sees keys up to its position, and with a
/// window w &gt; 0 only the last w of those: max(0, t − w + 1) … t.
/// </remarks>
internal static class BandedGroupedReference
{
    /// <summary>Outputs, log-sum-exps and (when <paramref name="dO"/> is given) the gradients of the loss Σ dO ∘ O.</summary>
    public static (double[] O, double[] Lse, double[] Dq, double[] Dk, double[] Dv) Run(float[] q, float[] k, float[] v, float[]? dO,
        int batch, int heads, int kvHeads, int queries, int keys, int headDim, bool causal, int window = 0)
    {
        double scale = 1.0 / Math.Sqrt(headDim);
        int group = heads / kvHeads;
        double[] o = new double[q.Length], lse = new double[batch * heads * queries];
        double[] dq = new double[q.Length], dk = new double[k.Length], dv = new double[v.Length];
        var p = new double[keys];
        var dp = new double[keys];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
            {
                long qFirst = ((long)b * heads + h) * queries * headDim, kFirst = ((long)b * kvHeads + h / group) * keys * headDim;
                for (int i = 0; i < queries; i++)
                {
                    int position = keys - queries + i;
                    int end = causal ? position + 1 : keys;
                    int start = causal && window > 0 ? Math.Max(0, position - window + 1) : 0;
                    double max = double.NegativeInfinity, sum = 0;
                    for (int j = start; j < end; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++)
                            dot += (double)q[qFirst + i * headDim + d] * k[kFirst + j * headDim + d];
                        p[j] = dot * scale;
                        max = Math.Max(max, p[j]);
                    }
                    for (int j = start; j < end; j++)
                        sum += p[j] = Math.Exp(p[j] - max);
                    lse[((long)b * heads + h) * queries + i] = max + Math.Log(sum);
                    for (int j = start; j < end; j++)
                    {
                        p[j] /= sum;
                        for (int d = 0; d < headDim; d++)
                            o[qFirst + i * headDim + d] += p[j] * v[kFirst + j * headDim + d];
                    }
                    if (dO is null)
                        continue;
                    double rowDot = 0;
                    for (int j = start; j < end; j++)
                    {
                        double g = 0;
                        for (int d = 0; d < headDim; d++)
                            g += (double)dO[qFirst + i * headDim + d] * v[kFirst + j * headDim + d];
                        dp[j] = g;
                        rowDot += p[j] * g;
                    }
                    for (int j = start; j < end; j++)
                    {
                        double ds = p[j] * (dp[j] - rowDot) * scale;
                        for (int d = 0; d < headDim; d++)
                        {
                            dv[kFirst + j * headDim + d] += p[j] * dO[qFirst + i * headDim + d];
                            dq[qFirst + i * headDim + d] += ds * k[kFirst + j * headDim + d];
                            dk[kFirst + j * headDim + d] += ds * q[qFirst + i * headDim + d];
                        }
                    }
                }
            }
        return (o, lse, dq, dk, dv);
    }

    /// <summary>The fused forward (saving the log-sum-exp) and backward: [O, log-sum-exp, dQ, dK, dV].</summary>
    public static float[][] Fused(float[] q, float[] k, float[] v, float[] dO, int batch, int heads, int kvHeads, int tokens, int headDim, bool causal, FlashAttentionOptions options)
    {
        float[] o = new float[q.Length], lse = new float[batch * heads * tokens], dq = new float[q.Length], dk = new float[k.Length], dv = new float[v.Length];
        FlashAttention.Forward(q, k, v, o, lse, batch, heads, kvHeads, tokens, headDim, causal, options);
        FlashAttention.Backward(q, k, v, o, dO, lse, dq, dk, dv, batch, heads, kvHeads, tokens, headDim, causal, options);
        return [o, lse, dq, dk, dv];
    }

    /// <summary>
    /// Runs <see cref="Fused"/> on seeded inputs and checks it against <see cref="Run"/>: output and log-sum-exp within
    /// 1e-5, gradients within 1e-5 of the largest reference gradient.
    /// </summary>
    public static void CheckFused(int batch, int kvHeads, int group, int tokens, int headDim, bool causal, int window, SimdPath path, int threads, int seed)
    {
        int heads = kvHeads * group, n = batch * heads * tokens * headDim, nKv = batch * kvHeads * tokens * headDim;
        float[] q = Uniform(n, seed), k = Uniform(nKv, seed + 1), v = Uniform(nKv, seed + 2), dO = Uniform(n, seed + 3);
        var options = new FlashAttentionOptions { MaxDegreeOfParallelism = threads, Simd = path, Window = window > 0 ? window : null };
        var actual = Fused(q, k, v, dO, batch, heads, kvHeads, tokens, headDim, causal, options);
        var expected = Run(q, k, v, dO, batch, heads, kvHeads, tokens, tokens, headDim, causal, window);
        string what = $"(batch {batch}, heads {heads}, kvHeads {kvHeads}, tokens {tokens}, headDim {headDim}) causal {causal}, window {window}, {path}, {threads} threads";
        AssertClose(expected.O, actual[0], $"{what}: output");
        AssertClose(expected.Lse, actual[1], $"{what}: log-sum-exp");
        double largest = new[] { expected.Dq, expected.Dk, expected.Dv }.Max(g => g.Max(Math.Abs));
        AssertClose(expected.Dq, actual[2], $"{what}: dQ", 1e-5 * largest);
        AssertClose(expected.Dk, actual[3], $"{what}: dK", 1e-5 * largest);
        AssertClose(expected.Dv, actual[4], $"{what}: dV", 1e-5 * largest);
    }

    /// <summary>Checks that <see cref="Fused"/> gives the same bits on 1 and on 2 threads (seeded inputs, causal).</summary>
    public static void AssertSameOnOneAndTwoThreads(int batch, int heads, int kvHeads, int tokens, int headDim, SimdPath path, int? window = null)
    {
        int n = batch * heads * tokens * headDim, nKv = batch * kvHeads * tokens * headDim;
        float[] q = Uniform(n, 5), k = Uniform(nKv, 6), v = Uniform(nKv, 7), dO = Uniform(n, 8);
        var one = Fused(q, k, v, dO, batch, heads, kvHeads, tokens, headDim, true, new FlashAttentionOptions { MaxDegreeOfParallelism = 1, Simd = path, Window = window });
        var two = Fused(q, k, v, dO, batch, heads, kvHeads, tokens, headDim, true, new FlashAttentionOptions { MaxDegreeOfParallelism = 2, Simd = path, Window = window });
        for (int i = 0; i < one.Length; i++)
            Assert.Equal(one[i], two[i]);
    }
}
