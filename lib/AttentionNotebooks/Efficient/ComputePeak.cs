using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The arithmetic limit a compute-bound kernel meets: the float32 multiply-adds one core completes per second at a vector
/// width, with nothing read from memory — twelve independent accumulators, each <c>a = a·b + c</c> (fused on the vector
/// paths, as the kernels compute it), enough to keep both multiply-add pipes of a core busy despite each one's latency.
/// Timed on the calling thread's own processor clock (<see cref="ThreadClock"/>), so other programs' turns on the core do
/// not count. With <see cref="MemoryBandwidth.Read"/> it tells how many FLOPs a kernel must do per byte it reads to be
/// limited by arithmetic rather than by memory.
/// </summary>
public static class ComputePeak
{
    private const int Accumulators = 12;

    /// <summary>
    /// Runs the multiply-add loop for about <paramref name="seconds"/> of this thread's processor time, <paramref name="rounds"/>
    /// times, and returns the fastest round in GFLOP/s (10⁹ floating-point operations per second; a multiply-add counts two).
    /// </summary>
    /// <param name="seconds">Processor time per round, in (0, 10].</param>
    /// <param name="rounds">Rounds, ≥ 1; the fastest counts (the others met more interference).</param>
    /// <param name="simd">The vector width; <see cref="SimdPath.Auto"/> is the widest this processor runs (as <see cref="FlashAttention"/> resolves it).</param>
    /// <returns>The rate and the path it was measured on.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seconds"/> or <paramref name="rounds"/> is out of range.</exception>
    public static (double GigaflopsPerSecond, SimdPath Path) MultiplyAdd(double seconds = 0.2, int rounds = 3, SimdPath simd = SimdPath.Auto)
    {
        if (!(seconds > 0 && seconds <= 10))
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, $"seconds must be in (0, 10], but is {seconds}.");
        Check.Positive(rounds, nameof(rounds));
        var call = new Rounds(seconds, rounds);
        SimdDispatch.Run(simd, ref call);
        return (call.Best, SimdSelection.Resolve(simd));
    }

    /// <summary><paramref name="steps"/> rounds of twelve independent multiply-adds at one width: the FLOPs done and their result (so that the loop cannot be left out).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static (double Flops, float Result) Loop<TSimd, TVec>(int steps)
        where TSimd : struct, ISimd<TVec>
        where TVec : unmanaged
    {
        TVec b = TSimd.Broadcast(0.999999f), c = TSimd.Broadcast(1e-7f);
        TVec a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b, a8 = b, a9 = b, a10 = b, a11 = b;
        for (int i = 0; i < steps; i++)
        {
            a0 = TSimd.MultiplyAdd(a0, b, c); a1 = TSimd.MultiplyAdd(a1, b, c); a2 = TSimd.MultiplyAdd(a2, b, c);
            a3 = TSimd.MultiplyAdd(a3, b, c); a4 = TSimd.MultiplyAdd(a4, b, c); a5 = TSimd.MultiplyAdd(a5, b, c);
            a6 = TSimd.MultiplyAdd(a6, b, c); a7 = TSimd.MultiplyAdd(a7, b, c); a8 = TSimd.MultiplyAdd(a8, b, c);
            a9 = TSimd.MultiplyAdd(a9, b, c); a10 = TSimd.MultiplyAdd(a10, b, c); a11 = TSimd.MultiplyAdd(a11, b, c);
        }
        var sum = TSimd.Add(TSimd.Add(TSimd.Add(a0, a1), TSimd.Add(a2, a3)), TSimd.Add(TSimd.Add(a4, a5), TSimd.Add(a6, a7)));
        float result = TSimd.Sum(TSimd.Add(sum, TSimd.Add(TSimd.Add(a8, a9), TSimd.Add(a10, a11))));
        return (2.0 * Accumulators * TSimd.Width * steps, result);
    }

    /// <summary>The rounds at the dispatched width; the fastest rate in <see cref="Best"/>.</summary>
    private struct Rounds(double seconds, int rounds) : ISimdKernel
    {
        public double Best { get; private set; }

        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged
        {
            const int steps = 1 << 20;
            Loop<TSimd, TVec>(steps);                                           // compiled before the clock starts
            for (int round = 0; round < rounds; round++)
            {
                double flops = 0;
                var start = ThreadClock.Now;
                TimeSpan spent;
                do
                {
                    flops += Loop<TSimd, TVec>(steps).Flops;
                    spent = ThreadClock.Now - start;
                }
                while (spent.TotalSeconds < seconds);
                Best = Math.Max(Best, flops / spent.TotalSeconds / 1e9);
            }
        }
    }
}
