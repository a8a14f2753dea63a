using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Which of PyTorch's CPU kernels a <see cref="TorchGenerator"/> reproduces. PyTorch compiles its random-number kernels
/// several times and picks one at start-up from the CPU (or from the environment variable <c>ATEN_CPU_CAPABILITY</c>);
/// the kernels draw the same 32-bit numbers but round differently in <c>uniform_</c> (and so in <c>nn.Linear</c>'s
/// initialisation) and in <c>randn</c> of 16 or more elements.
/// </summary>
public enum TorchCpuCapability
{
    /// <summary>
    /// The AVX2 and AVX-512 kernels (identical results), which PyTorch uses on every x86-64 CPU with AVX2: the default.
    /// <c>uniform_(from, to)</c> computes x·(to − from) + from with one fused multiply-add, and <c>randn</c> of 16 or
    /// more elements evaluates the logarithm, sine and cosine with PyTorch's own float32 Cephes polynomials.
    /// </summary>
    Avx2,

    /// <summary>
    /// The portable kernel (<c>ATEN_CPU_CAPABILITY=default</c>, also a CPU without AVX2): x·(to − from) rounded before
    /// adding from, and <c>randn</c> of 16 or more elements with the C library's <c>logf</c>, <c>cosf</c> and <c>sinf</c>
    /// (through <see cref="MathF"/>, so bit-identical where .NET and libtorch share the C library, as on Linux).
    /// </summary>
    Default,
}

/// <summary>
/// A seeded random generator that reproduces PyTorch's CPU generator bit for bit, so that the course prints the same
/// numbers as PyTorch after <c>torch.manual_seed(seed)</c>.
/// </summary>
/// <remarks>
/// <para>PyTorch's CPU generator is a 32-bit Mersenne Twister (mt19937) seeded with the low 32 bits of the seed.
/// <c>torch.rand</c> takes one 32-bit draw per float32 element, keeps its low 24 bits and scales them by 2^-24, so
/// every value is a multiple of 2^-24 in [0, 1). Elements are drawn in row-major order (the tensor's memory order).</para>
/// <para>Pass one generator to everything you build in sequence, exactly as PyTorch's global generator is shared:
/// <c>torch.manual_seed(123)</c> followed by three <c>nn.Linear</c> layers is one generator seeded with 123 passed to
/// three <see cref="Linear"/> constructors. The library never uses a hidden global generator.</para>
/// <para>Thread safety: every method takes the generator's lock, so a generator shared by several threads never
/// corrupts its state or throws, and each call's draws (a whole matrix, a whole dropout mask) are consecutive numbers
/// of the sequence. Which thread gets which part of the sequence then depends on scheduling, so the results are only
/// reproducible when each thread has its own generator (or the threads take turns in a fixed order).</para>
/// <para>Checked against libtorch 2.10.0 (through TorchSharp 0.107.0) by the fixtures in
/// <c>tests/AttentionNotebooks.Tests/Fixtures</c>, written by <c>tools/TorchReference</c> under both
/// <see cref="TorchCpuCapability"/> values.</para>
/// </remarks>
public sealed class TorchGenerator
{
    /// <summary>The seed PyTorch's default CPU generator starts with (<c>torch.initial_seed()</c> in a fresh process).</summary>
    public const ulong DefaultSeed = 67280421310721UL;

    private const int StateSize = 624;
    private const int ShiftSize = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly Lock _lock = new();
    private readonly uint[] _state = new uint[StateSize];
    private int _next;
    private double? _nextDoubleNormal;

    /// <summary>A generator in the state PyTorch's CPU generator has after <c>torch.manual_seed(seed)</c>.</summary>
    /// <param name="seed">The seed; only its low 32 bits reach the Mersenne Twister, as in PyTorch.</param>
    /// <param name="capability">Which of PyTorch's CPU kernels to reproduce; AVX2/AVX-512, PyTorch's choice on x86-64, by default.</param>
    public TorchGenerator(ulong seed = DefaultSeed, TorchCpuCapability capability = TorchCpuCapability.Avx2)
    {
        if (capability is not (TorchCpuCapability.Avx2 or TorchCpuCapability.Default))
            throw new ArgumentOutOfRangeException(nameof(capability), capability, "capability must be Avx2 or Default.");
        Capability = capability;
        ManualSeed(seed);
    }

    /// <summary>The seed this generator was last seeded with.</summary>
    public ulong InitialSeed
    {
        get
        {
            lock (_lock)
                return _initialSeed;
        }
    }

    private ulong _initialSeed;

    /// <summary>Which of PyTorch's CPU kernels this generator reproduces.</summary>
    public TorchCpuCapability Capability { get; }

    /// <summary>Re-seeds the generator: the equivalent of <c>torch.manual_seed(seed)</c> (which also forgets a cached normal sample).</summary>
    /// <param name="seed">The seed; only its low 32 bits reach the Mersenne Twister, as in PyTorch.</param>
    public void ManualSeed(ulong seed)
    {
        lock (_lock)
        {
            _initialSeed = seed;
            _nextDoubleNormal = null;
            _state[0] = (uint)(seed & 0xffffffffUL);
            for (uint j = 1; j < StateSize; j++)
                _state[j] = 1812433253U * (_state[j - 1] ^ (_state[j - 1] >> 30)) + j;
            _next = StateSize;
        }
    }

    /// <summary>The next raw 32-bit draw of the Mersenne Twister (PyTorch's <c>generator->random()</c>).</summary>
    public uint NextUInt32()
    {
        lock (_lock)
            return Draw32();
    }

    /// <summary>A 64-bit draw made of two 32-bit draws, the first in the high half (PyTorch's <c>random64()</c>).</summary>
    public ulong NextUInt64()
    {
        lock (_lock)
            return Draw64();
    }

    /// <summary>One float32 in [0, 1): the low 24 bits of a 32-bit draw times 2^-24 (one element of <c>torch.rand</c>).</summary>
    public float NextFloat()
    {
        lock (_lock)
            return DrawFloat();
    }

    /// <summary>One float64 in [0, 1): the low 53 bits of a 64-bit draw times 2^-53 (one element of a float64 <c>torch.rand</c>).</summary>
    public double NextDouble()
    {
        lock (_lock)
            return DrawDouble();
    }

    /// <summary>
    /// One float32 uniform in [from, to), drawn as PyTorch's <c>uniform_(from, to)</c> draws each float32 element:
    /// x·(to − from) + from with x = <see cref="NextFloat"/>, fused into one rounding under <see cref="TorchCpuCapability.Avx2"/>.
    /// </summary>
    public float NextUniform(float from, float to)
    {
        lock (_lock)
            return DrawUniform(from, to);
    }

    /// <summary>
    /// One Bernoulli draw as PyTorch's portable CPU kernel of <c>bernoulli_(p)</c> makes it: a float64 uniform u
    /// (<see cref="NextDouble"/>, so two 32-bit draws) and true (1) when u &lt; p.
    /// </summary>
    /// <remarks>
    /// This is the kernel libtorch runs on every CPU that is not Intel's, and in builds without MKL (for example on
    /// Apple silicon, where the book's dropout tensors were printed). An MKL build on an Intel CPU takes another kernel
    /// instead: it draws one 32-bit number from this generator as the seed of MKL's own generator (VSL's MCG31m1) and
    /// samples from that, so its zeros fall elsewhere; this class does not reproduce that kernel.
    /// </remarks>
    /// <param name="p">The probability of true, in [0, 1].</param>
    public bool NextBernoulli(double p)
    {
        CheckBernoulli(p, nameof(p));
        lock (_lock)
            return DrawDouble() < p;
    }

    /// <summary>
    /// The equivalent of <c>torch.empty(rows, cols).bernoulli_(p)</c> on the CPU (the portable kernel, see
    /// <see cref="NextBernoulli"/>): 1 with probability <paramref name="p"/>, else 0, drawn in row-major order.
    /// </summary>
    /// <param name="rows">Rows.</param>
    /// <param name="cols">Columns.</param>
    /// <param name="p">The probability of a 1, in [0, 1].</param>
    /// <returns>A (rows, cols) matrix of zeros and ones.</returns>
    public Matrix<float> Bernoulli(int rows, int cols, double p)
    {
        Check.Positive(rows, nameof(rows));
        Check.Positive(cols, nameof(cols));
        Check.MatrixSize(rows, nameof(rows), cols, nameof(cols), "the matrix", nameof(cols));
        CheckBernoulli(p, nameof(p));
        var draws = new bool[rows * cols];
        FillBernoulli(draws, p);
        return FromRowMajor(rows, cols, Array.ConvertAll(draws, d => d ? 1f : 0f));
    }

    /// <summary>Fills <paramref name="destination"/> with <see cref="NextBernoulli"/> draws, in order, under one lock (so they are consecutive in the sequence).</summary>
    internal void FillBernoulli(Span<bool> destination, double p)
    {
        lock (_lock)
        {
            for (int i = 0; i < destination.Length; i++)
                destination[i] = DrawDouble() < p;
        }
    }

    private static void CheckBernoulli(double p, string name)
    {
        if (!(p >= 0 && p <= 1))
            throw new ArgumentOutOfRangeException(name, p, $"bernoulli probability {name} must be in [0, 1], but is {p}.");
    }

    // The draws themselves; callers hold _lock.
    private uint Draw32()
    {
        if (_next >= StateSize)
            Twist();
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    private ulong Draw64()
    {
        ulong high = Draw32();
        ulong low = Draw32();
        return (high << 32) | low;
    }

    private float DrawFloat() => (Draw32() & 0xffffffU) * (1.0f / (1 << 24));

    private double DrawDouble() => (Draw64() & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));

    private float DrawUniform(float from, float to)
    {
        float x = DrawFloat();
        return Capability == TorchCpuCapability.Avx2 ? MathF.FusedMultiplyAdd(x, to - from, from) : x * (to - from) + from;
    }

    /// <summary>The equivalent of <c>torch.rand(rows, cols)</c>: uniform float32 in [0, 1), drawn in row-major order.</summary>
    /// <returns>A (rows, cols) matrix.</returns>
    public Matrix<float> Rand(int rows, int cols) => Uniform(rows, cols, 0f, 1f);

    /// <summary>The equivalent of <c>torch.rand(batch, rows, cols)</c>: <paramref name="batch"/> matrices drawn one after another.</summary>
    /// <returns><paramref name="batch"/> matrices of shape (rows, cols).</returns>
    public Matrix<float>[] Rand(int batch, int rows, int cols)
    {
        Check.Positive(batch, nameof(batch));
        var result = new Matrix<float>[batch];
        for (int b = 0; b < batch; b++)
            result[b] = Rand(rows, cols);
        return result;
    }

    /// <summary>The equivalent of <c>torch.empty(rows, cols).uniform_(from, to)</c>, drawn in row-major order.</summary>
    /// <returns>A (rows, cols) matrix.</returns>
    public Matrix<float> Uniform(int rows, int cols, float from, float to)
    {
        Check.Positive(rows, nameof(rows));
        Check.Positive(cols, nameof(cols));
        Check.MatrixSize(rows, nameof(rows), cols, nameof(cols), "the matrix", nameof(cols));
        var values = new float[rows * cols];
        FillUniform(values, from, to);
        return FromRowMajor(rows, cols, values);
    }

    /// <summary>The equivalent of <c>torch.empty(length).uniform_(from, to)</c>.</summary>
    /// <returns>A vector of <paramref name="length"/> elements.</returns>
    public Vector<float> UniformVector(int length, float from, float to)
    {
        Check.Positive(length, nameof(length));
        var values = new float[length];
        FillUniform(values, from, to);
        return Vector<float>.Build.DenseOfArray(values);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> as <c>tensor.uniform_(from, to)</c> fills a contiguous float32 tensor of the
    /// same number of elements (whatever its shape): one <see cref="NextUniform"/> per element, in order.
    /// </summary>
    /// <param name="destination">The elements in memory (row-major) order.</param>
    /// <param name="from">Inclusive lower bound.</param>
    /// <param name="to">Exclusive upper bound, at least <paramref name="from"/>.</param>
    public void FillUniform(Span<float> destination, float from, float to)
    {
        if (!(from <= to) || !float.IsFinite(from) || !float.IsFinite(to))
            throw new ArgumentException($"uniform bounds must be finite with from <= to, but are from = {from}, to = {to}.");
        lock (_lock)
        {
            for (int i = 0; i < destination.Length; i++)
                destination[i] = DrawUniform(from, to);
        }
    }

    /// <summary>
    /// The equivalent of <c>torch.randn(rows, cols)</c>: standard normal float32 values in row-major order.
    /// </summary>
    /// <remarks>See <see cref="FillRandn"/> for the two ways PyTorch draws them.</remarks>
    /// <returns>A (rows, cols) matrix.</returns>
    public Matrix<float> Randn(int rows, int cols)
    {
        Check.Positive(rows, nameof(rows));
        Check.Positive(cols, nameof(cols));
        Check.MatrixSize(rows, nameof(rows), cols, nameof(cols), "the matrix", nameof(cols));
        var values = new float[rows * cols];
        FillRandn(values);
        return FromRowMajor(rows, cols, values);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> as <c>torch.randn</c> fills a contiguous float32 tensor of the same number
    /// of elements (whatever its shape).
    /// </summary>
    /// <remarks>
    /// <para>PyTorch takes two paths. For fewer than 16 elements it draws each value with a float64 Box–Muller transform
    /// from two 53-bit uniforms u₁, u₂: r = √(−2·log1p(−u₂)), θ = 2π·u₁; it returns r·cos θ and caches r·sin θ for the
    /// next value. The cache lives in the generator and survives between calls (even across larger <c>randn</c> calls,
    /// which do not touch it) until the next <see cref="ManualSeed"/>.</para>
    /// <para>For 16 or more elements it first fills the tensor with <c>torch.rand</c> values, then transforms each block of
    /// 16 in float32: elements j and j+8 become r·cos θ and r·sin θ with r = √(−2 ln(1 − u_j)) and θ = 2π·u_{j+8}; when the
    /// size is not a multiple of 16, the last 16 elements are drawn again and transformed again. How ln, cos and sin are
    /// evaluated depends on <see cref="Capability"/>.</para>
    /// </remarks>
    /// <param name="destination">The elements in memory (row-major) order.</param>
    public void FillRandn(Span<float> destination)
    {
        lock (_lock)
        {
            if (destination.Length >= 16)
            {
                NormalFill(destination);
                return;
            }
            for (int i = 0; i < destination.Length; i++)
                destination[i] = (float)NextDoubleNormal();
        }
    }

    private static Matrix<float> FromRowMajor(int rows, int cols, float[] values)
    {
        var m = Matrix<float>.Build.Dense(rows, cols);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = values[(long)i * cols + j];
        return m;
    }

    private double NextDoubleNormal()
    {
        if (_nextDoubleNormal is double cached)
        {
            _nextDoubleNormal = null;
            return cached;
        }
        double u1 = DrawDouble();
        double u2 = DrawDouble();
        double r = Math.Sqrt(-2.0 * TorchMath.Log1P(-u2));
        double theta = 2.0 * Math.PI * u1;
        _nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    private void NormalFill(Span<float> data)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] = DrawFloat();
        for (int i = 0; i + 16 <= data.Length; i += 16)
            NormalFill16(data.Slice(i, 16));
        if (data.Length % 16 != 0)
        {
            var tail = data[^16..];
            for (int i = 0; i < 16; i++)
                tail[i] = DrawFloat();
            NormalFill16(tail);
        }
    }

    private void NormalFill16(Span<float> block)
    {
        if (Capability == TorchCpuCapability.Avx2)
        {
            // The AVX2 kernel: θ = float32(2π)·u₂ rounded in float32, Cephes log and sincos in float32.
            float twoPi = (float)(2.0 * Math.PI);
            for (int j = 0; j < 8; j++)
            {
                float radius = MathF.Sqrt(-2f * TorchMath.CephesLog(1f - block[j]));
                var (sin, cos) = TorchMath.CephesSinCos(twoPi * block[j + 8]);
                block[j] = radius * cos;
                block[j + 8] = radius * sin;
            }
            return;
        }
        // The portable kernel: θ computed in float64 and rounded once, the C library's logf, cosf, sinf.
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1 - block[j];
            float u2 = block[j + 8];
            float radius = MathF.Sqrt(-2 * MathF.Log(u1));
            float theta = (float)(2.0f * Math.PI * u2);
            block[j] = radius * MathF.Cos(theta);
            block[j + 8] = radius * MathF.Sin(theta);
        }
    }

    private void Twist()
    {
        for (int k = 0; k < StateSize; k++)
        {
            uint y = (_state[k] & UpperMask) | (_state[(k + 1) % StateSize] & LowerMask);
            uint mag = (y & 1U) != 0 ? MatrixA : 0U;
            _state[k] = _state[(k + ShiftSize) % StateSize] ^ (y >> 1) ^ mag;
        }
        _next = 0;
    }
}

/// <summary>
/// The elementary functions PyTorch's random kernels evaluate themselves, reproduced operation by operation so that
/// the results are identical to the last bit on every platform.
/// </summary>
internal static class TorchMath
{
    // Cephes single-precision logarithm (PyTorch's log256_ps): the coefficients are float32 roundings of the
    // double literals, as the C++ initialisers round them.
    private static readonly float SmallestNormal = BitConverter.Int32BitsToSingle(0x00800000);
    private static readonly float SqrtHalf = (float)0.707106781186547524;
    private static readonly float[] LogPolynomial =
    [
        (float)7.0376836292E-2, (float)-1.1514610310E-1, (float)1.1676998740E-1, (float)-1.2420140846E-1,
        (float)1.4249322787E-1, (float)-1.6668057665E-1, (float)2.0000714765E-1, (float)-2.4999993993E-1,
        (float)3.3333331174E-1,
    ];
    private static readonly float Ln2Low = (float)-2.12194440e-4;
    private static readonly float Ln2High = (float)0.693359375;

    /// <summary>
    /// ln x for x in (0, 1] as PyTorch's AVX2 kernel computes it: x = m·2^e with m in [√½, √2), a degree-9 polynomial
    /// in m − 1, and every multiply followed by an add fused the way GCC contracts the intrinsics (verified against libtorch).
    /// </summary>
    public static float CephesLog(float x)
    {
        x = MathF.Max(x, SmallestNormal);                              // no denormals
        int bits = BitConverter.SingleToInt32Bits(x);
        float e = ((bits >>> 23) - 0x7f) + 1f;                         // exponent for a mantissa in [0.5, 1)
        float m = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | 0x3f000000);
        bool small = m < SqrtHalf;                                     // move m to [√½, √2): 2m − 1 instead of m − 1
        float t = small ? m : 0f;
        m -= 1f;
        e -= small ? 1f : 0f;
        m += t;
        float z = m * m;
        float y = LogPolynomial[0];
        for (int i = 1; i < LogPolynomial.Length; i++)
            y = MathF.FusedMultiplyAdd(y, m, LogPolynomial[i]);
        y *= m;
        y = MathF.FusedMultiplyAdd(y, z, e * Ln2Low);
        y = MathF.FusedMultiplyAdd(-z, 0.5f, y);
        return MathF.FusedMultiplyAdd(e, Ln2High, m + y);
    }

    // Cephes single-precision sine and cosine (PyTorch's sincos256_ps).
    private static readonly float FourOverPi = (float)1.27323954473516;
    private static readonly float MinusPiQuarter1 = (float)-0.78515625;
    private static readonly float MinusPiQuarter2 = (float)-2.4187564849853515625e-4;
    private static readonly float MinusPiQuarter3 = (float)-3.77489497744594108e-8;
    private static readonly float Sin0 = (float)-1.9515295891E-4, Sin1 = (float)8.3321608736E-3, Sin2 = (float)-1.6666654611E-1;
    private static readonly float Cos0 = (float)2.443315711809948E-005, Cos1 = (float)-1.388731625493765E-003, Cos2 = (float)4.166664568298827E-002;

    /// <summary>
    /// sin x and cos x as PyTorch's AVX2 kernel computes them: reduction by a multiple j of π/4 in three parts, then
    /// the sine or cosine polynomial on [−π/4, π/4] chosen by j, with the same fused multiply-adds as libtorch.
    /// </summary>
    public static (float Sin, float Cos) CephesSinCos(float x)
    {
        uint sinSign = BitConverter.SingleToUInt32Bits(x) & 0x80000000U;
        x = MathF.Abs(x);
        int j = (int)(x * FourOverPi);                                 // truncation, as cvttps2dq
        j = (j + 1) & ~1;
        float y = j;
        sinSign ^= (uint)(j & 4) << 29;
        uint cosSign = (uint)(~(j - 2) & 4) << 29;
        bool sinePolynomialForSine = (j & 2) == 0;
        x = MathF.FusedMultiplyAdd(y, MinusPiQuarter1, x);
        x = MathF.FusedMultiplyAdd(y, MinusPiQuarter2, x);
        x = MathF.FusedMultiplyAdd(y, MinusPiQuarter3, x);
        float z = x * x;
        float c = MathF.FusedMultiplyAdd(MathF.FusedMultiplyAdd(Cos0, z, Cos1), z, Cos2) * z;
        c = MathF.FusedMultiplyAdd(c, z, -(z * 0.5f)) + 1f;
        float s = MathF.FusedMultiplyAdd(Sin0, z, Sin1);
        s = MathF.FusedMultiplyAdd(s, z, Sin2) * z;
        s = MathF.FusedMultiplyAdd(s, x, x);
        float sin = sinePolynomialForSine ? 0f + s : c + 0f;
        float cos = sinePolynomialForSine ? c - 0f + (s - s) : (c - c) + (s - 0f);
        return (FlipSign(sin, sinSign), FlipSign(cos, cosSign));
    }

    private static float FlipSign(float value, uint sign) =>
        BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(value) ^ sign);

    // fdlibm's log1p as glibc builds it for x86-64 CPUs with FMA (the variant its loader picks on such a CPU, so the
    // one libtorch calls): the polynomial split into even and odd parts, and the multiply-adds GCC fuses, fused here.
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Two54 = 1.80143985094819840000e+16;
    private const double Lp1 = 6.666666666666735130e-01;
    private const double Lp2 = 3.999999999940941908e-01;
    private const double Lp3 = 2.857142874366239149e-01;
    private const double Lp4 = 2.222219843214978396e-01;
    private const double Lp5 = 1.818357216161805012e-01;
    private const double Lp6 = 1.531383769920937332e-01;
    private const double Lp7 = 1.479819860511658591e-01;

    /// <summary>
    /// ln(1 + x) to within one unit in the last place, evaluated operation for operation as glibc's <c>log1p</c> on an
    /// x86-64 CPU with FMA, so that the float64 Box–Muller path of <c>randn</c> gets libtorch's value on every platform.
    /// </summary>
    public static double Log1P(double x)
    {
        int hx = HighWord(x);
        int ax = hx & 0x7fffffff;
        int k = 1, hu = 0;
        double f = 0, c = 0;
        if (hx < 0x3FDA827A)                                           // 1 + x < √2
        {
            if (ax >= 0x3ff00000)                                      // x <= -1
                return x == -1.0 ? double.NegativeInfinity : double.NaN;
            if (ax < 0x3e200000)                                       // |x| < 2^-29
                return Two54 + x > 0 && ax < 0x3c900000 ? x : Math.FusedMultiplyAdd(-(x * x), 0.5, x);
            if (hx > 0 || hx <= unchecked((int)0xbfd2bec3))             // √½ − 1 <= x < √2 − 1: no reduction
            {
                k = 0;
                f = x;
                hu = 1;
            }
        }
        if (hx >= 0x7ff00000)
            return x + x;
        if (k != 0)
        {
            double u;
            if (hx < 0x43400000)
            {
                u = 1.0 + x;
                hu = HighWord(u);
                k = (hu >> 20) - 1023;
                c = k > 0 ? 1.0 - (u - x) : x - (u - 1.0);             // what 1 + x rounded away, relative to u
                c /= u;
            }
            else
            {
                u = x;
                hu = HighWord(u);
                k = (hu >> 20) - 1023;
                c = 0;
            }
            hu &= 0x000fffff;
            if (hu < 0x6a09e)
                u = WithHighWord(u, hu | 0x3ff00000);                   // u in [1, √2)
            else
            {
                k += 1;
                u = WithHighWord(u, hu | 0x3fe00000);                   // u in [√½, 1)
                hu = (0x00100000 - hu) >> 2;
            }
            f = u - 1.0;
        }
        double dk = k;
        double hfsq = 0.5 * f * f;
        if (hu == 0)                                                   // |f| < 2^-20
        {
            if (f == 0)
                return k == 0 ? 0 : Math.FusedMultiplyAdd(dk, Ln2Hi, Math.FusedMultiplyAdd(dk, Ln2Lo, c));
            double r0 = hfsq * Math.FusedMultiplyAdd(-f, 0.66666666666666666, 1.0);
            return k == 0 ? f - r0 : Math.FusedMultiplyAdd(dk, Ln2Hi, -((r0 - Math.FusedMultiplyAdd(dk, Ln2Lo, c)) - f));
        }
        double s = f / (2.0 + f);
        double z = s * s;
        double z2 = z * z, z4 = z2 * z2, z6 = z2 * z4;
        double r = Math.FusedMultiplyAdd(z, Lp1, z2 * Math.FusedMultiplyAdd(z, Lp3, Lp2));
        r = Math.FusedMultiplyAdd(z4, Math.FusedMultiplyAdd(z, Lp5, Lp4), r);
        r = Math.FusedMultiplyAdd(z6, Math.FusedMultiplyAdd(z, Lp7, Lp6), r);
        double m = (r + hfsq) * s;
        return k == 0 ? f - (hfsq - m) : Math.FusedMultiplyAdd(dk, Ln2Hi, -((hfsq - (Math.FusedMultiplyAdd(dk, Ln2Lo, c) + m)) - f));
    }

    private static int HighWord(double x) => (int)(BitConverter.DoubleToUInt64Bits(x) >> 32);

    private static double WithHighWord(double x, int high) =>
        BitConverter.UInt64BitsToDouble(((ulong)(uint)high << 32) | (BitConverter.DoubleToUInt64Bits(x) & 0xffffffffUL));
}
