using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace AttentionNotebooks.Efficient;

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
    public static void Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d, float* destination)
    {
        // (a01 a23 b01 b23 | a45 a67 b45 b67), then (a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7), then the halves added.
        var sums = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
        (sums.GetLower() + sums.GetUpper()).Store(destination);
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaskLaterQuery(Vector256<float> scores, int firstQuery, int limit)
    {
        var query = Vector256.Create((float)firstQuery) + Iota;
        return Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(query, Vector256.Create((float)limit)), Vector256.Create(float.NegativeInfinity), scores);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> KeepFrom(Vector256<float> x, int count) =>
        Vector256.ConditionalSelect(Vector256.LessThan(Iota, Vector256.Create((float)count)), Vector256<float>.Zero, x);
}
