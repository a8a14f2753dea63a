using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// 8 × 8 float transposes in AVX registers, the AVX2 path's counterpart of <see cref="Transpose16"/>: 32-bit interleaves
/// and 64-bit shuffles inside each 128-bit lane, then one round of 128-bit lane permutes.
/// </summary>
internal static unsafe class Transpose8
{
    /// <summary>
    /// destination[c, r] = source[r, c] · scale for r, c in 0 … 7; source rows r ≥ <paramref name="rows"/> are read as
    /// zeros and destination rows c ≥ <paramref name="columns"/> are not written. Needs <see cref="Avx.IsSupported"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* source, long sourceStride, int rows, float* destination, long destinationStride, int columns, float scale)
    {
        Vector256<float> r0 = Row(source, sourceStride, 0, rows), r1 = Row(source, sourceStride, 1, rows);
        Vector256<float> r2 = Row(source, sourceStride, 2, rows), r3 = Row(source, sourceStride, 3, rows);
        Vector256<float> r4 = Row(source, sourceStride, 4, rows), r5 = Row(source, sourceStride, 5, rows);
        Vector256<float> r6 = Row(source, sourceStride, 6, rows), r7 = Row(source, sourceStride, 7, rows);

        // Per 128-bit lane L: after these, a{k} holds column 4L + k of rows 0–3, b{k} of rows 4–7.
        Quad(r0, r1, r2, r3, out var a0, out var a1, out var a2, out var a3);
        Quad(r4, r5, r6, r7, out var b0, out var b1, out var b2, out var b3);

        var factor = Vector256.Create(scale);
        Store(a0, b0, destination, destinationStride, columns, 0, factor);
        Store(a1, b1, destination, destinationStride, columns, 1, factor);
        Store(a2, b2, destination, destinationStride, columns, 2, factor);
        Store(a3, b3, destination, destinationStride, columns, 3, factor);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row(float* source, long stride, int row, int rows) =>
        row < rows ? Vector256.Load(source + row * stride) : Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad(Vector256<float> w, Vector256<float> x, Vector256<float> y, Vector256<float> z,
        out Vector256<float> u0, out Vector256<float> u1, out Vector256<float> u2, out Vector256<float> u3)
    {
        const byte Low = 0b01_00_01_00, High = 0b11_10_11_10;
        var wx0 = Avx.UnpackLow(w, x);                     // per lane: w0 x0 w1 x1
        var wx1 = Avx.UnpackHigh(w, x);                    // per lane: w2 x2 w3 x3
        var yz0 = Avx.UnpackLow(y, z);
        var yz1 = Avx.UnpackHigh(y, z);
        u0 = Avx.Shuffle(wx0, yz0, Low);                   // per lane: w0 x0 y0 z0
        u1 = Avx.Shuffle(wx0, yz0, High);                  // per lane: w1 x1 y1 z1
        u2 = Avx.Shuffle(wx1, yz1, Low);                   // per lane: w2 x2 y2 z2
        u3 = Avx.Shuffle(wx1, yz1, High);                  // per lane: w3 x3 y3 z3
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> a, Vector256<float> b, float* destination, long stride, int columns, int k, Vector256<float> scale)
    {
        if (k < columns)
            (Avx.Permute2x128(a, b, 0x20) * scale).Store(destination + k * stride);          // lane 0 of a and of b: column k
        if (4 + k < columns)
            (Avx.Permute2x128(a, b, 0x31) * scale).Store(destination + (4 + k) * stride);    // lane 1 of a and of b: column 4 + k
    }
}
