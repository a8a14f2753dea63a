using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The same micro-kernels run unfused: the whole tokens × tokens score matrix of a head is written to memory, then the
/// softmax reads it and writes it back, then the product with V reads it once more — the matrix path's memory traffic
/// with the fused kernel's arithmetic, so that the two differ in fusion alone.
/// </summary>
internal static unsafe partial class FlashKernel<TSimd, TVec>
{
    /// <summary>Scratch floats one (batch, head) needs: the query tile and accumulator, m, l, α of every tile, and every tile's score rows over all keys.</summary>
    public static long UnfusedScratchFloats(int tokens, int headDim) => FlashKernelLayout.UnfusedScratchFloats(tokens, headDim, QueryTile);

    /// <summary>Runs unfused attention for every (batch, head) on up to <paramref name="degreeOfParallelism"/> threads, one (batch, head) per work item.</summary>
    public static void RunUnfused(in AttentionArguments arguments, int degreeOfParallelism)
    {
        var job = t_unfusedJob ??= new UnfusedJob();
        job.Arguments = arguments;
        int slices = arguments.Batch * arguments.Heads;
        double flops = (arguments.Causal ? 2.0 : 4.0) * slices * (double)arguments.Tokens * arguments.Tokens * arguments.HeadDim;
        job.Run(slices, ParallelJob.Threads(flops, degreeOfParallelism));
        job.Arguments = default;
    }

    [ThreadStatic]
    private static UnfusedJob? t_unfusedJob;

    private sealed class UnfusedJob : ParallelJob
    {
        public AttentionArguments Arguments;

        protected override void RunItem(int item) => Slice(in Arguments, item / Arguments.Heads, item % Arguments.Heads);
    }

    /// <summary>One (batch, head) in three passes over its whole score matrix: S = Q·Kᵀ·scale, P = softmax(S), O = P·V.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Slice(in AttentionArguments a, int batch, int head)
    {
        int queryTile = QueryTile, headDim = a.HeadDim, tokens = a.Tokens;
        int tiles = (tokens - 1) / queryTile + 1;
        float* q = a.Query + batch * a.QueryLayout.BatchStride + head * a.QueryLayout.HeadStride;
        float* k = a.Key + batch * a.KeyLayout.BatchStride + head * a.KeyLayout.HeadStride;
        float* v = a.Value + batch * a.ValueLayout.BatchStride + head * a.ValueLayout.HeadStride;
        float* o = a.Output + batch * a.OutputLayout.BatchStride + head * a.OutputLayout.HeadStride;

        float* scratch = UnfusedScratch.Get(UnfusedScratchFloats(tokens, headDim));
        float* qt = scratch;                                  // (headDim, queryTile) one tile's queries, transposed and scaled
        float* ot = qt + headDim * queryTile;                 // (headDim, queryTile) one tile's output accumulator
        float* stats = ot + headDim * queryTile;              // (tiles, 3, queryTile) m, l, α of every tile
        float* scores = stats + 3L * tiles * queryTile;       // (tiles, tokens, queryTile): the whole score matrix, transposed per tile

        // 1. S = Q·Kᵀ·scale for every query and key the mask lets through, written to memory.
        for (int tile = 0; tile < tiles; tile++)
        {
            int firstQuery = tile * queryTile, queries = Math.Min(queryTile, tokens - firstQuery);
            int keyEnd = a.Causal ? firstQuery + queries : tokens;
            float* s = scores + (long)tile * tokens * queryTile;
            PackQueries(q + (long)firstQuery * a.QueryLayout.TokenStride, a.QueryLayout.TokenStride, queries, headDim, a.ScaleLog2E, qt);
            for (int firstKey = 0, keys; firstKey < keyEnd; firstKey += keys)
            {
                keys = Math.Min(KeyChunk, keyEnd - firstKey);
                Scores(k + (long)firstKey * a.KeyLayout.TokenStride, a.KeyLayout.TokenStride, keys, qt, headDim, s + (long)firstKey * queryTile);
            }
        }

        // 2. P = softmax(S): each tile's rows over all their keys at once, read and written back.
        for (int tile = 0; tile < tiles; tile++)
        {
            int firstQuery = tile * queryTile, queries = Math.Min(queryTile, tokens - firstQuery);
            int keyEnd = a.Causal ? firstQuery + queries : tokens;
            float* m = stats + 3L * tile * queryTile, l = m + queryTile, alpha = l + queryTile;
            for (int j = 0; j < queryTile; j += TSimd.Width)
            {
                TSimd.Store(m + j, TSimd.Broadcast(float.NegativeInfinity));
                TSimd.Store(l + j, TSimd.Zero);
            }
            Softmax(scores + (long)tile * tokens * queryTile, keyEnd, a.Causal && queries > 1 ? firstQuery : -1, 0, 0, m, l, alpha);
        }

        // 3. O = P·V, reading P back.
        for (int tile = 0; tile < tiles; tile++)
        {
            int firstQuery = tile * queryTile, queries = Math.Min(queryTile, tokens - firstQuery);
            float* s = scores + (long)tile * tokens * queryTile;
            float* l = stats + 3L * tile * queryTile + queryTile, alpha = l + queryTile;   // α is 0: there was no earlier chunk
            new Span<float>(ot, headDim * queryTile).Clear();
            if (a.Causal && queries > 1)
            {
                AccumulateValues(v, a.ValueLayout.TokenStride, firstQuery + 1, s, headDim, alpha, ot);
                AccumulateDiagonal(v + (long)(firstQuery + 1) * a.ValueLayout.TokenStride, a.ValueLayout.TokenStride, queries - 1,
                    s + (long)(firstQuery + 1) * queryTile, headDim, ot);
            }
            else
                AccumulateValues(v, a.ValueLayout.TokenStride, a.Causal ? firstQuery + queries : tokens, s, headDim, alpha, ot);
            WriteOutput(ot, l, queries, headDim, o + (long)firstQuery * a.OutputLayout.TokenStride, a.OutputLayout.TokenStride);
        }
    }
}

/// <summary>
/// The unfused kernel's per-thread buffer, apart from <see cref="ThreadScratch"/> so that the fused kernel's scratch stays
/// small: pinned, 64-byte aligned, grown on demand and kept for the thread's lifetime.
/// </summary>
internal static unsafe class UnfusedScratch
{
    [ThreadStatic]
    private static float[]? s_buffer;

    [ThreadStatic]
    private static nint s_aligned;

    /// <summary>At least <paramref name="floats"/> floats, aligned to 64 bytes; the contents are undefined (callers check the size first).</summary>
    public static float* Get(long floats)
    {
        long needed = floats + ThreadScratch.AlignmentFloats;
        if (s_buffer is null || s_buffer.Length < needed)
        {
            s_buffer = GC.AllocateUninitializedArray<float>(checked((int)needed), pinned: true);
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_buffer));
            s_aligned = (start + 63) & ~(nint)63;
        }
        return (float*)s_aligned;
    }
}
