using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// The causal mask: token i may attend to tokens 0..i and never to a later token. Positions above the diagonal are
/// masked.
/// </summary>
public static class CausalMask
{
    /// <summary>
    /// The mask as PyTorch's <c>torch.triu(torch.ones(n, n), diagonal=1)</c> builds it: 1 above the diagonal (masked),
    /// 0 on and below it (visible).
    /// </summary>
    /// <returns>(n, n).</returns>
    public static Matrix<float> Create(int size)
    {
        Check.Positive(size, nameof(size));
        return Matrix<float>.Build.Dense(size, size, (i, j) => j > i ? 1f : 0f);
    }

    /// <summary>
    /// The −∞ trick: a copy of <paramref name="scores"/> with every position above the diagonal set to −∞ (PyTorch's
    /// <c>masked_fill(mask, -inf)</c>). Softmax then gives those positions weight exactly 0, because exp(−∞) = 0.
    /// </summary>
    /// <param name="scores">(n, n) attention scores.</param>
    /// <param name="value">The fill value, −∞ by default.</param>
    /// <returns>(n, n) masked scores.</returns>
    public static Matrix<float> FillAboveDiagonal(Matrix<float> scores, float value = float.NegativeInfinity)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.RowCount != scores.ColumnCount)
            throw new ArgumentException($"scores are {Shape.Of(scores)} but a causal mask needs a square matrix.", nameof(scores));
        return MaskedFill(scores, Create(scores.RowCount), value);
    }

    /// <summary>
    /// PyTorch's <c>scores.masked_fill(mask.bool()[:n, :n], value)</c>: a copy of <paramref name="scores"/> with
    /// <paramref name="value"/> wherever the top-left (n, n) block of <paramref name="mask"/> is non-zero. The mask may
    /// be larger than the scores (a context-length mask reused for shorter sequences).
    /// </summary>
    /// <param name="scores">(n, n) attention scores.</param>
    /// <param name="mask">(c, c) mask with c ≥ n, non-zero where a position is hidden, as built by <see cref="Create"/>.</param>
    /// <param name="value">The fill value, −∞ by default.</param>
    /// <returns>(n, n) masked scores.</returns>
    public static Matrix<float> MaskedFill(Matrix<float> scores, Matrix<float> mask, float value = float.NegativeInfinity)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.RowCount < scores.RowCount || mask.ColumnCount < scores.ColumnCount)
            throw new ArgumentException($"scores are {Shape.Of(scores)} but the mask is only {Shape.Of(mask)}.", nameof(mask));
        var masked = scores.Clone();
        for (int i = 0; i < masked.RowCount; i++)
            for (int j = 0; j < masked.ColumnCount; j++)
                if (mask[i, j] != 0f)
                    masked[i, j] = value;
        return masked;
    }

    /// <summary>
    /// The first route: zero the weights above the diagonal (multiply by the lower-triangular matrix of ones,
    /// <c>torch.tril</c>), then divide each row by its new sum so it sums to 1 again.
    /// </summary>
    /// <param name="weights">(n, n) attention weights computed without a mask.</param>
    /// <returns>(n, n) causal attention weights.</returns>
    public static Matrix<float> ZeroAndRenormalize(Matrix<float> weights)
    {
        var masked = FillAboveDiagonal(weights, 0f);
        for (int i = 0; i < masked.RowCount; i++)
        {
            float sum = masked.Row(i).Sum();
            masked.SetRow(i, masked.Row(i) / sum);
        }
        return masked;
    }
}
