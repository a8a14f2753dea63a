using AttentionNotebooks.Efficient;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Benchmarks;

/// <summary>Seeded inputs shared by every rung, so all rungs compute the same function on the same numbers.</summary>
public static class Inputs
{
    /// <summary>Uniform values in [−1, 1).</summary>
    public static float[] Uniform(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>The teaching module for a shape (eval mode, no dropout, biases on the projections like GPT-2).</summary>
    public static MultiHeadAttention TeachingModule(AttentionShape shape) =>
        new(shape.DModel, shape.DModel, shape.Tokens, 0f, shape.Heads, qkvBias: true, new TorchGenerator(42)) { Training = false };

    /// <summary>Row-major (rows, cols) copy of a MathNet matrix.</summary>
    public static float[] RowMajor(Matrix<float> m)
    {
        var values = new float[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                values[i * m.ColumnCount + j] = m[i, j];
        return values;
    }

    /// <summary>(b·t, dModel) row-major input as a list of (t, dModel) matrices.</summary>
    public static Matrix<float>[] AsBatch(float[] x, AttentionShape shape) =>
        Enumerable.Range(0, shape.Batch)
            .Select(b => Matrix<float>.Build.Dense(shape.Tokens, shape.DModel, (t, i) => x[(b * shape.Tokens + t) * shape.DModel + i]))
            .ToArray();

    /// <summary>
    /// The kernels' instruction set for every fused rung and command: the environment variable ATTENTION_SIMD (Auto,
    /// Vector512, Vector256, Vector128 or Scalar; default Auto), so that one process measures one path against libtorch
    /// with the matching ATEN_CPU_CAPABILITY (see benchmarks/README.md).
    /// </summary>
    public static SimdPath Simd { get; } = ParseSimd(Environment.GetEnvironmentVariable("ATTENTION_SIMD"));

    private static SimdPath ParseSimd(string? value) =>
        string.IsNullOrEmpty(value) ? SimdPath.Auto
        : Enum.TryParse<SimdPath>(value, ignoreCase: true, out var path) && Enum.IsDefined(path) ? path
        : throw new ArgumentException($"ATTENTION_SIMD is \"{value}\": use one of {string.Join(", ", Enum.GetNames<SimdPath>())}.");

    private static readonly FlashAttentionOptions OneThread = new() { MaxDegreeOfParallelism = 1, Simd = Simd };
    private static readonly FlashAttentionOptions AllCores = new() { MaxDegreeOfParallelism = Environment.ProcessorCount, Simd = Simd };

    /// <summary>Options for one thread or every core on <see cref="Simd"/> (cached, so the measured call allocates nothing of the benchmark's own).</summary>
    public static FlashAttentionOptions Threads(int threads) =>
        threads == 1 ? OneThread : threads == Environment.ProcessorCount ? AllCores : new() { MaxDegreeOfParallelism = threads, Simd = Simd };
}
