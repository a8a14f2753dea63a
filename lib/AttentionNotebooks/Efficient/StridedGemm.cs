using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// c = a·b (or c += a·b) in register tiles, with a read through any row and step strides, so that one kernel multiplies
/// by a or by aᵀ without a copy: the five products of <see cref="FlashBackward{TSimd, TVec}"/>. Written once over a
/// vector width <typeparamref name="TSimd"/>.
/// </summary>
/// <remarks>
/// The micro-kernel holds 4 rows × 4 registers of c (with 16 registers, <see cref="ISimd{TVec}.WideBlocking"/> false:
/// 4 × 2) and, per step, broadcasts one element of each row of a against 4 (2) loaded registers of b. Rows come in
/// fours and columns in whole registers: the caller pads.
/// </remarks>
internal static unsafe class StridedGemm<TSimd, TVec>
    where TSimd : struct, ISimd<TVec>
    where TVec : unmanaged
{
    /// <summary>
    /// c[r, ·] = (or +=) Σ_t a[r·aRow + t·aStep] · b[t·bStride + ·] for rows r &lt; <paramref name="rows"/> (a multiple
    /// of 4) and <paramref name="vectors"/> registers of columns: 4 rows × 4 (or 2) registers at a time, then single registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, int rows, int vectors, bool accumulate)
    {
        int width = TSimd.Width;
        for (int r = 0; r < rows; r += 4)
        {
            float* ar = a + (long)r * aRow, cr = c + (long)r * cStride;
            int column = 0;
            if (TSimd.WideBlocking)
                for (; column + 4 <= vectors; column += 4)
                    Kernel4x4(ar, aRow, aStep, b + column * width, bStride, steps, cr + column * width, cStride, accumulate);
            for (; column + 2 <= vectors; column += 2)
                Kernel4x2(ar, aRow, aStep, b + column * width, bStride, steps, cr + column * width, cStride, accumulate);
            for (; column < vectors; column++)
                Kernel4x1(ar, aRow, aStep, b + column * width, bStride, steps, cr + column * width, cStride, accumulate);
        }
    }

    /// <summary>4 rows × 4 registers: 16 accumulators, 4 loads and 4 broadcasts per step (21 live registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x4(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, bool accumulate)
    {
        int w = TSimd.Width;
        float* c0 = c, c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        TVec x00 = TSimd.Zero, x01 = TSimd.Zero, x02 = TSimd.Zero, x03 = TSimd.Zero;
        TVec x10 = TSimd.Zero, x11 = TSimd.Zero, x12 = TSimd.Zero, x13 = TSimd.Zero;
        TVec x20 = TSimd.Zero, x21 = TSimd.Zero, x22 = TSimd.Zero, x23 = TSimd.Zero;
        TVec x30 = TSimd.Zero, x31 = TSimd.Zero, x32 = TSimd.Zero, x33 = TSimd.Zero;
        if (accumulate)
        {
            x00 = TSimd.Load(c0); x01 = TSimd.Load(c0 + w); x02 = TSimd.Load(c0 + 2 * w); x03 = TSimd.Load(c0 + 3 * w);
            x10 = TSimd.Load(c1); x11 = TSimd.Load(c1 + w); x12 = TSimd.Load(c1 + 2 * w); x13 = TSimd.Load(c1 + 3 * w);
            x20 = TSimd.Load(c2); x21 = TSimd.Load(c2 + w); x22 = TSimd.Load(c2 + 2 * w); x23 = TSimd.Load(c2 + 3 * w);
            x30 = TSimd.Load(c3); x31 = TSimd.Load(c3 + w); x32 = TSimd.Load(c3 + 2 * w); x33 = TSimd.Load(c3 + 3 * w);
        }

        float* a0 = a, a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        for (int t = 0; t < steps; t++, b += bStride)
        {
            long at = (long)t * aStep;
            TVec b0 = TSimd.Load(b), b1 = TSimd.Load(b + w), b2 = TSimd.Load(b + 2 * w), b3 = TSimd.Load(b + 3 * w);
            TVec e = TSimd.Broadcast(a0[at]);
            x00 = TSimd.MultiplyAdd(e, b0, x00); x01 = TSimd.MultiplyAdd(e, b1, x01); x02 = TSimd.MultiplyAdd(e, b2, x02); x03 = TSimd.MultiplyAdd(e, b3, x03);
            e = TSimd.Broadcast(a1[at]);
            x10 = TSimd.MultiplyAdd(e, b0, x10); x11 = TSimd.MultiplyAdd(e, b1, x11); x12 = TSimd.MultiplyAdd(e, b2, x12); x13 = TSimd.MultiplyAdd(e, b3, x13);
            e = TSimd.Broadcast(a2[at]);
            x20 = TSimd.MultiplyAdd(e, b0, x20); x21 = TSimd.MultiplyAdd(e, b1, x21); x22 = TSimd.MultiplyAdd(e, b2, x22); x23 = TSimd.MultiplyAdd(e, b3, x23);
            e = TSimd.Broadcast(a3[at]);
            x30 = TSimd.MultiplyAdd(e, b0, x30); x31 = TSimd.MultiplyAdd(e, b1, x31); x32 = TSimd.MultiplyAdd(e, b2, x32); x33 = TSimd.MultiplyAdd(e, b3, x33);
        }

        TSimd.Store(c0, x00); TSimd.Store(c0 + w, x01); TSimd.Store(c0 + 2 * w, x02); TSimd.Store(c0 + 3 * w, x03);
        TSimd.Store(c1, x10); TSimd.Store(c1 + w, x11); TSimd.Store(c1 + 2 * w, x12); TSimd.Store(c1 + 3 * w, x13);
        TSimd.Store(c2, x20); TSimd.Store(c2 + w, x21); TSimd.Store(c2 + 2 * w, x22); TSimd.Store(c2 + 3 * w, x23);
        TSimd.Store(c3, x30); TSimd.Store(c3 + w, x31); TSimd.Store(c3 + 2 * w, x32); TSimd.Store(c3 + 3 * w, x33);
    }

    /// <summary>4 rows × 2 registers: 8 accumulators, 2 loads and 4 broadcasts per step (11 live registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x2(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, bool accumulate)
    {
        int w = TSimd.Width;
        float* c0 = c, c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        TVec x00 = TSimd.Zero, x01 = TSimd.Zero, x10 = TSimd.Zero, x11 = TSimd.Zero;
        TVec x20 = TSimd.Zero, x21 = TSimd.Zero, x30 = TSimd.Zero, x31 = TSimd.Zero;
        if (accumulate)
        {
            x00 = TSimd.Load(c0); x01 = TSimd.Load(c0 + w);
            x10 = TSimd.Load(c1); x11 = TSimd.Load(c1 + w);
            x20 = TSimd.Load(c2); x21 = TSimd.Load(c2 + w);
            x30 = TSimd.Load(c3); x31 = TSimd.Load(c3 + w);
        }

        float* a0 = a, a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        for (int t = 0; t < steps; t++, b += bStride)
        {
            long at = (long)t * aStep;
            TVec b0 = TSimd.Load(b), b1 = TSimd.Load(b + w);
            TVec e = TSimd.Broadcast(a0[at]);
            x00 = TSimd.MultiplyAdd(e, b0, x00); x01 = TSimd.MultiplyAdd(e, b1, x01);
            e = TSimd.Broadcast(a1[at]);
            x10 = TSimd.MultiplyAdd(e, b0, x10); x11 = TSimd.MultiplyAdd(e, b1, x11);
            e = TSimd.Broadcast(a2[at]);
            x20 = TSimd.MultiplyAdd(e, b0, x20); x21 = TSimd.MultiplyAdd(e, b1, x21);
            e = TSimd.Broadcast(a3[at]);
            x30 = TSimd.MultiplyAdd(e, b0, x30); x31 = TSimd.MultiplyAdd(e, b1, x31);
        }

        TSimd.Store(c0, x00); TSimd.Store(c0 + w, x01);
        TSimd.Store(c1, x10); TSimd.Store(c1 + w, x11);
        TSimd.Store(c2, x20); TSimd.Store(c2 + w, x21);
        TSimd.Store(c3, x30); TSimd.Store(c3 + w, x31);
    }

    /// <summary>4 rows × 1 register, for the last register of an odd count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x1(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, bool accumulate)
    {
        float* c0 = c, c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        TVec x0 = accumulate ? TSimd.Load(c0) : TSimd.Zero, x1 = accumulate ? TSimd.Load(c1) : TSimd.Zero;
        TVec x2 = accumulate ? TSimd.Load(c2) : TSimd.Zero, x3 = accumulate ? TSimd.Load(c3) : TSimd.Zero;
        float* a0 = a, a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        for (int t = 0; t < steps; t++, b += bStride)
        {
            long at = (long)t * aStep;
            TVec b0 = TSimd.Load(b);
            x0 = TSimd.MultiplyAdd(TSimd.Broadcast(a0[at]), b0, x0);
            x1 = TSimd.MultiplyAdd(TSimd.Broadcast(a1[at]), b0, x1);
            x2 = TSimd.MultiplyAdd(TSimd.Broadcast(a2[at]), b0, x2);
            x3 = TSimd.MultiplyAdd(TSimd.Broadcast(a3[at]), b0, x3);
        }

        TSimd.Store(c0, x0); TSimd.Store(c1, x1); TSimd.Store(c2, x2); TSimd.Store(c3, x3);
    }
}
