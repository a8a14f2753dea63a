using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Softmax turns a row of attention scores into attention weights: positive numbers that sum to 1.
/// softmax(x)_i = exp(x_i) / Σ_j exp(x_j).
/// </summary>
public static class Softmax
{
    /// <summary>
    /// The textbook formula applied directly: exp(x_i) / Σ_j exp(x_j), row by row. It overflows to NaN once a score
    /// exceeds about 88 (exp(89) is larger than float32 can hold); use <see cref="Stable(Matrix{float})"/> in practice.
    /// </summary>
    /// <param name="scores">(rows, n) scores, n ≥ 1.</param>
    /// <returns>(rows, n) weights, each row summing to 1 (or NaN where the computation overflowed).</returns>
    public static Matrix<float> Naive(Matrix<float> scores)
    {
        CheckNotEmpty(scores);
        var weights = scores.Map(MathF.Exp);
        for (int i = 0; i < weights.RowCount; i++)
        {
            float sum = 0f;
            for (int j = 0; j < weights.ColumnCount; j++)
                sum += weights[i, j];
            for (int j = 0; j < weights.ColumnCount; j++)
                weights[i, j] /= sum;
        }
        return weights;
    }

    /// <summary>
    /// The numerically stable form, row by row: exp(x_i − m) / Σ_j exp(x_j − m) with m the row's maximum. Equal to
    /// <see cref="Naive(Matrix{float})"/> in exact arithmetic (the factor exp(−m) cancels) but never overflows, because
    /// every exponent is ≤ 0. A score of −∞ (a masked position) gets weight exactly 0.
    /// </summary>
    /// <param name="scores">(rows, n) scores, n ≥ 1: finite, or −∞ for a masked position; a row may contain −∞ but not only −∞.</param>
    /// <returns>(rows, n) weights, each row summing to 1.</returns>
    public static Matrix<float> Stable(Matrix<float> scores)
    {
        CheckNotEmpty(scores);
        var weights = Matrix<float>.Build.Dense(scores.RowCount, scores.ColumnCount);
        for (int i = 0; i < scores.RowCount; i++)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j < scores.ColumnCount; j++)
            {
                float s = scores[i, j];
                if (float.IsNaN(s) || float.IsPositiveInfinity(s))
                    throw new ArgumentException($"scores contains {s} at row {i}, column {j} of the {Shape.Of(scores)} scores: softmax needs finite scores (or -Infinity for a masked position).", nameof(scores));
                max = Math.Max(max, s);
            }
            if (float.IsNegativeInfinity(max))
                throw new ArgumentException($"row {i} of the {Shape.Of(scores)} scores is entirely -Infinity (every position masked): there is nothing to attend to.", nameof(scores));
            float sum = 0f;
            for (int j = 0; j < scores.ColumnCount; j++)
            {
                float e = MathF.Exp(scores[i, j] - max);
                weights[i, j] = e;
                sum += e;
            }
            for (int j = 0; j < scores.ColumnCount; j++)
                weights[i, j] /= sum;
        }
        return weights;
    }

    private static void CheckNotEmpty(Matrix<float> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.ColumnCount == 0)
            throw new ArgumentException($"the scores are {Shape.Of(scores)}: softmax needs at least one score per row.", nameof(scores));
    }

    private static void CheckNotEmpty(Vector<float> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
            throw new ArgumentException("the scores are empty (0 elements): softmax needs at least one score.", nameof(scores));
    }

    /// <summary>The naive softmax of one row of scores: exp(x_i) / Σ_j exp(x_j).</summary>
    /// <param name="scores">(n) scores.</param>
    /// <returns>(n) weights.</returns>
    public static Vector<float> Naive(Vector<float> scores)
    {
        CheckNotEmpty(scores);
        return Naive(scores.ToRowMatrix()).Row(0);
    }

    /// <summary>The stable softmax of one row of scores: exp(x_i − max) / Σ_j exp(x_j − max).</summary>
    /// <param name="scores">(n) scores.</param>
    /// <returns>(n) weights.</returns>
    public static Vector<float> Stable(Vector<float> scores)
    {
        CheckNotEmpty(scores);
        return Stable(scores.ToRowMatrix()).Row(0);
    }
}
