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
/// (64 features per head; 12 query heads with kvHeads 12, 6, 3, 1 and 16 query heads with kvHeads 2: g = 1, 2, 4, 12 and 8),
/// side by side with libtorch's SDPA on the same data and with the read-bandwidth probe, all interleaved round by round
/// so that a change of load hits every column alike. Reports the median time per call, the bytes of keys and values it
/// must read ÷ that time as a share of the probe's limit (best pass of the run), the time relative to MHA's (median of the
/// per-round ratios, against the bytes' ratio), and ours ÷ libtorch's. "CPU µs" is the process's processor time during
/// our call (on 1 thread that thread's busy time, memory stalls included): under load it stays close to the quiet
/// machine's time while the wall clock stretches with the other processes' share of the core.
/// </summary>
/// <remarks>
/// libtorch has no grouped-query flag in TorchSharp 0.107, but one new query needs no mask, so its GQA call is SDPA of
/// the group's g query heads as g query rows of their key/value head: q viewed as (1, kvHeads, g, 64) against K, V of
/// (1, kvHeads, T, 64) — the same bytes, no copy of the cache.
/// </remarks>
internal static class DecodeBenchmark
{
    private static readonly (int Heads, int KvHeads)[] Shapes = [(12, 12), (12, 6), (12, 3), (16, 2), (12, 1)];

    public static void Run(int[] cacheLengths, int rounds)
    {
        const int headDim = 64, queries = 1;
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            TorchAttention.UseThreads(threads);
            var options = new FlashAttentionOptions { MaxDegreeOfParallelism = threads, Simd = Inputs.Simd };
            foreach (int cache in cacheLengths)
            {
                int n = Shapes.Length;
                var q = new float[n][];
                var k = new float[n][];
                var v = new float[n][];
                var o = new float[n][];
                var tq = new TorchSharp.torch.Tensor[n];
                var tk = new TorchSharp.torch.Tensor[n];
                var tv = new TorchSharp.torch.Tensor[n];
                var ours = new double[n][];
                var torch = new double[n][];
                var cpu = new double[n][];
                double worst = 0;
                for (int c = 0; c < n; c++)
                {
                    var (heads, kvHeads) = Shapes[c];
                    q[c] = Inputs.Uniform(heads * queries * headDim, 1);
                    k[c] = Inputs.Uniform(kvHeads * cache * headDim, 2);
                    v[c] = Inputs.Uniform(k[c].Length, 3);
                    o[c] = new float[q[c].Length];
                    tq[c] = TorchAttention.Tensor(q[c], 1, kvHeads, heads / kvHeads * queries, headDim);
                    tk[c] = TorchAttention.Tensor(k[c], 1, kvHeads, cache, headDim);
                    tv[c] = TorchAttention.Tensor(v[c], 1, kvHeads, cache, headDim);
                    FlashAttention.Decode(q[c], k[c], v[c], o[c], 1, heads, kvHeads, queries, cache, headDim, options);   // warm, and check
                    using var reference = TorchAttention.Sdpa(tq[c], tk[c], tv[c], causal: false);
                    float[] expected = reference.data<float>().ToArray();
                    for (int x = 0; x < expected.Length; x++)
                        worst = Math.Max(worst, Math.Abs(expected[x] - o[c][x]));
                    ours[c] = new double[rounds];
                    torch[c] = new double[rounds];
                    cpu[c] = new double[rounds];
                }

                double limit = 0;
                for (int r = 0; r < rounds; r++)
                {
                    limit = Math.Max(limit, ReadBandwidth.Measure(threads, passes: 1));
                    for (int c = 0; c < n; c++)
                    {
                        var (heads, kvHeads) = Shapes[c];
                        var process = Process.GetCurrentProcess();
                        var before = process.TotalProcessorTime;
                        var watch = Stopwatch.StartNew();
                        FlashAttention.Decode(q[c], k[c], v[c], o[c], 1, heads, kvHeads, queries, cache, headDim, options);
                        ours[c][r] = watch.Elapsed.TotalSeconds;
                        process.Refresh();
                        cpu[c][r] = (process.TotalProcessorTime - before).TotalSeconds;
                        watch.Restart();
                        using (var result = TorchAttention.Sdpa(tq[c], tk[c], tv[c], causal: false))
                            torch[c][r] = watch.Elapsed.TotalSeconds;
                    }
                }

                Console.WriteLine();
                Console.WriteLine($"cache T = {cache}, {threads} thread(s): read bandwidth {limit:F1} GB/s (best of {rounds} STREAM-style passes over 256 MiB, one per round); max |ours − SDPA| = {worst:E1}");
                Console.WriteLine("| heads / kvHeads (g) | K+V MB | µs per token (median) | GB/s read | share of the limit | time ÷ MHA's | bytes ÷ MHA's | CPU µs | CPU ÷ MHA's | SDPA µs | ours ÷ SDPA |");
                Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
                double mhaBytes = Bytes(Shapes[0].KvHeads, cache, headDim);
                for (int c = 0; c < n; c++)
                {
                    var (heads, kvHeads) = Shapes[c];
                    double bytes = Bytes(kvHeads, cache, headDim), median = Median(ours[c]), rate = bytes / median / 1e9;
                    double toMha = Median(ours[c].Select((t, r) => t / ours[0][r]).ToArray());
                    double cpuToMha = Median(cpu[c].Select((t, r) => t / cpu[0][r]).ToArray());
                    double toTorch = Median(ours[c].Select((t, r) => t / torch[c][r]).ToArray());
                    Console.WriteLine($"| {heads} / {kvHeads} ({heads / kvHeads}) | {bytes / 1e6:F1} | {median * 1e6:F0} | {rate:F1} | {rate / limit:P0} | {toMha:F2} | {bytes / mhaBytes:F2} | {Median(cpu[c]) * 1e6:F0} | {cpuToMha:F2} | {Median(torch[c]) * 1e6:F0} | {toTorch:F2} |");
                    tq[c].Dispose();
                    tk[c].Dispose();
                    tv[c].Dispose();
                }
            }
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }

    /// <summary>Bytes of keys and values one decode step must read: 2 · kvHeads · T · headDim floats.</summary>
    private static double Bytes(int kvHeads, int cache, int headDim) => 2.0 * kvHeads * cache * headDim * sizeof(float);

    private static double Median(double[] values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
