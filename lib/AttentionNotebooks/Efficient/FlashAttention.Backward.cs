namespace AttentionNotebooks.Efficient;

/// <summary>The backward pass of <see cref="FlashAttention"/>: its checks and its dispatch to <see cref="FlashBackward{TSimd, TVec}"/>.</summary>
public static partial class FlashAttention
{
    /// <summary>
    /// The gradients of attention, FlashAttention-2's way: from Q, K, V, the forward's output O and log-sum-exp and the
    /// output's gradient dO, it writes dQ, dK and dV without ever storing a tokens × tokens matrix.
    /// </summary>
    /// <remarks>
    /// <para>
    /// With P = softmax(scale·Q·Kᵀ [+ mask]) and O = P·V: dV = Pᵀ·dO, dP = dO·Vᵀ, dS = P ∘ (dP − D) with
    /// D_i = Σ_j P_ij·dP_ij = dO_i · O_i, dQ = scale·dS·K and dK = scale·dSᵀ·Q (FlashAttention-2's backward). For each
    /// block of 64 keys, each tile of 64 query rows that sees it recomputes its weights from the saved log-sum-exp,
    /// P_ij = exp(scale·q_i·k_j − logSumExp_i), so the weights exist only one 64 × 64 tile at a time; the five products
    /// (S, dP, dV, dK, dQ) run in the forward's kind of register tiles on the path <see cref="KernelOptions.Simd"/> selects.
    /// </para>
    /// <para>
    /// Work items are whole (batch, head) slices, one thread each, so the result is bit-identical for any number of
    /// threads. Memory: per thread about (4 + 3·headDim) floats per token (padded copies of Q, dO and dQ) and
    /// (5·headDim + 128)·64 floats for a key block and its tile (112 KB at headDim 64) — linear in tokens, never a tokens × tokens matrix.
    /// </para>
    /// </remarks>
    /// <param name="query">Queries, (batch, heads, tokens, headDim).</param>
    /// <param name="key">Keys, (batch, heads, tokens, headDim).</param>
    /// <param name="value">Values, (batch, heads, tokens, headDim).</param>
    /// <param name="output">The forward's output O, (batch, heads, tokens, headDim).</param>
    /// <param name="outputGradient">dO, the loss's gradient with respect to the output, (batch, heads, tokens, headDim).</param>
    /// <param name="logSumExp">The forward's log-sum-exp per row, (batch, heads, tokens), from the same inputs, mask and scale.</param>
    /// <param name="queryGradient">Receives dQ, (batch, heads, tokens, headDim).</param>
    /// <param name="keyGradient">Receives dK, (batch, heads, tokens, headDim).</param>
    /// <param name="valueGradient">Receives dV, (batch, heads, tokens, headDim).</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="heads">Heads per sequence, ≥ 1.</param>
    /// <param name="tokens">Tokens per sequence, ≥ 1.</param>
    /// <param name="headDim">Features per head, ≥ 1.</param>
    /// <param name="causal">Whether query t only sees keys 0 … t (as in the forward).</param>
    /// <param name="options">Threads, instruction set and scale (as in the forward); <see cref="FlashAttentionOptions.Default"/> if null.</param>
    /// <exception cref="ArgumentException">
    /// An input holds NaN or ±∞ (named with its batch, head, token and feature): dO and the log-sum-exp are checked before
    /// the kernel runs; Q, K, V and O, which the forward checked, only if a gradient came out non-finite (the gradients
    /// then hold what was computed).
    /// </exception>
    /// <exception cref="OverflowException">A gradient computed from finite inputs is not finite.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> logSumExp, Span<float> queryGradient, Span<float> keyGradient, Span<float> valueGradient,
        int batch, int heads, int tokens, int headDim, bool causal, FlashAttentionOptions? options = null) =>
        Backward(query, key, value, output, outputGradient, logSumExp, queryGradient, keyGradient, valueGradient, batch, heads, heads, tokens, headDim, causal, options);

    /// <summary>
    /// The gradients of grouped-query attention (see the grouped-query forward): as the other overload, with keys, values
    /// and their gradients of <paramref name="kvHeads"/> heads. dK and dV of a key/value head are the sums of what its
    /// heads / kvHeads query heads contribute, added in the order of the query heads by one thread (bit-identical for any
    /// number of threads); with kvHeads = heads it is the other overload.
    /// </summary>
    /// <param name="query">Queries, (batch, heads, tokens, headDim).</param>
    /// <param name="key">Keys, (batch, kvHeads, tokens, headDim).</param>
    /// <param name="value">Values, (batch, kvHeads, tokens, headDim).</param>
    /// <param name="output">The forward's output O, (batch, heads, tokens, headDim).</param>
    /// <param name="outputGradient">dO, (batch, heads, tokens, headDim).</param>
    /// <param name="logSumExp">The forward's log-sum-exp per row, (batch, heads, tokens).</param>
    /// <param name="queryGradient">Receives dQ, (batch, heads, tokens, headDim).</param>
    /// <param name="keyGradient">Receives dK, (batch, kvHeads, tokens, headDim).</param>
    /// <param name="valueGradient">Receives dV, (batch, kvHeads, tokens, headDim).</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="heads">Query heads per sequence, a multiple of <paramref name="kvHeads"/>.</param>
    /// <param name="kvHeads">Key/value heads per sequence, ≥ 1, dividing <paramref name="heads"/>.</param>
    /// <param name="tokens">Tokens per sequence, ≥ 1.</param>
    /// <param name="headDim">Features per head, ≥ 1.</param>
    /// <param name="causal">Whether query t only sees keys 0 … t (as in the forward).</param>
    /// <param name="options">Threads, instruction set and scale (as in the forward); <see cref="FlashAttentionOptions.Default"/> if null.</param>
    /// <exception cref="ArgumentException">As the other overload.</exception>
    /// <exception cref="OverflowException">As the other overload.</exception>
    public static unsafe void Backward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> logSumExp, Span<float> queryGradient, Span<float> keyGradient, Span<float> valueGradient,
        int batch, int heads, int kvHeads, int tokens, int headDim, bool causal, FlashAttentionOptions? options = null)
    {
        options = CheckSizesAndOptions(batch, heads, tokens, headDim, options);
        CheckKeyValueHeads(heads, kvHeads);
        options.CheckWindowIsCausal(causal, nameof(causal));
        Int128 needed = (Int128)batch * heads * tokens * headDim;
        Int128 neededKeys = (Int128)batch * kvHeads * tokens * headDim;
        string keyHeads = KeyHeadsName(heads, kvHeads);
        CheckLength(query.Length, needed, batch, heads, tokens, headDim, nameof(query));
        CheckLength(key.Length, neededKeys, batch, kvHeads, tokens, headDim, nameof(key), keyHeads);
        CheckLength(value.Length, neededKeys, batch, kvHeads, tokens, headDim, nameof(value), keyHeads);
        CheckLength(output.Length, needed, batch, heads, tokens, headDim, nameof(output));
        CheckLength(outputGradient.Length, needed, batch, heads, tokens, headDim, nameof(outputGradient));
        CheckRowsLength(logSumExp.Length, batch, heads, tokens, nameof(logSumExp));
        CheckLength(queryGradient.Length, needed, batch, heads, tokens, headDim, nameof(queryGradient));
        CheckLength(keyGradient.Length, neededKeys, batch, kvHeads, tokens, headDim, nameof(keyGradient), keyHeads);
        CheckLength(valueGradient.Length, neededKeys, batch, kvHeads, tokens, headDim, nameof(valueGradient), keyHeads);
        CheckBackwardScratch(tokens, headDim, options, nameof(tokens));
        CheckGradientOverlaps(query, key, value, output, outputGradient, logSumExp, queryGradient, keyGradient, valueGradient);
        CheckFiniteTensor(outputGradient, heads, tokens, headDim, nameof(outputGradient));
        CheckFiniteRows(logSumExp, heads, tokens, nameof(logSumExp));

        float scale = options.ScaleFor(headDim);
        var layout = HeadLayout.HeadsFirst(heads, tokens, headDim);
        var keyLayout = HeadLayout.HeadsFirst(kvHeads, tokens, headDim);
        fixed (float* q = query, k = key, v = value, o = output, dO = outputGradient, lse = logSumExp, dQ = queryGradient, dK = keyGradient, dV = valueGradient)
        {
            var arguments = new BackwardArguments
            {
                Query = q, Key = k, Value = v, Output = o, OutputGradient = dO, LogSumExp = lse,
                QueryGradient = dQ, KeyGradient = dK, ValueGradient = dV,
                InputLayout = layout, KeyLayout = keyLayout, OutputLayout = layout,
                Slices = batch * heads, Heads = heads, Tokens = tokens, HeadDim = headDim, Causal = causal, Group = heads / kvHeads, Window = options.WindowFor(tokens), Scale = scale,
            };
            RunBackward(in arguments, options);
        }
        if (FirstNonFinite(queryGradient) < 0 && FirstNonFinite(keyGradient) < 0 && FirstNonFinite(valueGradient) < 0)
            return;
        // Only now (rarely) read the inputs the forward produced: a non-finite one is the caller's; else the backward overflowed.
        CheckFiniteTensor(query, heads, tokens, headDim, nameof(query));
        CheckFiniteTensor(key, kvHeads, tokens, headDim, nameof(key));
        CheckFiniteTensor(value, kvHeads, tokens, headDim, nameof(value));
        CheckFiniteTensor(output, heads, tokens, headDim, nameof(output));
        CheckGradientFinite(queryGradient, heads, tokens, headDim, nameof(queryGradient));
        CheckGradientFinite(keyGradient, kvHeads, tokens, headDim, nameof(keyGradient));
        CheckGradientFinite(valueGradient, kvHeads, tokens, headDim, nameof(valueGradient));
    }

    /// <summary>Throws unless the backward's per-thread scratch for <paramref name="tokens"/> × <paramref name="headDim"/> fits in one array (checked before the pool threads run).</summary>
    internal static void CheckBackwardScratch(int tokens, int headDim, KernelOptions options, string paramName)
    {
        long scratch = FlashBackwardLayout.ScratchFloats(tokens, headDim, SimdSelection.Width(SimdSelection.Resolve(options.Simd)));
        if (scratch + ThreadScratch.AlignmentFloats > Array.MaxLength)
            throw new ArgumentOutOfRangeException(paramName, tokens, $"tokens is {tokens} and headDim {headDim}: the backward's per-thread scratch of {scratch} floats (padded copies of Q, dO and dQ for one slice) must fit in one array of at most {Array.MaxLength} floats.");
    }

    /// <summary>Runs the backward on the kernel compiled for the resolved vector width (unchecked: the caller owns the buffers).</summary>
    internal static void RunBackward(in BackwardArguments arguments, KernelOptions options)
    {
        var call = new BackwardCall(arguments, options.MaxDegreeOfParallelism);
        SimdDispatch.Run(options.Simd, ref call);
    }

    private static void CheckGradientOverlaps(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> logSumExp, Span<float> queryGradient, Span<float> keyGradient, Span<float> valueGradient)
    {
        // Each gradient is written while the inputs are read, and the three gradients are accumulated separately.
        foreach (var (written, name) in new[] { (0, nameof(queryGradient)), (1, nameof(keyGradient)), (2, nameof(valueGradient)) })
        {
            ReadOnlySpan<float> target = written switch { 0 => queryGradient, 1 => keyGradient, _ => valueGradient };
            if (target.Overlaps(query) || target.Overlaps(key) || target.Overlaps(value) || target.Overlaps(output) || target.Overlaps(outputGradient) || target.Overlaps(logSumExp)
                || (written != 0 && target.Overlaps(queryGradient)) || (written != 1 && target.Overlaps(keyGradient)) || (written != 2 && target.Overlaps(valueGradient)))
                throw new ArgumentException($"{name} overlaps another argument: each gradient needs its own buffer.", name);
        }
    }

    /// <summary>One backward call: <see cref="FlashBackward{TSimd, TVec}"/> at the dispatched width.</summary>
    private readonly struct BackwardCall(BackwardArguments arguments, int threads) : ISimdKernel
    {
        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged => FlashBackward<TSimd, TVec>.Run(in arguments, threads);
    }
}
