using System.Diagnostics;
using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// Why the share of the read-bandwidth limit that one decode step reaches depends on the cache length: MHA (12 heads of
/// 64, one query, one thread) at growing T, each step timed three ways in the same round — <b>cold</b> (right after a
/// read of a 256 MiB buffer, 8× the L3), <b>64 MB flush</b> (right after a read of a 64 MiB buffer, what notebook 08
/// does) and <b>hot</b> (right after the same step) — beside the one-thread probe (a sum over 256 MiB). Times are the
/// calling thread's processor time (<see cref="ThreadClock"/>: CLOCK_THREAD_CPUTIME_ID; on one thread the step runs on the calling
/// thread only), so the other processes' turns on the core are not counted; each cell is the fastest of the rounds.
/// </summary>
internal static class DecodeCurve
{
    private const int Heads = 12, HeadDim = 64;

    public static void Run(int rounds, int[] cacheLengths)
    {
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}; one thread, MHA {Heads} heads × {HeadDim}, one query, {rounds} rounds (fastest)");
        int longest = cacheLengths.Max();
        var key = Inputs.Uniform(Heads * longest * HeadDim, 2);
        var value = Inputs.Uniform(key.Length, 3);
        var query = Inputs.Uniform(Heads * HeadDim, 1);
        var output = new float[query.Length];
        var big = Inputs.Uniform(64 << 20, 4);          // 256 MiB
        var medium = Inputs.Uniform(16 << 20, 5);       // 64 MiB
        var options = new FlashAttentionOptions { MaxDegreeOfParallelism = 1, Simd = Inputs.Simd };
        double probe = 0;
        Console.WriteLine("| T | K+V MB | cold µs | cold share | after 64 MB µs | after 64 MB share | hot µs | hot GB/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var rows = new List<(int T, double Bytes, double Cold, double Medium, double Hot)>();
        foreach (int cache in cacheLengths)
        {
            int floats = Heads * cache * HeadDim;
            void Step() => FlashAttention.Decode(query, key.AsSpan(0, floats), value.AsSpan(0, floats), output, 1, Heads, Heads, 1, cache, HeadDim, options);
            Step();
            double cold = double.MaxValue, afterMedium = double.MaxValue, hot = double.MaxValue;
            for (int r = 0; r < rounds; r++)
            {
                probe = Math.Max(probe, MemoryBandwidth.Read(big, 1).GigabytesPerSecond);   // by thread time, like the steps
                cold = Math.Min(cold, ThreadClock.Seconds(Step));
                MemoryBandwidth.Read(medium, 1);
                afterMedium = Math.Min(afterMedium, ThreadClock.Seconds(Step));
                hot = Math.Min(hot, ThreadClock.Seconds(Step));
            }
            rows.Add((cache, 2.0 * floats * sizeof(float), cold, afterMedium, hot));
        }
        foreach (var (t, bytes, cold, afterMedium, hot) in rows)
            Console.WriteLine($"| {t} | {bytes / 1e6:F1} | {cold * 1e6:F0} | {bytes / cold / 1e9 / probe:P0} | {afterMedium * 1e6:F0} | {bytes / afterMedium / 1e9 / probe:P0} | {hot * 1e6:F0} | {bytes / hot / 1e9:F1} |");
        Console.WriteLine($"probe: {probe:F1} GB/s (one thread, 256 MiB sum, fastest pass by thread time); shares are of this figure");
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
    }
}

/// <summary>Tools behind the decode profile in benchmarks/README.md: a loop for <c>perf record</c> and a two-stream read probe.</summary>
internal static class DecodeLoop
{
    /// <summary>
    /// The read probe the way the decode kernel reads: two 100 MiB buffers (like K and V) read alternately in chunks of
    /// <paramref name="chunks"/> floats each (the kernel's blocks are 64 keys × 64 features = 4,096 floats = 16 KiB),
    /// by thread time, best of <paramref name="rounds"/>.
    /// </summary>
    public static void Streams(int rounds, int[] chunks)
    {
        var a = Inputs.Uniform(25 << 20, 6);
        var b = Inputs.Uniform(25 << 20, 7);
        foreach (int chunk in chunks)
        {
            double best = 0;
            float total = 0;
            for (int r = 0; r < rounds; r++)
            {
                double seconds = ThreadClock.Seconds(() =>
                {
                    for (int start = 0; start < a.Length; start += chunk)
                    {
                        int n = Math.Min(chunk, a.Length - start);
                        total += MemoryBandwidth.Read(a.AsSpan(start, n), 1).Sum;
                        total += MemoryBandwidth.Read(b.AsSpan(start, n), 1).Sum;
                    }
                });
                best = Math.Max(best, 2.0 * a.Length * 4 / seconds / 1e9);
            }
            Console.WriteLine($"two streams, chunks of {chunk * 4 / 1024} KiB: {best:F1} GB/s ({total:F0})");
        }
    }

    /// <summary>Decode steps (12 query heads × 64, one query) in a loop on <paramref name="threads"/> threads for <paramref name="seconds"/>: run under <c>perf record</c> with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 (so perf can name the JIT's code).</summary>
    public static void Run(int cache, int kvHeads, int threads, double seconds)
    {
        const int heads = 12, headDim = 64;
        var key = Inputs.Uniform(kvHeads * cache * headDim, 2);
        var value = Inputs.Uniform(key.Length, 3);
        var query = Inputs.Uniform(heads * headDim, 1);
        var output = new float[query.Length];
        var options = new FlashAttentionOptions { MaxDegreeOfParallelism = threads, Simd = Inputs.Simd };
        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        int steps = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            FlashAttention.Decode(query, key, value, output, 1, heads, kvHeads, 1, cache, headDim, options);
            steps++;
        }
        Console.WriteLine($"{steps} steps of T = {cache}, kvHeads {kvHeads}, {threads} thread(s): {watch.Elapsed.TotalMilliseconds * 1e3 / steps:F0} µs per step (wall), {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1e3 / steps:F0} µs of CPU (all threads)");
    }
}
