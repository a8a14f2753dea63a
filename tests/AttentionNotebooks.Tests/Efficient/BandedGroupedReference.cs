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
}
