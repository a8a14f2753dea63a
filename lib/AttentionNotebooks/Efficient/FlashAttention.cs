namespace AttentionNotebooks.Efficient;

/// <summary>
/// Scaled dot-product attention, softmax(Q·Kᵀ·scale [+ causal mask])·V, computed FlashAttention's way: tiles of queries
/// against chunks of keys with an online softmax (a running maximum and a running sum per query), so the
/// tokens × tokens score matrix is never stored. Vectorised with AVX-512, AVX2 or 128-bit vectors (NEON on ARM64) where
/// available and multithreaded over (batch × heads × query tiles).
/// </summary>
/// <remarks>
/// <para>
/// Layout: every tensor is (batch, heads, tokens, headDim), contiguous, row-major — PyTorch's layout for
/// <c>torch.nn.functional.scaled_dot_product_attention</c>, so element (b, h, t, d) is at
/// ((b·heads + h)·tokens + t)·headDim + d. Queries, keys and values have the same number of tokens (self-attention).
/// With <c>causal</c>, query t attends to keys 0 … t only.
/// </para>
/// <para>
/// The output must not overlap the inputs. Memory: besides
/// the arguments, each thread uses one pinned scratch buffer of (2·headDim + 131)·64 floats (66 KB for headDim 64), kept for reuse; a call
/// allocates nothing once warm.
/// </para>
/// <para>
/// Non-finite inputs are not rejected; each row is what IEEE arithmetic gives for the definition of that row alone, on
/// every instruction set. Row t reads query t and the keys and values it attends to — 0 … t under the causal mask,
/// all of them without — and nothing else. So under the causal mask a NaN or ±∞ in the key or value of token j can
/// reach rows j … tokens − 1 only: rows before j are bit-identical to the result with any finite number in its place
/// (the kernel skips the masked products rather than multiplying a zero weight by ∞). A value of ±∞ or NaN makes
/// that feature infinite or NaN in every row that gives token j a non-zero weight; a key whose score comes out +∞
/// or NaN makes the whole row NaN, one whose score is −∞ just gets weight 0. Without the mask every row attends to
/// token j, so every row is affected that way. A non-finite query affects its own row only. (libtorch 2.10's CPU
/// <c>scaled_dot_product_attention</c> differs under the mask: with +∞ in value 40, or NaN in value 5, of 70 causal
/// tokens it makes all 70 rows non-finite.)
/// </para>
/// </remarks>
public static partial class FlashAttention
{
    /// <summary>Computes attention for every (batch, head) into <paramref name="output"/>.</summary>
    /// <remarks>
    /// Validation comes first and is exact: batch·heads·tokens·headDim is computed without overflow and every span must
    /// hold exactly that many floats; no dimension may be 0 (there is no empty attention); headDim is bounded by
    /// <see cref="MaxHeadDim"/>.
    /// </remarks>
    /// <param name="query">Queries, (batch, heads, tokens, headDim).</param>
    /// <param name="key">Keys, (batch, heads, tokens, headDim).</param>
    /// <param name="value">Values, (batch, heads, tokens, headDim).</param>
    /// <param name="output">Receives the context vectors, (batch, heads, tokens, headDim).</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="heads">Heads per sequence, ≥ 1.</param>
    /// <param name="tokens">Tokens per sequence, ≥ 1.</param>
    /// <param name="headDim">Features per head, 1 … <see cref="MaxHeadDim"/>.</param>
    /// <param name="causal">Whether query t only sees keys 0 … t.</param>
    /// <param name="options">Threads, instruction set and scale; <see cref="FlashAttentionOptions.Default"/> if null.</param>
    public static void Forward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, Span<float> output,
        int batch, int heads, int tokens, int headDim, bool causal, FlashAttentionOptions? options = null) =>
        Forward(query, key, value, output, [], saveLogSumExp: false, batch, heads, tokens, headDim, causal, options);

    /// <summary>
    /// Computes attention like <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, int, bool, FlashAttentionOptions?)"/>
    /// and also saves each query row's log-sum-exp, ln Σ_j exp(scale·q·k_j) over the keys it sees: what
    /// <see cref="Backward"/> needs to recompute the attention weights tile by tile (weight = exp(scale·q·k − logSumExp)).
    /// </summary>
    /// <param name="query">Queries, (batch, heads, tokens, headDim).</param>
    /// <param name="key">Keys, (batch, heads, tokens, headDim).</param>
    /// <param name="value">Values, (batch, heads, tokens, headDim).</param>
    /// <param name="output">Receives the context vectors, (batch, heads, tokens, headDim).</param>
    /// <param name="logSumExp">Receives (batch, heads, tokens): each row's log-sum-exp of its scaled scores (natural logarithm).</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="heads">Heads per sequence, ≥ 1.</param>
    /// <param name="tokens">Tokens per sequence, ≥ 1.</param>
    /// <param name="headDim">Features per head, 1 … <see cref="MaxHeadDim"/>.</param>
    /// <param name="causal">Whether query t only sees keys 0 … t.</param>
    /// <param name="options">Threads, instruction set and scale; <see cref="FlashAttentionOptions.Default"/> if null.</param>
    public static void Forward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, Span<float> output, Span<float> logSumExp,
        int batch, int heads, int tokens, int headDim, bool causal, FlashAttentionOptions? options = null) =>
        Forward(query, key, value, output, logSumExp, saveLogSumExp: true, batch, heads, tokens, headDim, causal, options);

    private static unsafe void Forward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, Span<float> output,
        Span<float> logSumExp, bool saveLogSumExp, int batch, int heads, int tokens, int headDim, bool causal, FlashAttentionOptions? options)
    {
        options = CheckSizesAndOptions(batch, heads, tokens, headDim, options);
        Int128 needed = (Int128)batch * heads * tokens * headDim;   // exact: four ints cannot overflow 128 bits
        CheckLength(query.Length, needed, batch, heads, tokens, headDim, nameof(query));
        CheckLength(key.Length, needed, batch, heads, tokens, headDim, nameof(key));
        CheckLength(value.Length, needed, batch, heads, tokens, headDim, nameof(value));
        CheckLength(output.Length, needed, batch, heads, tokens, headDim, nameof(output));
        if (saveLogSumExp)
            CheckRowsLength(logSumExp.Length, batch, heads, tokens, nameof(logSumExp));
        CheckHeadDim(headDim, nameof(headDim));
        if (output.Overlaps(query) || output.Overlaps(key) || output.Overlaps(value))
            throw new ArgumentException("output overlaps query, key or value: the kernel reads every key and value while it writes, so the output needs its own buffer.", nameof(output));
        if (saveLogSumExp && (logSumExp.Overlaps(query) || logSumExp.Overlaps(key) || logSumExp.Overlaps(value) || logSumExp.Overlaps(output)))
            throw new ArgumentException("logSumExp overlaps query, key, value or output: it needs its own buffer.", nameof(logSumExp));

        var layout = HeadLayout.HeadsFirst(heads, tokens, headDim);
        float scale = options.ScaleFor(headDim);
        fixed (float* q = query, k = key, v = value, o = output, lse = logSumExp)
        {
            var arguments = new AttentionArguments
            {
                Query = q, Key = k, Value = v, Output = o,
                QueryLayout = layout, KeyLayout = layout, ValueLayout = layout, OutputLayout = layout,
                Batch = batch, Heads = heads, Tokens = tokens, HeadDim = headDim, Causal = causal,
                ScaleLog2E = scale * MathF.Log2(MathF.E),
                LogSumExp = saveLogSumExp ? lse : null,
            };
            Run(in arguments, options);
        }
    }

    /// <summary>Checks that no size is 0 and that the options are valid; returns them, or the defaults for null.</summary>
    private static FlashAttentionOptions CheckSizesAndOptions(int batch, int heads, int tokens, int headDim, FlashAttentionOptions? options)
    {
        Check.Positive(batch, nameof(batch));
        Check.Positive(heads, nameof(heads));
        Check.Positive(tokens, nameof(tokens));
        Check.Positive(headDim, nameof(headDim));
        options ??= FlashAttentionOptions.Default;
        options.Validate();
        return options;
    }

    /// <summary>The instruction set the forward (and PackedLinear) uses with <paramref name="requested"/> on this processor.</summary>
    public static SimdPath ResolvedPath(SimdPath requested = SimdPath.Auto) => SimdSelection.Resolve(requested);

    /// <summary>Runs the forward on the kernel compiled for the resolved vector width (unchecked: the caller owns the buffers).</summary>
    internal static void Run(in AttentionArguments arguments, KernelOptions options)
    {
        var call = new ForwardCall(arguments, options.MaxDegreeOfParallelism);
        SimdDispatch.Run(options.Simd, ref call);
    }

    /// <summary>One forward call: <see cref="FlashKernel{TSimd, TVec}"/> at the dispatched width.</summary>
    private readonly struct ForwardCall(AttentionArguments arguments, int threads) : ISimdKernel
    {
        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged => FlashKernel<TSimd, TVec>.Run(in arguments, threads);
    }

    /// <summary>
    /// The largest headDim the kernel accepts, 16,777,149: one thread's scratch buffer holds (2·headDim + 131)·64 floats
    /// (the transposed query tile and output accumulator, headDim × 64 each, 128 × 64 scores and 3 × 64 softmax statistics
    /// for the 64-query tiles of the widest path) plus 16 for alignment, and must fit in one array
    /// (<see cref="Array.MaxLength"/> floats).
    /// </summary>
    public static int MaxHeadDim { get; } =
        (int)(((Array.MaxLength - ThreadScratch.AlignmentFloats) / FlashKernelLayout.MaxQueryTile - FlashKernelLayout.ScoreRows) / 2);

    /// <summary>Rejects a headDim whose per-thread scratch would not fit in one array (see <see cref="MaxHeadDim"/>).</summary>
    internal static void CheckHeadDim(int headDim, string name)
    {
        if (headDim > MaxHeadDim)
            throw new ArgumentOutOfRangeException(name, headDim,
                $"{name} is {headDim} but can be at most {MaxHeadDim}: each thread's scratch of (2·headDim + {FlashKernelLayout.ScoreRows})·{FlashKernelLayout.MaxQueryTile} floats " +
                $"({FlashKernelLayout.ScratchFloats(headDim, FlashKernelLayout.MaxQueryTile)} for headDim {headDim}) must fit in one array of at most {Array.MaxLength} floats.");
    }

    private static void CheckRowsLength(int actual, int batch, int heads, int tokens, string name)
    {
        Int128 needed = (Int128)batch * heads * tokens;
        if (actual != needed)
            throw new ArgumentException(
                $"{name} has {actual} floats but batch ({batch}) x heads ({heads}) x tokens ({tokens}) = {needed} floats are needed" +
                (needed > int.MaxValue ? $", more than a span can hold ({int.MaxValue})." : "."), name);
    }

    private static void CheckLength(int actual, Int128 needed, int batch, int heads, int tokens, int headDim, string name)
    {
        if (actual != needed)
            throw new ArgumentException(
                $"{name} has {actual} floats but batch ({batch}) x heads ({heads}) x tokens ({tokens}) x headDim ({headDim}) = {needed} floats are needed" +
                (needed > int.MaxValue ? $", more than a span can hold ({int.MaxValue})." : "."), name);
    }
}
