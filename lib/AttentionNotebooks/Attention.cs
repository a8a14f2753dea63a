using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Scaled dot-product attention, the one computation every attention module of the library calls, and what the
/// trainers keep for the backward pass (Vaswani et al. 2017, "Attention Is All You Need", eq. 1):
/// <code>
///   S = Q·Kᵀ                      attention scores
///   A = softmax(mask(S) / √d_k)   attention weights (hidden keys get −∞, so weight exactly 0)
///   Z = dropout(A)·V              context vectors
/// </code>
/// The modules differ only in where Q, K and V come from (one sequence or two, one head or a column block per head)
/// and in which keys are hidden; the notebooks write each version out step by step, and check it against this.
/// </summary>
internal static class Attention
{
    /// <summary>Attention of every query over the keys it may see.</summary>
    /// <param name="queries">Q, (Tq, d_k).</param>
    /// <param name="keys">K, (Tk, d_k).</param>
    /// <param name="values">V, (Tk, d_v).</param>
    /// <param name="visible">Which keys each query may see (causal, padding, sliding window, the queries' position).</param>
    /// <param name="dropout">The dropout applied to the weights, or null for none (no draws then).</param>
    /// <param name="scoresOrigin">What the error message names if a used score overflows.</param>
    /// <param name="contextOrigin">What it names if a context vector overflows.</param>
    /// <param name="scaleDim">The d_k whose square root divides the scores; null: the queries' columns. Latent attention's
    /// absorbed form attends in the latent space (d_c columns) but keeps its heads' scale, 1/√headDim.</param>
    /// <returns>Q, K, V, the weights before and after dropout, the dropout mask drawn, and the context vectors.</returns>
    /// <exception cref="OverflowException">A used score or a context vector overflowed float32.</exception>
    public static AttentionStep ScaledDotProduct(
        Matrix<float> queries, Matrix<float> keys, Matrix<float> values,
        in KeyVisibility visible, Dropout? dropout, in Origin scoresOrigin, in Origin contextOrigin, int? scaleDim = null)
    {
        int tq = queries.RowCount, tk = keys.RowCount, dk = scaleDim ?? queries.ColumnCount;
        var scores = queries * keys.Transpose();                        // (Tq, Tk)
        Overflow.InScores(scores, queries, keys, scoresOrigin, visible);
        AttentionMask.HideInPlace(scores, visible);                     // (Tq, Tk)  −∞ where hidden
        var weights = Softmax.Stable(scores / MathF.Sqrt(dk));         // (Tq, Tk)  rows sum to 1, 0 where hidden
        var mask = dropout?.Draw(tq, tk);                               // kept elements, or null (no dropout)
        var dropped = mask?.Apply(weights) ?? (dropout is null ? weights : weights.Clone());  // (Tq, Tk)
        var context = dropped * values;                                 // (Tq, d_v)
        Overflow.InContext(context, values, contextOrigin);
        return new AttentionStep(queries, keys, values, weights, mask, dropped, context);
    }
}

/// <summary>One scaled dot-product attention, as <see cref="Attention.ScaledDotProduct"/> computed it.</summary>
/// <param name="Queries">Q, (Tq, d_k).</param>
/// <param name="Keys">K, (Tk, d_k).</param>
/// <param name="Values">V, (Tk, d_v).</param>
/// <param name="Weights">A = softmax(mask(Q·Kᵀ) / √d_k), (Tq, Tk), before dropout: what the backward pass differentiates.</param>
/// <param name="DropoutMask">The keep/drop decisions drawn for A, or null when no dropout was applied.</param>
/// <param name="Dropped">dropout(A), (Tq, Tk): the weights that multiplied V, which the modules return (A itself without dropout).</param>
/// <param name="Context">Z = dropout(A)·V, (Tq, d_v).</param>
internal sealed record AttentionStep(
    Matrix<float> Queries, Matrix<float> Keys, Matrix<float> Values,
    Matrix<float> Weights, DropoutMask? DropoutMask, Matrix<float> Dropped, Matrix<float> Context);
