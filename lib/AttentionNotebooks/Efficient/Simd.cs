using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The handful of vector operations the efficient kernels are written in. Each kernel is a generic method over a
/// struct implementing this interface, so the JIT compiles one specialised copy per vector width with every call
/// inlined: <see cref="Simd512"/> (16 floats), <see cref="Simd256"/> (8 floats), <see cref="Simd128"/> (4 floats) and
/// <see cref="SimdScalar"/> (1 float).
/// </summary>
/// <typeparam name="TVec">The register type: <c>Vector512&lt;float&gt;</c>, <c>Vector256&lt;float&gt;</c>, <c>Vector128&lt;float&gt;</c> or <c>float</c>.</typeparam>
internal unsafe interface ISimd<TVec>
    where TVec : unmanaged
{
    /// <summary>Floats per register.</summary>
    static abstract int Width { get; }

    /// <summary>
    /// Whether the kernels may keep up to 29 registers live (AVX-512's and NEON's 32): 4-key × 4-register score and value
    /// micro-kernels and a 6 × 4-register GEMM micro-kernel. Otherwise (16 registers: AVX2, and scalar code in x86's 16
    /// xmm registers) they use a blocking of at most 15 live registers: 6 × 2 registers, the tile's halves in turn.
    /// </summary>
    static abstract bool WideBlocking { get; }

    static abstract TVec Zero { get; }

    static abstract TVec Load(float* source);

    static abstract void Store(float* destination, TVec value);

    /// <summary>Every lane set to <paramref name="value"/> (folded into the multiply-add as a memory broadcast where the processor has one).</summary>
    static abstract TVec Broadcast(float value);

    /// <summary>a·b + c, fused where the processor has FMA.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);

    static abstract TVec Multiply(TVec a, TVec b);

    static abstract TVec Divide(TVec a, TVec b);

    static abstract TVec Add(TVec a, TVec b);

    static abstract TVec Subtract(TVec a, TVec b);

    static abstract TVec Max(TVec a, TVec b);

    /// <summary>The sum of the lanes (a horizontal reduction).</summary>
    static abstract float Sum(TVec x);

    /// <summary>2^x for x ≤ 0 (softmax exponents after subtracting the maximum); exactly 0 below −125, so −∞ gives 0.</summary>
    static abstract TVec Exp2(TVec x);

    /// <summary>
    /// The causal mask on one register of scores for consecutive queries: lane j holds query <paramref name="firstQuery"/> + j
    /// against key <paramref name="key"/>; lanes whose query comes before the key become −∞.
    /// </summary>
    static abstract TVec MaskFutureKey(TVec scores, int firstQuery, int key);

    /// <summary>
    /// A lane mask for consecutive queries: lane j (query <paramref name="firstQuery"/> + j) is set where that query sees key
    /// <paramref name="key"/> (query ≥ key); the argument to <see cref="MultiplyAddWhere"/>. Positions up to 2^24 (exact as floats).
    /// </summary>
    static abstract TVec SeesKey(int firstQuery, int key);

    /// <summary>a·b + c in the lanes set in <paramref name="mask"/> (from <see cref="SeesKey"/>), c unchanged in the others.</summary>
    static abstract TVec MultiplyAddWhere(TVec mask, TVec a, TVec b, TVec c);

    /// <summary>x in lanes 0 … <paramref name="count"/> − 1 and 0 in the others (a bitwise select: whatever the other lanes held, even NaN).</summary>
    static abstract TVec KeepFirst(TVec x, int count);
}

/// <summary>Shared constants of the vectorised exponential.</summary>
internal static class Exp2Polynomial
{
    // 2^f on f ∈ [−½, ½] as a degree-6 polynomial: the Taylor series of e^(f·ln 2), coefficients (ln 2)^k / k!.
    // Its relative error is below 1.2e-7 (the first omitted term, (½·ln 2)^7 / 7!), about one float32 ulp.
    public const float C0 = 1f;
    public const float C1 = 0.693147180559945f;
    public const float C2 = 0.240226506959101f;
    public const float C3 = 0.0555041086648216f;
    public const float C4 = 0.00961812910762848f;
    public const float C5 = 0.00133335581464284f;
    public const float C6 = 0.000154035303933816f;

    /// <summary>Below this exponent the result is flushed to 0 (2^−125 ≈ 2.4e-38 is far below any weight that matters).</summary>
    public const float Underflow = -125f;
}

/// <summary>AVX-512: 16 floats per register, 32 registers.</summary>
internal readonly unsafe struct Simd512 : ISimd<Vector512<float>>
{
    public static int Width => Vector512<float>.Count;

    public static bool WideBlocking => true;

    public static Vector512<float> Zero => Vector512<float>.Zero;

    private static Vector512<float> Iota => Vector512.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f, 13f, 14f, 15f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector512<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> x) => Vector512.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp2(Vector512<float> x)
    {
        var clamped = Vector512.Max(x, Vector512.Create(Exp2Polynomial.Underflow - 1f));
        var whole = Vector512.Round(clamped);                                   // n
        var f = clamped - whole;                                                // f ∈ [−½, ½]
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(Exp2Polynomial.C6), f, Vector512.Create(Exp2Polynomial.C5));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(Exp2Polynomial.C4));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(Exp2Polynomial.C3));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(Exp2Polynomial.C2));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(Exp2Polynomial.C1));
        p = Vector512.FusedMultiplyAdd(p, f, Vector512.Create(Exp2Polynomial.C0));  // 2^f
        var exponent = Vector512.ShiftLeft(Vector512.ConvertToInt32Native(whole), 23);
        var scaled = (p.AsInt32() + exponent).AsSingle();                       // 2^f · 2^n
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(Exp2Polynomial.Underflow)), Vector512<float>.Zero, scaled);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaskFutureKey(Vector512<float> scores, int firstQuery, int key)
    {
        var query = Vector512.Create((float)firstQuery) + Iota;
        return Vector512.ConditionalSelect(Vector512.LessThan(query, Vector512.Create((float)key)), Vector512.Create(float.NegativeInfinity), scores);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SeesKey(int firstQuery, int key) =>
        Vector512.GreaterThanOrEqual(Vector512.Create((float)firstQuery) + Iota, Vector512.Create((float)key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAddWhere(Vector512<float> mask, Vector512<float> a, Vector512<float> b, Vector512<float> c) =>
        Vector512.ConditionalSelect(mask, Vector512.FusedMultiplyAdd(a, b, c), c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepFirst(Vector512<float> x, int count) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Iota, Vector512.Create((float)count)), x, Vector512<float>.Zero);
}

/// <summary>AVX2: 8 floats per register, 16 registers.</summary>
internal readonly unsafe struct Simd256 : ISimd<Vector256<float>>
{
    public static int Width => Vector256<float>.Count;

    public static bool WideBlocking => false;

    public static Vector256<float> Zero => Vector256<float>.Zero;

    private static Vector256<float> Iota => Vector256.Create(0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector256<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> x) => Vector256.Sum(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp2(Vector256<float> x)
    {
        var clamped = Vector256.Max(x, Vector256.Create(Exp2Polynomial.Underflow - 1f));
        var whole = Vector256.Round(clamped);
        var f = clamped - whole;
        var p = MultiplyAdd(Vector256.Create(Exp2Polynomial.C6), f, Vector256.Create(Exp2Polynomial.C5));
        p = MultiplyAdd(p, f, Vector256.Create(Exp2Polynomial.C4));
        p = MultiplyAdd(p, f, Vector256.Create(Exp2Polynomial.C3));
        p = MultiplyAdd(p, f, Vector256.Create(Exp2Polynomial.C2));
        p = MultiplyAdd(p, f, Vector256.Create(Exp2Polynomial.C1));
        p = MultiplyAdd(p, f, Vector256.Create(Exp2Polynomial.C0));
        var exponent = Vector256.ShiftLeft(Vector256.ConvertToInt32Native(whole), 23);
        var scaled = (p.AsInt32() + exponent).AsSingle();
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(Exp2Polynomial.Underflow)), Vector256<float>.Zero, scaled);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaskFutureKey(Vector256<float> scores, int firstQuery, int key)
    {
        var query = Vector256.Create((float)firstQuery) + Iota;
        return Vector256.ConditionalSelect(Vector256.LessThan(query, Vector256.Create((float)key)), Vector256.Create(float.NegativeInfinity), scores);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SeesKey(int firstQuery, int key) =>
        Vector256.GreaterThanOrEqual(Vector256.Create((float)firstQuery) + Iota, Vector256.Create((float)key));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAddWhere(Vector256<float> mask, Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Vector256.ConditionalSelect(mask, MultiplyAdd(a, b, c), c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepFirst(Vector256<float> x, int count) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Iota, Vector256.Create((float)count)), x, Vector256<float>.Zero);
}

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
}

/// <summary>No vector instructions: one float per "register", the exponential from <see cref="float.Exp2"/>.</summary>
internal readonly unsafe struct SimdScalar : ISimd<float>
{
    public static int Width => 1;

    public static bool WideBlocking => false;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, float value) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float a, float b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float a, float b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float a, float b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float a, float b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float a, float b) => a > b ? a : b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp2(float x) => x < Exp2Polynomial.Underflow ? 0f : float.Exp2(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaskFutureKey(float scores, int firstQuery, int key) => firstQuery < key ? float.NegativeInfinity : scores;

    /// <summary>1 where the query sees the key, 0 where not (one lane: a flag, not a bit mask).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SeesKey(int firstQuery, int key) => firstQuery >= key ? 1f : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAddWhere(float mask, float a, float b, float c) => mask != 0f ? a * b + c : c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float KeepFirst(float x, int count) => count > 0 ? x : 0f;
}

/// <summary>Resolves <see cref="SimdPath.Auto"/> and paths the processor does not accelerate.</summary>
internal static class SimdSelection
{
    /// <summary>
    /// The path the kernels run for <paramref name="requested"/>: a vector width the processor does not accelerate falls back
    /// to the next narrower one it does (Vector512 → Vector256 → Vector128 → Scalar), so forcing a width never runs a
    /// software-emulated vector.
    /// </summary>
    public static SimdPath Resolve(SimdPath requested)
    {
        bool has512 = Vector512.IsHardwareAccelerated;
        bool has256 = Vector256.IsHardwareAccelerated;
        bool has128 = Vector128.IsHardwareAccelerated;
        SimdPath From128() => has128 ? SimdPath.Vector128 : SimdPath.Scalar;
        SimdPath From256() => has256 ? SimdPath.Vector256 : From128();
        return requested switch
        {
            SimdPath.Scalar => SimdPath.Scalar,
            SimdPath.Vector128 => From128(),
            SimdPath.Vector256 => From256(),
            SimdPath.Vector512 or SimdPath.Auto => has512 ? SimdPath.Vector512 : From256(),
            _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, $"Unknown SIMD path {requested}."),
        };
    }

    /// <summary>Floats per register of a resolved path.</summary>
    public static int Width(SimdPath resolved) => resolved switch
    {
        SimdPath.Vector512 => Vector512<float>.Count,
        SimdPath.Vector256 => Vector256<float>.Count,
        SimdPath.Vector128 => Vector128<float>.Count,
        _ => 1,
    };
}
