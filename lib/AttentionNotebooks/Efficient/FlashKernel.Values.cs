using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>The kernel's second product, Oᵀ = α·Oᵀ + Vᵀ_chunk · Pᵀ, for keys every query of the tile sees.</summary>
internal static unsafe partial class FlashKernel<TSimd, TVec>
{
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
            if (d + 4 <= headDim)
            {
                Values4x2(v + d, stride, keys, p, alpha, ot + d * queryTile);
                Values4x2(v + d, stride, keys, p + half, alpha + half, ot + d * queryTile + half);
                d += 4;
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

    /// <summary>The feature tail with 16 registers: 4 features × 2 registers of queries, 8 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Values4x2(float* v, int stride, int keys, float* p, float* alpha, float* ot)
    {
        int w = TSimd.Width, queryTile = QueryTile;
        TVec a0 = TSimd.Load(alpha), a1 = TSimd.Load(alpha + w);
        float* o0 = ot, o1 = ot + queryTile, o2 = ot + 2 * queryTile, o3 = ot + 3 * queryTile;
        TVec c00 = TSimd.Multiply(TSimd.Load(o0), a0), c01 = TSimd.Multiply(TSimd.Load(o0 + w), a1);
        TVec c10 = TSimd.Multiply(TSimd.Load(o1), a0), c11 = TSimd.Multiply(TSimd.Load(o1 + w), a1);
        TVec c20 = TSimd.Multiply(TSimd.Load(o2), a0), c21 = TSimd.Multiply(TSimd.Load(o2 + w), a1);
        TVec c30 = TSimd.Multiply(TSimd.Load(o3), a0), c31 = TSimd.Multiply(TSimd.Load(o3 + w), a1);
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
        }
        TSimd.Store(o0, c00); TSimd.Store(o0 + w, c01);
        TSimd.Store(o1, c10); TSimd.Store(o1 + w, c11);
        TSimd.Store(o2, c20); TSimd.Store(o2 + w, c21);
        TSimd.Store(o3, c30); TSimd.Store(o3 + w, c31);
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
}
