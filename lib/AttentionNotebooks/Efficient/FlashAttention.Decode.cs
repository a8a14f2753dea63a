using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>The decode path of <see cref="FlashAttention"/>: a few new queries against a key/value cache.</summary>
public static partial class FlashAttention
{
    /// <summary>
    /// Attention of the newest <paramref name="queries"/> tokens (1 while generating one token at a time) against a
    /// key/value cache of <paramref name="cacheLength"/> tokens that already holds their own keys and values, the
    /// Flash-Decoding way: the cache is split along the keys across threads, each split keeps its own softmax maximum and
    /// sum, and the splits are combined at the end, so each cached byte is read once (see
    /// <see cref="DecodeKernel{TSimd, TVec}"/>). Grouped-query heads as in the grouped-query
    /// <see cref="Forward(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, int, int, bool, FlashAttentionOptions?)"/>.
    /// </summary>
    /// <remarks>
    /// Query i is at position cacheLength − queries + i and sees keys 0 … its position (causal among the new queries),
    /// or with <see cref="FlashAttentionOptions.Window"/> = w the last w of them. The splits have a fixed length of
    /// 1024 keys, whatever the thread count, so the result is bit-identical for any number of threads. It equals the
    /// forward's last rows within float rounding (the sums run in another order). Memory: a per-call buffer of
    /// batch·heads·queries·⌈cacheLength / 1024⌉·(headDim + 2) floats for the splits' partial results, kept for reuse.
    /// </remarks>
    /// <param name="query">The new queries, (batch, heads, queries, headDim).</param>
    /// <param name="key">The key cache, (batch, kvHeads, cacheLength, headDim), the new tokens' keys last.</param>
    /// <param name="value">The value cache, (batch, kvHeads, cacheLength, headDim).</param>
    /// <param name="output">Receives the context vectors, (batch, heads, queries, headDim).</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="heads">Query heads per sequence, a multiple of <paramref name="kvHeads"/>.</param>
    /// <param name="kvHeads">Key/value heads per sequence, ≥ 1, dividing <paramref name="heads"/>.</param>
    /// <param name="queries">New tokens, 1 … <paramref name="cacheLength"/>.</param>
    /// <param name="cacheLength">Tokens in the cache, the new ones included, ≥ 1.</param>
    /// <param name="headDim">Features per head, ≥ 1.</param>
    /// <param name="options">Threads, instruction set, scale and window; <see cref="FlashAttentionOptions.Default"/> if null.</param>
    /// <exception cref="OverflowException">An output row came out non-finite although query, keys and values are all finite.</exception>
    public static unsafe void Decode(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, Span<float> output,
        int batch, int heads, int kvHeads, int queries, int cacheLength, int headDim, FlashAttentionOptions? options = null)
    {
        Check.Positive(cacheLength, nameof(cacheLength));
        options = CheckSizesAndOptions(batch, heads, cacheLength, headDim, options);
        CheckKeyValueHeads(heads, kvHeads);
        Check.Positive(queries, nameof(queries));
        if (queries > cacheLength)
            throw new ArgumentOutOfRangeException(nameof(queries), queries, $"queries ({queries}) cannot exceed cacheLength ({cacheLength}): the cache holds the new tokens' keys too.");
        Int128 needed = (Int128)batch * heads * queries * headDim;
        Int128 neededKeys = (Int128)batch * kvHeads * cacheLength * headDim;
        CheckLength(query.Length, needed, batch, heads, queries, headDim, nameof(query), tokensName: "queries");
        CheckLength(key.Length, neededKeys, batch, kvHeads, cacheLength, headDim, nameof(key), "kvHeads", "cacheLength");
        CheckLength(value.Length, neededKeys, batch, kvHeads, cacheLength, headDim, nameof(value), "kvHeads", "cacheLength");
        CheckLength(output.Length, needed, batch, heads, queries, headDim, nameof(output), tokensName: "queries");
        if (output.Overlaps(query) || output.Overlaps(key) || output.Overlaps(value))
            throw new ArgumentException("output overlaps query, key or value: the kernel reads them while it writes, so the output needs its own buffer.", nameof(output));
        int splits = DecodeLayout.Splits(cacheLength);
        long partialFloats = (long)batch * heads * queries * splits * DecodeLayout.PartialRow(headDim);   // ≤ 2^31 · 2^21 · 2^31: no wrap for valid spans
        long scratch = DecodeLayout.ScratchFloats((long)heads / kvHeads * queries, headDim);
        if (partialFloats > Array.MaxLength || scratch + ThreadScratch.AlignmentFloats > Array.MaxLength)
            throw new ArgumentException($"(batch {batch}, heads {heads}, queries {queries}, cacheLength {cacheLength}, headDim {headDim}) needs more floats for the splits' partial results than one array can hold.", nameof(queries));

        var partial = DecodePartials((int)partialFloats);
        fixed (float* q = query, k = key, v = value, o = output, p = partial)
        {
            var arguments = new DecodeArguments
            {
                Query = q, Key = k, Value = v, Output = o, Partial = p,
                Batch = batch, Heads = heads, KvHeads = kvHeads, Queries = queries, CacheLength = cacheLength, HeadDim = headDim,
                Window = options.WindowFor(cacheLength), Splits = splits,
                ScaleLog2E = options.ScaleFor(headDim) * MathF.Log2(MathF.E),
            };
            var call = new DecodeCall(arguments, options.MaxDegreeOfParallelism);
            SimdDispatch.Run(options.Simd, ref call);
        }
        if (FirstNonFinite(output) >= 0 && FirstNonFinite(query) < 0 && FirstNonFinite(key) < 0 && FirstNonFinite(value) < 0)
        {
            int index = FirstNonFinite(output), row = index / headDim;
            throw new OverflowException(
                $"the decode output of batch {row / queries / heads}, head {row / queries % heads}, query {row % queries} overflowed: feature {index % headDim} is {Format(output[index])} " +
                $"although query, key and value are finite (a scaled score q·k or a weighted sum exceeded float32; {Float32Range}).");
        }
    }

    [ThreadStatic]
    private static float[]? t_decodePartials;

    /// <summary>This thread's buffer for the splits' partial results, at least <paramref name="floats"/> long (kept for reuse).</summary>
    private static float[] DecodePartials(int floats)
    {
        if (t_decodePartials is null || t_decodePartials.Length < floats)
            t_decodePartials = GC.AllocateUninitializedArray<float>(floats);
        return t_decodePartials;
    }

    /// <summary>One decode call: <see cref="DecodeKernel{TSimd, TVec}"/> at the dispatched width.</summary>
    private readonly struct DecodeCall(DecodeArguments arguments, int threads) : ISimdKernel
    {
        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged => DecodeKernel<TSimd, TVec>.Run(in arguments, threads);
    }
}
