using System.Runtime.Intrinsics;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// Scaled dot-product attention, softmax(Q·Kᵀ·scale [+ causal mask])·V, computed FlashAttention's way: tiles of queries
/// against chunks of keys with an online softmax (a running maximum and a running sum per query), so the
/// tokens × tokens score matrix is never stored. Vectorised with AVX-512 or AVX2 where available and multithreaded over
/// (batch × heads × query tiles).
/// </summary>
/// <remarks>
/// <para>
/// Layout: every tensor is (batch, heads, tokens, headDim), contiguous, row-major — PyTorch's layout for
/// <c>torch.nn.functional.scaled_dot_product_attention</c>, so element (b, h, t, d) is at
/// ((b·heads + h)·tokens + t)·headDim + d. Queries, keys and values have the same number of tokens (self-attention).
/// With <c>causal</c>, query t attends to keys 0 … t only.
/// </para>
/// <para>
/// The output must not overlap the inputs. Inputs are not checked for NaN or infinity (they propagate). Memory: besides
/// the arguments, each thread uses one pinned scratch buffer of (2·headDim + 131)·64 floats (66 KB for headDim 64), kept for reuse; a call
/// allocates nothing once warm.
/// </para>
/// </remarks>
public static class FlashAttention
{
    /// <summary>Computes attention for every (batch, head) into <paramref name="output"/>.</summary>
    /// <param name="query">Queries, (batch, heads, tokens, headDim).</param>
    /// <param name="key">Keys, (batch, heads, tokens, headDim).</param>
    /// <param name="value">Values, (batch, heads, tokens, headDim).</param>
    /// <param name="output">Receives the context vectors, (batch, heads, tokens, headDim).</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="heads">Heads per sequence, ≥ 1.</param>
    /// <param name="tokens">Tokens per sequence, ≥ 1.</param>
    /// <param name="headDim">Features per head, ≥ 1.</param>
    /// <param name="causal">Whether query t only sees keys 0 … t.</param>
    /// <param name="options">Threads, instruction set and scale; <see cref="FlashAttentionOptions.Default"/> if null.</param>
    public static unsafe void Forward(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, Span<float> output,
        int batch, int heads, int tokens, int headDim, bool causal, FlashAttentionOptions? options = null)
    {
        Check.Positive(batch, nameof(batch));
        Check.Positive(heads, nameof(heads));
        Check.Positive(tokens, nameof(tokens));
        Check.Positive(headDim, nameof(headDim));
        options ??= FlashAttentionOptions.Default;
        options.Validate();
        long expected = (long)batch * heads * tokens * headDim;
        if (expected > Array.MaxLength)
            throw new ArgumentException($"(batch {batch}, heads {heads}, tokens {tokens}, headDim {headDim}) is {expected} floats, more than one buffer can hold.", nameof(tokens));
        CheckLength(query.Length, expected, batch, heads, tokens, headDim, nameof(query));
        CheckLength(key.Length, expected, batch, heads, tokens, headDim, nameof(key));
        CheckLength(value.Length, expected, batch, heads, tokens, headDim, nameof(value));
        CheckLength(output.Length, expected, batch, heads, tokens, headDim, nameof(output));
        if (output.Overlaps(query) || output.Overlaps(key) || output.Overlaps(value))
            throw new ArgumentException("output overlaps query, key or value: the kernel reads every key and value while it writes, so the output needs its own buffer.", nameof(output));

        var layout = HeadLayout.HeadsFirst(heads, tokens, headDim);
        float scale = options.Scale ?? 1f / MathF.Sqrt(headDim);
        fixed (float* q = query, k = key, v = value, o = output)
        {
            var arguments = new AttentionArguments
            {
                Query = q, Key = k, Value = v, Output = o,
                QueryLayout = layout, KeyLayout = layout, ValueLayout = layout, OutputLayout = layout,
                Batch = batch, Heads = heads, Tokens = tokens, HeadDim = headDim, Causal = causal,
                ScaleLog2E = scale * MathF.Log2(MathF.E),
            };
            Run(in arguments, options);
        }
    }

    /// <summary>The instruction set <see cref="Forward"/> uses with <paramref name="requested"/> on this processor.</summary>
    public static SimdPath ResolvedPath(SimdPath requested = SimdPath.Auto) => SimdSelection.Resolve(requested);

    /// <summary>Dispatches to the kernel compiled for the resolved vector width.</summary>
    internal static void Run(in AttentionArguments arguments, FlashAttentionOptions options)
    {
        int threads = options.MaxDegreeOfParallelism;
        switch (SimdSelection.Resolve(options.Simd))
        {
            case SimdPath.Vector512:
                FlashKernel<Simd512, Vector512<float>>.Run(in arguments, threads);
                break;
            case SimdPath.Vector256:
                FlashKernel<Simd256, Vector256<float>>.Run(in arguments, threads);
                break;
            default:
                FlashKernel<SimdScalar, float>.Run(in arguments, threads);
                break;
        }
    }

    private static void CheckLength(int actual, long expected, int batch, int heads, int tokens, int headDim, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} floats but (batch {batch}, heads {heads}, tokens {tokens}, headDim {headDim}) needs {expected}.", name);
    }
}
