using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Multi-head causal attention with the weight split: one query, one key and one value projection of width dOut,
/// split into numHeads column blocks of headDim = dOut / numHeads, attention per head, the heads' context vectors
/// concatenated back and mixed by an output projection. This is the book's <c>MultiHeadAttention</c> and the
/// attention inside GPT-2.
/// </summary>
/// <remarks>
/// Changed from <see cref="MultiHeadAttentionWrapper"/>: three projections shared by all heads instead of three per
/// head (a head is a block of headDim columns of Q, K and V, which is what PyTorch's <c>view</c> + <c>transpose</c>
/// select), plus an output projection. For head h: A_h = dropout(softmax(mask(Q_h·K_hᵀ) / √headDim)), Z_h = A_h·V_h;
/// Z = [Z₁ | … | Z_h]; output = Z·W_oᵀ + b_o. Given two inputs, <c>Forward(queries, keysAndValues)</c> computes Q from
/// the first and K, V from the second without the causal mask: the encoder–decoder (cross-)attention of a transformer.
/// </remarks>
public sealed class MultiHeadAttention
{
    /// <summary>Builds query, key, value (dIn → dOut) and output (dOut → dOut, with bias) projections in that order, as the book does.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Output features per token; must be divisible by <paramref name="numHeads"/>.</param>
    /// <param name="contextLength">The longest sequence the module accepts, at most 46,340 (a sequence's (T, T) scores must fit in one matrix).</param>
    /// <param name="dropout">Probability of dropping an attention weight during training, in [0, 1).</param>
    /// <param name="numHeads">Number of heads.</param>
    /// <param name="qkvBias">Whether the query, key and value projections add a bias (the output projection always does).</param>
    /// <param name="generator">The seeded generator for the weights and the dropout decisions; a fresh one if null.</param>
    public MultiHeadAttention(int dIn, int dOut, int contextLength, float dropout, int numHeads, bool qkvBias = false, TorchGenerator? generator = null)
        : this(Build(dIn, dOut, contextLength, dropout, numHeads, qkvBias, generator ?? new TorchGenerator()))
    {
    }

    /// <summary>A module with the given projections (used as they are, not copied).</summary>
    public MultiHeadAttention(Linear wQuery, Linear wKey, Linear wValue, Linear outProj, int contextLength, int numHeads, float dropout = 0f, TorchGenerator? generator = null)
        : this(Wrap(wQuery, wKey, wValue, outProj, contextLength, numHeads, dropout, generator))
    {
    }

    private MultiHeadAttention(Parts parts)
    {
        WQuery = parts.Query;
        WKey = parts.Key;
        WValue = parts.Value;
        OutProj = parts.OutProj;
        Dropout = parts.Dropout;
        NumHeads = parts.NumHeads;
        ContextLength = parts.ContextLength;
        Mask = CausalMask.Computed(parts.ContextLength);
    }

    /// <summary>What both public constructors hand to the one that assigns the properties.</summary>
    private sealed record Parts(Linear Query, Linear Key, Linear Value, Linear OutProj, int ContextLength, int NumHeads, Dropout Dropout);

    private static Parts Build(int dIn, int dOut, int contextLength, float dropout, int numHeads, bool qkvBias, TorchGenerator generator)
    {
        Check.Projection(dIn, nameof(dIn), dOut, nameof(dOut));
        Check.MatrixSize(dOut, nameof(dOut), dOut, nameof(dOut), "the output projection's weight", nameof(dOut));
        Check.ContextLength(contextLength, nameof(contextLength));
        Dropout.CheckProbability(dropout, nameof(dropout));
        Check.Heads(dOut, nameof(dOut), numHeads);
        var (query, key, value) = QkvLayers.Draw(dIn, dOut, qkvBias, generator);
        var outProj = new Linear(dOut, dOut, bias: true, generator);
        return new Parts(query, key, value, outProj, contextLength, numHeads, new Dropout(dropout, generator));
    }

    private static Parts Wrap(Linear wQuery, Linear wKey, Linear wValue, Linear outProj, int contextLength, int numHeads, float dropout, TorchGenerator? generator)
    {
        QkvLayers.CheckOutput(wQuery, wKey, wValue, outProj, numHeads);
        Check.ContextLength(contextLength, nameof(contextLength));
        Dropout.CheckProbability(dropout, nameof(dropout));
        return new Parts(wQuery, wKey, wValue, outProj, contextLength, numHeads, new Dropout(dropout, generator));
    }

    /// <summary>Query projection for all heads, weight (dOut, dIn).</summary>
    public Linear WQuery { get; }

    /// <summary>Key projection for all heads, weight (dOut, dIn).</summary>
    public Linear WKey { get; }

    /// <summary>Value projection for all heads, weight (dOut, dIn).</summary>
    public Linear WValue { get; }

    /// <summary>Output projection that mixes the concatenated heads, weight (dOut, dOut), with bias.</summary>
    public Linear OutProj { get; }

    /// <summary>Dropout applied to the attention weights.</summary>
    public Dropout Dropout { get; }

    /// <summary>
    /// (contextLength, contextLength) causal mask, 1 above the diagonal (a buffer, not trained): computed, not stored,
    /// and read-only, as <see cref="CausalAttention.Mask"/> explains.
    /// </summary>
    public Matrix<float> Mask { get; }

    /// <summary>Number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>Features per head: dOut / numHeads.</summary>
    public int HeadDim => DOut / NumHeads;

    /// <summary>The longest sequence the module accepts.</summary>
    public int ContextLength { get; }

    /// <summary>
    /// A sliding window for the causal self-attention forward passes (notebook 08): each query sees only its last
    /// Window tokens, itself included (<see cref="AttentionMask.CausalSlidingWindow"/>); null (the default, the book's
    /// module) for plain causal attention. Cross-attention (<c>Forward(queries, keysAndValues)</c>) ignores it.
    /// <see cref="Mask"/> stays the causal mask.
    /// </summary>
    public int? Window
    {
        get => _window;
        init => _window = Check.Window(value, nameof(Window));
    }

    private readonly int? _window;

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.InFeatures;

    /// <summary>Output features per token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Training mode (the default, as in PyTorch) applies dropout; evaluation mode (false) does not.</summary>
    public bool Training
    {
        get => Dropout.Training;
        set => Dropout.Training = value;
    }

    /// <summary>Number of trainable values: the four projections (the mask is not trained).</summary>
    public long ParameterCount => WQuery.ParameterCount + WKey.ParameterCount + WValue.ParameterCount + OutProj.ParameterCount;

    /// <summary>Computes multi-head causal attention over every sequence of a batch.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite.</param>
    /// <returns>Per sequence: (tokens, dOut) outputs, and each head's (tokens, tokens) weights.</returns>
    /// <exception cref="OverflowException">A query, key, value, score, context vector or output overflowed float32 (the message says which, where).</exception>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query", DOut);
        CheckMemory(batch, batch, nameof(batch));
        return Result(Attend(batch, lengths: null));
    }

    /// <summary>
    /// Computes multi-head causal attention over a batch of sequences of different lengths, padded at the end to a
    /// common number of tokens: sequence b has <c>lengths[b]</c> real tokens followed by padding rows, and in every head
    /// key j is hidden when j &gt; i or j ≥ lengths[b] (<see cref="AttentionMask.CausalWithPadding"/>).
    /// </summary>
    /// <remarks>
    /// The outputs of the real tokens equal those of the unpadded sequence. The rows of the padding positions are
    /// computed: each attends to all real tokens, so it is finite, but it is the output of a padding token and any loss
    /// must ignore it (see <see cref="CausalAttention.Forward(IReadOnlyList{Matrix{float}}, IReadOnlyList{int})"/>).
    /// </remarks>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite (padding rows too).</param>
    /// <param name="lengths">One length per sequence, 1 ≤ lengths[b] ≤ tokens.</param>
    /// <returns>Per sequence: (tokens, dOut) outputs, and each head's (tokens, tokens) weights, 0 in the padded key columns.</returns>
    /// <exception cref="OverflowException">A query, key, value, used score, context vector or output overflowed float32 (the message says which, where).</exception>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch, IReadOnlyList<int> lengths)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query", DOut);
        CheckMemory(batch, batch, nameof(batch));
        Check.Lengths(lengths, batch, nameof(lengths), nameof(batch));
        return Result(Attend(batch, lengths));
    }

    /// <summary>
    /// Multi-head cross-attention (the encoder–decoder attention of a transformer, PyTorch's
    /// <c>nn.MultiheadAttention(query, key, value)</c> with key = value): the queries come from
    /// <paramref name="queries"/>[b], the keys and values from <paramref name="keysAndValues"/>[b], through the same
    /// projections, heads and output projection as the self-attention forward pass, and there is no causal mask: every
    /// query sees every (real) key.
    /// </summary>
    /// <param name="queries">Equally shaped (Tq, dIn) sequences the queries come from (the decoder's), Tq ≤ context length, all values finite.</param>
    /// <param name="keysAndValues">As many equally shaped (Tk, dIn) sequences the keys and values come from (the encoder's), Tk ≤ context length, all values finite.</param>
    /// <param name="keyLengths">Null (every key is real), or one length per sequence, 1 ≤ keyLengths[b] ≤ Tk: keys j ≥ keyLengths[b] are padding and get weight 0.</param>
    /// <returns>Per sequence: (Tq, dOut) outputs, and each head's (Tq, Tk) weights.</returns>
    /// <exception cref="OverflowException">A query, key, value, used score, context vector or output overflowed float32 (the message says which, where).</exception>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> queries, IReadOnlyList<Matrix<float>> keysAndValues, IReadOnlyList<int>? keyLengths = null)
    {
        Check.Batch(queries, DIn, ContextLength, nameof(queries), "W_query", DOut);
        Check.Batch(keysAndValues, DIn, ContextLength, nameof(keysAndValues), "W_key", DOut);
        if (keysAndValues.Count != queries.Count)
            throw new ArgumentException($"keysAndValues has {keysAndValues.Count} sequences but queries has {queries.Count}: each query sequence attends to one key/value sequence.", nameof(keysAndValues));
        if (keyLengths is not null)
            Check.Lengths(keyLengths, keysAndValues, nameof(keyLengths), nameof(keysAndValues));
        CheckMemory(queries, keysAndValues, nameof(queries));
        var steps = new MultiHeadStep[queries.Count];
        for (int b = 0; b < queries.Count; b++)
            steps[b] = Attend(queries[b], keysAndValues[b], $"queries[{b}]", $"keysAndValues[{b}]", causal: false, keyLengths?[b] ?? int.MaxValue);
        return Result(steps);
    }

    /// <summary>Causal self-attention over every sequence of a validated batch, sequence b's first lengths[b] tokens real (all without lengths).</summary>
    internal MultiHeadStep[] Attend(IReadOnlyList<Matrix<float>> batch, IReadOnlyList<int>? lengths)
    {
        var steps = new MultiHeadStep[batch.Count];
        for (int b = 0; b < batch.Count; b++)
            steps[b] = Attend(batch[b], batch[b], $"batch[{b}]", $"batch[{b}]", causal: true, lengths?[b] ?? int.MaxValue);
        return steps;
    }

    /// <summary>The (Tq, Tk) weights before and after dropout of every sequence and head, and the scores being normalised, fit in memory.</summary>
    internal void CheckMemory(IReadOnlyList<Matrix<float>> queries, IReadOnlyList<Matrix<float>> keys, string name) =>
        Check.AttentionMemory(queries[0].RowCount, keys[0].RowCount, 2L * queries.Count * NumHeads + 2, name);

    private static MultiHeadAttentionResult Result(MultiHeadStep[] steps) =>
        new(steps.Select(s => s.Output).ToArray(), steps.Select(s => (IReadOnlyList<Matrix<float>>)s.Heads.Select(h => h.Dropped).ToArray()).ToArray());

    /// <summary>Queries from <paramref name="xq"/>, keys and values from <paramref name="xkv"/> (the same matrix for self-attention).</summary>
    private MultiHeadStep Attend(Matrix<float> xq, Matrix<float> xkv, string name, string kvName, bool causal, int length)
    {
        int tq = xq.RowCount, tk = xkv.RowCount, headDim = HeadDim;
        var origin = new Origin(name, xq, $" of {name}");
        var queries = WQuery.Apply(xq);                                     // (Tq, dOut)
        var keys = WKey.Apply(xkv);                                         // (Tk, dOut)
        var values = WValue.Apply(xkv);                                     // (Tk, dOut)
        if (ReferenceEquals(xq, xkv))
            Overflow.InProjections(origin, (WQuery, queries), (WKey, keys), (WValue, values));
        else
            CheckCrossProjections(queries, keys, values, xq, xkv, name, kvName);
        var context = Matrix<float>.Build.Dense(tq, DOut);                  // (Tq, dOut)
        var heads = new AttentionStep[NumHeads];
        for (int h = 0; h < NumHeads; h++)
        {
            int first = h * headDim;
            var head = origin with { Where = $" of head {h} on {name}" };
            var q = queries.SubMatrix(0, tq, first, headDim);               // (Tq, headDim)  head h's columns
            var k = keys.SubMatrix(0, tk, first, headDim);                  // (Tk, headDim)
            var v = values.SubMatrix(0, tk, first, headDim);                // (Tk, headDim)
            heads[h] = Attention.ScaledDotProduct(q, k, v, new KeyVisibility(causal, length, causal ? Window ?? int.MaxValue : int.MaxValue), Dropout, head, head);
            context.SetSubMatrix(0, first, heads[h].Context);               // (Tq, headDim) into (Tq, dOut)
        }
        var output = OutProj.Apply(context);                                // (Tq, dOut)
        Overflow.InProjection(output, "outputs", context, $"the context vectors of {name}", OutProj, "OutProj", $" of {name}");
        return new MultiHeadStep(heads, context, output);
    }

    private void CheckCrossProjections(Matrix<float> queries, Matrix<float> keys, Matrix<float> values, Matrix<float> xq, Matrix<float> xkv, string name, string kvName)
    {
        Overflow.InProjection(queries, "queries", xq, name, WQuery, "W_query", $" of {name}");
        Overflow.InProjection(keys, "keys", xkv, kvName, WKey, "W_key", $" of {kvName}");
        Overflow.InProjection(values, "values", xkv, kvName, WValue, "W_value", $" of {kvName}");
    }
}

/// <summary>One sequence through <see cref="MultiHeadAttention"/>: what the trainer keeps for the backward pass.</summary>
/// <param name="Heads">Per head: its Q, K, V column blocks, weights before and after dropout, dropout mask and (Tq, headDim) context.</param>
/// <param name="Context">(Tq, dOut): the heads' context vectors side by side, what the output projection reads.</param>
/// <param name="Output">(Tq, dOut): Context·W_oᵀ + b_o.</param>
internal sealed record MultiHeadStep(AttentionStep[] Heads, Matrix<float> Context, Matrix<float> Output);
