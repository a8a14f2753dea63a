using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Multi-head attention the simple way: several independent <see cref="CausalAttention"/> heads run side by side
/// and their context vectors are concatenated. This is the book's <c>MultiHeadAttentionWrapper</c>.
/// </summary>
/// <remarks>
/// Changed from <see cref="CausalAttention"/>: numHeads modules instead of one; the output has numHeads·dOut
/// features. Z = [Z₁ | Z₂ | … | Z_h].
/// </remarks>
public sealed class MultiHeadAttentionWrapper
{
    /// <summary>Builds <paramref name="numHeads"/> causal heads one after another from the same generator, as the book's <c>nn.ModuleList</c> does.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Features per head; the output has numHeads·dOut features.</param>
    /// <param name="contextLength">The longest sequence the module accepts.</param>
    /// <param name="dropout">Probability of dropping an attention weight during training, in [0, 1).</param>
    /// <param name="numHeads">Number of heads.</param>
    /// <param name="qkvBias">Whether the projections add a bias.</param>
    /// <param name="generator">The seeded generator for every head; a fresh one if null.</param>
    public MultiHeadAttentionWrapper(int dIn, int dOut, int contextLength, float dropout, int numHeads, bool qkvBias = false, TorchGenerator? generator = null)
    {
        Check.Projection(dIn, nameof(dIn), dOut, nameof(dOut));
        Check.ContextLength(contextLength, nameof(contextLength));
        Dropout.CheckProbability(dropout, nameof(dropout));
        Check.Positive(numHeads, nameof(numHeads));
        Check.MatrixSize(numHeads, nameof(numHeads), dOut, nameof(dOut), "the concatenated context vectors of one token", nameof(numHeads));
        generator ??= new TorchGenerator();
        var heads = new CausalAttention[numHeads];
        for (int h = 0; h < numHeads; h++)
            heads[h] = new CausalAttention(dIn, dOut, contextLength, dropout, qkvBias, generator);
        Heads = heads;
    }

    /// <summary>A wrapper around existing heads (used as they are), which must agree on dIn, dOut and context length.</summary>
    public MultiHeadAttentionWrapper(IEnumerable<CausalAttention> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var list = heads.ToArray();
        if (list.Length == 0)
            throw new ArgumentException("a multi-head wrapper needs at least one head.", nameof(heads));
        for (int h = 0; h < list.Length; h++)
            if (list[h] is null)
                throw new ArgumentNullException(nameof(heads), $"heads[{h}] is null: every head must be a CausalAttention module.");
        Check.MatrixSize(list.Length, "the number of heads", list[0].DOut, "dOut", "the concatenated context vectors of one token", nameof(heads));
        for (int h = 1; h < list.Length; h++)
        {
            if (list[h].DIn != list[0].DIn || list[h].DOut != list[0].DOut || list[h].ContextLength != list[0].ContextLength)
                throw new ArgumentException(
                    $"head {h} maps {list[h].DIn} -> {list[h].DOut} features with context length {list[h].ContextLength}, " +
                    $"but head 0 maps {list[0].DIn} -> {list[0].DOut} with context length {list[0].ContextLength}.", nameof(heads));
        }
        Heads = list;
    }

    /// <summary>The heads, in the order their outputs are concatenated.</summary>
    public IReadOnlyList<CausalAttention> Heads { get; }

    /// <summary>Input features per token.</summary>
    public int DIn => Heads[0].DIn;

    /// <summary>Output features per token: heads × per-head dOut.</summary>
    public int DOut => Heads.Count * Heads[0].DOut;

    /// <summary>The longest sequence the module accepts.</summary>
    public int ContextLength => Heads[0].ContextLength;

    /// <summary>Training mode applies dropout in every head; setting it sets every head.</summary>
    public bool Training
    {
        get => Heads[0].Training;
        set
        {
            foreach (var head in Heads)
                head.Training = value;
        }
    }

    /// <summary>Number of trainable values over all heads.</summary>
    public long ParameterCount => Heads.Sum(h => h.ParameterCount);

    /// <summary>Runs every head over the batch and concatenates their context vectors.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite.</param>
    /// <returns>Per sequence: (tokens, heads·dOut) context vectors, and each head's (tokens, tokens) weights.</returns>
    /// <exception cref="OverflowException">A query, key, value, score or context vector of a head overflowed float32 (the message says which, where).</exception>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query", DOut);
        Check.AttentionMemory(batch[0].RowCount, batch[0].RowCount, 2L * batch.Count * Heads.Count + 2, nameof(batch));
        return Attend(batch, lengths: null);
    }

    /// <summary>
    /// Runs every head over a batch of sequences padded at the end (sequence b has <c>lengths[b]</c> real tokens) and
    /// concatenates their context vectors; each head hides the padding keys on top of the causal mask, as
    /// <see cref="CausalAttention.Forward(IReadOnlyList{Matrix{float}}, IReadOnlyList{int})"/> does (padding rows are
    /// computed and must be ignored).
    /// </summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite (padding rows too).</param>
    /// <param name="lengths">One length per sequence, 1 ≤ lengths[b] ≤ tokens.</param>
    /// <returns>Per sequence: (tokens, heads·dOut) context vectors, and each head's (tokens, tokens) weights, 0 in the padded key columns.</returns>
    /// <exception cref="OverflowException">A query, key, value, used score or context vector of a head overflowed float32 (the message says which, where).</exception>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch, IReadOnlyList<int> lengths)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query", DOut);
        Check.AttentionMemory(batch[0].RowCount, batch[0].RowCount, 2L * batch.Count * Heads.Count + 2, nameof(batch));
        Check.Lengths(lengths, batch, nameof(lengths), nameof(batch));
        return Attend(batch, lengths);
    }

    /// <summary>Every head over a validated batch (head by head, as the book's list of heads runs), the heads' context vectors concatenated per sequence.</summary>
    private MultiHeadAttentionResult Attend(IReadOnlyList<Matrix<float>> batch, IReadOnlyList<int>? lengths)
    {
        var perHead = Heads.Select((head, h) => AttendAll(head, h, batch, lengths)).ToArray();  // heads × B steps
        var context = new Matrix<float>[batch.Count];
        var weights = new IReadOnlyList<Matrix<float>>[batch.Count];
        for (int b = 0; b < batch.Count; b++)
        {
            context[b] = perHead.Skip(1).Aggregate(perHead[0][b].Context, (z, r) => z.Append(r[b].Context));  // (T, heads·dOut)
            weights[b] = perHead.Select(r => r[b].Dropped).ToArray();                          // heads × (T, T)
        }
        return new MultiHeadAttentionResult(context, weights);
    }

    /// <summary>Head <paramref name="h"/> over every (already validated) sequence of the batch, in order, with its real length if given.</summary>
    private static AttentionStep[] AttendAll(CausalAttention head, int h, IReadOnlyList<Matrix<float>> batch, IReadOnlyList<int>? lengths) =>
        batch.Select((x, b) => head.Attend(new Origin($"batch[{b}]", x, $" of head {h} on batch[{b}]"), lengths?[b] ?? int.MaxValue)).ToArray();
}
