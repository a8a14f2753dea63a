using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Grouped-query attention, GQA (Ainslie et al. 2023, "GQA: Training Generalized Multi-Query Transformer Models from
/// Multi-Head Checkpoints"): numHeads query heads share numKvGroups key-value heads, numHeads / numKvGroups query heads
/// per group. numKvGroups = numHeads is multi-head attention; numKvGroups = 1 is multi-query attention, MQA (Shazeer
/// 2019, "Fast Transformer Decoding: One Write-Head is All You Need"). Llama 3, Mistral, Qwen3 and Gemma 3 use GQA,
/// usually with 8 groups or fewer.
/// </summary>
/// <remarks>
/// <para>Changed from <see cref="MultiHeadAttention"/>: W_key and W_value map dIn → numKvGroups · headDim instead of
/// dIn → dOut, and query head h attends with key-value head g = h / (numHeads / numKvGroups) — consecutive query heads
/// share one, as Hugging Face's <c>repeat_kv</c> repeats them. The KV cache shrinks by numHeads / numKvGroups, and so
/// do the key and value projections. Everything else — the causal mask, 1/√headDim, the output projection with bias,
/// the order the weights are drawn in (query, key, value, out_proj) — is MultiHeadAttention's, so with numKvGroups =
/// numHeads and the same seed both draw the same weights and compute the same outputs. There is no dropout (the
/// models above train without attention dropout).</para>
/// <para>Two options today's models add, both off by default and set with an object initializer:
/// <see cref="Rotary"/> rotates each head's queries and keys by their positions (RoPE, <see cref="RotaryEmbedding"/>),
/// and <see cref="Window"/> limits each query to its last Window tokens (sliding-window attention,
/// <see cref="AttentionMask.CausalSlidingWindow"/>). <see cref="Decode"/> runs the same attention token by token with a
/// <see cref="KVCache"/>.</para>
/// </remarks>
public sealed class GroupedQueryAttention
{
    private readonly RotaryEmbedding? _rotary;
    private readonly int? _window;

    /// <summary>Builds query (dIn → dOut), key and value (dIn → numKvGroups · headDim) and output (dOut → dOut, with bias) projections in that order.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Output features per token; divisible by <paramref name="numHeads"/>.</param>
    /// <param name="contextLength">The longest sequence Forward accepts, at most 46,340.</param>
    /// <param name="numHeads">Query heads.</param>
    /// <param name="numKvGroups">Key-value heads, dividing numHeads: numHeads for multi-head, 1 for multi-query attention.</param>
    /// <param name="qkvBias">Whether the query, key and value projections add a bias (Qwen2 does; Llama does not).</param>
    /// <param name="generator">The seeded generator for the weights; a fresh one if null.</param>
    public GroupedQueryAttention(int dIn, int dOut, int contextLength, int numHeads, int numKvGroups, bool qkvBias = false, TorchGenerator? generator = null)
    {
        Check.Projection(dIn, nameof(dIn), dOut, nameof(dOut));
        Check.MatrixSize(dOut, nameof(dOut), dOut, nameof(dOut), "the output projection's weight", nameof(dOut));
        Check.ContextLength(contextLength, nameof(contextLength));
        Check.Heads(dOut, nameof(dOut), numHeads);
        CheckGroups(numHeads, numKvGroups);
        generator ??= new TorchGenerator();
        int kvDim = numKvGroups * (dOut / numHeads);
        WQuery = new Linear(dIn, dOut, qkvBias, generator);
        WKey = new Linear(dIn, kvDim, qkvBias, generator);
        WValue = new Linear(dIn, kvDim, qkvBias, generator);
        OutProj = new Linear(dOut, dOut, bias: true, generator);
        (ContextLength, NumHeads, NumKvGroups) = (contextLength, numHeads, numKvGroups);
    }

    /// <summary>A module with the given projections (used as they are, not copied); numKvGroups = W_key's outputs / headDim.</summary>
    /// <param name="wQuery">(dOut, dIn).</param>
    /// <param name="wKey">(numKvGroups · headDim, dIn).</param>
    /// <param name="wValue">The same shape as wKey.</param>
    /// <param name="outProj">(dOut, dOut).</param>
    /// <param name="contextLength">The longest sequence Forward accepts.</param>
    /// <param name="numHeads">Query heads, dividing dOut.</param>
    public GroupedQueryAttention(Linear wQuery, Linear wKey, Linear wValue, Linear outProj, int contextLength, int numHeads)
    {
        ArgumentNullException.ThrowIfNull(wQuery);
        ArgumentNullException.ThrowIfNull(wKey);
        ArgumentNullException.ThrowIfNull(wValue);
        ArgumentNullException.ThrowIfNull(outProj);
        Check.ContextLength(contextLength, nameof(contextLength));
        int dOut = wQuery.OutFeatures;
        Check.Heads(dOut, "W_query's output features", numHeads);
        int headDim = dOut / numHeads;
        if (wKey.InFeatures != wQuery.InFeatures || wKey.OutFeatures % headDim != 0)
            throw new ArgumentException($"W_key weight is {Shape.Of(wKey.Weight)} but W_query weight is {Shape.Of(wQuery.Weight)}: W_key needs {wQuery.InFeatures} inputs and a multiple of headDim ({headDim}) outputs.", nameof(wKey));
        Check.MatrixShape(wValue.Weight, wKey.OutFeatures, wKey.InFeatures, nameof(wValue), $"W_key is {Shape.Of(wKey.Weight)}, so W_value");
        Check.MatrixShape(outProj.Weight, dOut, dOut, nameof(outProj), $"W_query has {dOut} outputs, so the output projection");
        CheckGroups(numHeads, wKey.OutFeatures / headDim);
        (WQuery, WKey, WValue, OutProj) = (wQuery, wKey, wValue, outProj);
        (ContextLength, NumHeads, NumKvGroups) = (contextLength, numHeads, wKey.OutFeatures / headDim);
    }

    /// <summary>Query projection, weight (dOut, dIn).</summary>
    public Linear WQuery { get; }

    /// <summary>Key projection shared by the groups, weight (numKvGroups · headDim, dIn).</summary>
    public Linear WKey { get; }

    /// <summary>Value projection, weight (numKvGroups · headDim, dIn).</summary>
    public Linear WValue { get; }

    /// <summary>Output projection, weight (dOut, dOut), with bias.</summary>
    public Linear OutProj { get; }

    /// <summary>Query heads.</summary>
    public int NumHeads { get; }

    /// <summary>Key-value heads (groups).</summary>
    public int NumKvGroups { get; }

    /// <summary>Query heads per key-value head: numHeads / numKvGroups.</summary>
    public int GroupSize => NumHeads / NumKvGroups;

    /// <summary>Features per head: dOut / numHeads.</summary>
    public int HeadDim => DOut / NumHeads;

    /// <summary>The longest sequence Forward accepts.</summary>
    public int ContextLength { get; }

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.InFeatures;

    /// <summary>Output features per token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Trainable values of the four projections.</summary>
    public long ParameterCount => WQuery.ParameterCount + WKey.ParameterCount + WValue.ParameterCount + OutProj.ParameterCount;

    /// <summary>RoPE applied to every head's queries and keys (its headDim must be this module's), or null for none.</summary>
    public RotaryEmbedding? Rotary
    {
        get => _rotary;
        init
        {
            if (value is not null && value.HeadDim != HeadDim)
                throw new ArgumentException($"the RoPE rotates {value.HeadDim} features but this module's heads have {HeadDim} (dOut / numHeads).", nameof(Rotary));
            _rotary = value;
        }
    }

    /// <summary>The sliding window: each query sees its last Window tokens, itself included (≥ 1), or null for plain causal attention.</summary>
    public int? Window
    {
        get => _window;
        init => _window = Check.Window(value, nameof(Window));
    }

    /// <summary>A KV cache shaped for this module's decode steps (numKvGroups heads, headDim, its window).</summary>
    public KVCache NewCache() => new(NumKvGroups, HeadDim, Window);

    /// <summary>Causal (windowed, rotated, as configured) grouped-query attention over every sequence of a batch.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite.</param>
    /// <returns>Per sequence: (tokens, dOut) outputs, and each query head's (tokens, tokens) weights.</returns>
    /// <exception cref="OverflowException">A query, key, value, used score, context vector or output overflowed float32.</exception>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query", DOut);
        Check.AttentionMemory(batch[0].RowCount, batch[0].RowCount, 2L * batch.Count * NumHeads + 2, nameof(batch));
        var outputs = new Matrix<float>[batch.Count];
        var weights = new IReadOnlyList<Matrix<float>>[batch.Count];
        for (int b = 0; b < batch.Count; b++)
        {
            var origin = new Origin($"batch[{b}]", batch[b], $" of batch[{b}]");
            var (keys, values) = Project(origin, firstPosition: 0);
            (outputs[b], weights[b]) = Attend(origin, firstPosition: 0, keys, values, new KeyVisibility(Causal: true, Window: Window ?? int.MaxValue));
        }
        return new MultiHeadAttentionResult(outputs, weights);
    }

    /// <summary>
    /// A decode step: the new tokens' keys and values are appended to <paramref name="cache"/>, and their queries attend
    /// over every cached token they may see. Feeding a sequence token by token gives the outputs of
    /// <see cref="Forward"/> on the whole sequence: tested to 1e-6, not bit for bit, because Q·Kᵀ is then a product of
    /// differently shaped matrices whose sums a matrix library may order differently (notebook 08 counts the identical
    /// values on the machine that runs it: all 160 of its example on the machine that wrote it).
    /// </summary>
    /// <param name="newTokens">(Tnew, dIn), the tokens after the cached ones (one during generation; a whole prompt to fill the cache), finite.</param>
    /// <param name="cache">This module's cache for this sequence (<see cref="NewCache"/>).</param>
    /// <returns>
    /// One sequence: Context[0] the (Tnew, dOut) outputs, Weights[0][h] query head h's (Tnew, cache.Count) weights over
    /// the cached tokens, whose column 0 is position cache.Start (0 unless a window dropped older tokens).
    /// </returns>
    /// <exception cref="OverflowException">A query, key, value, used score, context vector or output overflowed float32.</exception>
    public MultiHeadAttentionResult Decode(Matrix<float> newTokens, KVCache cache)
    {
        Check.Batch([newTokens], DIn, int.MaxValue, nameof(newTokens), "W_query", DOut);
        ArgumentNullException.ThrowIfNull(cache);
        if (cache.KvHeads != NumKvGroups || cache.HeadDim != HeadDim || cache.Window != (Window ?? int.MaxValue))
            throw new ArgumentException($"the cache holds {cache.KvHeads} heads of {cache.HeadDim} features (window {WindowText(cache.Window)}) but this module needs {NumKvGroups} of {HeadDim} (window {WindowText(Window ?? int.MaxValue)}): create it with NewCache().", nameof(cache));
        if ((long)cache.Length + newTokens.RowCount > int.MaxValue)
            throw new ArgumentException($"the cache holds {cache.Length} tokens; {newTokens.RowCount} more would pass int positions.", nameof(cache));
        int first = cache.Length;
        var origin = new Origin(nameof(newTokens), newTokens, "");
        var (keys, values) = Project(origin, first);
        cache.Append(keys, values);
        var cachedKeys = Enumerable.Range(0, NumKvGroups).Select(cache.Keys).ToArray();         // (cached, headDim) per group
        var cachedValues = Enumerable.Range(0, NumKvGroups).Select(cache.Values).ToArray();
        var visible = new KeyVisibility(Causal: true, Window: Window ?? int.MaxValue, QueryOffset: first - cache.Start);
        var (output, weights) = Attend(origin, first, cachedKeys, cachedValues, visible);
        return new MultiHeadAttentionResult([output], [weights]);
    }

    /// <summary>The keys and values of a validated sequence whose first row is at <paramref name="firstPosition"/>: (T, numKvGroups · headDim) each, keys rotated.</summary>
    private (Matrix<float> Keys, Matrix<float> Values) Project(in Origin origin, int firstPosition)
    {
        var keys = WKey.Apply(origin.Inputs);                               // (T, kvGroups · headDim)
        var values = WValue.Apply(origin.Inputs);                           // (T, kvGroups · headDim)
        Overflow.InProjection(keys, "keys", origin.Inputs, origin.InputName, WKey, "W_key", origin.Where);
        Overflow.InProjection(values, "values", origin.Inputs, origin.InputName, WValue, "W_value", origin.Where);
        Rotary?.RotateHeadsInPlace(keys, firstPosition);
        return (keys, values);
    }

    /// <summary>Every query head over its group's keys and values (whole (T, kvDim) matrices, or one (Tk, headDim) block per group), then the output projection.</summary>
    private (Matrix<float> Output, IReadOnlyList<Matrix<float>> Weights) Attend(in Origin origin, int firstPosition, Matrix<float> keys, Matrix<float> values, in KeyVisibility visible)
    {
        int tk = keys.RowCount, hd = HeadDim;
        var keyBlocks = Enumerable.Range(0, NumKvGroups).Select(g => keys.SubMatrix(0, tk, g * hd, hd)).ToArray();
        var valueBlocks = Enumerable.Range(0, NumKvGroups).Select(g => values.SubMatrix(0, tk, g * hd, hd)).ToArray();
        return Attend(origin, firstPosition, keyBlocks, valueBlocks, visible);
    }

    private (Matrix<float> Output, IReadOnlyList<Matrix<float>> Weights) Attend(in Origin origin, int firstPosition, Matrix<float>[] keys, Matrix<float>[] values, in KeyVisibility visible)
    {
        var x = origin.Inputs;
        int tq = x.RowCount, hd = HeadDim;
        var queries = WQuery.Apply(x);                                      // (Tq, dOut)
        Overflow.InProjection(queries, "queries", x, origin.InputName, WQuery, "W_query", origin.Where);
        Rotary?.RotateHeadsInPlace(queries, firstPosition);
        var context = Matrix<float>.Build.Dense(tq, DOut);                  // (Tq, dOut)
        var weights = new Matrix<float>[NumHeads];
        for (int h = 0; h < NumHeads; h++)
        {
            int g = h / GroupSize;                                          // the key-value head query head h shares
            var head = origin with { Where = $" of head {h} on {origin.InputName}" };
            var q = queries.SubMatrix(0, tq, h * hd, hd);                   // (Tq, headDim)
            var step = Attention.ScaledDotProduct(q, keys[g], values[g], visible, dropout: null, head, head);
            context.SetSubMatrix(0, h * hd, step.Context);                  // (Tq, headDim) into (Tq, dOut)
            weights[h] = step.Weights;                                      // (Tq, Tk)
        }
        var output = OutProj.Apply(context);                                // (Tq, dOut)
        Overflow.InProjection(output, "outputs", context, $"the context vectors of {origin.InputName}", OutProj, "OutProj", origin.Where);
        return (output, weights);
    }

    private static void CheckGroups(int numHeads, int numKvGroups)
    {
        Check.Positive(numKvGroups, nameof(numKvGroups));
        if (numHeads % numKvGroups != 0)
            throw new ArgumentException($"numHeads ({numHeads}) must be divisible by numKvGroups ({numKvGroups}): each key-value head serves an equal group of query heads.", nameof(numKvGroups));
    }

    private static string WindowText(int window) => window == int.MaxValue ? "none" : window.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
