using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>The second product on the causal diagonal: only the lanes whose query sees the key.</summary>
internal static unsafe partial class FlashKernel<TSimd, TVec>
{
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
}
