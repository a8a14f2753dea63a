using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The processor's fused multiply-add peak per vector width on one thread: 12 independent accumulators (enough to
/// hide the FMA latency on two pipes), no memory traffic. The ceiling every kernel's GFLOP/s is measured against:
/// a ratio to libtorch below time(libtorch) · peak-fraction cannot be reached on that width.
/// </summary>
internal static class PeakFlops
{
    public static void Run()
    {
        Console.WriteLine("| width | floats per register | GFLOP/s, 1 thread (best of 5 runs of 0.3 s) |");
        Console.WriteLine("|---|---|---|");
        if (Vector512.IsHardwareAccelerated)
            Report("Vector512", 16, () => Loop512(20_000_000));
        if (Vector256.IsHardwareAccelerated)
            Report("Vector256", 8, () => Loop256(20_000_000));
        if (Vector128.IsHardwareAccelerated)
            Report("Vector128", 4, () => Loop128(20_000_000));
        Report("Scalar (a·b + c)", 1, () => LoopScalar(20_000_000));
    }

    private static void Report(string name, int lanes, Func<double> loop)
    {
        loop();
        double best = 0;
        for (int run = 0; run < 5; run++)
        {
            var watch = Stopwatch.StartNew();
            double flops = 0;
            while (watch.Elapsed.TotalSeconds < 0.3)
                flops += loop();
            best = Math.Max(best, flops / watch.Elapsed.TotalSeconds / 1e9);
        }
        Console.WriteLine($"| {name} | {lanes} | {best:F1} |");
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Loop512(int steps)
    {
        var b = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b;
        for (int i = 0; i < steps; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, b, c); a1 = Vector512.FusedMultiplyAdd(a1, b, c); a2 = Vector512.FusedMultiplyAdd(a2, b, c);
            a3 = Vector512.FusedMultiplyAdd(a3, b, c); a4 = Vector512.FusedMultiplyAdd(a4, b, c); a5 = Vector512.FusedMultiplyAdd(a5, b, c);
            a6 = Vector512.FusedMultiplyAdd(a6, b, c); a7 = Vector512.FusedMultiplyAdd(a7, b, c); a8 = Vector512.FusedMultiplyAdd(a8, b, c);
            a9 = Vector512.FusedMultiplyAdd(a9, b, c); a10 = Vector512.FusedMultiplyAdd(a10, b, c); a11 = Vector512.FusedMultiplyAdd(a11, b, c);
        }
        Sink = Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        return 2.0 * 12 * 16 * steps;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Loop256(int steps)
    {
        var b = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b;
        for (int i = 0; i < steps; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, b, c); a1 = Vector256.FusedMultiplyAdd(a1, b, c); a2 = Vector256.FusedMultiplyAdd(a2, b, c);
            a3 = Vector256.FusedMultiplyAdd(a3, b, c); a4 = Vector256.FusedMultiplyAdd(a4, b, c); a5 = Vector256.FusedMultiplyAdd(a5, b, c);
            a6 = Vector256.FusedMultiplyAdd(a6, b, c); a7 = Vector256.FusedMultiplyAdd(a7, b, c); a8 = Vector256.FusedMultiplyAdd(a8, b, c);
            a9 = Vector256.FusedMultiplyAdd(a9, b, c); a10 = Vector256.FusedMultiplyAdd(a10, b, c); a11 = Vector256.FusedMultiplyAdd(a11, b, c);
        }
        Sink = Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        return 2.0 * 12 * 8 * steps;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Loop128(int steps)
    {
        var b = Vector128.Create(0.999999f);
        var c = Vector128.Create(1e-7f);
        Vector128<float> a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b;
        for (int i = 0; i < steps; i++)
        {
            a0 = Vector128.FusedMultiplyAdd(a0, b, c); a1 = Vector128.FusedMultiplyAdd(a1, b, c); a2 = Vector128.FusedMultiplyAdd(a2, b, c);
            a3 = Vector128.FusedMultiplyAdd(a3, b, c); a4 = Vector128.FusedMultiplyAdd(a4, b, c); a5 = Vector128.FusedMultiplyAdd(a5, b, c);
            a6 = Vector128.FusedMultiplyAdd(a6, b, c); a7 = Vector128.FusedMultiplyAdd(a7, b, c); a8 = Vector128.FusedMultiplyAdd(a8, b, c);
            a9 = Vector128.FusedMultiplyAdd(a9, b, c); a10 = Vector128.FusedMultiplyAdd(a10, b, c); a11 = Vector128.FusedMultiplyAdd(a11, b, c);
        }
        Sink = Vector128.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
        return 2.0 * 12 * 4 * steps;
    }

    /// <summary>The scalar path's multiply-add as it is written there (a·b + c, two instructions: the JIT does not fuse).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double LoopScalar(int steps)
    {
        float b = 0.999999f, c = 1e-7f;
        float a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b;
        for (int i = 0; i < steps; i++)
        {
            a0 = a0 * b + c; a1 = a1 * b + c; a2 = a2 * b + c; a3 = a3 * b + c; a4 = a4 * b + c; a5 = a5 * b + c;
            a6 = a6 * b + c; a7 = a7 * b + c; a8 = a8 * b + c; a9 = a9 * b + c; a10 = a10 * b + c; a11 = a11 * b + c;
        }
        Sink = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return 2.0 * 12 * steps;
    }

    /// <summary>Keeps the loops' results alive.</summary>
    public static float Sink;
}
