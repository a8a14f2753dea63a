using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionNotebooks.Efficient;

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
    public static void Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, float* destination) =>
        Simd256.Sum4(a.GetLower() + a.GetUpper(), b.GetLower() + b.GetUpper(), c.GetLower() + c.GetUpper(), d.GetLower() + d.GetUpper(), destination);

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaskLaterQuery(Vector512<float> scores, int firstQuery, int limit)
    {
        var query = Vector512.Create((float)firstQuery) + Iota;
        return Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(query, Vector512.Create((float)limit)), Vector512.Create(float.NegativeInfinity), scores);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> KeepFrom(Vector512<float> x, int count) =>
        Vector512.ConditionalSelect(Vector512.LessThan(Iota, Vector512.Create((float)count)), Vector512<float>.Zero, x);
}
