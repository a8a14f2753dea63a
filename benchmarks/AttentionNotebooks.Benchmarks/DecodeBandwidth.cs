using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The machine's read-bandwidth limit: a STREAM-style sum (McCalpin's STREAM, read-only variant) over a buffer far
/// larger than the last-level cache, on 1 thread and on every core; the best of several passes in GB/s (10⁹ bytes/s).
/// </summary>
internal static class ReadBandwidth
{
    /// <summary>256 MiB: eight times a 32 MiB L3.</summary>
    private const int Floats = 64 << 20;

    private static float[]? s_buffer;

    /// <summary>GB/s reading the buffer once per pass, best of <paramref name="passes"/>, on <paramref name="threads"/> threads.</summary>
    public static double Measure(int threads, int passes = 7)
    {
        var buffer = s_buffer ??= Inputs.Uniform(Floats, 11);
        double best = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            var watch = Stopwatch.StartNew();
            float total = 0;
            object gate = new();
            int parts = threads;
            Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = threads }, part =>
            {
                int length = Floats / parts;
                float s = Sum(buffer.AsSpan(part * length, length));
                lock (gate)
                    total += s;
            });
            double seconds = watch.Elapsed.TotalSeconds;
            if (float.IsNaN(total))
                throw new InvalidOperationException("unreachable: keeps the sum alive");
            best = Math.Max(best, (double)Floats * sizeof(float) / seconds / 1e9);
        }
        return best;
    }

    /// <summary>Σ x with 4 independent vector accumulators (enough to keep the loads, not the adds, the limit).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum(ReadOnlySpan<float> x)
    {
        int w = Vector256<float>.Count, i = 0;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        ref float start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        for (; i + 4 * w <= x.Length; i += 4 * w)
        {
            a0 += Vector256.LoadUnsafe(ref start, (nuint)i);
            a1 += Vector256.LoadUnsafe(ref start, (nuint)(i + w));
            a2 += Vector256.LoadUnsafe(ref start, (nuint)(i + 2 * w));
            a3 += Vector256.LoadUnsafe(ref start, (nuint)(i + 3 * w));
        }
        float sum = Vector256.Sum(a0 + a1 + a2 + a3);
        for (; i < x.Length; i++)
            sum += x[i];
        return sum;
    }
}

/// <summary>
/// <see cref="FlashAttention.Decode"/> with one new query against caches of growing length, for MHA, GQA and MQA
/// (12 query heads × 64, kvHeads 12, 6, 3, 1): time per call (median) and the bytes of keys and values it reads ÷ that
/// time, as a share of <see cref="ReadBandwidth"/>'s limit on the same thread count.
/// </summary>
internal static class DecodeBenchmark
{
    public static void Run(int[] cacheLengths, int rounds)
    {
        const int heads = 12, headDim = 64, queries = 1;
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            double limit = ReadBandwidth.Measure(threads);
            Console.WriteLine();
            Console.WriteLine($"read bandwidth, {threads} thread(s): {limit:F1} GB/s (STREAM-style sum over 256 MiB, best of 7)");
            Console.WriteLine("| cache T | kvHeads (g) | µs per token (median) | GB/s read | share of the limit |");
            Console.WriteLine("|---|---|---|---|---|");
            var options = new FlashAttentionOptions { MaxDegreeOfParallelism = threads, Simd = Inputs.Simd };
            foreach (int cache in cacheLengths)
                foreach (int kvHeads in new[] { 12, 6, 3, 1 })
                {
                    float[] q = Inputs.Uniform(heads * queries * headDim, 1), k = Inputs.Uniform(kvHeads * cache * headDim, 2);
                    float[] v = Inputs.Uniform(k.Length, 3), o = new float[q.Length];
                    var times = new double[rounds];
                    FlashAttention.Decode(q, k, v, o, 1, heads, kvHeads, queries, cache, headDim, options);   // warm
                    for (int r = 0; r < rounds; r++)
                    {
                        var watch = Stopwatch.StartNew();
                        FlashAttention.Decode(q, k, v, o, 1, heads, kvHeads, queries, cache, headDim, options);
                        times[r] = watch.Elapsed.TotalSeconds;
                    }
                    Array.Sort(times);
                    double median = times[rounds / 2], bytes = 2.0 * kvHeads * cache * headDim * sizeof(float);
                    double rate = bytes / median / 1e9;
                    Console.WriteLine($"| {cache} | {kvHeads} ({heads / kvHeads}) | {median * 1e6:F0} | {rate:F1} | {rate / limit:P0} |");
                }
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}
