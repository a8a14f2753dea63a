using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// 128-bit vectors: 4 floats per register. On ARM64 (Apple Silicon, Linux ARM) this is NEON, the only width .NET
/// accelerates there, with 32 registers and fused multiply-add; on x86 it is SSE/AVX at 128 bits with 16 registers
/// (fused where the processor has FMA). The kernels' blocking (at most 29 live registers) is sized for NEON's 32;
/// with 16 registers the JIT spills some accumulators, which costs speed, not correctness.
/// </summary>
internal readonly unsafe struct Simd128 : ISimd<Vector128<float>>
{
    public static int Width => Vector128<float>.Count;

    /// <summary>Sized for NEON's 32 registers everywhere (on x86, with 16, some accumulators spill: slower, equally correct).</summary>
    public static bool WideBlocking => true;

    public static Vector128<float> Zero => Vector128<float>.Zero;

    private static Vector128<float> Iota => Vector128.Create(0f, 1f, 2f, 3f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector128<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : AdvSimd.IsSupported ? AdvSimd.FusedMultiplyAdd(c, a, b) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> x) => Vector128.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sum4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d, float* destination)
    {
        if (Sse3.IsSupported)
            Sse3.HorizontalAdd(Sse3.HorizontalAdd(a, b), Sse3.HorizontalAdd(c, d)).Store(destination);
        else if (AdvSimd.Arm64.IsSupported)
            AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(a, b), AdvSimd.Arm64.AddPairwise(c, d)).Store(destination);
        else
        {
            destination[0] = Vector128.Sum(a);
            destination[1] = Vector128.Sum(b);
            destination[2] = Vector128.Sum(c);
            destination[3] = Vector128.Sum(d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp2(Vector128<float> x)
    {
        var clamped = Vector128.Max(x, Vector128.Create(Exp2Polynomial.Underflow - 1f));
        var whole = Vector128.Round(clamped);
        var f = clamped - whole;
        var p = MultiplyAdd(Vector128.Create(Exp2Polynomial.C6), f, Vector128.Create(Exp2Polynomial.C5));
        p = MultiplyAdd(p, f, Vector128.Create(Exp2Polynomial.C4));
        p = MultiplyAdd(p, f, Vector128.Create(Exp2Polynomial.C3));
        p = MultiplyAdd(p, f, Vector128.Create(Exp2Polynomial.C2));
        p = MultiplyAdd(p, f, Vector128.Create(Exp2Polynomial.C1));
        p = MultiplyAdd(p, f, Vector128.Create(Exp2Polynomial.C0));
        var exponent = Vector128.ShiftLeft(Vector128.ConvertToInt32Native(whole), 23);
        var scaled = (p.AsInt32() + exponent).AsSingle();
        return Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(Exp2Polynomial.Underflow)), Vector128<float>.Zero, scaled);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaskFutureKey(Vector128<float> scores, int firstQuery, int key)
    {
        var query = Vector128.Create((float)firstQuery) + Iota;
        return Vector128.ConditionalSelect(Vector128.LessThan(query, Vector128.Create((float)key)), Vector128.Create(float.NegativeInfinity), scores);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SeesKey(int firstQuery, int key) =>
        Vector128.GreaterThanOrEqual(Vector128.Create((float)firstQuery) + Iota, Vector128.Create((float)key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAddWhere(Vector128<float> mask, Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Vector128.ConditionalSelect(mask, MultiplyAdd(a, b, c), c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepFirst(Vector128<float> x, int count) =>
        Vector128.ConditionalSelect(Vector128.LessThan(Iota, Vector128.Create((float)count)), x, Vector128<float>.Zero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaskLaterQuery(Vector128<float> scores, int firstQuery, int limit)
    {
        var query = Vector128.Create((float)firstQuery) + Iota;
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(query, Vector128.Create((float)limit)), Vector128.Create(float.NegativeInfinity), scores);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> KeepFrom(Vector128<float> x, int count) =>
        Vector128.ConditionalSelect(Vector128.LessThan(Iota, Vector128.Create((float)count)), Vector128<float>.Zero, x);
}
