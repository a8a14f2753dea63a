using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// Copies of operands into the kernels' scratch layouts, scaled on the way: transposed (a tile of rows becomes a block of
/// columns, so one register holds one feature of 4·width rows) or padded (rows widened to whole registers), and back.
/// Written once over a vector width <typeparamref name="TSimd"/>.
/// </summary>
internal static unsafe class Packing<TSimd, TVec>
    where TSimd : struct, ISimd<TVec>
    where TVec : unmanaged
{
    /// <summary>
    /// target[d, j] = factor · source[j, d] for the <paramref name="count"/> rows j of headDim floats
    /// (<paramref name="stride"/> apart), into rows of <paramref name="width"/> floats (a multiple of 16 on AVX-512),
    /// zeros in columns count … width − 1. The forward's query tile and the backward's key block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transposed(float* source, int stride, int count, int headDim, float factor, float* target, int width)
    {
        int first = 0, blocked = 0;
        if (typeof(TVec) == typeof(Vector512<float>))
        {
            // Whole 16 × 16 blocks in registers (rows past count read as zeros); the last headDim % 16 features below.
            first = headDim & ~15;
            blocked = width;
            for (int j = 0; j < width; j += 16)
                for (int d = 0; d < first; d += 16)
                    Transpose16.Run(source + (long)j * stride + d, stride, Math.Clamp(count - j, 0, 16), target + d * width + j, width, 16, factor);
        }
        else if (typeof(TVec) == typeof(Vector256<float>) && Avx.IsSupported)
        {
            // Whole 8 × 8 blocks likewise; the last width % 8 columns and headDim % 8 features below.
            first = headDim & ~7;
            blocked = width & ~7;
            for (int j = 0; j < blocked; j += 8)
                for (int d = 0; d < first; d += 8)
                    Transpose8.Run(source + (long)j * stride + d, stride, Math.Clamp(count - j, 0, 8), target + d * width + j, width, 8, factor);
        }
        for (int d = 0; d < headDim; d++)
        {
            float* row = target + d * width;
            for (int j = d < first ? blocked : 0; j < width; j++)
                row[j] = j < count ? source[(long)j * stride + d] * factor : 0f;
        }
    }

    /// <summary>factor · count rows of headDim (<paramref name="stride"/> floats apart) into rows of <paramref name="padded"/> floats, zeros after each row and in rows count … rows − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Padded(float* source, int stride, int count, int headDim, float factor, float* target, int rows, int padded)
    {
        for (int i = 0; i < count; i++)
        {
            float* to = target + (long)i * padded;
            ScaleRow(source + (long)i * stride, to, headDim, factor);
            new Span<float>(to + headDim, padded - headDim).Clear();
        }
        new Span<float>(target + (long)count * padded, (rows - count) * padded).Clear();
    }

    /// <summary>
    /// factor · the first headDim floats of each of count rows of <paramref name="padded"/> floats, into rows
    /// <paramref name="stride"/> floats apart; with <paramref name="accumulate"/> added to what the rows hold.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpadded(float* source, int count, int padded, float factor, float* target, int stride, int headDim, bool accumulate = false)
    {
        for (int i = 0; i < count; i++)
            if (accumulate)
                AddScaledRow(source + (long)i * padded, target + (long)i * stride, headDim, factor);
            else
                ScaleRow(source + (long)i * padded, target + (long)i * stride, headDim, factor);
    }

    /// <summary>to[d] += factor · from[d] for d &lt; headDim, a register at a time, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaledRow(float* from, float* to, int headDim, float factor)
    {
        int w = TSimd.Width, d = 0;
        TVec f = TSimd.Broadcast(factor);
        for (; d + w <= headDim; d += w)
            TSimd.Store(to + d, TSimd.Add(TSimd.Load(to + d), TSimd.Multiply(f, TSimd.Load(from + d))));
        for (; d < headDim; d++)
            to[d] += factor * from[d];
    }

    /// <summary>to[d] = factor · from[d] for d &lt; headDim, a register at a time, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleRow(float* from, float* to, int headDim, float factor)
    {
        int w = TSimd.Width, d = 0;
        TVec f = TSimd.Broadcast(factor);
        for (; d + w <= headDim; d += w)
            TSimd.Store(to + d, TSimd.Multiply(f, TSimd.Load(from + d)));
        for (; d < headDim; d++)
            to[d] = factor * from[d];
    }
}
