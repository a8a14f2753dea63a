namespace AttentionNotebooks.Tests;

/// <summary>
/// RoPE, sliding windows, grouped-query and latent attention from their definitions, in double precision with plain
/// loops; nothing here calls the library's arithmetic or masks.
/// </summary>
internal static class ModernReference
{
    /// <summary>Key j hidden from query i (at position offset + i): j ≥ keyLength, causal and j &gt; p, or |p − j| ≥ window.</summary>
    public static bool Hidden(int i, int j, bool causal, int window, int offset = 0, int keyLength = int.MaxValue)
    {
        long p = (long)offset + i;
        return j >= keyLength || (causal && j > p) || Math.Abs(p - j) >= window;
    }

    /// <summary>softmax(mask(q·kᵀ)/√scaleDim)·v under the rules of <see cref="Hidden"/>; returns (context, weights).</summary>
    public static (double[,] Context, double[,] Weights) Attention(double[,] q, double[,] k, double[,] v, bool causal, int window, int offset, double scaleDim)
    {
        int tq = q.GetLength(0), tk = k.GetLength(0), d = q.GetLength(1);
        var scores = new double[tq, tk];
        for (int i = 0; i < tq; i++)
            for (int j = 0; j < tk; j++)
            {
                double s = 0;
                for (int t = 0; t < d; t++)
                    s += q[i, t] * k[j, t];
                scores[i, j] = Hidden(i, j, causal, window, offset) ? double.NegativeInfinity : s / Math.Sqrt(scaleDim);
            }
        var weights = Reference.Softmax(scores);
        return (Reference.MatMul(weights, v), weights);
    }

    /// <summary>RoPE with split-halves pairing: row t at position first + t, pair (c, c + d/2) rotated by (first + t)·theta^(−2c/d).</summary>
    public static double[,] Rotate(double[,] x, int first, double theta = 10000)
    {
        int rows = x.GetLength(0), d = x.GetLength(1), half = d / 2;
        var r = new double[rows, d];
        for (int t = 0; t < rows; t++)
            for (int c = 0; c < half; c++)
            {
                double angle = (first + t) * Math.Pow(theta, -2.0 * c / d);
                double a = x[t, c], b = x[t, c + half];
                r[t, c] = a * Math.Cos(angle) - b * Math.Sin(angle);
                r[t, c + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
            }
        return r;
    }

    /// <summary>Grouped-query attention: query head h uses key-value head h / (heads / groups); optional RoPE and window.</summary>
    public static (double[,] Output, double[][,] Weights) GroupedQuery(double[,] x, GroupedQueryAttention gqa)
    {
        var q = Reference.Linear(x, gqa.WQuery);
        var k = Reference.Linear(x, gqa.WKey);
        var v = Reference.Linear(x, gqa.WValue);
        int hd = gqa.HeadDim;
        return Heads(gqa.NumHeads, hd, gqa.OutProj, h =>
        {
            int g = h / (gqa.NumHeads / gqa.NumKvGroups);
            var qh = Reference.Columns(q, h * hd, hd);
            var kg = Reference.Columns(k, g * hd, hd);
            if (gqa.Rotary is not null)
                (qh, kg) = (Rotate(qh, 0, gqa.Rotary.Theta), Rotate(kg, 0, gqa.Rotary.Theta));
            return Attention(qh, kg, Reference.Columns(v, g * hd, hd), causal: true, gqa.Window ?? int.MaxValue, 0, hd);
        });
    }

    /// <summary>Latent attention, naive form: c = x·W_DKVᵀ, K = c·W_UKᵀ, V = c·W_UVᵀ, causal multi-head attention.</summary>
    public static (double[,] Output, double[][,] Weights) Latent(double[,] x, MultiHeadLatentAttention mla)
    {
        var c = Reference.Linear(x, mla.WDownKV);
        var q = Reference.Linear(x, mla.WQuery);
        var k = Reference.Linear(c, mla.WUpKey);
        var v = Reference.Linear(c, mla.WUpValue);
        int hd = mla.HeadDim;
        return Heads(mla.NumHeads, hd, mla.OutProj, h =>
            Attention(Reference.Columns(q, h * hd, hd), Reference.Columns(k, h * hd, hd), Reference.Columns(v, h * hd, hd), causal: true, int.MaxValue, 0, hd));
    }

    /// <summary>Each head's (context, weights), the contexts side by side in column blocks of headDim, then the output projection.</summary>
    private static (double[,] Output, double[][,] Weights) Heads(int heads, int headDim, Linear outProj, Func<int, (double[,] Context, double[,] Weights)> head)
    {
        double[,]? context = null;
        var weights = new double[heads][,];
        for (int h = 0; h < heads; h++)
        {
            var (z, w) = head(h);
            context ??= new double[z.GetLength(0), heads * headDim];
            weights[h] = w;
            for (int i = 0; i < z.GetLength(0); i++)
                for (int j = 0; j < headDim; j++)
                    context[i, h * headDim + j] = z[i, j];
        }
        return (Reference.Linear(context!, outProj), weights);
    }
}
