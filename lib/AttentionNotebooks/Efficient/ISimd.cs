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

    /// <summary>
    /// destination[0 … 3] = the lane sums of <paramref name="a"/>, <paramref name="b"/>, <paramref name="c"/> and
    /// <paramref name="d"/>, reduced together by pairwise adds across the four registers: a handful of instructions where
    /// four <see cref="Sum"/> calls take about forty (the lanes are added in another order than <see cref="Sum"/>'s).
    /// </summary>
    static abstract void Sum4(TVec a, TVec b, TVec c, TVec d, float* destination);

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

    /// <summary>
    /// The sliding window's edge on one register of scores for consecutive queries: lane j holds query
    /// <paramref name="firstQuery"/> + j; lanes whose query is at or past <paramref name="limit"/> (the first query that no
    /// longer sees the key) become −∞.
    /// </summary>
    static abstract TVec MaskLaterQuery(TVec scores, int firstQuery, int limit);

    /// <summary>0 in lanes 0 … <paramref name="count"/> − 1 and x in the others (a bitwise select: whatever the zeroed lanes held, even NaN or ∞).</summary>
    static abstract TVec KeepFrom(TVec x, int count);
}
