using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>Task 1, "look back k": the target at position t is the input token at t − k.</summary>
public static class LookBackTask
{
    /// <summary>
    /// A batch: inputs = <c>torch.randint(0, vocab, (batch, tokens), generator=g)</c>; targets[t] = inputs[t − k] for
    /// t ≥ k and <see cref="CrossEntropy.IgnoreIndex"/> before (there is nothing k tokens back).
    /// </summary>
    public static (int[][] Inputs, int[][] Targets) Batch(TorchGenerator generator, int batchSize, int tokens, int vocabSize, int offset)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Check.Positive(batchSize, nameof(batchSize));
        Check.Positive(tokens, nameof(tokens));
        Check.Positive(vocabSize, nameof(vocabSize));
        Check.Positive(offset, nameof(offset));
        if (offset >= tokens)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"offset {offset} must be below tokens ({tokens}): otherwise no position has a target.");
        var inputs = generator.RandInt(vocabSize, batchSize, tokens);
        var targets = inputs.Select(row => Enumerable.Range(0, tokens).Select(t => t >= offset ? row[t - offset] : CrossEntropy.IgnoreIndex).ToArray()).ToArray();
        return (inputs, targets);
    }

    /// <summary>The mean over sequences and positions t ≥ k of the attention weight that query t puts on key t − k.</summary>
    /// <param name="weights">(tokens, tokens) weights per sequence.</param>
    /// <param name="offset">k ≥ 1.</param>
    public static double AverageWeightOnOffset(IReadOnlyList<Matrix<float>> weights, int offset)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
            throw new ArgumentException("weights is empty.", nameof(weights));
        Check.Positive(offset, nameof(offset));
        double sum = 0;
        int count = 0;
        for (int b = 0; b < weights.Count; b++)
        {
            ArgumentNullException.ThrowIfNull(weights[b], $"weights[{b}]");
            if (weights[b].RowCount != weights[b].ColumnCount || weights[b].RowCount <= offset)
                throw new ArgumentException($"weights[{b}] is {Shape.Of(weights[b])} but a square matrix of more than {offset} tokens is needed.", nameof(weights));
            for (int t = offset; t < weights[b].RowCount; t++, count++)
                sum += weights[b][t, t - offset];
        }
        return sum / count;
    }
}
