namespace AttentionNotebooks.Efficient;

public static partial class FlashAttention
{
    /// <summary>
    /// Computes the same attention as <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, int, bool, FlashAttentionOptions?)"/>
    /// with the same SIMD micro-kernels, but unfused: for each (batch, head) the whole tokens × tokens score matrix is
    /// written to memory (S = Q·Kᵀ·scale), the softmax reads it and writes the weights back over it, and the product with
    /// V reads them once more. It exists to measure what fusion alone is worth; use <c>Forward</c> otherwise.
    /// </summary>
    /// <remarks>
    /// Memory: besides the arguments, each thread keeps a buffer of about tokens × tokens floats (rounded up to whole
    /// query tiles) for the score matrix of the head it computes, plus the fused kernel's per-tile buffers. No sliding
    /// window, no grouped-query heads, no log-sum-exp. Results equal <c>Forward</c>'s to float rounding (the softmax sees
    /// each row whole instead of in chunks of 128 keys).
    /// </remarks>
    /// <param name="query">Queries, (batch, heads, tokens, headDim).</param>
    /// <param name="key">Keys, (batch, heads, tokens, headDim).</param>
    /// <param name="value">Values, (batch, heads, tokens, headDim).</param>
    /// <param name="output">Receives the context vectors, (batch, heads, tokens, headDim).</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="heads">Heads per sequence, ≥ 1.</param>
    /// <param name="tokens">Tokens per sequence, ≥ 1, small enough that one head's score matrix fits in one array.</param>
    /// <param name="headDim">Features per head, 1 … <see cref="MaxHeadDim"/>.</param>
    /// <param name="causal">Whether query t only sees keys 0 … t.</param>
    /// <param name="options">Threads and instruction set; <see cref="FlashAttentionOptions.Default"/> if null. No <see cref="FlashAttentionOptions.Window"/>.</param>
    /// <exception cref="OverflowException">As <c>Forward</c>.</exception>
    public static unsafe void ForwardUnfused(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, Span<float> output,
        int batch, int heads, int tokens, int headDim, bool causal, FlashAttentionOptions? options = null)
    {
        options = CheckSizesAndOptions(batch, heads, tokens, headDim, options);
        if (options.Window is { } window)
            throw new ArgumentException($"options.Window is {window}, but ForwardUnfused has no sliding window: use Forward.", nameof(options));
        Int128 needed = (Int128)batch * heads * tokens * headDim;
        CheckLength(query.Length, needed, batch, heads, tokens, headDim, nameof(query));
        CheckLength(key.Length, needed, batch, heads, tokens, headDim, nameof(key));
        CheckLength(value.Length, needed, batch, heads, tokens, headDim, nameof(value));
        CheckLength(output.Length, needed, batch, heads, tokens, headDim, nameof(output));
        CheckHeadDim(headDim, nameof(headDim));
        long scratch = FlashKernelLayout.UnfusedScratchFloats(tokens, headDim, FlashKernelLayout.MaxQueryTile) + ThreadScratch.AlignmentFloats;
        if (scratch > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(tokens), tokens,
                $"tokens is {tokens}: ForwardUnfused keeps a head's whole score matrix, {scratch} floats, more than one array holds ({Array.MaxLength}); use Forward.");
        if (output.Overlaps(query) || output.Overlaps(key) || output.Overlaps(value))
            throw new ArgumentException("output overlaps query, key or value: the kernel reads every key and value while it writes, so the output needs its own buffer.", nameof(output));

        var layout = HeadLayout.HeadsFirst(heads, tokens, headDim);
        fixed (float* q = query, k = key, v = value, o = output)
        {
            var arguments = new AttentionArguments
            {
                Query = q, Key = k, Value = v, Output = o,
                QueryLayout = layout, KeyLayout = layout, ValueLayout = layout, OutputLayout = layout,
                Batch = batch, Heads = heads, Tokens = tokens, HeadDim = headDim, Causal = causal, Group = 1, Window = 0,
                ScaleLog2E = options.ScaleFor(headDim) * MathF.Log2(MathF.E),
            };
            var call = new UnfusedCall(arguments, options.MaxDegreeOfParallelism);
            SimdDispatch.Run(options.Simd, ref call);
        }
        CheckOutputFinite(query, key, value, output, batch, heads, heads, tokens, headDim, causal);
    }

    /// <summary>One unfused call: <see cref="FlashKernel{TSimd, TVec}.RunUnfused"/> at the dispatched width.</summary>
    private readonly struct UnfusedCall(AttentionArguments arguments, int threads) : ISimdKernel
    {
        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged => FlashKernel<TSimd, TVec>.RunUnfused(in arguments, threads);
    }
}
