using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionNotebooks.Efficient;

/// <summary>Where one (batch, head) slice of a tensor starts and how far apart its token rows are, in floats.</summary>
/// <param name="BatchStride">Floats from one sequence to the next.</param>
/// <param name="HeadStride">Floats from one head to the next.</param>
/// <param name="TokenStride">Floats from one token's headDim values to the next token's.</param>
internal readonly record struct HeadLayout(long BatchStride, long HeadStride, int TokenStride)
{
    /// <summary>(batch, heads, tokens, headDim), contiguous: PyTorch's layout for <c>scaled_dot_product_attention</c>.</summary>
    public static HeadLayout HeadsFirst(int heads, int tokens, int headDim) =>
        new((long)heads * tokens * headDim, (long)tokens * headDim, headDim);

    /// <summary>(batch, tokens, heads, headDim) inside rows of <paramref name="rowWidth"/> floats per token: a projection's output.</summary>
    public static HeadLayout TokensFirst(int tokens, int headDim, int rowWidth) =>
        new((long)tokens * rowWidth, headDim, rowWidth);
}

/// <summary>The scratch layout of <see cref="FlashKernel{TSimd, TVec}"/>, the same for every vector width.</summary>
internal static class FlashKernelLayout
{
    /// <summary>Keys per chunk (see <see cref="FlashKernel{TSimd, TVec}.KeyChunk"/>).</summary>
    public const int KeyChunk = 128;

    /// <summary>Queries per tile on the widest path: 4 registers of 16 floats (AVX-512).</summary>
    public const int MaxQueryTile = 64;

    /// <summary>Rows of one query tile's width besides the 2·headDim of queries and accumulator: KeyChunk scores and m, l, α.</summary>
    public const int ScoreRows = KeyChunk + 3;

    /// <summary>Scratch floats one thread needs for <paramref name="headDim"/> with tiles of <paramref name="queryTile"/> queries (64-bit: no overflow).</summary>
    public static long ScratchFloats(long headDim, int queryTile) => (2 * headDim + ScoreRows) * queryTile;
}

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
/// At the end Oᵀ / l is transposed into the output. Memory per thread: (2·headDim + KeyChunk + 3) · QueryTile floats,
/// whatever the number of tokens — never a tokens × tokens matrix. Tails: padded query lanes compute on zero queries and
/// are not written; key and feature tails use one-row micro-kernels.
/// </para>
/// </remarks>
internal static unsafe class FlashKernel<TSimd, TVec>
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
        double flops = (arguments.Causal ? 2.0 : 4.0) * job.Slices * (double)arguments.Tokens * arguments.Tokens * arguments.HeadDim;
        int threads = ParallelJob.Threads(flops, degreeOfParallelism);
        job.Schedule = ScheduleFor(arguments.Causal, job.Slices, job.Tiles, threads);
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
        float* k = a.Key + batch * a.KeyLayout.BatchStride + head * a.KeyLayout.HeadStride;
        float* v = a.Value + batch * a.ValueLayout.BatchStride + head * a.ValueLayout.HeadStride;
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
        for (int firstKey = 0, keys; firstKey < keyEnd; firstKey += keys)   // += keys: never past keyEnd, so never overflows
        {
            keys = Math.Min(KeyChunk, keyEnd - firstKey);
            Scores(k + (long)firstKey * a.KeyLayout.TokenStride, a.KeyLayout.TokenStride, keys, qt, headDim, s);
            float* values = v + (long)firstKey * a.ValueLayout.TokenStride;
            if (a.Causal && firstKey + keys - 1 > firstQuery)
            {
                // The diagonal chunk (the last one; it holds keys firstQuery … keyEnd − 1): keys up to firstQuery are seen
                // by every query of the tile, key firstQuery + i only by queries firstQuery + i and later.
                int diagonal = firstQuery - firstKey;
                Softmax(s, keys, diagonal, m, l, alpha);
                AccumulateValues(values, a.ValueLayout.TokenStride, diagonal + 1, s, headDim, alpha, ot);
                AccumulateDiagonal(values + (long)(diagonal + 1) * a.ValueLayout.TokenStride, a.ValueLayout.TokenStride, queries - 1,
                    s + (diagonal + 1) * queryTile, headDim, ot);
            }
            else
            {
                Softmax(s, keys, -1, m, l, alpha);
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
        PackTransposed(q, stride, queries, headDim, scale, qt, QueryTile);

    /// <summary>
    /// target[d, j] = factor · source[j, d] for the <paramref name="count"/> rows j of headDim floats
    /// (<paramref name="stride"/> apart), into rows of <paramref name="width"/> floats (a multiple of 16 on AVX-512),
    /// zeros in columns count … width − 1. The forward's query tile and the backward's key block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackTransposed(float* source, int stride, int count, int headDim, float factor, float* target, int width)
    {
        int first = 0;
        if (typeof(TVec) == typeof(Vector512<float>))
        {
            // Whole 16 × 16 blocks in registers (rows past count read as zeros); the last headDim % 16 features below.
            first = headDim & ~15;
            for (int j = 0; j < width; j += 16)
                for (int d = 0; d < first; d += 16)
                    Transpose16.Run(source + (long)j * stride + d, stride, Math.Clamp(count - j, 0, 16), target + d * width + j, width, 16, factor);
        }
        for (int d = first; d < headDim; d++)
        {
            float* row = target + d * width;
            for (int j = 0; j < count; j++)
                row[j] = source[(long)j * stride + d] * factor;
            for (int j = count; j < width; j++)
                row[j] = 0f;
        }
    }

    /// <summary>s[r, j] = Σ_d k[r, d] · qt[d, j] for the chunk's keys r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores(float* k, int stride, int keys, float* qt, int headDim, float* s)
    {
        int queryTile = QueryTile, r = 0;
        if (TSimd.WideBlocking)
        {
            for (; r + 4 <= keys; r += 4)
                Scores4(k + (long)r * stride, stride, qt, headDim, s + r * queryTile);
        }
        else
        {
            // 16 registers: 6 keys against each half of the tile in turn (the 6 key rows stay in L1 for the second half).
            int half = 2 * TSimd.Width;
            for (; r + 6 <= keys; r += 6)
            {
                Scores6x2(k + (long)r * stride, stride, qt, headDim, s + r * queryTile);
                Scores6x2(k + (long)r * stride, stride, qt + half, headDim, s + r * queryTile + half);
            }
        }
        for (; r < keys; r++)
            Scores1(k + (long)r * stride, qt, headDim, s + r * queryTile);
    }

    /// <summary>Micro-kernel for 16 registers: 6 keys × 2 registers of queries, 12 accumulators, 2 query loads and 1 broadcast live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores6x2(float* k, int stride, float* qt, int headDim, float* s)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        float* k0 = k, k1 = k + stride, k2 = k + 2 * stride, k3 = k + 3 * stride, k4 = k + 4 * stride, k5 = k + 5 * stride;
        TVec s00 = TSimd.Zero, s01 = TSimd.Zero, s10 = TSimd.Zero, s11 = TSimd.Zero, s20 = TSimd.Zero, s21 = TSimd.Zero;
        TVec s30 = TSimd.Zero, s31 = TSimd.Zero, s40 = TSimd.Zero, s41 = TSimd.Zero, s50 = TSimd.Zero, s51 = TSimd.Zero;
        for (int d = 0; d < headDim; d++, qt += queryTile)
        {
            TVec q0 = TSimd.Load(qt), q1 = TSimd.Load(qt + w);
            TVec b = TSimd.Broadcast(k0[d]);
            s00 = TSimd.MultiplyAdd(b, q0, s00); s01 = TSimd.MultiplyAdd(b, q1, s01);
            b = TSimd.Broadcast(k1[d]);
            s10 = TSimd.MultiplyAdd(b, q0, s10); s11 = TSimd.MultiplyAdd(b, q1, s11);
            b = TSimd.Broadcast(k2[d]);
            s20 = TSimd.MultiplyAdd(b, q0, s20); s21 = TSimd.MultiplyAdd(b, q1, s21);
            b = TSimd.Broadcast(k3[d]);
            s30 = TSimd.MultiplyAdd(b, q0, s30); s31 = TSimd.MultiplyAdd(b, q1, s31);
            b = TSimd.Broadcast(k4[d]);
            s40 = TSimd.MultiplyAdd(b, q0, s40); s41 = TSimd.MultiplyAdd(b, q1, s41);
            b = TSimd.Broadcast(k5[d]);
            s50 = TSimd.MultiplyAdd(b, q0, s50); s51 = TSimd.MultiplyAdd(b, q1, s51);
        }
        TSimd.Store(s, s00); TSimd.Store(s + w, s01); s += queryTile;
        TSimd.Store(s, s10); TSimd.Store(s + w, s11); s += queryTile;
        TSimd.Store(s, s20); TSimd.Store(s + w, s21); s += queryTile;
        TSimd.Store(s, s30); TSimd.Store(s + w, s31); s += queryTile;
        TSimd.Store(s, s40); TSimd.Store(s + w, s41); s += queryTile;
        TSimd.Store(s, s50); TSimd.Store(s + w, s51);
    }

    /// <summary>Micro-kernel: 4 keys × 4 registers of queries, 16 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores4(float* k, int stride, float* qt, int headDim, float* s)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        float* k0 = k, k1 = k + stride, k2 = k + 2 * stride, k3 = k + 3 * stride;
        TVec s00 = TSimd.Zero, s01 = TSimd.Zero, s02 = TSimd.Zero, s03 = TSimd.Zero;
        TVec s10 = TSimd.Zero, s11 = TSimd.Zero, s12 = TSimd.Zero, s13 = TSimd.Zero;
        TVec s20 = TSimd.Zero, s21 = TSimd.Zero, s22 = TSimd.Zero, s23 = TSimd.Zero;
        TVec s30 = TSimd.Zero, s31 = TSimd.Zero, s32 = TSimd.Zero, s33 = TSimd.Zero;
        for (int d = 0; d < headDim; d++, qt += queryTile)
        {
            TVec q0 = TSimd.Load(qt), q1 = TSimd.Load(qt + w), q2 = TSimd.Load(qt + 2 * w), q3 = TSimd.Load(qt + 3 * w);
            TVec b = TSimd.Broadcast(k0[d]);
            s00 = TSimd.MultiplyAdd(b, q0, s00); s01 = TSimd.MultiplyAdd(b, q1, s01); s02 = TSimd.MultiplyAdd(b, q2, s02); s03 = TSimd.MultiplyAdd(b, q3, s03);
            b = TSimd.Broadcast(k1[d]);
            s10 = TSimd.MultiplyAdd(b, q0, s10); s11 = TSimd.MultiplyAdd(b, q1, s11); s12 = TSimd.MultiplyAdd(b, q2, s12); s13 = TSimd.MultiplyAdd(b, q3, s13);
            b = TSimd.Broadcast(k2[d]);
            s20 = TSimd.MultiplyAdd(b, q0, s20); s21 = TSimd.MultiplyAdd(b, q1, s21); s22 = TSimd.MultiplyAdd(b, q2, s22); s23 = TSimd.MultiplyAdd(b, q3, s23);
            b = TSimd.Broadcast(k3[d]);
            s30 = TSimd.MultiplyAdd(b, q0, s30); s31 = TSimd.MultiplyAdd(b, q1, s31); s32 = TSimd.MultiplyAdd(b, q2, s32); s33 = TSimd.MultiplyAdd(b, q3, s33);
        }
        TSimd.Store(s, s00); TSimd.Store(s + w, s01); TSimd.Store(s + 2 * w, s02); TSimd.Store(s + 3 * w, s03);
        s += queryTile;
        TSimd.Store(s, s10); TSimd.Store(s + w, s11); TSimd.Store(s + 2 * w, s12); TSimd.Store(s + 3 * w, s13);
        s += queryTile;
        TSimd.Store(s, s20); TSimd.Store(s + w, s21); TSimd.Store(s + 2 * w, s22); TSimd.Store(s + 3 * w, s23);
        s += queryTile;
        TSimd.Store(s, s30); TSimd.Store(s + w, s31); TSimd.Store(s + 2 * w, s32); TSimd.Store(s + 3 * w, s33);
    }

    /// <summary>Micro-kernel for the key tail: 1 key × 4 registers of queries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores1(float* k, float* qt, int headDim, float* s)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        for (int d = 0; d < headDim; d++, qt += queryTile)
        {
            TVec b = TSimd.Broadcast(k[d]);
            s0 = TSimd.MultiplyAdd(b, TSimd.Load(qt), s0);
            s1 = TSimd.MultiplyAdd(b, TSimd.Load(qt + w), s1);
            s2 = TSimd.MultiplyAdd(b, TSimd.Load(qt + 2 * w), s2);
            s3 = TSimd.MultiplyAdd(b, TSimd.Load(qt + 3 * w), s3);
        }
        TSimd.Store(s, s0); TSimd.Store(s + w, s1); TSimd.Store(s + 2 * w, s2); TSimd.Store(s + 3 * w, s3);
    }

    /// <summary>
    /// Online softmax over one chunk of scores, in place: masks keys after each lane's query (when
    /// <paramref name="diagonal"/> ≥ 0: the tile's first query is key row <paramref name="diagonal"/> of the chunk), updates
    /// the running maximum <paramref name="m"/> and sum <paramref name="l"/>, stores the factor <paramref name="alpha"/> that
    /// rescales what earlier chunks accumulated, and turns the scores into probabilities relative to the new maximum.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Softmax(float* s, int keys, int diagonal, float* m, float* l, float* alpha)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        TVec max0 = TSimd.Load(m), max1 = TSimd.Load(m + w), max2 = TSimd.Load(m + 2 * w), max3 = TSimd.Load(m + 3 * w);
        for (int r = 0; r < keys; r++)
        {
            float* row = s + r * queryTile;
            TVec x0 = TSimd.Load(row), x1 = TSimd.Load(row + w), x2 = TSimd.Load(row + 2 * w), x3 = TSimd.Load(row + 3 * w);
            if (diagonal >= 0 && r > diagonal)
            {
                // Positions relative to the chunk (small, so exact as floats whatever the sequence length).
                x0 = TSimd.MaskFutureKey(x0, diagonal, r);
                x1 = TSimd.MaskFutureKey(x1, diagonal + w, r);
                x2 = TSimd.MaskFutureKey(x2, diagonal + 2 * w, r);
                x3 = TSimd.MaskFutureKey(x3, diagonal + 3 * w, r);
                TSimd.Store(row, x0); TSimd.Store(row + w, x1); TSimd.Store(row + 2 * w, x2); TSimd.Store(row + 3 * w, x3);
            }
            max0 = TSimd.Max(max0, x0); max1 = TSimd.Max(max1, x1); max2 = TSimd.Max(max2, x2); max3 = TSimd.Max(max3, x3);
        }
        TSimd.Store(alpha, TSimd.Exp2(TSimd.Subtract(TSimd.Load(m), max0)));
        TSimd.Store(alpha + w, TSimd.Exp2(TSimd.Subtract(TSimd.Load(m + w), max1)));
        TSimd.Store(alpha + 2 * w, TSimd.Exp2(TSimd.Subtract(TSimd.Load(m + 2 * w), max2)));
        TSimd.Store(alpha + 3 * w, TSimd.Exp2(TSimd.Subtract(TSimd.Load(m + 3 * w), max3)));
        TSimd.Store(m, max0); TSimd.Store(m + w, max1); TSimd.Store(m + 2 * w, max2); TSimd.Store(m + 3 * w, max3);

        TVec sum0 = TSimd.Zero, sum1 = TSimd.Zero, sum2 = TSimd.Zero, sum3 = TSimd.Zero;
        for (int r = 0; r < keys; r++)
        {
            float* row = s + r * queryTile;
            TVec p0 = TSimd.Exp2(TSimd.Subtract(TSimd.Load(row), max0));
            TVec p1 = TSimd.Exp2(TSimd.Subtract(TSimd.Load(row + w), max1));
            TVec p2 = TSimd.Exp2(TSimd.Subtract(TSimd.Load(row + 2 * w), max2));
            TVec p3 = TSimd.Exp2(TSimd.Subtract(TSimd.Load(row + 3 * w), max3));
            TSimd.Store(row, p0); TSimd.Store(row + w, p1); TSimd.Store(row + 2 * w, p2); TSimd.Store(row + 3 * w, p3);
            sum0 = TSimd.Add(sum0, p0); sum1 = TSimd.Add(sum1, p1); sum2 = TSimd.Add(sum2, p2); sum3 = TSimd.Add(sum3, p3);
        }
        TSimd.Store(l, TSimd.MultiplyAdd(TSimd.Load(l), TSimd.Load(alpha), sum0));
        TSimd.Store(l + w, TSimd.MultiplyAdd(TSimd.Load(l + w), TSimd.Load(alpha + w), sum1));
        TSimd.Store(l + 2 * w, TSimd.MultiplyAdd(TSimd.Load(l + 2 * w), TSimd.Load(alpha + 2 * w), sum2));
        TSimd.Store(l + 3 * w, TSimd.MultiplyAdd(TSimd.Load(l + 3 * w), TSimd.Load(alpha + 3 * w), sum3));
    }

    /// <summary>ot[d, j] = alpha[j] · ot[d, j] + Σ_r v[r, d] · p[r, j] over the chunk's keys r.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateValues(float* v, int stride, int keys, float* p, int headDim, float* alpha, float* ot)
    {
        int queryTile = QueryTile, d = 0;
        if (TSimd.WideBlocking)
        {
            for (; d + 4 <= headDim; d += 4)
                Values4(v + d, stride, keys, p, alpha, ot + d * queryTile);
        }
        else
        {
            // 16 registers: 6 features for each half of the tile in turn.
            int half = 2 * TSimd.Width;
            for (; d + 6 <= headDim; d += 6)
            {
                Values6x2(v + d, stride, keys, p, alpha, ot + d * queryTile);
                Values6x2(v + d, stride, keys, p + half, alpha + half, ot + d * queryTile + half);
            }
        }
        for (; d < headDim; d++)
            Values1(v + d, stride, keys, p, alpha, ot + d * queryTile);
    }

    /// <summary>Micro-kernel for 16 registers: 6 features × 2 registers of queries, 12 accumulators, 2 probability loads and 1 broadcast live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Values6x2(float* v, int stride, int keys, float* p, float* alpha, float* ot)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        TVec a0 = TSimd.Load(alpha), a1 = TSimd.Load(alpha + w);
        float* o0 = ot, o1 = ot + queryTile, o2 = ot + 2 * queryTile, o3 = ot + 3 * queryTile, o4 = ot + 4 * queryTile, o5 = ot + 5 * queryTile;
        TVec c00 = TSimd.Multiply(TSimd.Load(o0), a0), c01 = TSimd.Multiply(TSimd.Load(o0 + w), a1);
        TVec c10 = TSimd.Multiply(TSimd.Load(o1), a0), c11 = TSimd.Multiply(TSimd.Load(o1 + w), a1);
        TVec c20 = TSimd.Multiply(TSimd.Load(o2), a0), c21 = TSimd.Multiply(TSimd.Load(o2 + w), a1);
        TVec c30 = TSimd.Multiply(TSimd.Load(o3), a0), c31 = TSimd.Multiply(TSimd.Load(o3 + w), a1);
        TVec c40 = TSimd.Multiply(TSimd.Load(o4), a0), c41 = TSimd.Multiply(TSimd.Load(o4 + w), a1);
        TVec c50 = TSimd.Multiply(TSimd.Load(o5), a0), c51 = TSimd.Multiply(TSimd.Load(o5 + w), a1);
        for (int r = 0; r < keys; r++, p += queryTile, v += stride)
        {
            TVec p0 = TSimd.Load(p), p1 = TSimd.Load(p + w);
            TVec b = TSimd.Broadcast(v[0]);
            c00 = TSimd.MultiplyAdd(b, p0, c00); c01 = TSimd.MultiplyAdd(b, p1, c01);
            b = TSimd.Broadcast(v[1]);
            c10 = TSimd.MultiplyAdd(b, p0, c10); c11 = TSimd.MultiplyAdd(b, p1, c11);
            b = TSimd.Broadcast(v[2]);
            c20 = TSimd.MultiplyAdd(b, p0, c20); c21 = TSimd.MultiplyAdd(b, p1, c21);
            b = TSimd.Broadcast(v[3]);
            c30 = TSimd.MultiplyAdd(b, p0, c30); c31 = TSimd.MultiplyAdd(b, p1, c31);
            b = TSimd.Broadcast(v[4]);
            c40 = TSimd.MultiplyAdd(b, p0, c40); c41 = TSimd.MultiplyAdd(b, p1, c41);
            b = TSimd.Broadcast(v[5]);
            c50 = TSimd.MultiplyAdd(b, p0, c50); c51 = TSimd.MultiplyAdd(b, p1, c51);
        }
        TSimd.Store(o0, c00); TSimd.Store(o0 + w, c01);
        TSimd.Store(o1, c10); TSimd.Store(o1 + w, c11);
        TSimd.Store(o2, c20); TSimd.Store(o2 + w, c21);
        TSimd.Store(o3, c30); TSimd.Store(o3 + w, c31);
        TSimd.Store(o4, c40); TSimd.Store(o4 + w, c41);
        TSimd.Store(o5, c50); TSimd.Store(o5 + w, c51);
    }

    /// <summary>Micro-kernel: 4 features × 4 registers of queries, 16 accumulators, loop over keys.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Values4(float* v, int stride, int keys, float* p, float* alpha, float* ot)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        TVec a0 = TSimd.Load(alpha), a1 = TSimd.Load(alpha + w), a2 = TSimd.Load(alpha + 2 * w), a3 = TSimd.Load(alpha + 3 * w);
        float* o0 = ot, o1 = ot + queryTile, o2 = ot + 2 * queryTile, o3 = ot + 3 * queryTile;
        TVec c00 = TSimd.Multiply(TSimd.Load(o0), a0), c01 = TSimd.Multiply(TSimd.Load(o0 + w), a1), c02 = TSimd.Multiply(TSimd.Load(o0 + 2 * w), a2), c03 = TSimd.Multiply(TSimd.Load(o0 + 3 * w), a3);
        TVec c10 = TSimd.Multiply(TSimd.Load(o1), a0), c11 = TSimd.Multiply(TSimd.Load(o1 + w), a1), c12 = TSimd.Multiply(TSimd.Load(o1 + 2 * w), a2), c13 = TSimd.Multiply(TSimd.Load(o1 + 3 * w), a3);
        TVec c20 = TSimd.Multiply(TSimd.Load(o2), a0), c21 = TSimd.Multiply(TSimd.Load(o2 + w), a1), c22 = TSimd.Multiply(TSimd.Load(o2 + 2 * w), a2), c23 = TSimd.Multiply(TSimd.Load(o2 + 3 * w), a3);
        TVec c30 = TSimd.Multiply(TSimd.Load(o3), a0), c31 = TSimd.Multiply(TSimd.Load(o3 + w), a1), c32 = TSimd.Multiply(TSimd.Load(o3 + 2 * w), a2), c33 = TSimd.Multiply(TSimd.Load(o3 + 3 * w), a3);
        for (int r = 0; r < keys; r++, p += queryTile, v += stride)
        {
            TVec p0 = TSimd.Load(p), p1 = TSimd.Load(p + w), p2 = TSimd.Load(p + 2 * w), p3 = TSimd.Load(p + 3 * w);
            TVec b = TSimd.Broadcast(v[0]);
            c00 = TSimd.MultiplyAdd(b, p0, c00); c01 = TSimd.MultiplyAdd(b, p1, c01); c02 = TSimd.MultiplyAdd(b, p2, c02); c03 = TSimd.MultiplyAdd(b, p3, c03);
            b = TSimd.Broadcast(v[1]);
            c10 = TSimd.MultiplyAdd(b, p0, c10); c11 = TSimd.MultiplyAdd(b, p1, c11); c12 = TSimd.MultiplyAdd(b, p2, c12); c13 = TSimd.MultiplyAdd(b, p3, c13);
            b = TSimd.Broadcast(v[2]);
            c20 = TSimd.MultiplyAdd(b, p0, c20); c21 = TSimd.MultiplyAdd(b, p1, c21); c22 = TSimd.MultiplyAdd(b, p2, c22); c23 = TSimd.MultiplyAdd(b, p3, c23);
            b = TSimd.Broadcast(v[3]);
            c30 = TSimd.MultiplyAdd(b, p0, c30); c31 = TSimd.MultiplyAdd(b, p1, c31); c32 = TSimd.MultiplyAdd(b, p2, c32); c33 = TSimd.MultiplyAdd(b, p3, c33);
        }
        TSimd.Store(o0, c00); TSimd.Store(o0 + w, c01); TSimd.Store(o0 + 2 * w, c02); TSimd.Store(o0 + 3 * w, c03);
        TSimd.Store(o1, c10); TSimd.Store(o1 + w, c11); TSimd.Store(o1 + 2 * w, c12); TSimd.Store(o1 + 3 * w, c13);
        TSimd.Store(o2, c20); TSimd.Store(o2 + w, c21); TSimd.Store(o2 + 2 * w, c22); TSimd.Store(o2 + 3 * w, c23);
        TSimd.Store(o3, c30); TSimd.Store(o3 + w, c31); TSimd.Store(o3 + 2 * w, c32); TSimd.Store(o3 + 3 * w, c33);
    }

    /// <summary>Micro-kernel for the feature tail: 1 feature × 4 registers of queries.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Values1(float* v, int stride, int keys, float* p, float* alpha, float* ot)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        TVec c0 = TSimd.Multiply(TSimd.Load(ot), TSimd.Load(alpha));
        TVec c1 = TSimd.Multiply(TSimd.Load(ot + w), TSimd.Load(alpha + w));
        TVec c2 = TSimd.Multiply(TSimd.Load(ot + 2 * w), TSimd.Load(alpha + 2 * w));
        TVec c3 = TSimd.Multiply(TSimd.Load(ot + 3 * w), TSimd.Load(alpha + 3 * w));
        for (int r = 0; r < keys; r++, p += queryTile, v += stride)
        {
            TVec b = TSimd.Broadcast(v[0]);
            c0 = TSimd.MultiplyAdd(b, TSimd.Load(p), c0);
            c1 = TSimd.MultiplyAdd(b, TSimd.Load(p + w), c1);
            c2 = TSimd.MultiplyAdd(b, TSimd.Load(p + 2 * w), c2);
            c3 = TSimd.MultiplyAdd(b, TSimd.Load(p + 3 * w), c3);
        }
        TSimd.Store(ot, c0); TSimd.Store(ot + w, c1); TSimd.Store(ot + 2 * w, c2); TSimd.Store(ot + 3 * w, c3);
    }

    /// <summary>
    /// ot[d, j] += Σ_i v[i, d] · p[i, j] over the diagonal keys i = 1 … <paramref name="keys"/> (key firstQuery + i, row i of
    /// <paramref name="v"/> and <paramref name="p"/> counted from 1), for lane j only where query j ≥ key i. The masked lanes'
    /// probabilities are 0, but 0 · v would still turn an infinite or NaN value into NaN in queries that never see that key,
    /// so those products are skipped: whole registers past their last query, single lanes in the register that holds
    /// the diagonal. With finite values the result is bit-identical to adding the zero products. No rescaling: α was
    /// applied by the <see cref="AccumulateValues"/> call for the chunk's earlier keys.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateDiagonal(float* v, int stride, int keys, float* p, int headDim, float* ot)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        v -= stride;                                   // row i at v + i·stride
        p -= queryTile;                                // row i at p + i·queryTile
        for (int g = 0; g < Registers && g * w <= keys; g++)   // lanes g·w … g·w + w − 1; lanes past `keys` are padding
        {
            int everyLane = Math.Min(g * w, keys);             // keys 1 … g·w: seen by every lane of register g
            int someLanes = Math.Min(g * w + w - 1, keys);     // keys up to g·w + w − 1: by some lanes; later keys: by none
            int d = 0;
            for (; d + 8 <= headDim; d += 8)
                Diagonal8(v + d, stride, p + g * w, everyLane, someLanes, g * w, ot + d * queryTile + g * w);
            for (; d + 4 <= headDim; d += 4)
                Diagonal4(v + d, stride, p + g * w, everyLane, someLanes, g * w, ot + d * queryTile + g * w);
            for (; d < headDim; d++)
                Diagonal1(v + d, stride, p + g * w, everyLane, someLanes, g * w, ot + d * queryTile + g * w);
        }
    }

    /// <summary>
    /// One register of queries (first lane = query <paramref name="firstLane"/> of the tile) × 8 features over the diagonal
    /// keys: 8 independent accumulators, enough to keep both FMA pipes busy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Diagonal8(float* v, int stride, float* p, int everyLane, int someLanes, int firstLane, float* ot)
    {
        int queryTile = QueryTile;
        TVec c0 = TSimd.Load(ot), c1 = TSimd.Load(ot + queryTile), c2 = TSimd.Load(ot + 2 * queryTile), c3 = TSimd.Load(ot + 3 * queryTile);
        TVec c4 = TSimd.Load(ot + 4 * queryTile), c5 = TSimd.Load(ot + 5 * queryTile), c6 = TSimd.Load(ot + 6 * queryTile), c7 = TSimd.Load(ot + 7 * queryTile);
        int i = 1;
        for (; i <= everyLane; i++)
        {
            float* row = v + (long)i * stride;
            TVec pi = TSimd.Load(p + i * queryTile);
            c0 = TSimd.MultiplyAdd(TSimd.Broadcast(row[0]), pi, c0); c1 = TSimd.MultiplyAdd(TSimd.Broadcast(row[1]), pi, c1);
            c2 = TSimd.MultiplyAdd(TSimd.Broadcast(row[2]), pi, c2); c3 = TSimd.MultiplyAdd(TSimd.Broadcast(row[3]), pi, c3);
            c4 = TSimd.MultiplyAdd(TSimd.Broadcast(row[4]), pi, c4); c5 = TSimd.MultiplyAdd(TSimd.Broadcast(row[5]), pi, c5);
            c6 = TSimd.MultiplyAdd(TSimd.Broadcast(row[6]), pi, c6); c7 = TSimd.MultiplyAdd(TSimd.Broadcast(row[7]), pi, c7);
        }
        for (; i <= someLanes; i++)
        {
            float* row = v + (long)i * stride;
            TVec pi = TSimd.Load(p + i * queryTile);
            TVec sees = TSimd.SeesKey(firstLane, i);
            c0 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[0]), pi, c0); c1 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[1]), pi, c1);
            c2 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[2]), pi, c2); c3 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[3]), pi, c3);
            c4 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[4]), pi, c4); c5 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[5]), pi, c5);
            c6 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[6]), pi, c6); c7 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[7]), pi, c7);
        }
        TSimd.Store(ot, c0); TSimd.Store(ot + queryTile, c1); TSimd.Store(ot + 2 * queryTile, c2); TSimd.Store(ot + 3 * queryTile, c3);
        TSimd.Store(ot + 4 * queryTile, c4); TSimd.Store(ot + 5 * queryTile, c5); TSimd.Store(ot + 6 * queryTile, c6); TSimd.Store(ot + 7 * queryTile, c7);
    }

    /// <summary>One register of queries × 4 features over the diagonal keys (the feature tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Diagonal4(float* v, int stride, float* p, int everyLane, int someLanes, int firstLane, float* ot)
    {
        int queryTile = QueryTile;
        float* o0 = ot, o1 = ot + queryTile, o2 = ot + 2 * queryTile, o3 = ot + 3 * queryTile;
        TVec c0 = TSimd.Load(o0), c1 = TSimd.Load(o1), c2 = TSimd.Load(o2), c3 = TSimd.Load(o3);
        int i = 1;
        for (; i <= everyLane; i++)
        {
            float* row = v + (long)i * stride;
            TVec pi = TSimd.Load(p + i * queryTile);
            c0 = TSimd.MultiplyAdd(TSimd.Broadcast(row[0]), pi, c0);
            c1 = TSimd.MultiplyAdd(TSimd.Broadcast(row[1]), pi, c1);
            c2 = TSimd.MultiplyAdd(TSimd.Broadcast(row[2]), pi, c2);
            c3 = TSimd.MultiplyAdd(TSimd.Broadcast(row[3]), pi, c3);
        }
        for (; i <= someLanes; i++)
        {
            float* row = v + (long)i * stride;
            TVec pi = TSimd.Load(p + i * queryTile);
            TVec sees = TSimd.SeesKey(firstLane, i);
            c0 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[0]), pi, c0);
            c1 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[1]), pi, c1);
            c2 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[2]), pi, c2);
            c3 = TSimd.MultiplyAddWhere(sees, TSimd.Broadcast(row[3]), pi, c3);
        }
        TSimd.Store(o0, c0); TSimd.Store(o1, c1); TSimd.Store(o2, c2); TSimd.Store(o3, c3);
    }

    /// <summary>One register of queries × 1 feature over the diagonal keys (the feature tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Diagonal1(float* v, int stride, float* p, int everyLane, int someLanes, int firstLane, float* ot)
    {
        int queryTile = QueryTile;
        TVec c = TSimd.Load(ot);
        int i = 1;
        for (; i <= everyLane; i++)
            c = TSimd.MultiplyAdd(TSimd.Broadcast(v[(long)i * stride]), TSimd.Load(p + i * queryTile), c);
        for (; i <= someLanes; i++)
            c = TSimd.MultiplyAddWhere(TSimd.SeesKey(firstLane, i), TSimd.Broadcast(v[(long)i * stride]), TSimd.Load(p + i * queryTile), c);
        TSimd.Store(ot, c);
    }

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

/// <summary>Pointers, shapes and layouts of one attention call (the inputs are pinned by the caller for its duration).</summary>
internal unsafe struct AttentionArguments
{
    public float* Query;
    public float* Key;
    public float* Value;
    public float* Output;
    public HeadLayout QueryLayout;
    public HeadLayout KeyLayout;
    public HeadLayout ValueLayout;
    public HeadLayout OutputLayout;
    public int Batch;
    public int Heads;
    public int Tokens;
    public int HeadDim;
    public bool Causal;

    /// <summary>The softmax scale times log₂ e: scores come out in base-2 exponent units.</summary>
    public float ScaleLog2E;

    /// <summary>Null, or (batch, heads, tokens) receiving each query row's log-sum-exp of its scaled scores (natural log).</summary>
    public float* LogSumExp;
}
