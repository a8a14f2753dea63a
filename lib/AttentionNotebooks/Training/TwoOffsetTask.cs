namespace AttentionNotebooks.Training;

/// <summary>
/// Task 2, "two heads, two jobs": the target at position t is the ordered pair (x[t−1], x[t−2]), one class per pair,
/// class = symbols·x[t−1] + x[t−2]. The order matters: a head that averages the two tokens' values gets the same
/// vector for (a, b) and (b, a), so it cannot tell the two classes apart; two heads, each locked to one offset, can.
/// </summary>
public static class TwoOffsetTask
{
    /// <summary>Number of classes: symbols² ordered pairs.</summary>
    /// <param name="symbols">Vocabulary size, ≥ 1.</param>
    public static int Classes(int symbols)
    {
        Check.Positive(symbols, nameof(symbols));
        if (symbols > 46_340)
            throw new ArgumentOutOfRangeException(nameof(symbols), symbols, $"symbols ({symbols}) squared overflows the number of classes.");
        return symbols * symbols;
    }

    /// <summary>
    /// A batch: inputs = <c>torch.randint(0, symbols, (batch, tokens), generator=g)</c>; targets[t] =
    /// symbols·inputs[t−1] + inputs[t−2] for t ≥ 2, <see cref="CrossEntropy.IgnoreIndex"/> at positions 0 and 1.
    /// </summary>
    /// <param name="generator">The data generator.</param>
    /// <param name="batchSize">Sequences.</param>
    /// <param name="tokens">Tokens per sequence, ≥ 3.</param>
    /// <param name="symbols">Vocabulary size.</param>
    public static (int[][] Inputs, int[][] Targets) Batch(TorchGenerator generator, int batchSize, int tokens, int symbols)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Check.Positive(batchSize, nameof(batchSize));
        Classes(symbols);
        if (tokens < 3)
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens, $"tokens must be at least 3 (positions 0 and 1 have no pair before them), but is {tokens}.");
        var inputs = generator.RandInt(symbols, batchSize, tokens);
        var targets = inputs.Select(row => Enumerable.Range(0, tokens)
            .Select(t => t >= 2 ? symbols * row[t - 1] + row[t - 2] : CrossEntropy.IgnoreIndex).ToArray()).ToArray();
        return (inputs, targets);
    }
}
