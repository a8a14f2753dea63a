using System.Diagnostics;
using System.Runtime.Intrinsics;
using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The processor's multiply-add peak per vector width on one thread, with the kernels' own multiply-add
/// (<see cref="ISimd{TVec}.MultiplyAdd"/>: fused on the vector paths, a·b + c on the scalar one): 12 independent
/// accumulators (enough to hide the latency on two pipes), no memory traffic. The ceiling every kernel's GFLOP/s is
/// measured against: a ratio to libtorch below time(libtorch) · peak-fraction cannot be reached on that width.
/// </summary>
internal static class PeakFlops
{
    public static void Run()
    {
        Console.WriteLine($"| width | floats per register | GFLOP/s, 1 thread (best of 5 runs of 0.3 s) | GFLOP/s, {Environment.ProcessorCount} threads at once (sum, best of 5) |");
        Console.WriteLine("|---|---|---|---|");
        if (Vector512.IsHardwareAccelerated)
            Report("Vector512", Loop<Simd512, Vector512<float>>);
        if (Vector256.IsHardwareAccelerated)
            Report("Vector256", Loop<Simd256, Vector256<float>>);
        if (Vector128.IsHardwareAccelerated)
            Report("Vector128", Loop<Simd128, Vector128<float>>);
        Report("Scalar (a·b + c)", Loop<SimdScalar, float>);
    }

    private static void Report(string name, Func<int, (double Flops, int Lanes)> loop)
    {
        const int steps = 20_000_000;
        int lanes = loop(steps).Lanes;
        double best = 0, bestAll = 0;
        int threads = Environment.ProcessorCount;
        for (int run = 0; run < 5; run++)
        {
            best = Math.Max(best, Rate(loop, steps));
            // Every core at once, each on its own thread: the ceiling of a kernel that runs on all of them (cores that
            // share their multiply-add units, as hyperthreads do, give less than threads × the one-thread figure).
            var rates = new double[threads];
            var workers = Enumerable.Range(0, threads).Select(t => new Thread(() => rates[t] = Rate(loop, steps))).ToArray();
            foreach (var worker in workers)
                worker.Start();
            foreach (var worker in workers)
                worker.Join();
            bestAll = Math.Max(bestAll, rates.Sum());
        }
        Console.WriteLine($"| {name} | {lanes} | {best:F1} | {bestAll:F1} |");
    }

    /// <summary>GFLOP/s of <paramref name="loop"/> run for 0.3 s on the calling thread.</summary>
    private static double Rate(Func<int, (double Flops, int Lanes)> loop, int steps)
    {
        var watch = Stopwatch.StartNew();
        double flops = 0;
        while (watch.Elapsed.TotalSeconds < 0.3)
            flops += loop(steps).Flops;
        return flops / watch.Elapsed.TotalSeconds / 1e9;
    }

    /// <summary><see cref="ComputePeak.Loop"/> (the library's probe, which notebook 08 runs) at one width: the FLOPs and the lanes per register.</summary>
    private static (double Flops, int Lanes) Loop<TSimd, TVec>(int steps)
        where TSimd : struct, ISimd<TVec>
        where TVec : unmanaged
    {
        var (flops, result) = ComputePeak.Loop<TSimd, TVec>(steps);
        Sink = result;
        return (flops, TSimd.Width);
    }

    /// <summary>Keeps the loops' results alive.</summary>
    public static float Sink;
}
