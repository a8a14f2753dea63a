using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The fused attention kernel, written once over a vector width <typeparamref name="TSimd"/>.
/// </summary>
/// <remarks>
/// <para>
/// Work is cut into tiles of <see cref="QueryTile"/> = 4 registers' worth of consecutive queries (64 with AVX-512) of one
/// (batch, head). A tile's queries are packed transposed (headDim × QueryTile, pre-multiplied by scale·log₂e), so every
/// score register holds one key against 16 queries and the softmax needs no horizontal reductions: each lane is one
/// query with its own running maximum m and running sum l. Keys and values are read in place, in chunks of
/// <see cref="KeyChunk"/> keys:
/// </para>
/// <list type="number">
/// <item>Sᵀ = K_chunk · Q_tileᵀ — micro-kernel of 4 keys × 4 registers (16 accumulators), one broadcast key element
/// per 4 fused multiply-adds, loop over headDim (with 16 registers, <see cref="ISimd{TVec}.WideBlocking"/> false:
/// 6 keys × 2 registers, each half of the tile in turn);</item>
/// <item>online softmax per lane — causal mask (only on chunks that reach past the tile's first query), new maximum,
/// α = 2^(m_old − m_new), P = 2^(S − m_new) with a polynomial exponential, l = α·l + ΣP;</item>
/// <item>Oᵀ = α·Oᵀ + Vᵀ_chunk · Pᵀ — micro-kernel of 4 features × 4 registers (with 16 registers 6 features × 2),
/// one broadcast value element per 4 fused multiply-adds, loop over the chunk's keys. On the causal diagonal (the keys after the tile's first query) one
/// register at a time, skipping the products of keys a lane's query does not see, so that 0 · ∞ never reaches it.</item>
/// </list>
/// <para>
/// Under a sliding window of w keys (Mistral's, causal: query t sees keys t − w + 1 … t) a tile skips the chunks before
/// its first query's window and masks the leading keys some of its queries no longer see, as FlashAttention-2's
/// block-sparse attention skips and masks blocks outside the band (Dao, 2023, §3.1; Beltagy et al., Longformer, 2020):
/// work grows as tokens·w. The masked keys get weight 0, so a non-finite value there can still reach the tile as 0·∞.
/// At the end Oᵀ / l is transposed into the output. Memory per thread: (2·headDim + KeyChunk + 3) · QueryTile floats,
/// whatever the number of tokens — never a tokens × tokens matrix. Tails: padded query lanes compute on zero queries and
/// are not written; key and feature tails use one-row micro-kernels (with 16 registers, 4 or 5 features left — headDim 64 leaves 4 — first
/// go through a 4-feature one).
/// </para>
/// </remarks>
internal static unsafe partial class FlashKernel<TSimd, TVec>
    where TSimd : struct, ISimd<TVec>
    where TVec : unmanaged
{
    /// <summary>Registers per query tile.</summary>
    private const int Registers = 4;

    /// <summary>
    /// Keys per chunk. The scores of one chunk (32 KB with AVX-512) live in L1/L2; longer chunks halve the reloads and
    /// rescaling of the Oᵀ accumulator per key compared with 64 (measured about 5 % faster at GPT-2 shapes).
    /// </summary>
    public const int KeyChunk = FlashKernelLayout.KeyChunk;

    /// <summary>Queries per tile.</summary>
    public static int QueryTile => Registers * TSimd.Width;

    /// <summary>Scratch floats one thread needs for <paramref name="headDim"/>.</summary>
    public static long ScratchFloats(int headDim) => FlashKernelLayout.ScratchFloats(headDim, QueryTile);

    /// <summary>Runs attention for every (batch, head, query tile) on up to <paramref name="degreeOfParallelism"/> threads.</summary>
    /// <remarks>
    /// Each tile is computed by one thread on its own, so the result does not depend on the schedule or the number of
    /// threads (bit-identical). The schedule is by cost: under the causal mask query tile i reads i + 1 tiles' worth of
    /// keys, so tile i is paired with tile n − 1 − i of the same (batch, head) into one work item of n + 1 units (every
    /// pair costs the same, and the pair's keys are shared in cache); the middle tile of an odd n comes after all the
    /// pairs, as half an item. Work items are taken in order from a shared counter, (batch, head) after (batch, head),
    /// so whichever thread finishes first takes the next one and the threads end within about one item of each other.
    /// With fewer than two pairs per thread, single tiles are handed out longest first instead. Without the mask every
    /// tile costs the same and is one item.
    /// </remarks>
    public static void Run(in AttentionArguments arguments, int degreeOfParallelism)
    {
        var job = t_job ??= new Job();
        job.Arguments = arguments;
        job.Tiles = (arguments.Tokens - 1) / QueryTile + 1;        // tokens ≥ 1; tokens + QueryTile − 1 could overflow
        job.Slices = arguments.Batch * arguments.Heads;
        bool banded = arguments.Window > 0 && arguments.Window < arguments.Tokens;   // a window: every tile reads about w keys
        double flops = banded ? 4.0 * job.Slices * (double)arguments.Tokens * arguments.Window * arguments.HeadDim
            : (arguments.Causal ? 2.0 : 4.0) * job.Slices * (double)arguments.Tokens * arguments.Tokens * arguments.HeadDim;
        int threads = ParallelJob.Threads(flops, degreeOfParallelism);
        job.Schedule = ScheduleFor(arguments.Causal && !banded, job.Slices, job.Tiles, threads);
        int items = job.Schedule == Schedule.Paired ? job.Slices * ((job.Tiles + 1) / 2) : job.Tiles * job.Slices;
        job.Run(items, threads);
        job.Arguments = default;
    }

    /// <summary>The schedule for <paramref name="slices"/> (batch, head) pairs of <paramref name="tiles"/> query tiles on <paramref name="threads"/> threads.</summary>
    internal static Schedule ScheduleFor(bool causal, int slices, int tiles, int threads) =>
        !causal ? Schedule.InOrder
        : (long)slices * (tiles / 2) >= 2L * threads ? Schedule.Paired
        : Schedule.LongestFirst;

    /// <summary>How <see cref="Job"/> maps work items to query tiles.</summary>
    internal enum Schedule
    {
        /// <summary>Item i is tile i % tiles of slice i / tiles (every tile costs the same).</summary>
        InOrder,

        /// <summary>Items are the pairs (p, tiles − 1 − p) slice after slice, then the middle tiles of an odd count.</summary>
        Paired,

        /// <summary>The last tile of every slice first, then the one before it, and so on.</summary>
        LongestFirst,
    }

    [ThreadStatic]
    private static Job? t_job;

    private sealed class Job : ParallelJob
    {
        public AttentionArguments Arguments;
        public int Tiles;
        public int Slices;
        public Schedule Schedule;

        protected override void RunItem(int item)
        {
            int tiles = Tiles;
            switch (Schedule)
            {
                case Schedule.InOrder:
                    Tile(item / tiles, item % tiles);
                    break;
                case Schedule.Paired:
                    int pairs = tiles / 2, pairItems = Slices * pairs;
                    if (item < pairItems)
                    {
                        int slice = item / pairs, pair = item % pairs;
                        Tile(slice, pair);
                        Tile(slice, tiles - 1 - pair);
                    }
                    else
                        Tile(item - pairItems, pairs);                // the middle tile of an odd number of tiles
                    break;
                default:
                    Tile(item % Slices, tiles - 1 - item / Slices);
                    break;
            }
        }

        private void Tile(int slice, int tile) => FlashKernel<TSimd, TVec>.Tile(in Arguments, slice / Arguments.Heads, slice % Arguments.Heads, tile);
    }

    /// <summary>Attention for query tile <paramref name="tile"/> of head <paramref name="head"/> of sequence <paramref name="batch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(in AttentionArguments a, int batch, int head, int tile)
    {
        int width = TSimd.Width, queryTile = QueryTile, headDim = a.HeadDim;
        float* q = a.Query + batch * a.QueryLayout.BatchStride + head * a.QueryLayout.HeadStride;
        int kvHead = head / a.Group;                          // grouped-query attention: the group's shared keys and values, read in place
        float* k = a.Key + batch * a.KeyLayout.BatchStride + kvHead * a.KeyLayout.HeadStride;
        float* v = a.Value + batch * a.ValueLayout.BatchStride + kvHead * a.ValueLayout.HeadStride;
        float* o = a.Output + batch * a.OutputLayout.BatchStride + head * a.OutputLayout.HeadStride;

        float* scratch = ThreadScratch.Get(ScratchFloats(headDim));
        float* qt = scratch;                                  // (headDim, queryTile) queries, transposed and scaled
        float* ot = qt + headDim * queryTile;                 // (headDim, queryTile) output accumulator, transposed
        float* s = ot + headDim * queryTile;                  // (KeyChunk, queryTile) scores, then probabilities
        float* m = s + KeyChunk * queryTile;                  // (queryTile) running maximum, log₂ units
        float* l = m + queryTile;                             // (queryTile) running sum of probabilities
        float* alpha = l + queryTile;                         // (queryTile) rescaling of the previous chunks

        int firstQuery = tile * queryTile;
        int queries = Math.Min(queryTile, a.Tokens - firstQuery);
        PackQueries(q + (long)firstQuery * a.QueryLayout.TokenStride, a.QueryLayout.TokenStride, queries, headDim, a.ScaleLog2E, qt);
        new Span<float>(ot, headDim * queryTile).Clear();
        for (int j = 0; j < queryTile; j += width)
        {
            TSimd.Store(m + j, TSimd.Broadcast(float.NegativeInfinity));
            TSimd.Store(l + j, TSimd.Zero);
        }

        int keyEnd = a.Causal ? firstQuery + queries : a.Tokens;
        // Under a sliding window of w keys the tile's first query sees keys from firstQuery − w + 1 on: chunks before that
        // are skipped whole (work ~ tokens·w). The start is rounded down to a whole tile, so the diagonal stays in the last chunk.
        int keyStart = a.Window > 0 ? Math.Max(0, firstQuery - a.Window + 1) / queryTile * queryTile : 0;
        for (int firstKey = keyStart, keys; firstKey < keyEnd; firstKey += keys)   // += keys: never past keyEnd, so never overflows
        {
            keys = Math.Min(KeyChunk, keyEnd - firstKey);
            // Rows of keys that some query of the tile no longer sees (key firstKey + r, from query firstKey + r + w on).
            int banded = a.Window > 0 ? Math.Clamp(firstQuery + queries - a.Window - firstKey, 0, keys) : 0;
            int edge = firstKey + a.Window - firstQuery;
            Scores(k + (long)firstKey * a.KeyLayout.TokenStride, a.KeyLayout.TokenStride, keys, qt, headDim, s);
            float* values = v + (long)firstKey * a.ValueLayout.TokenStride;
            if (a.Causal && firstKey + keys - 1 > firstQuery)
            {
                // The diagonal chunk (the last one; it holds keys firstQuery … keyEnd − 1): keys up to firstQuery are seen
                // by every query of the tile, key firstQuery + i only by queries firstQuery + i and later.
                int diagonal = firstQuery - firstKey;
                Softmax(s, keys, diagonal, banded, edge, m, l, alpha);
                AccumulateValues(values, a.ValueLayout.TokenStride, diagonal + 1, s, headDim, alpha, ot);
                AccumulateDiagonal(values + (long)(diagonal + 1) * a.ValueLayout.TokenStride, a.ValueLayout.TokenStride, queries - 1,
                    s + (diagonal + 1) * queryTile, headDim, ot);
            }
            else
            {
                Softmax(s, keys, -1, banded, edge, m, l, alpha);
                AccumulateValues(values, a.ValueLayout.TokenStride, keys, s, headDim, alpha, ot);
            }
        }

        WriteOutput(ot, l, queries, headDim, o + (long)firstQuery * a.OutputLayout.TokenStride, a.OutputLayout.TokenStride);
        if (a.LogSumExp is not null)
        {
            // ln Σ_j exp(scale·q·k_j) = ln 2 · (m + log₂ l): m and l are in base-2 units of the scaled scores.
            float* lse = a.LogSumExp + ((long)batch * a.Heads + head) * a.Tokens + firstQuery;
            for (int j = 0; j < queries; j++)
                lse[j] = (m[j] + MathF.Log2(l[j])) * MathF.Log(2f);
        }
    }

    /// <summary>qt[d, j] = q[j, d] · scale for the tile's queries; padded lanes are 0.</summary>
    private static void PackQueries(float* q, int stride, int queries, int headDim, float scale, float* qt) =>
        Packing<TSimd, TVec>.Transposed(q, stride, queries, headDim, scale, qt, QueryTile);

    /// <summary>o[j, d] = ot[d, j] / l[j] for the tile's real queries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WriteOutput(float* ot, float* l, int queries, int headDim, float* o, int stride)
    {
        int queryTile = QueryTile, w = TSimd.Width, first = 0;
        if (typeof(TVec) == typeof(Vector512<float>))
        {
            // Divide every lane by its sum, then move whole 16 × 16 blocks in registers; the last headDim % 16 below.
            first = headDim & ~15;
            for (int j = 0; j < queryTile; j += w)
            {
                TVec inverse = TSimd.Divide(TSimd.Broadcast(1f), TSimd.Load(l + j));
                for (int d = 0; d < first; d++)
                    TSimd.Store(ot + d * queryTile + j, TSimd.Multiply(TSimd.Load(ot + d * queryTile + j), inverse));
            }
            for (int j = 0; j < queries; j += 16)
                for (int d = 0; d < first; d += 16)
                    Transpose16.Run(ot + d * queryTile + j, queryTile, 16, o + (long)j * stride + d, stride, queries - j, 1f);
        }
        for (int j = 0; j < queries; j++)
        {
            float inverse = 1f / l[j];
            float* row = o + (long)j * stride;
            for (int d = first; d < headDim; d++)
                row[d] = ot[d * queryTile + j] * inverse;
        }
    }
}
