namespace AttentionNotebooks.Tests;

/// <summary>
/// Attention computed from the definition in double precision with plain loops: the independent reference every
/// float32 mechanism is compared with. Nothing here calls the library's arithmetic.
/// </summary>
internal static class Reference
{
    public static double[,] ToDouble(Matrix<float> m)
    {
        var r = new double[m.RowCount, m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                r[i, j] = m[i, j];
        return r;
    }

    public static double[,] MatMul(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), k = a.GetLength(1), m = b.GetLength(1);
        if (b.GetLength(0) != k)
            throw new ArgumentException("inner dimensions differ");
        var r = new double[n, m];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < m; j++)
            {
                double s = 0;
                for (int t = 0; t < k; t++)
                    s += a[i, t] * b[t, j];
                r[i, j] = s;
            }
        return r;
    }

    public static double[,] Transpose(double[,] a)
    {
        var r = new double[a.GetLength(1), a.GetLength(0)];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                r[j, i] = a[i, j];
        return r;
    }

    /// <summary>y = x·Wᵀ + b with W stored (out, in).</summary>
    public static double[,] Linear(double[,] x, Linear layer)
    {
        var y = MatMul(x, Transpose(ToDouble(layer.Weight)));
        if (layer.Bias is not null)
            for (int i = 0; i < y.GetLength(0); i++)
                for (int j = 0; j < y.GetLength(1); j++)
                    y[i, j] += layer.Bias[j];
        return y;
    }

    /// <summary>softmax over each row: exp(x_j) / Σ exp(x_k), with −∞ giving 0.</summary>
    public static double[,] Softmax(double[,] s)
    {
        int n = s.GetLength(0), m = s.GetLength(1);
        var r = new double[n, m];
        for (int i = 0; i < n; i++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < m; j++)
                max = Math.Max(max, s[i, j]);
            double sum = 0;
            for (int j = 0; j < m; j++)
                sum += r[i, j] = Math.Exp(s[i, j] - max);
            for (int j = 0; j < m; j++)
                r[i, j] /= sum;
        }
        return r;
    }

    /// <summary>Weights = softmax(q·kᵀ·scale) with key j &gt; query i hidden when causal; returns (context, weights).</summary>
    public static (double[,] Context, double[,] Weights) Attention(double[,] q, double[,] k, double[,] v, bool causal, double scale)
    {
        int n = q.GetLength(0), nk = k.GetLength(0), d = q.GetLength(1);
        var scores = new double[n, nk];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < nk; j++)
            {
                if (causal && j > i)
                {
                    scores[i, j] = double.NegativeInfinity;
                    continue;
                }
                double s = 0;
                for (int t = 0; t < d; t++)
                    s += q[i, t] * k[j, t];
                scores[i, j] = s * scale;
            }
        var weights = Softmax(scores);
        return (MatMul(weights, v), weights);
    }

    /// <summary>Multi-head causal attention from the definition: head h uses columns [h·hd, (h+1)·hd).</summary>
    public static (double[,] Output, double[][,] Weights) MultiHead(double[,] x, MultiHeadAttention mha)
    {
        var q = Linear(x, mha.WQuery);
        var k = Linear(x, mha.WKey);
        var v = Linear(x, mha.WValue);
        int tokens = x.GetLength(0), hd = mha.HeadDim;
        var context = new double[tokens, mha.DOut];
        var weights = new double[mha.NumHeads][,];
        for (int h = 0; h < mha.NumHeads; h++)
        {
            var (z, w) = Attention(Columns(q, h * hd, hd), Columns(k, h * hd, hd), Columns(v, h * hd, hd), causal: true, 1 / Math.Sqrt(hd));
            weights[h] = w;
            for (int i = 0; i < tokens; i++)
                for (int j = 0; j < hd; j++)
                    context[i, h * hd + j] = z[i, j];
        }
        return (Linear(context, mha.OutProj), weights);
    }

    public static double[,] Columns(double[,] a, int first, int count)
    {
        var r = new double[a.GetLength(0), count];
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < count; j++)
                r[i, j] = a[i, first + j];
        return r;
    }
}
