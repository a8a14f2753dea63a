using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The read-bandwidth limit a memory-bound kernel meets: a STREAM-style sum (McCalpin's STREAM, read-only) over a
/// buffer far larger than the last-level cache, on the calling thread. What one decode step of
/// <see cref="FlashAttention.Decode"/> on one thread can at best reach: bytes of its key/value cache ÷ this rate.
/// </summary>
public static class MemoryBandwidth
{
    /// <summary>
    /// Reads <paramref name="buffer"/> once per pass, summing it with four independent vector accumulators, and returns
    /// the best pass in GB/s (10⁹ bytes per second) with the sum (so that the reads cannot be left out). Each pass is
    /// timed on <see cref="ThreadClock"/>, the calling thread's processor time, like a decode step on one thread: the
    /// turns other programs take on the core do not count, the waits for memory do.
    /// </summary>
    /// <param name="buffer">The floats to read, ideally several times the last-level cache (e.g. 100 MB); its pages must have been written (fresh zero pages read from no memory at all).</param>
    /// <param name="passes">Passes, ≥ 1; the fastest counts (the others met more interference).</param>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> is empty.</exception>
    public static (double GigabytesPerSecond, float Sum) Read(ReadOnlySpan<float> buffer, int passes = 3)
    {
        Check.Positive(passes, nameof(passes));
        if (buffer.IsEmpty)
            throw new ArgumentException("buffer is empty: nothing to read.", nameof(buffer));
        double best = 0;
        float sum = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            var start = ThreadClock.Now;
            sum = Sum(buffer);
            // A pass too short for the clock to advance (a buffer of a few floats) counts as 100 ns: a finite rate.
            double seconds = Math.Max((ThreadClock.Now - start).TotalSeconds, 1e-7);
            best = Math.Max(best, buffer.Length * (double)sizeof(float) / seconds / 1e9);
        }
        return (best, sum);
    }

    /// <summary>Σ x, four registers at a time (enough independent adds that the loads, not the adds, set the pace).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Sum(ReadOnlySpan<float> x)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(x);
        Vector<float> a0 = Vector<float>.Zero, a1 = Vector<float>.Zero, a2 = Vector<float>.Zero, a3 = Vector<float>.Zero;
        int i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            a0 += vectors[i];
            a1 += vectors[i + 1];
            a2 += vectors[i + 2];
            a3 += vectors[i + 3];
        }
        for (; i < vectors.Length; i++)
            a0 += vectors[i];
        float sum = Vector.Sum(a0 + a1 + a2 + a3);
        for (int j = vectors.Length * Vector<float>.Count; j < x.Length; j++)
            sum += x[j];
        return sum;
    }
}
