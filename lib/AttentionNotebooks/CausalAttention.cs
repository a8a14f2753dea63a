using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Causal (masked) self-attention with dropout on the attention weights, over a batch of sequences: token i only
/// attends to tokens 0..i. This is the book's <c>CausalAttention</c>.
/// </summary>
/// <remarks>
/// Changed from <see cref="SelfAttention"/>: scores above the diagonal are set to −∞ before softmax (so their weights
/// are exactly 0), dropout is applied to the weights, inputs come as a batch, and sequences may not be longer than
/// <see cref="ContextLength"/>. A = dropout(softmax(mask(Q·Kᵀ) / √d_k)); Z = A·V.
/// </remarks>
public sealed class CausalAttention
{
    /// <summary>Builds the query, key and value layers in that order, as the book's <c>CausalAttention.__init__</c> does.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Features per query, key, value and context vector.</param>
    /// <param name="contextLength">The longest sequence the module accepts (the size of its mask), at most 46,340 (a sequence's (T, T) scores must fit in one matrix).</param>
    /// <param name="dropout">Probability of dropping an attention weight during training, in [0, 1).</param>
    /// <param name="qkvBias">Whether the three projections add a bias.</param>
    /// <param name="generator">The seeded generator for the weights and the dropout decisions; a fresh one if null.</param>
    public CausalAttention(int dIn, int dOut, int contextLength, float dropout = 0f, bool qkvBias = false, TorchGenerator? generator = null)
        : this(Build(dIn, dOut, contextLength, dropout, qkvBias, generator ?? new TorchGenerator()))
    {
    }

    /// <summary>A module with the given projections (used as they are, not copied).</summary>
    public CausalAttention(Linear wQuery, Linear wKey, Linear wValue, int contextLength, float dropout = 0f, TorchGenerator? generator = null)
        : this(Wrap(wQuery, wKey, wValue, contextLength, dropout, generator))
    {
    }

    private CausalAttention(Parts parts)
    {
        WQuery = parts.Query;
        WKey = parts.Key;
        WValue = parts.Value;
        Dropout = parts.Dropout;
        ContextLength = parts.ContextLength;
        Mask = CausalMask.Computed(parts.ContextLength);
    }

    /// <summary>What both public constructors hand to the one that assigns the properties.</summary>
    private sealed record Parts(Linear Query, Linear Key, Linear Value, int ContextLength, Dropout Dropout);

    private static Parts Build(int dIn, int dOut, int contextLength, float dropout, bool qkvBias, TorchGenerator generator)
    {
        Check.Projection(dIn, nameof(dIn), dOut, nameof(dOut));
        Check.ContextLength(contextLength, nameof(contextLength));
        Dropout.CheckProbability(dropout, nameof(dropout));
        var (query, key, value) = QkvLayers.Draw(dIn, dOut, qkvBias, generator);
        return new Parts(query, key, value, contextLength, new Dropout(dropout, generator));
    }

    private static Parts Wrap(Linear wQuery, Linear wKey, Linear wValue, int contextLength, float dropout, TorchGenerator? generator)
    {
        QkvLayers.CheckSame(wQuery, wKey, wValue);
        Check.ContextLength(contextLength, nameof(contextLength));
        Dropout.CheckProbability(dropout, nameof(dropout));
        return new Parts(wQuery, wKey, wValue, contextLength, new Dropout(dropout, generator));
    }

    /// <summary>Query projection, weight (dOut, dIn).</summary>
    public Linear WQuery { get; }

    /// <summary>Key projection, weight (dOut, dIn).</summary>
    public Linear WKey { get; }

    /// <summary>Value projection, weight (dOut, dIn).</summary>
    public Linear WValue { get; }

    /// <summary>Dropout applied to the attention weights.</summary>
    public Dropout Dropout { get; }

    /// <summary>
    /// (contextLength, contextLength) causal mask, 1 above the diagonal: the book's <c>register_buffer("mask", ...)</c>,
    /// a fixed matrix that belongs to the module but is not trained. A sequence of T tokens uses its top-left (T, T) block.
    /// </summary>
    /// <remarks>
    /// PyTorch stores the buffer as a dense tensor of contextLength² floats (so that it moves to the GPU and is saved
    /// with the module). Every element of a causal mask follows from its position (1 exactly when j &gt; i), so here the
    /// matrix is computed instead of stored: it reads like <see cref="CausalMask.Create"/>(contextLength), element by
    /// element, but takes a few bytes, so that a module with a long context is built at once. It is read-only; the
    /// forward pass masks the scores by position and never reads it.
    /// </remarks>
    public Matrix<float> Mask { get; }

    /// <summary>The longest sequence the module accepts.</summary>
    public int ContextLength { get; }

    /// <summary>
    /// Rotary position embedding (notebook 08): when set, the queries and keys are rotated by their positions
    /// (<see cref="RotaryEmbedding.Rotate"/>) after the projections and before Q·Kᵀ, so the scores see relative
    /// positions; null (the default, the book's module) for none. Its headDim must be dOut.
    /// </summary>
    public RotaryEmbedding? Rotary
    {
        get => _rotary;
        init
        {
            if (value is not null && value.HeadDim != DOut)
                throw new ArgumentException($"the RoPE rotates {value.HeadDim} features but this module's queries and keys have {DOut} (dOut).", nameof(Rotary));
            _rotary = value;
        }
    }

    private readonly RotaryEmbedding? _rotary;

    /// <summary>
    /// A sliding window (notebook 08): each query sees only its last Window tokens, itself included, as in Mistral 7B
    /// and Gemma's local layers (<see cref="AttentionMask.CausalSlidingWindow"/>); null (the default, the book's module)
    /// for plain causal attention. <see cref="Mask"/> stays the causal mask; the window hides further keys.
    /// </summary>
    public int? Window
    {
        get => _window;
        init => _window = Check.Window(value, nameof(Window));
    }

    private readonly int? _window;

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.InFeatures;

    /// <summary>Features per output token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Training mode (the default, as in PyTorch) applies dropout; evaluation mode (false) does not.</summary>
    public bool Training
    {
        get => Dropout.Training;
        set => Dropout.Training = value;
    }

    /// <summary>Number of trainable values in the three projections (the mask is not trained).</summary>
    public long ParameterCount => WQuery.ParameterCount + WKey.ParameterCount + WValue.ParameterCount;

    /// <summary>Computes causal attention over every sequence of a batch.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite.</param>
    /// <returns>Per sequence: context vectors (tokens, dOut) and attention weights (tokens, tokens).</returns>
    /// <exception cref="OverflowException">A query, key, value, score or context vector overflowed float32 (the message says which, where).</exception>
    public BatchAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query", DOut);
        CheckMemory(batch, nameof(batch));
        return Result(Attend(batch, lengths: null));
    }

    /// <summary>
    /// Computes causal attention over a batch of sequences of different lengths, padded at the end to a common number
    /// of tokens: sequence b has <c>lengths[b]</c> real tokens followed by padding rows. Key j of sequence b is hidden
    /// when j &gt; i (the causal mask) or j ≥ lengths[b] (the key-padding mask, <see cref="AttentionMask.CausalWithPadding"/>).
    /// </summary>
    /// <remarks>
    /// The outputs of the real tokens equal those of <see cref="Forward(Matrix{float})"/> on the unpadded sequence: no
    /// real token sees a padding token. The query rows of the padding positions are computed, not hidden: each attends
    /// to all lengths[b] real tokens (its own padding key and the ones before it are masked), so its weights are finite
    /// and its row sums to 1, but it is the output of a padding token and any loss must ignore it. (A row whose every key
    /// is masked would have no softmax — 0/0, NaN in a plain softmax, zeros from libtorch 2.10's
    /// <c>scaled_dot_product_attention</c>; this combination of masks never produces one.)
    /// </remarks>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite (padding rows too).</param>
    /// <param name="lengths">One length per sequence, 1 ≤ lengths[b] ≤ tokens.</param>
    /// <returns>Per sequence: context vectors (tokens, dOut) and attention weights (tokens, tokens), 0 in the padded key columns.</returns>
    /// <exception cref="OverflowException">A query, key, value, used score or context vector overflowed float32 (the message says which, where).</exception>
    public BatchAttentionResult Forward(IReadOnlyList<Matrix<float>> batch, IReadOnlyList<int> lengths)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query", DOut);
        CheckMemory(batch, nameof(batch));
        Check.Lengths(lengths, batch, nameof(lengths), nameof(batch));
        return Result(Attend(batch, lengths));
    }

    /// <summary>Computes causal attention over one sequence.</summary>
    /// <param name="inputs">(tokens, dIn), tokens ≤ context length, all values finite.</param>
    /// <returns>Context vectors (tokens, dOut) and attention weights (tokens, tokens).</returns>
    /// <exception cref="OverflowException">A query, key, value, score or context vector overflowed float32 (the message says which, where).</exception>
    public AttentionResult Forward(Matrix<float> inputs)
    {
        Check.Batch([inputs], DIn, ContextLength, nameof(inputs), "W_query", DOut);
        CheckMemory([inputs], nameof(inputs));
        var step = Attend(new Origin(nameof(inputs), inputs, ""));
        return new AttentionResult(step.Context, step.Dropped);
    }

    /// <summary>Every sequence of a validated batch, sequence b's first lengths[b] tokens real (all of them without lengths).</summary>
    internal AttentionStep[] Attend(IReadOnlyList<Matrix<float>> batch, IReadOnlyList<int>? lengths)
    {
        var steps = new AttentionStep[batch.Count];
        for (int b = 0; b < batch.Count; b++)
            steps[b] = Attend(new Origin($"batch[{b}]", batch[b], $" of batch[{b}]"), lengths?[b] ?? int.MaxValue);
        return steps;
    }

    /// <summary>The (T, T) weights before and after dropout of every sequence, and the scores being normalised, fit in memory.</summary>
    internal static void CheckMemory(IReadOnlyList<Matrix<float>> batch, string name) =>
        Check.AttentionMemory(batch[0].RowCount, batch[0].RowCount, 2L * batch.Count + 2, name);

    private static BatchAttentionResult Result(AttentionStep[] steps) =>
        new(steps.Select(s => s.Context).ToArray(), steps.Select(s => s.Dropped).ToArray());

    /// <summary>
    /// Attention over one validated sequence (also each head of <see cref="MultiHeadAttentionWrapper"/>), whose first
    /// <paramref name="length"/> tokens are real (all of them by default).
    /// </summary>
    internal AttentionStep Attend(in Origin origin, int length = int.MaxValue)
    {
        var x = origin.Inputs;                                      // (T, dIn)
        var queries = WQuery.Apply(x);                              // (T, dOut)
        var keys = WKey.Apply(x);                                   // (T, dOut)
        var values = WValue.Apply(x);                               // (T, dOut)
        Overflow.InProjections(origin, (WQuery, queries), (WKey, keys), (WValue, values));
        if (Rotary is not null)
            (queries, keys) = (Rotary.Apply(queries, 0, inverse: false), Rotary.Apply(keys, 0, inverse: false));   // (T, dOut) each, rotated
        return Attention.ScaledDotProduct(queries, keys, values, new KeyVisibility(Causal: true, length, Window ?? int.MaxValue), Dropout, origin, origin);
    }
}
