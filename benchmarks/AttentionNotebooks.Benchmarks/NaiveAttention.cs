namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The bottom rung: causal attention as three loops per (batch, head) over a full tokens × tokens score matrix, one
/// thread, no vectors — the formula typed in directly.
/// </summary>
public static class NaiveAttention
{
    /// <summary>All tensors (batch, heads, tokens, headDim).</summary>
    public static void Forward(float[] q, float[] k, float[] v, float[] output, int batch, int heads, int tokens, int headDim)
    {
        float scale = 1f / MathF.Sqrt(headDim);
        var scores = new float[tokens * tokens];                                // (tokens, tokens)
        for (int slice = 0; slice < batch * heads; slice++)
        {
            int first = slice * tokens * headDim;
            for (int i = 0; i < tokens; i++)
                for (int j = 0; j < tokens; j++)
                {
                    float dot = 0f;
                    for (int d = 0; d < headDim; d++)
                        dot += q[first + i * headDim + d] * k[first + j * headDim + d];
                    scores[i * tokens + j] = j > i ? float.NegativeInfinity : dot * scale;
                }
            for (int i = 0; i < tokens; i++)
            {
                float max = float.NegativeInfinity, sum = 0f;
                for (int j = 0; j < tokens; j++)
                    max = MathF.Max(max, scores[i * tokens + j]);
                for (int j = 0; j < tokens; j++)
                    sum += scores[i * tokens + j] = MathF.Exp(scores[i * tokens + j] - max);
                for (int j = 0; j < tokens; j++)
                    scores[i * tokens + j] /= sum;
            }
            for (int i = 0; i < tokens; i++)
                for (int d = 0; d < headDim; d++)
                {
                    float acc = 0f;
                    for (int j = 0; j < tokens; j++)
                        acc += scores[i * tokens + j] * v[first + j * headDim + d];
                    output[first + i * headDim + d] = acc;
                }
        }
    }
}
