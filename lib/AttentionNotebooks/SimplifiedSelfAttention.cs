using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Self-attention without trainable weights: every token is compared with every token by a dot product, the
/// scores are normalised with softmax, and each context vector is the weighted sum of the input vectors.
/// </summary>
/// <remarks>
/// ω = X·Xᵀ (attention scores), A = softmax(ω) row-wise (attention weights), Z = A·X (context vectors).
/// </remarks>
public static class SimplifiedSelfAttention
{
    /// <summary>Computes simplified self-attention over one sequence.</summary>
    /// <param name="inputs">(tokens, d) embeddings, one row per token, all finite; the (tokens, tokens) scores must fit in one matrix.</param>
    /// <returns>Context vectors (tokens, d) and attention weights (tokens, tokens).</returns>
    /// <exception cref="OverflowException">A score or context vector overflowed float32 (the message says which, where).</exception>
    public static AttentionResult Forward(Matrix<float> inputs)
    {
        Check.Sequence(inputs, nameof(inputs));
        Check.Sizes(inputs.RowCount, inputs.ColumnCount, nameof(inputs));
        var origin = new Origin(nameof(inputs), inputs, "");
        var scores = inputs * inputs.Transpose();      // (T, T)  ω_ij = x_i · x_j
        Overflow.InScores(scores, inputs, inputs, origin, KeyVisibility.All);
        var weights = Softmax.Stable(scores);          // (T, T)  rows sum to 1
        var context = weights * inputs;                // (T, d)  z_i = Σ_j α_ij x_j
        Overflow.InContext(context, inputs, origin);
        return new AttentionResult(context, weights);
    }
}
