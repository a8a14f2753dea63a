using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Storage;

namespace AttentionNotebooks;

/// <summary>
/// The causal mask: token i may attend to tokens 0..i and never to a later token. Positions above the diagonal are
/// masked.
/// </summary>
public static class CausalMask
{
    /// <summary>
    /// The mask as PyTorch's <c>torch.triu(torch.ones(n, n), diagonal=1)</c> builds it: 1 above the diagonal (masked),
    /// 0 on and below it (visible), stored densely (n² floats).
    /// </summary>
    /// <param name="size">n, the number of tokens; n² must fit in one matrix (n ≤ 46,340).</param>
    /// <returns>(n, n).</returns>
    public static Matrix<float> Create(int size)
    {
        Check.Positive(size, nameof(size));
        Check.MatrixSize(size, nameof(size), size, nameof(size), "the mask", nameof(size));
        return Matrix<float>.Build.Dense(size, size, (i, j) => j > i ? 1f : 0f);
    }

    /// <summary>
    /// The same (n, n) mask as <see cref="Create"/>, computed instead of stored: a read-only matrix whose element (i, j)
    /// is 1 when j &gt; i and 0 otherwise, worked out when it is read. It takes a few bytes whatever n is; this is how the
    /// attention modules hold their (contextLength, contextLength) <c>Mask</c>.
    /// </summary>
    internal static Matrix<float> Computed(int size)
    {
        Check.Positive(size, nameof(size));
        return new ComputedMask(size);
    }

    /// <summary>
    /// The −∞ trick: a copy of <paramref name="scores"/> with every position above the diagonal set to −∞ (PyTorch's
    /// <c>masked_fill(mask, -inf)</c>). Softmax then gives those positions weight exactly 0, because exp(−∞) = 0.
    /// </summary>
    /// <param name="scores">(n, n) attention scores, n ≥ 1.</param>
    /// <param name="value">The fill value, −∞ by default.</param>
    /// <returns>(n, n) masked scores.</returns>
    public static Matrix<float> FillAboveDiagonal(Matrix<float> scores, float value = float.NegativeInfinity)
    {
        CheckSquare(scores, nameof(scores));
        var masked = scores.Clone();
        FillAboveDiagonalInPlace(masked, value);
        return masked;
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
    /// <param name="weights">(n, n) attention weights computed without a mask; every row must keep a non-zero, finite sum on and below the diagonal.</param>
    /// <returns>(n, n) causal attention weights.</returns>
    public static Matrix<float> ZeroAndRenormalize(Matrix<float> weights)
    {
        CheckSquare(weights, nameof(weights));
        var masked = weights.Clone();
        FillAboveDiagonalInPlace(masked, 0f);
        for (int i = 0; i < masked.RowCount; i++)
        {
            float sum = masked.Row(i).Sum();
            if (sum == 0f || !float.IsFinite(sum))
                throw new ArgumentException(
                    $"row {i} of the {Shape.Of(weights)} weights sums to {sum} on and below the diagonal, so it cannot be renormalised to sum to 1.", nameof(weights));
            masked.SetRow(i, masked.Row(i) / sum);
        }
        return masked;
    }

    /// <summary>Sets every element above the diagonal of the square <paramref name="scores"/> to <paramref name="value"/>, in place.</summary>
    internal static void FillAboveDiagonalInPlace(Matrix<float> scores, float value = float.NegativeInfinity)
    {
        int n = scores.RowCount;
        for (int j = 1; j < n; j++)
            for (int i = 0; i < j; i++)
                scores[i, j] = value;
    }

    private static void CheckSquare(Matrix<float> scores, string name)
    {
        ArgumentNullException.ThrowIfNull(scores, name);
        if (scores.RowCount != scores.ColumnCount)
            throw new ArgumentException($"{name} are {Shape.Of(scores)} but a causal mask needs a square matrix.", name);
        if (scores.RowCount == 0)
            throw new ArgumentException($"{name} are {Shape.Of(scores)}: a causal mask needs at least one token.", name);
    }

    /// <summary>A read-only (n, n) causal mask computed on demand: no storage beyond its size.</summary>
    private sealed class ComputedMask(int size) : MathNet.Numerics.LinearAlgebra.Single.Matrix(new ComputedMaskStorage(size));

    /// <summary>The storage behind <see cref="ComputedMask"/>: each element worked out from its position when read.</summary>
    private sealed class ComputedMaskStorage(int size) : MatrixStorage<float>(size, size)
    {
        public override bool IsDense => false;

        public override bool IsFullyMutable => false;

        public override bool IsMutableAt(int row, int column) => false;

        public override float At(int row, int column) => column > row ? 1f : 0f;

        public override void At(int row, int column, float value) =>
            throw new NotSupportedException($"the causal mask is read-only: element ({row}, {column}) is always {(column > row ? 1 : 0)}. Clone it to get a matrix you can change.");
    }
}
