using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// A seeded random generator that reproduces PyTorch's CPU generator, so that the course prints the same numbers as
/// PyTorch after <c>torch.manual_seed(seed)</c>.
/// </summary>
/// <remarks>
/// <para>PyTorch's CPU generator is a 32-bit Mersenne Twister (mt19937) seeded with the low 32 bits of the seed.
/// <c>torch.rand</c> takes one 32-bit draw per float32 element, keeps its low 24 bits and scales them by 2^-24, so
/// every value is a multiple of 2^-24 in [0, 1). Elements are drawn in row-major order (the tensor's memory order).</para>
/// <para>Pass one generator to everything you build in sequence, exactly as PyTorch's global generator is shared:
/// <c>torch.manual_seed(123)</c> followed by three <c>nn.Linear</c> layers is one generator seeded with 123 passed to
/// three <see cref="Linear"/> constructors. The library never uses a hidden global generator.</para>
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

    private readonly uint[] _state = new uint[StateSize];
    private int _next;
    private double? _nextDoubleNormal;

    /// <summary>A generator in the state PyTorch's CPU generator has after <c>torch.manual_seed(seed)</c>.</summary>
    /// <param name="seed">The seed; only its low 32 bits reach the Mersenne Twister, as in PyTorch.</param>
    public TorchGenerator(ulong seed = DefaultSeed) => ManualSeed(seed);

    /// <summary>The seed this generator was last seeded with.</summary>
    public ulong InitialSeed { get; private set; }

    /// <summary>Re-seeds the generator: the equivalent of <c>torch.manual_seed(seed)</c>.</summary>
    /// <param name="seed">The seed; only its low 32 bits reach the Mersenne Twister, as in PyTorch.</param>
    public void ManualSeed(ulong seed)
    {
        InitialSeed = seed;
        _nextDoubleNormal = null;
        _state[0] = (uint)(seed & 0xffffffffUL);
        for (uint j = 1; j < StateSize; j++)
            _state[j] = 1812433253U * (_state[j - 1] ^ (_state[j - 1] >> 30)) + j;
        _next = StateSize;
    }

    /// <summary>The next raw 32-bit draw of the Mersenne Twister (PyTorch's <c>generator->random()</c>).</summary>
    public uint NextUInt32()
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

    /// <summary>A 64-bit draw made of two 32-bit draws, the first in the high half (PyTorch's <c>random64()</c>).</summary>
    public ulong NextUInt64()
    {
        ulong high = NextUInt32();
        ulong low = NextUInt32();
        return (high << 32) | low;
    }

    /// <summary>One float32 in [0, 1): the low 24 bits of a 32-bit draw times 2^-24 (one element of <c>torch.rand</c>).</summary>
    public float NextFloat() => (NextUInt32() & 0xffffffU) * (1.0f / (1 << 24));

    /// <summary>One float64 in [0, 1): the low 53 bits of a 64-bit draw times 2^-53.</summary>
    public double NextDouble() => (NextUInt64() & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));

    /// <summary>One float32 uniform in [from, to), drawn as PyTorch's <c>uniform_(from, to)</c> draws each float32 element.</summary>
    public float NextUniform(float from, float to) => NextFloat() * (to - from) + from;

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
        if (!(from <= to) || !float.IsFinite(from) || !float.IsFinite(to))
            throw new ArgumentException($"uniform bounds must be finite with from <= to, but are from = {from}, to = {to}.");
        var m = Matrix<float>.Build.Dense(rows, cols);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                m[i, j] = NextUniform(from, to);
        return m;
    }

    /// <summary>The equivalent of <c>torch.empty(length).uniform_(from, to)</c>.</summary>
    /// <returns>A vector of <paramref name="length"/> elements.</returns>
    public Vector<float> UniformVector(int length, float from, float to)
    {
        Check.Positive(length, nameof(length));
        return Uniform(1, length, from, to).Row(0);
    }

    /// <summary>
    /// The equivalent of <c>torch.randn(rows, cols)</c>: standard normal float32 values in row-major order.
    /// </summary>
    /// <remarks>
    /// PyTorch takes two paths. For fewer than 16 elements it draws each value with a float64 Box–Muller transform
    /// from two 53-bit uniforms, returning the cosine branch and caching the sine branch for the next value (the cache
    /// lives in the generator and survives between calls until the next <see cref="ManualSeed"/>). For 16 or more
    /// elements it first fills the tensor with <c>torch.rand</c> values, then transforms each block of 16 in float32:
    /// element j and j+8 of a block become r·cos θ and r·sin θ with r = √(−2 ln(1 − u_j)) and θ = 2π·u_{j+8}; when the
    /// size is not a multiple of 16, the last 16 elements are redrawn and transformed again.
    /// </remarks>
    /// <returns>A (rows, cols) matrix.</returns>
    public Matrix<float> Randn(int rows, int cols)
    {
        Check.Positive(rows, nameof(rows));
        Check.Positive(cols, nameof(cols));
        var values = new float[rows * cols];
        if (values.Length >= 16)
            NormalFill(values);
        else
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)NextDoubleNormal();
        return Matrix<float>.Build.Dense(rows, cols, (i, j) => values[i * cols + j]);
    }

    private double NextDoubleNormal()
    {
        if (_nextDoubleNormal is double cached)
        {
            _nextDoubleNormal = null;
            return cached;
        }
        double u1 = NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Log1P(-u2));
        double theta = 2.0 * Math.PI * u1;
        _nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    /// <summary>ln(1 + x), accurate for small x (Goldberg's correction; the float32 result matches C's <c>log1p</c>).</summary>
    private static double Log1P(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    private void NormalFill(float[] data)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] = NextFloat();
        for (int i = 0; i + 16 <= data.Length; i += 16)
            NormalFill16(data.AsSpan(i, 16));
        if (data.Length % 16 != 0)
        {
            var tail = data.AsSpan(data.Length - 16, 16);
            for (int i = 0; i < 16; i++)
                tail[i] = NextFloat();
            NormalFill16(tail);
        }
    }

    private static void NormalFill16(Span<float> block)
    {
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
