using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// 16 × 16 float transposes in AVX-512 registers, for the two layout changes of the attention kernel's AVX-512 path
/// (queries into the transposed tile, the transposed accumulator back into output rows). Three rounds of shuffles:
/// 32-bit and 64-bit interleaves inside each 128-bit lane, then two rounds of 128-bit lane shuffles.
/// </summary>
internal static unsafe class Transpose16
{
    /// <summary>
    /// destination[c, r] = source[r, c] · scale for r, c in 0 … 15; source rows r ≥ <paramref name="rows"/> are read as
    /// zeros and destination rows c ≥ <paramref name="columns"/> are not written.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* source, long sourceStride, int rows, float* destination, long destinationStride, int columns, float scale)
    {
        var scaleVector = Vector512.Create(scale);
        Vector512<float> r0 = Row(source, sourceStride, 0, rows), r1 = Row(source, sourceStride, 1, rows);
        Vector512<float> r2 = Row(source, sourceStride, 2, rows), r3 = Row(source, sourceStride, 3, rows);
        Vector512<float> r4 = Row(source, sourceStride, 4, rows), r5 = Row(source, sourceStride, 5, rows);
        Vector512<float> r6 = Row(source, sourceStride, 6, rows), r7 = Row(source, sourceStride, 7, rows);
        Vector512<float> r8 = Row(source, sourceStride, 8, rows), r9 = Row(source, sourceStride, 9, rows);
        Vector512<float> r10 = Row(source, sourceStride, 10, rows), r11 = Row(source, sourceStride, 11, rows);
        Vector512<float> r12 = Row(source, sourceStride, 12, rows), r13 = Row(source, sourceStride, 13, rows);
        Vector512<float> r14 = Row(source, sourceStride, 14, rows), r15 = Row(source, sourceStride, 15, rows);

        // Groups of four rows: after this, u{k} of a group holds, in 128-bit lane L, column 4L + k of its four rows.
        Quad(r0, r1, r2, r3, out var a0, out var a1, out var a2, out var a3);
        Quad(r4, r5, r6, r7, out var b0, out var b1, out var b2, out var b3);
        Quad(r8, r9, r10, r11, out var c0, out var c1, out var c2, out var c3);
        Quad(r12, r13, r14, r15, out var d0, out var d1, out var d2, out var d3);

        // Column 4L + k gathers lane L of group k-registers a, b, c, d.
        Lanes(a0, b0, c0, d0, destination, destinationStride, columns, 0, scaleVector);
        Lanes(a1, b1, c1, d1, destination, destinationStride, columns, 1, scaleVector);
        Lanes(a2, b2, c2, d2, destination, destinationStride, columns, 2, scaleVector);
        Lanes(a3, b3, c3, d3, destination, destinationStride, columns, 3, scaleVector);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row(float* source, long stride, int row, int rows) =>
        row < rows ? Vector512.Load(source + row * stride) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Quad(Vector512<float> w, Vector512<float> x, Vector512<float> y, Vector512<float> z,
        out Vector512<float> u0, out Vector512<float> u1, out Vector512<float> u2, out Vector512<float> u3)
    {
        var wx0 = Avx512F.UnpackLow(w, x).AsDouble();     // per lane: w0 x0 w1 x1
        var wx1 = Avx512F.UnpackHigh(w, x).AsDouble();    // per lane: w2 x2 w3 x3
        var yz0 = Avx512F.UnpackLow(y, z).AsDouble();
        var yz1 = Avx512F.UnpackHigh(y, z).AsDouble();
        u0 = Avx512F.UnpackLow(wx0, yz0).AsSingle();       // per lane: w0 x0 y0 z0
        u1 = Avx512F.UnpackHigh(wx0, yz0).AsSingle();      // per lane: w1 x1 y1 z1
        u2 = Avx512F.UnpackLow(wx1, yz1).AsSingle();       // per lane: w2 x2 y2 z2
        u3 = Avx512F.UnpackHigh(wx1, yz1).AsSingle();      // per lane: w3 x3 y3 z3
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Lanes(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d,
        float* destination, long stride, int columns, int k, Vector512<float> scale)
    {
        const byte EvenLanes = 0b10_00_10_00, OddLanes = 0b11_01_11_01;
        var abEven = Avx512F.Shuffle4x128(a, b, EvenLanes);  // a.L0 a.L2 b.L0 b.L2
        var abOdd = Avx512F.Shuffle4x128(a, b, OddLanes);    // a.L1 a.L3 b.L1 b.L3
        var cdEven = Avx512F.Shuffle4x128(c, d, EvenLanes);
        var cdOdd = Avx512F.Shuffle4x128(c, d, OddLanes);
        if (k < columns)
            (Avx512F.Shuffle4x128(abEven, cdEven, EvenLanes) * scale).Store(destination + k * stride);          // lane 0: column k
        if (4 + k < columns)
            (Avx512F.Shuffle4x128(abOdd, cdOdd, EvenLanes) * scale).Store(destination + (4 + k) * stride);      // lane 1: column 4 + k
        if (8 + k < columns)
            (Avx512F.Shuffle4x128(abEven, cdEven, OddLanes) * scale).Store(destination + (8 + k) * stride);     // lane 2: column 8 + k
        if (12 + k < columns)
            (Avx512F.Shuffle4x128(abOdd, cdOdd, OddLanes) * scale).Store(destination + (12 + k) * stride);      // lane 3: column 12 + k
    }
}
