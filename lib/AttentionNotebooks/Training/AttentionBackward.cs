using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>The gradients of scaled dot-product attention with respect to its queries, keys and values.</summary>
/// <param name="Queries">dQ, (Tq, d_k).</param>
/// <param name="Keys">dK, (Tk, d_k).</param>
/// <param name="Values">dV, (Tk, d_v).</param>
public sealed record AttentionGradients(Matrix<float> Queries, Matrix<float> Keys, Matrix<float> Values);

/// <summary>
/// The backward pass of scaled dot-product attention, Z = D(A)·V with A = softmax(mask(Q·Kᵀ)·s), s = 1/√d_k and D
/// an optional dropout, one sequence (or one head) at a time.
/// </summary>
public static class AttentionBackward
{
    /// <summary>
    /// dQ, dK, dV from dZ, following the forward pass backwards: dV = D(A)ᵀ·dZ; dA = D(dZ·Vᵀ) (dropout keeps the same
    /// elements on the way back); dS = softmax backward of dA; masked positions get exactly 0; dQ = dS·K·s, dK = dSᵀ·Q·s.
    /// </summary>
    /// <param name="queries">Q, (Tq, d_k).</param>
    /// <param name="keys">K, (Tk, d_k).</param>
    /// <param name="values">V, (Tk, d_v).</param>
    /// <param name="weights">A, (Tq, Tk): the softmax output of the forward pass, before dropout.</param>
    /// <param name="contextGradient">dZ, (Tq, d_v).</param>
    /// <param name="causal">Whether the forward pass masked the scores above the diagonal (key j &gt; query i).</param>
    /// <param name="dropout">The forward pass's dropout mask on A, (Tq, Tk), or null without dropout.</param>
    public static AttentionGradients ScaledDotProduct(
        Matrix<float> queries, Matrix<float> keys, Matrix<float> values, Matrix<float> weights,
        Matrix<float> contextGradient, bool causal, DropoutMask? dropout = null)
    {
        Check.Finite(queries, nameof(queries));
        Check.Columns(keys, queries.ColumnCount, nameof(keys), $"queries are {Shape.Of(queries)}, so keys need");
        Check.Rows(values, keys.RowCount, nameof(values), $"keys are {Shape.Of(keys)}, so values need");
        Check.Shaped(weights, queries.RowCount, keys.RowCount, nameof(weights), $"queries are {Shape.Of(queries)} and keys {Shape.Of(keys)}, so the weights must be");
        Check.Shaped(contextGradient, queries.RowCount, values.ColumnCount, nameof(contextGradient), $"queries are {Shape.Of(queries)} and values {Shape.Of(values)}, so the context gradient must be");
        if (dropout is not null && (dropout.Rows != weights.RowCount || dropout.Columns != weights.ColumnCount))
            throw new ArgumentException($"the dropout mask is {dropout.Rows}x{dropout.Columns} but the weights are {Shape.Of(weights)}.", nameof(dropout));
        return Compute(queries, keys, values, weights, contextGradient, causal, dropout, 1f / MathF.Sqrt(queries.ColumnCount));
    }

    /// <summary>The same gradients on already validated arguments, with s given (1/√d_k, or 1/√headDim for a head).</summary>
    internal static AttentionGradients Compute(
        Matrix<float> q, Matrix<float> k, Matrix<float> v, Matrix<float> a, Matrix<float> dz, bool causal, DropoutMask? dropout, float scale)
    {
        var dropped = dropout?.Apply(a) ?? a;                           // (Tq, Tk)  D(A), what multiplied V
        var dv = ValueGradient(dropped, dz);                            // (Tk, d_v)
        var dDropped = WeightsGradient(dz, v);                          // (Tq, Tk)
        var da = dropout?.Apply(dDropped) ?? dDropped;                  // (Tq, Tk)  same kept elements, same scale
        var ds = SoftmaxBackward.Compute(a, da);                        // (Tq, Tk)  gradient of the scaled scores
        if (causal)
            ds = CausalMaskBackward.Compute(ds);                        // (Tq, Tk)  0 above the diagonal
        var dq = QueryGradient(ds, k, scale);                           // (Tq, d_k)
        var dk = KeyGradient(ds, q, scale);                             // (Tk, d_k)
        return new AttentionGradients(dq, dk, dv);
    }

    /// <summary>dV = Aᵀ·dZ (A after dropout): value j collects the gradient of every query that attended to it.</summary>
    /// <returns>(Tk, d_v).</returns>
    internal static Matrix<float> ValueGradient(Matrix<float> weights, Matrix<float> contextGradient) =>
        weights.TransposeThisAndMultiply(contextGradient);              // (Tk, Tq)·(Tq, d_v)

    /// <summary>dA = dZ·Vᵀ: weight (i, j) scaled value j into context i.</summary>
    /// <returns>(Tq, Tk).</returns>
    internal static Matrix<float> WeightsGradient(Matrix<float> contextGradient, Matrix<float> values) =>
        contextGradient.TransposeAndMultiply(values);                   // (Tq, d_v)·(d_v, Tk)

    /// <summary>dQ = dS·K·s: the scores were s·Q·Kᵀ.</summary>
    /// <returns>(Tq, d_k).</returns>
    internal static Matrix<float> QueryGradient(Matrix<float> scoresGradient, Matrix<float> keys, float scale) =>
        (scoresGradient * keys) * scale;                                // (Tq, Tk)·(Tk, d_k)

    /// <summary>dK = dSᵀ·Q·s.</summary>
    /// <returns>(Tk, d_k).</returns>
    internal static Matrix<float> KeyGradient(Matrix<float> scoresGradient, Matrix<float> queries, float scale) =>
        scoresGradient.TransposeThisAndMultiply(queries) * scale;       // (Tk, Tq)·(Tq, d_k)
}
