using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

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
    public static void Sum4(float a, float b, float c, float d, float* destination)
    {
        destination[0] = a;
        destination[1] = b;
        destination[2] = c;
        destination[3] = d;
    }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaskLaterQuery(float scores, int firstQuery, int limit) => firstQuery >= limit ? float.NegativeInfinity : scores;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float KeepFrom(float x, int count) => count > 0 ? 0f : x;
}
