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
/// head that shares the key/value head, every new query), block of <see cref="DecodeLayout.KeyBlock"/> keys by block, so
/// each cached byte is read from memory once while the block is in L1.
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
        int group = a.Heads / a.KvHeads, queries = a.Queries, rows = group * queries, headDim = a.HeadDim, width = TSimd.Width;
        int partialRow = DecodeLayout.PartialRow(headDim);
        int firstKey = split * DecodeLayout.SplitKeys, endKey = Math.Min(a.CacheLength, firstKey + DecodeLayout.SplitKeys);
        float* k = a.Key + (long)kvSlice * a.CacheLength * headDim;
        float* v = a.Value + (long)kvSlice * a.CacheLength * headDim;
        float* partial = a.Partial + (long)item * rows * partialRow;

        float* scratch = ThreadScratch.Get(DecodeLayout.ScratchFloats(rows, headDim));
        float* qs = scratch;                                    // (rows, headDim) queries · scale·log₂e
        float* s = qs + (long)rows * headDim;                   // (KeyBlock) one row's scores, then weights
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
            for (int r = 0; r < rows; r++)
            {
                int position = a.CacheLength - queries + r % queries;
                int from = Math.Max(a.Window > 0 ? position - a.Window + 1 : 0, blockKey) - blockKey;   // keys from … to − 1 of the block
                int to = Math.Min(position + 1, blockKey + keys) - blockKey;
                if (from >= to)
                    continue;
                float* q = qs + (long)r * headDim, row = partial + (long)r * partialRow, o = row + 2;
                float max = row[0];
                for (int j = 0; j < KeyBlock; j++)
                    s[j] = float.NegativeInfinity;
                for (int j = from; j < to; j++)
                {
                    s[j] = FlashBackward<TSimd, TVec>.Dot(q, k + (long)(blockKey + j) * headDim, headDim);
                    max = MathF.Max(max, s[j]);
                }
                float alpha = SimdScalar.Exp2(row[0] - max);    // rescales what earlier blocks accumulated (0 for the first)
                TVec m = TSimd.Broadcast(max), sum = TSimd.Zero;
                for (int j = 0; j < KeyBlock; j += width)
                {
                    TVec p = TSimd.Exp2(TSimd.Subtract(TSimd.Load(s + j), m));   // −∞ (unseen keys) gives 0
                    TSimd.Store(s + j, p);
                    sum = TSimd.Add(sum, p);
                }
                row[0] = max;
                row[1] = row[1] * alpha + TSimd.Sum(sum);
                Accumulate(v + (long)blockKey * headDim, s, from, to, headDim, alpha, o);
            }
        }
    }

    /// <summary>o = α·o + Σ_{j = from … to − 1} p[j]·v[j, ·]: a register of features at a time, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(float* v, float* p, int from, int to, int headDim, float alpha, float* o)
    {
        int w = TSimd.Width, d = 0;
        TVec scale = TSimd.Broadcast(alpha);
        for (; d + w <= headDim; d += w)
        {
            TVec acc = TSimd.Multiply(TSimd.Load(o + d), scale);
            for (int j = from; j < to; j++)
                acc = TSimd.MultiplyAdd(TSimd.Broadcast(p[j]), TSimd.Load(v + (long)j * headDim + d), acc);
            TSimd.Store(o + d, acc);
        }
        for (; d < headDim; d++)
        {
            float acc = o[d] * alpha;
            for (int j = from; j < to; j++)
                acc += p[j] * v[(long)j * headDim + d];
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
