namespace AttentionNotebooks.Tests;

/// <summary>
/// Attention with a key-padding mask (and optionally the causal mask) from the definition in double precision, with
/// plain loops: key j is hidden from query i when j ≥ keyLength or (causal) j &gt; i. Nothing here calls the library's
/// arithmetic or its masks.
/// </summary>
internal static class MaskedReference
{
    /// <summary>softmax(mask(q·kᵀ)·scale)·v; returns (context (Tq, d_v), weights (Tq, Tk)).</summary>
    public static (double[,] Context, double[,] Weights) Attention(double[,] q, double[,] k, double[,] v, bool causal, int keyLength, double scale)
    {
        int tq = q.GetLength(0), tk = k.GetLength(0), d = q.GetLength(1);
        var scores = new double[tq, tk];
        for (int i = 0; i < tq; i++)
            for (int j = 0; j < tk; j++)
            {
                if (j >= keyLength || (causal && j > i))
                {
                    scores[i, j] = double.NegativeInfinity;
                    continue;
                }
                double s = 0;
                for (int t = 0; t < d; t++)
                    s += q[i, t] * k[j, t];
                scores[i, j] = s * scale;
            }
        var weights = Reference.Softmax(scores);
        return (Reference.MatMul(weights, v), weights);
    }

    /// <summary>Multi-head cross-attention: queries from xq, keys and values from xkv, keys j ≥ keyLength hidden, no causal mask.</summary>
    public static (double[,] Output, double[][,] Weights) MultiHeadCross(double[,] xq, double[,] xkv, MultiHeadAttention mha, int keyLength)
    {
        var q = Reference.Linear(xq, mha.WQuery);
        var k = Reference.Linear(xkv, mha.WKey);
        var v = Reference.Linear(xkv, mha.WValue);
        int tokens = xq.GetLength(0), hd = mha.HeadDim;
        var context = new double[tokens, mha.DOut];
        var weights = new double[mha.NumHeads][,];
        for (int h = 0; h < mha.NumHeads; h++)
        {
            var (z, w) = Attention(Reference.Columns(q, h * hd, hd), Reference.Columns(k, h * hd, hd), Reference.Columns(v, h * hd, hd),
                causal: false, keyLength, 1 / Math.Sqrt(hd));
            weights[h] = w;
            for (int i = 0; i < tokens; i++)
                for (int j = 0; j < hd; j++)
                    context[i, h * hd + j] = z[i, j];
        }
        return (Reference.Linear(context, mha.OutProj), weights);
    }

    /// <summary>Multi-head causal attention with key padding: head h uses columns [h·hd, (h+1)·hd), then the output projection.</summary>
    public static (double[,] Output, double[][,] Weights) MultiHead(double[,] x, MultiHeadAttention mha, int keyLength)
    {
        var q = Reference.Linear(x, mha.WQuery);
        var k = Reference.Linear(x, mha.WKey);
        var v = Reference.Linear(x, mha.WValue);
        int tokens = x.GetLength(0), hd = mha.HeadDim;
        var context = new double[tokens, mha.DOut];
        var weights = new double[mha.NumHeads][,];
        for (int h = 0; h < mha.NumHeads; h++)
        {
            var (z, w) = Attention(Reference.Columns(q, h * hd, hd), Reference.Columns(k, h * hd, hd), Reference.Columns(v, h * hd, hd),
                causal: true, keyLength, 1 / Math.Sqrt(hd));
            weights[h] = w;
            for (int i = 0; i < tokens; i++)
                for (int j = 0; j < hd; j++)
                    context[i, h * hd + j] = z[i, j];
        }
        return (Reference.Linear(context, mha.OutProj), weights);
    }
}
