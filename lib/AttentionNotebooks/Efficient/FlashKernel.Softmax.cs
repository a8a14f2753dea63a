using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>The kernel's online softmax over one chunk of scores.</summary>
internal static unsafe partial class FlashKernel<TSimd, TVec>
{
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
}
