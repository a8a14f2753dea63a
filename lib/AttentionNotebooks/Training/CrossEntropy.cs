using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>The mean cross-entropy of a batch and its gradient with respect to the logits.</summary>
/// <param name="Loss">L = mean over the counted positions of −log softmax(logits)[target].</param>
/// <param name="LogitsGradient">dL/dlogits: one (tokens, classes) matrix per sequence.</param>
/// <param name="Count">How many positions were counted (targets not equal to <see cref="CrossEntropy.IgnoreIndex"/>).</param>
public sealed record CrossEntropyResult(float Loss, IReadOnlyList<Matrix<float>> LogitsGradient, int Count);

/// <summary>
/// Mean cross-entropy over logits, PyTorch's <c>F.cross_entropy(logits.view(-1, V), targets.view(-1))</c>: a stable
/// log-softmax per position, the negative log-probability of the target class, averaged over every position whose
/// target is not <see cref="IgnoreIndex"/>.
/// </summary>
public static class CrossEntropy
{
    /// <summary>A target that is not counted (PyTorch's default <c>ignore_index=-100</c>).</summary>
    public const int IgnoreIndex = -100;

    /// <summary>
    /// L = (1/N)·Σ_t −log p_t[y_t] with log p = x − (m + log Σ_j exp(x_j − m)), m the row's max; and its gradient
    /// dL/dx_t = (p_t − onehot(y_t)) / N for counted positions, 0 for ignored ones. N counts the positions with a target.
    /// </summary>
    /// <param name="logits">One (tokens, classes) matrix per sequence, equally shaped.</param>
    /// <param name="targets">One (tokens) array of class ids per sequence, each in [0, classes) or <see cref="IgnoreIndex"/>.</param>
    public static CrossEntropyResult Mean(IReadOnlyList<Matrix<float>> logits, IReadOnlyList<IReadOnlyList<int>> targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.Count == 0)
            throw new ArgumentException("logits is empty: a batch needs at least one sequence.", nameof(logits));
        if (targets.Count != logits.Count)
            throw new ArgumentException($"targets has {targets.Count} sequences but logits has {logits.Count}.", nameof(targets));
        Check.Finite(logits[0], "logits[0]");
        int tokens = logits[0].RowCount, classes = logits[0].ColumnCount, count = 0;
        for (int b = 0; b < logits.Count; b++)
        {
            Check.Shaped(logits[b], tokens, classes, $"logits[{b}]", "logits[0] is " + Shape.Of(logits[0]) + ", so every sequence must be");
            ArgumentNullException.ThrowIfNull(targets[b], $"targets[{b}]");
            if (targets[b].Count != tokens)
                throw new ArgumentException($"targets[{b}] has {targets[b].Count} ids but logits[{b}] is {Shape.Of(logits[b])}: one target per token.", nameof(targets));
            for (int t = 0; t < tokens; t++)
            {
                int y = targets[b][t];
                if (y == IgnoreIndex)
                    continue;
                if (y < 0 || y >= classes)
                    throw new ArgumentOutOfRangeException(nameof(targets), y, $"targets[{b}][{t}] is {y} but there are {classes} classes (0..{classes - 1}, or {IgnoreIndex} to ignore).");
                count++;
            }
        }
        if (count == 0)
            throw new ArgumentException($"every target is {IgnoreIndex}: the mean over no positions is undefined.", nameof(targets));
        return Compute(logits, targets, count);
    }

    private static CrossEntropyResult Compute(IReadOnlyList<Matrix<float>> logits, IReadOnlyList<IReadOnlyList<int>> targets, int count)
    {
        int tokens = logits[0].RowCount, classes = logits[0].ColumnCount;
        double total = 0;                                                       // Σ −log p[y], in double, rounded once
        float inverseCount = 1f / count;
        var gradients = new Matrix<float>[logits.Count];
        for (int b = 0; b < logits.Count; b++)
        {
            var x = logits[b];
            var dx = Matrix<float>.Build.Dense(tokens, classes);                // (T, V)
            for (int t = 0; t < tokens; t++)
            {
                int y = targets[b][t];
                if (y == IgnoreIndex)
                    continue;                                                   // ignored: gradient 0
                float max = float.NegativeInfinity;
                for (int j = 0; j < classes; j++)
                    max = MathF.Max(max, x[t, j]);
                float sum = 0f;
                for (int j = 0; j < classes; j++)
                    sum += MathF.Exp(x[t, j] - max);
                float logSumExp = max + MathF.Log(sum);                         // log Σ exp(x_j)
                total -= x[t, y] - logSumExp;                                   // −log p[y]
                for (int j = 0; j < classes; j++)
                    dx[t, j] = MathF.Exp(x[t, j] - logSumExp) * inverseCount;   // p_j / N
                dx[t, y] -= inverseCount;                                       // − onehot(y) / N
            }
            gradients[b] = dx;
        }
        return new CrossEntropyResult((float)(total / count), gradients, count);
    }
}
