using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// Attention for a few new queries against a long key/value cache, Flash-Decoding's way (Dao, Haziza, Massa, Sizov,
/// "Flash-Decoding for long-context inference", 2023): the cache is cut along the keys into splits of
/// <see cref="DecodeLayout.SplitKeys"/> keys, each split computes its own softmax statistics (maximum m, sum l) and
/// unnormalised output for every query row, and <see cref="Combine"/> rescales and adds the splits at the end —
/// the same online softmax FlashAttention uses within one pass, across threads. Written once over a vector width
/// <typeparamref name="TSimd"/>.
/// </summary>
/// <remarks>
/// <para>
/// Decoding is memory-bound: each key and value is used by only heads / kvHeads · queries rows. A work item is one split
/// of one (batch, key/value head) and runs all the query rows of that head's group (grouped-query attention: every query
/// head that shares the key/value head, every new query) together, block of <see cref="DecodeLayout.KeyBlock"/> keys by
/// block: the scores Q·Kᵀ of every row in register tiles of 4 keys × 4 rows (2 rows with 16 registers), each key
/// register loaded once for the tile's rows; then each row's online-softmax update; then O += P·V for every row in tiles
/// of 4 rows (<see cref="StridedGemm{TSimd, TVec}"/>), each value register loaded once for 4 rows. Each cached byte is
/// read from memory once per key/value head, and from L1 once per tile of rows, so the work per byte of cache grows
/// with the group g and the time per token can fall with the bytes as kvHeads falls.
/// </para>
/// <para>
/// Query row r = (query head in group)·queries + i is at position cacheLength − queries + i: it sees the keys up to its
/// own position (causal within the new queries), and with a window w only the last w of them. Keys a row does not see
/// are skipped, never multiplied by a zero weight.
/// </para>
/// </remarks>
internal static unsafe class DecodeKernel<TSimd, TVec>
    where TSimd : struct, ISimd<TVec>
    where TVec : unmanaged
{
    private const int KeyBlock = DecodeLayout.KeyBlock;

    /// <summary>Runs every split of every key/value slice on up to <paramref name="degreeOfParallelism"/> threads, then combines them on this one.</summary>
    public static void Run(in DecodeArguments arguments, int degreeOfParallelism)
    {
        var job = t_job ??= new Job();
        job.Arguments = arguments;
        double flops = 4.0 * arguments.Batch * arguments.Heads * arguments.Queries * (double)arguments.CacheLength * arguments.HeadDim;
        job.Run(arguments.Batch * arguments.KvHeads * arguments.Splits, ParallelJob.Threads(flops, degreeOfParallelism));
        job.Arguments = default;
        Combine(in arguments);
    }

    [ThreadStatic]
    private static Job? t_job;

    private sealed class Job : ParallelJob
    {
        public DecodeArguments Arguments;

        protected override void RunItem(int item) => Split(in Arguments, item);
    }

    /// <summary>The partial results of split item % Splits of key/value slice item / Splits (= batch·kvHeads + kvHead).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Split(in DecodeArguments a, int item)
    {
        int split = item % a.Splits, kvSlice = item / a.Splits, batch = kvSlice / a.KvHeads, kvHead = kvSlice % a.KvHeads;
        int group = a.Heads / a.KvHeads, queries = a.Queries, rows = group * queries, headDim = a.HeadDim;
        int partialRow = DecodeLayout.PartialRow(headDim);
        int firstKey = split * DecodeLayout.SplitKeys, endKey = Math.Min(a.CacheLength, firstKey + DecodeLayout.SplitKeys);
        float* k = a.Key + (long)kvSlice * a.CacheLength * headDim;
        float* v = a.Value + (long)kvSlice * a.CacheLength * headDim;
        float* partial = a.Partial + (long)item * rows * partialRow;

        float* scratch = ThreadScratch.Get(DecodeLayout.ScratchFloats(rows, headDim));
        float* s = scratch;                                     // (rows, KeyBlock) the block's scores, then weights
        float* lanes = s + (long)rows * KeyBlock;               // (16) one register's lanes
        float* qs = lanes + 16;                                 // (rows, headDim) queries · scale·log₂e
        for (int r = 0; r < rows; r++)
        {
            float* query = a.Query + (((long)batch * a.Heads + kvHead * group + r / queries) * queries + r % queries) * headDim;
            for (int d = 0; d < headDim; d++)
                qs[(long)r * headDim + d] = query[d] * a.ScaleLog2E;
            float* row = partial + (long)r * partialRow;
            row[0] = float.NegativeInfinity;
            new Span<float>(row + 1, headDim + 1).Clear();
        }

        for (int blockKey = firstKey; blockKey < endKey; blockKey += KeyBlock)
        {
            int keys = Math.Min(KeyBlock, endKey - blockKey);
            // Rows differ only in their query i: keys from … to − 1 of the block for each, lo … hi − 1 for any.
            int lo = KeyBlock, hi = 0;
            bool same = true;
            for (int i = 0; i < queries; i++)
            {
                SeenKeys(in a, i, blockKey, keys, out int from, out int to);
                same &= i == 0 || (from == lo && to == hi);
                lo = Math.Min(lo, from);
                hi = Math.Max(hi, to);
            }
            if (lo >= hi)
                continue;
            float* kb = k + (long)blockKey * headDim, vb = v + (long)blockKey * headDim;
            int nextKeys = Math.Max(0, Math.Min(KeyBlock, endKey - blockKey - KeyBlock));
            var prefetch = new PrefetchCursor(kb + KeyBlock * headDim, vb + KeyBlock * headDim, (long)nextKeys * headDim * sizeof(float), ScoreTiles(rows));
            Scores(qs, rows, headDim, kb, lo, hi, s, ref prefetch);                     // s = Q·Kᵀ  (rows, lo … hi − 1)
            for (int r = 0; r < rows; r++)
            {
                SeenKeys(in a, r % queries, blockKey, keys, out int from, out int to);
                if (from < to)
                    Weights(s + (long)r * KeyBlock, from, to, partial + (long)r * partialRow, headDim, lanes);
            }
            if (same)
                WeightedValues(s, rows, lo, hi, vb, headDim, partial, partialRow);      // o += P·V  (rows, headDim)
            else
                for (int r = 0; r < rows; r++)
                {
                    SeenKeys(in a, r % queries, blockKey, keys, out int from, out int to);
                    if (from < to)
                        WeightedValuesRow(s + (long)r * KeyBlock, from, to, vb, headDim, partial + (long)r * partialRow + 2);
                }
        }
    }

    /// <summary>The tiles <see cref="Scores"/> computes for a whole block: 4 keys × 4 (2) rows, then 4 keys × the last single rows.</summary>
    private static int ScoreTiles(int rows)
    {
        int tile = TSimd.WideBlocking ? 4 : 2;
        return (rows / tile + rows % tile) * (KeyBlock / 4);
    }

    /// <summary>The keys from … to − 1 of the block at <paramref name="blockKey"/> (offsets in the block) that query i sees.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SeenKeys(in DecodeArguments a, int i, int blockKey, int keys, out int from, out int to)
    {
        int position = a.CacheLength - a.Queries + i;
        from = Math.Max(a.Window > 0 ? position - a.Window + 1 : 0, blockKey) - blockKey;
        to = Math.Min(position + 1, blockKey + keys) - blockKey;
    }

    /// <summary>
    /// s[r, j] = q_r · k_j for every row and the keys lo … hi − 1 of the block: tiles of 4 keys × 4 rows (2 rows with 16
    /// registers), so each key register loaded feeds every row of the tile; the last rows one at a time, the last keys by
    /// single dot products. Before each tile, <paramref name="prefetch"/> asks for the next few lines of the next block's
    /// keys and values: spread over the block's scores, the memory reads them while the core computes (measured: a step
    /// of 12 query heads on 3 or 1 key/value heads at 32k keys took a third less time than with the hardware prefetcher
    /// alone, see benchmarks/README.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores(float* qs, int rows, int headDim, float* kb, int lo, int hi, float* s, ref PrefetchCursor prefetch)
    {
        int tile = TSimd.WideBlocking ? 4 : 2, r = 0;
        for (; r + tile <= rows; r += tile)
        {
            float* q = qs + (long)r * headDim, sr = s + (long)r * KeyBlock;
            int j = lo;
            for (; j + 4 <= hi; j += 4)
            {
                prefetch.Step();
                if (TSimd.WideBlocking)
                    Scores4x4(q, headDim, kb + (long)j * headDim, sr + j);
                else
                    Scores2x4(q, headDim, kb + (long)j * headDim, sr + j);
            }
            for (; j < hi; j++)
                for (int t = 0; t < tile; t++)
                    sr[t * KeyBlock + j] = FlashBackward<TSimd, TVec>.Dot(q + (long)t * headDim, kb + (long)j * headDim, headDim);
        }
        for (; r < rows; r++)
        {
            float* q = qs + (long)r * headDim, sr = s + (long)r * KeyBlock;
            int j = lo;
            for (; j + 4 <= hi; j += 4)
            {
                prefetch.Step();
                Scores1x4(q, headDim, kb + (long)j * headDim, sr + j);
            }
            for (; j < hi; j++)
                sr[j] = FlashBackward<TSimd, TVec>.Dot(q, kb + (long)j * headDim, headDim);
        }
    }

    /// <summary>4 rows × 4 keys: 16 accumulators, 4 query registers and 1 key register live (21 of 32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scores4x4(float* q, int headDim, float* k, float* s)
    {
        int w = TSimd.Width, d = 0;
        float* q1 = q + headDim, q2 = q1 + headDim, q3 = q2 + headDim;
        float* k1 = k + headDim, k2 = k1 + headDim, k3 = k2 + headDim;
        TVec x00 = TSimd.Zero, x01 = TSimd.Zero, x02 = TSimd.Zero, x03 = TSimd.Zero;
        TVec x10 = TSimd.Zero, x11 = TSimd.Zero, x12 = TSimd.Zero, x13 = TSimd.Zero;
        TVec x20 = TSimd.Zero, x21 = TSimd.Zero, x22 = TSimd.Zero, x23 = TSimd.Zero;
        TVec x30 = TSimd.Zero, x31 = TSimd.Zero, x32 = TSimd.Zero, x33 = TSimd.Zero;
        for (; d + w <= headDim; d += w)
        {
            TVec a0 = TSimd.Load(q + d), a1 = TSimd.Load(q1 + d), a2 = TSimd.Load(q2 + d), a3 = TSimd.Load(q3 + d);
            TVec b = TSimd.Load(k + d);
            x00 = TSimd.MultiplyAdd(a0, b, x00); x10 = TSimd.MultiplyAdd(a1, b, x10); x20 = TSimd.MultiplyAdd(a2, b, x20); x30 = TSimd.MultiplyAdd(a3, b, x30);
            b = TSimd.Load(k1 + d);
            x01 = TSimd.MultiplyAdd(a0, b, x01); x11 = TSimd.MultiplyAdd(a1, b, x11); x21 = TSimd.MultiplyAdd(a2, b, x21); x31 = TSimd.MultiplyAdd(a3, b, x31);
            b = TSimd.Load(k2 + d);
            x02 = TSimd.MultiplyAdd(a0, b, x02); x12 = TSimd.MultiplyAdd(a1, b, x12); x22 = TSimd.MultiplyAdd(a2, b, x22); x32 = TSimd.MultiplyAdd(a3, b, x32);
            b = TSimd.Load(k3 + d);
            x03 = TSimd.MultiplyAdd(a0, b, x03); x13 = TSimd.MultiplyAdd(a1, b, x13); x23 = TSimd.MultiplyAdd(a2, b, x23); x33 = TSimd.MultiplyAdd(a3, b, x33);
        }
        StoreRow(s, x00, x01, x02, x03, q, k, headDim, d);
        StoreRow(s + KeyBlock, x10, x11, x12, x13, q1, k, headDim, d);
        StoreRow(s + 2 * KeyBlock, x20, x21, x22, x23, q2, k, headDim, d);
        StoreRow(s + 3 * KeyBlock, x30, x31, x32, x33, q3, k, headDim, d);
    }

    /// <summary>2 rows × 4 keys: 8 accumulators, 2 query registers and 1 key register live (11 of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scores2x4(float* q, int headDim, float* k, float* s)
    {
        int w = TSimd.Width, d = 0;
        float* q1 = q + headDim, k1 = k + headDim, k2 = k1 + headDim, k3 = k2 + headDim;
        TVec x00 = TSimd.Zero, x01 = TSimd.Zero, x02 = TSimd.Zero, x03 = TSimd.Zero;
        TVec x10 = TSimd.Zero, x11 = TSimd.Zero, x12 = TSimd.Zero, x13 = TSimd.Zero;
        for (; d + w <= headDim; d += w)
        {
            TVec a0 = TSimd.Load(q + d), a1 = TSimd.Load(q1 + d);
            TVec b = TSimd.Load(k + d);
            x00 = TSimd.MultiplyAdd(a0, b, x00); x10 = TSimd.MultiplyAdd(a1, b, x10);
            b = TSimd.Load(k1 + d);
            x01 = TSimd.MultiplyAdd(a0, b, x01); x11 = TSimd.MultiplyAdd(a1, b, x11);
            b = TSimd.Load(k2 + d);
            x02 = TSimd.MultiplyAdd(a0, b, x02); x12 = TSimd.MultiplyAdd(a1, b, x12);
            b = TSimd.Load(k3 + d);
            x03 = TSimd.MultiplyAdd(a0, b, x03); x13 = TSimd.MultiplyAdd(a1, b, x13);
        }
        StoreRow(s, x00, x01, x02, x03, q, k, headDim, d);
        StoreRow(s + KeyBlock, x10, x11, x12, x13, q1, k, headDim, d);
    }

    /// <summary>1 row × 4 keys: 4 independent accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scores1x4(float* q, int headDim, float* k, float* s)
    {
        int w = TSimd.Width, d = 0;
        float* k1 = k + headDim, k2 = k1 + headDim, k3 = k2 + headDim;
        TVec x0 = TSimd.Zero, x1 = TSimd.Zero, x2 = TSimd.Zero, x3 = TSimd.Zero;
        for (; d + w <= headDim; d += w)
        {
            TVec a = TSimd.Load(q + d);
            x0 = TSimd.MultiplyAdd(a, TSimd.Load(k + d), x0);
            x1 = TSimd.MultiplyAdd(a, TSimd.Load(k1 + d), x1);
            x2 = TSimd.MultiplyAdd(a, TSimd.Load(k2 + d), x2);
            x3 = TSimd.MultiplyAdd(a, TSimd.Load(k3 + d), x3);
        }
        StoreRow(s, x0, x1, x2, x3, q, k, headDim, d);
    }

    /// <summary>s[0 … 3] = the lane sums of the four accumulators (reduced together) plus the features tail … headDim − 1 of q against keys k, k + headDim, … (headDim not a multiple of the width).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* s, TVec x0, TVec x1, TVec x2, TVec x3, float* q, float* k, int headDim, int tail)
    {
        TSimd.Sum4(x0, x1, x2, x3, s);
        if (tail == headDim)
            return;
        float s0 = s[0], s1 = s[1], s2 = s[2], s3 = s[3];
        for (int d = tail; d < headDim; d++)
        {
            s0 += q[d] * k[d];
            s1 += q[d] * k[headDim + d];
            s2 += q[d] * k[2 * headDim + d];
            s3 += q[d] * k[3 * headDim + d];
        }
        s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
    }

    /// <summary>
    /// One row's scores of the block into weights p = 2^(s − m) over the keys from … to − 1 (0 elsewhere), with the online
    /// softmax update of its running maximum m, sum l and output o (rescaled by α = 2^(m_old − m)).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Weights(float* s, int from, int to, float* row, int headDim, float* lanes)
    {
        int w = TSimd.Width;
        for (int j = 0; j < from; j++)
            s[j] = float.NegativeInfinity;
        for (int j = to; j < KeyBlock; j++)
            s[j] = float.NegativeInfinity;
        TVec m = TSimd.Broadcast(row[0]);
        for (int j = 0; j < KeyBlock; j += w)
            m = TSimd.Max(m, TSimd.Load(s + j));
        TSimd.Store(lanes, m);
        float max = lanes[0];
        for (int l = 1; l < w; l++)
            max = MathF.Max(max, lanes[l]);
        bool same = max == row[0];                              // most blocks after the first few: nothing to rescale
        float alpha = same ? 1f : SimdScalar.Exp2(row[0] - max); // rescales what earlier blocks accumulated (0 for the first)
        m = TSimd.Broadcast(max);
        TVec sum = TSimd.Zero;
        for (int j = 0; j < KeyBlock; j += w)
        {
            TVec p = TSimd.Exp2(TSimd.Subtract(TSimd.Load(s + j), m));   // −∞ (unseen keys) gives 0
            TSimd.Store(s + j, p);
            sum = TSimd.Add(sum, p);
        }
        row[0] = max;
        row[1] = row[1] * alpha + TSimd.Sum(sum);
        if (same)
            return;
        float* o = row + 2;
        TVec scale = TSimd.Broadcast(alpha);
        int d = 0;
        for (; d + w <= headDim; d += w)
            TSimd.Store(o + d, TSimd.Multiply(TSimd.Load(o + d), scale));
        for (; d < headDim; d++)
            o[d] *= alpha;
    }

    /// <summary>
    /// o_r += Σ_{j = lo … hi − 1} p[r, j]·v_j for every row (all rows see the same keys): 4 rows at a time by
    /// <see cref="StridedGemm{TSimd, TVec}"/> (one value register loaded feeds 4 rows), the last rows and the features
    /// past the last whole register one at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedValues(float* s, int rows, int lo, int hi, float* vb, int headDim, float* partial, int partialRow)
    {
        int w = TSimd.Width, vectors = headDim / w, rows4 = rows & ~3;
        if (rows4 > 0 && vectors > 0)
        {
            StridedGemm<TSimd, TVec>.Run(s + lo, KeyBlock, 1, vb + (long)lo * headDim, headDim, hi - lo, partial + 2, partialRow, rows4, vectors, accumulate: true);
            for (int r = 0; r < rows4; r++)
            {
                float* p = s + (long)r * KeyBlock, o = partial + (long)r * partialRow + 2;
                for (int d = vectors * w; d < headDim; d++)
                {
                    float acc = o[d];
                    for (int j = lo; j < hi; j++)
                        acc += p[j] * vb[(long)j * headDim + d];
                    o[d] = acc;
                }
            }
        }
        else
            rows4 = 0;
        for (int r = rows4; r < rows; r++)
            WeightedValuesRow(s + (long)r * KeyBlock, lo, hi, vb, headDim, partial + (long)r * partialRow + 2);
    }

    /// <summary>o += Σ_{j = from … to − 1} p[j]·v_j for one row: 4 registers of features at a time, even and odd keys in separate accumulators (8 independent sums), then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedValuesRow(float* p, int from, int to, float* vb, int headDim, float* o)
    {
        int w = TSimd.Width, d = 0;
        for (; d + 4 * w <= headDim; d += 4 * w)
        {
            TVec x0 = TSimd.Load(o + d), x1 = TSimd.Load(o + d + w), x2 = TSimd.Load(o + d + 2 * w), x3 = TSimd.Load(o + d + 3 * w);
            TVec y0 = TSimd.Zero, y1 = TSimd.Zero, y2 = TSimd.Zero, y3 = TSimd.Zero;
            int j = from;
            for (; j + 2 <= to; j += 2)
            {
                float* v0 = vb + (long)j * headDim + d, v1 = v0 + headDim;
                TVec e = TSimd.Broadcast(p[j]), f = TSimd.Broadcast(p[j + 1]);
                x0 = TSimd.MultiplyAdd(e, TSimd.Load(v0), x0); x1 = TSimd.MultiplyAdd(e, TSimd.Load(v0 + w), x1);
                x2 = TSimd.MultiplyAdd(e, TSimd.Load(v0 + 2 * w), x2); x3 = TSimd.MultiplyAdd(e, TSimd.Load(v0 + 3 * w), x3);
                y0 = TSimd.MultiplyAdd(f, TSimd.Load(v1), y0); y1 = TSimd.MultiplyAdd(f, TSimd.Load(v1 + w), y1);
                y2 = TSimd.MultiplyAdd(f, TSimd.Load(v1 + 2 * w), y2); y3 = TSimd.MultiplyAdd(f, TSimd.Load(v1 + 3 * w), y3);
            }
            if (j < to)
            {
                float* v0 = vb + (long)j * headDim + d;
                TVec e = TSimd.Broadcast(p[j]);
                x0 = TSimd.MultiplyAdd(e, TSimd.Load(v0), x0); x1 = TSimd.MultiplyAdd(e, TSimd.Load(v0 + w), x1);
                x2 = TSimd.MultiplyAdd(e, TSimd.Load(v0 + 2 * w), x2); x3 = TSimd.MultiplyAdd(e, TSimd.Load(v0 + 3 * w), x3);
            }
            TSimd.Store(o + d, TSimd.Add(x0, y0)); TSimd.Store(o + d + w, TSimd.Add(x1, y1));
            TSimd.Store(o + d + 2 * w, TSimd.Add(x2, y2)); TSimd.Store(o + d + 3 * w, TSimd.Add(x3, y3));
        }
        for (; d + w <= headDim; d += w)
        {
            TVec x = TSimd.Load(o + d), y = TSimd.Zero;
            int j = from;
            for (; j + 2 <= to; j += 2)
            {
                x = TSimd.MultiplyAdd(TSimd.Broadcast(p[j]), TSimd.Load(vb + (long)j * headDim + d), x);
                y = TSimd.MultiplyAdd(TSimd.Broadcast(p[j + 1]), TSimd.Load(vb + (long)(j + 1) * headDim + d), y);
            }
            if (j < to)
                x = TSimd.MultiplyAdd(TSimd.Broadcast(p[j]), TSimd.Load(vb + (long)j * headDim + d), x);
            TSimd.Store(o + d, TSimd.Add(x, y));
        }
        for (; d < headDim; d++)
        {
            float acc = o[d];
            for (int j = from; j < to; j++)
                acc += p[j] * vb[(long)j * headDim + d];
            o[d] = acc;
        }
    }

    /// <summary>
    /// Every output row from its splits, in split order (deterministic): M = max m_s, L = Σ l_s·2^(m_s − M),
    /// O = Σ o_s·2^(m_s − M) / L; splits the row does not reach (m_s = −∞) are left out.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine(in DecodeArguments a)
    {
        int group = a.Heads / a.KvHeads, queries = a.Queries, rows = group * queries, headDim = a.HeadDim, splits = a.Splits;
        int partialRow = DecodeLayout.PartialRow(headDim), w = TSimd.Width;
        for (int b = 0; b < a.Batch; b++)
            for (int h = 0; h < a.Heads; h++)
                for (int i = 0; i < queries; i++)
                {
                    int kvSlice = b * a.KvHeads + h / group, r = h % group * queries + i;
                    float* first = a.Partial + (long)kvSlice * splits * rows * partialRow + (long)r * partialRow;
                    long splitStride = (long)rows * partialRow;
                    float max = float.NegativeInfinity;
                    for (int sp = 0; sp < splits; sp++)
                        max = MathF.Max(max, first[sp * splitStride]);
                    float* o = a.Output + (((long)b * a.Heads + h) * queries + i) * headDim;
                    float total = 0f;
                    bool firstSplit = true;
                    for (int sp = 0; sp < splits; sp++)
                    {
                        float* part = first + sp * splitStride;
                        if (float.IsNegativeInfinity(part[0]))
                            continue;
                        float factor = SimdScalar.Exp2(part[0] - max);
                        total += part[1] * factor;
                        TVec f = TSimd.Broadcast(factor);
                        int d = 0;
                        for (; d + w <= headDim; d += w)
                            TSimd.Store(o + d, firstSplit ? TSimd.Multiply(f, TSimd.Load(part + 2 + d)) : TSimd.MultiplyAdd(f, TSimd.Load(part + 2 + d), TSimd.Load(o + d)));
                        for (; d < headDim; d++)
                            o[d] = firstSplit ? factor * part[2 + d] : o[d] + factor * part[2 + d];
                        firstSplit = false;
                    }
                    float inverse = 1f / total;
                    for (int d = 0; d < headDim; d++)
                        o[d] *= inverse;
                }
    }
}
