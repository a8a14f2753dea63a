using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>A batch of the key→value lookup task.</summary>
/// <param name="Inputs">Per sequence: <c>pairs</c> entry tokens, then one query token.</param>
/// <param name="Targets">Per sequence: <see cref="CrossEntropy.IgnoreIndex"/> everywhere except the last position, whose target is the queried key's value.</param>
/// <param name="KeyPositions">Per sequence: the position of the entry that holds the queried key.</param>
public sealed record LookupBatch(int[][] Inputs, int[][] Targets, int[] KeyPositions);

/// <summary>
/// Task 3, "content, not position": notebook 0's key→value lookup as a sequence. Each of the first <c>pairs</c>
/// positions holds one dictionary entry "key k → value v" (token k·values + v; the keys of a sequence are distinct),
/// the last position holds a query "key q?" (token keys·values + q), and the target at the last position is the value
/// stored with key q. The entry to look at is wherever key q happens to be: only its content can find it.
/// </summary>
public static class LookupTask
{
    /// <summary>Token ids: keys·values entry tokens, then keys query tokens.</summary>
    /// <param name="keys">Distinct keys, ≥ 1.</param>
    /// <param name="values">Distinct values, ≥ 1.</param>
    public static int VocabSize(int keys, int values)
    {
        Check.Positive(keys, nameof(keys));
        Check.Positive(values, nameof(values));
        long vocab = (long)keys * values + keys;
        if (vocab > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(values), values, $"keys ({keys}) x values ({values}) + keys overflows the vocabulary size.");
        return (int)vocab;
    }

    /// <summary>The token of the entry "key → value".</summary>
    public static int Entry(int key, int value, int values) => key * values + value;

    /// <summary>The token of the query "key?".</summary>
    public static int Query(int key, int keys, int values) => keys * values + key;

    /// <summary>
    /// A batch drawn from <paramref name="generator"/>, sequence by sequence: the keys of the entries are a random
    /// choice of <paramref name="pairs"/> distinct keys in random order (Fisher–Yates, one draw per swap), each entry's
    /// value one draw, then the queried entry one draw. 32-bit draws are reduced modulo the range.
    /// </summary>
    /// <param name="generator">The data generator.</param>
    /// <param name="batchSize">Sequences.</param>
    /// <param name="pairs">Entries per sequence (tokens = pairs + 1), at most <paramref name="keys"/>.</param>
    /// <param name="keys">Distinct keys.</param>
    /// <param name="values">Distinct values (the classes).</param>
    public static LookupBatch Batch(TorchGenerator generator, int batchSize, int pairs, int keys, int values)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Check.Positive(batchSize, nameof(batchSize));
        Check.Positive(pairs, nameof(pairs));
        VocabSize(keys, values);
        if (pairs > keys)
            throw new ArgumentOutOfRangeException(nameof(pairs), pairs, $"pairs ({pairs}) must be at most keys ({keys}): the keys of a sequence are distinct.");
        var inputs = new int[batchSize][];
        var targets = new int[batchSize][];
        var positions = new int[batchSize];
        for (int b = 0; b < batchSize; b++)
        {
            var order = Enumerable.Range(0, keys).ToArray();
            for (int i = 0; i < pairs; i++)                                    // the first `pairs` of a shuffle
            {
                int j = i + (int)(generator.NextUInt32() % (uint)(keys - i));
                (order[i], order[j]) = (order[j], order[i]);
            }
            var stored = new int[pairs];
            inputs[b] = new int[pairs + 1];
            for (int i = 0; i < pairs; i++)
            {
                stored[i] = (int)(generator.NextUInt32() % (uint)values);
                inputs[b][i] = Entry(order[i], stored[i], values);
            }
            positions[b] = (int)(generator.NextUInt32() % (uint)pairs);
            inputs[b][pairs] = Query(order[positions[b]], keys, values);
            targets[b] = Enumerable.Repeat(CrossEntropy.IgnoreIndex, pairs + 1).ToArray();
            targets[b][pairs] = stored[positions[b]];
        }
        return new LookupBatch(inputs, targets, positions);
    }

    /// <summary>The mean over sequences of the weight the last position (the query) puts on the entry holding its key.</summary>
    /// <param name="weights">(tokens, tokens) weights per sequence.</param>
    /// <param name="keyPositions">Per sequence, the position of the queried key (<see cref="LookupBatch.KeyPositions"/>).</param>
    public static double AverageWeightOnKey(IReadOnlyList<Matrix<float>> weights, IReadOnlyList<int> keyPositions)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(keyPositions);
        if (weights.Count == 0)
            throw new ArgumentException("weights is empty.", nameof(weights));
        if (keyPositions.Count != weights.Count)
            throw new ArgumentException($"keyPositions has {keyPositions.Count} entries but weights has {weights.Count} sequences.", nameof(keyPositions));
        double sum = 0;
        for (int b = 0; b < weights.Count; b++)
        {
            ArgumentNullException.ThrowIfNull(weights[b], $"weights[{b}]");
            int last = weights[b].RowCount - 1;
            if (keyPositions[b] < 0 || keyPositions[b] >= weights[b].ColumnCount)
                throw new ArgumentOutOfRangeException(nameof(keyPositions), keyPositions[b], $"keyPositions[{b}] is {keyPositions[b]} but weights[{b}] is {Shape.Of(weights[b])}.");
            sum += weights[b][last, keyPositions[b]];
        }
        return sum / weights.Count;
    }
}
