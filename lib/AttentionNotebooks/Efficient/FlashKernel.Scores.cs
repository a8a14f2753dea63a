using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>The kernel's first product, Sᵀ = K_chunk · Q_tileᵀ: the scores of a chunk of keys against the tile's queries.</summary>
internal static unsafe partial class FlashKernel<TSimd, TVec>
{
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
}
