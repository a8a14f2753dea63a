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
    public static unsafe void Backward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<float> output,
        ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> logSumExp, Span<float> queryGradient, Span<float> keyGradient, Span<float> valueGradient,
        int batch, int heads, int tokens, int headDim, bool causal, FlashAttentionOptions? options = null)
    {
        options = CheckSizesAndOptions(batch, heads, tokens, headDim, options);
        Int128 needed = (Int128)batch * heads * tokens * headDim;
        CheckLength(query.Length, needed, batch, heads, tokens, headDim, nameof(query));
        CheckLength(key.Length, needed, batch, heads, tokens, headDim, nameof(key));
        CheckLength(value.Length, needed, batch, heads, tokens, headDim, nameof(value));
        CheckLength(output.Length, needed, batch, heads, tokens, headDim, nameof(output));
        CheckLength(outputGradient.Length, needed, batch, heads, tokens, headDim, nameof(outputGradient));
        CheckRowsLength(logSumExp.Length, batch, heads, tokens, nameof(logSumExp));
        CheckLength(queryGradient.Length, needed, batch, heads, tokens, headDim, nameof(queryGradient));
        CheckLength(keyGradient.Length, needed, batch, heads, tokens, headDim, nameof(keyGradient));
        CheckLength(valueGradient.Length, needed, batch, heads, tokens, headDim, nameof(valueGradient));
        CheckBackwardScratch(tokens, headDim, options, nameof(tokens));
        CheckGradientOverlaps(query, key, value, output, outputGradient, logSumExp, queryGradient, keyGradient, valueGradient);

        float scale = options.ScaleFor(headDim);
        var layout = HeadLayout.HeadsFirst(heads, tokens, headDim);
        fixed (float* q = query, k = key, v = value, o = output, dO = outputGradient, lse = logSumExp, dQ = queryGradient, dK = keyGradient, dV = valueGradient)
        {
            var arguments = new BackwardArguments
            {
                Query = q, Key = k, Value = v, Output = o, OutputGradient = dO, LogSumExp = lse,
                QueryGradient = dQ, KeyGradient = dK, ValueGradient = dV,
                InputLayout = layout, OutputLayout = layout,
                Slices = batch * heads, Heads = heads, Tokens = tokens, HeadDim = headDim, Causal = causal, Scale = scale,
            };
            RunBackward(in arguments, options);
        }
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
