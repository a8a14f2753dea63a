using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The teaching classes' attention core on MathNet matrices, per (batch, head): scores = Q·Kᵀ, causal mask, stable
/// softmax of scores/√d, weights·V — the lines of <see cref="CausalAttention"/> and <see cref="MultiHeadAttention"/>
/// without their projections, fed the same Q, K, V as the other rungs.
/// </summary>
public sealed class MathNetAttention
{
    private readonly Matrix<float>[] _q, _k, _v;
    private readonly Matrix<float> _mask;
    private readonly int _headDim;

    /// <summary>Copies (batch, heads, tokens, headDim) tensors into one (tokens, headDim) matrix per (batch, head).</summary>
    public MathNetAttention(float[] q, float[] k, float[] v, int batch, int heads, int tokens, int headDim)
    {
        _headDim = headDim;
        _q = Split(q, batch * heads, tokens, headDim);
        _k = Split(k, batch * heads, tokens, headDim);
        _v = Split(v, batch * heads, tokens, headDim);
        _mask = CausalMask.Create(tokens);
    }

    /// <summary>Context vectors (tokens, headDim) per (batch, head).</summary>
    public Matrix<float>[] Forward()
    {
        var context = new Matrix<float>[_q.Length];
        for (int s = 0; s < _q.Length; s++)
        {
            var scores = _q[s] * _k[s].Transpose();                               // (T, T)
            var masked = CausalMask.MaskedFill(scores, _mask);                    // (T, T)
            var weights = Softmax.Stable(masked / MathF.Sqrt(_headDim));          // (T, T)
            context[s] = weights * _v[s];                                         // (T, headDim)
        }
        return context;
    }

    private static Matrix<float>[] Split(float[] x, int slices, int tokens, int headDim) =>
        Enumerable.Range(0, slices)
            .Select(s => Matrix<float>.Build.Dense(tokens, headDim, (t, d) => x[(s * tokens + t) * headDim + d]))
            .ToArray();
}
