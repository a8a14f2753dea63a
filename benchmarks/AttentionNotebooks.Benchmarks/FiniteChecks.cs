using System.Diagnostics;
using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// What the fused kernels' finite checks cost (issue 20, item 12): in one process and one loop, the forward and the
/// backward (which include their checks) and the scans the checks make — the forward reads its output once; the
/// backward reads dO and the log-sum-exp before, and dQ, dK, dV after (Q, K, V and O only when a gradient is not
/// finite). Each scan is <c>IndexOfAnyExceptInRange</c>, memory-bound: its share falls as tokens grow (the kernels are
/// O(T²), the scans O(T)).
/// </summary>
internal static class FiniteChecks
{
    public static void Run(AttentionShape shape, int rounds)
    {
        int n = shape.Elements, rows = shape.Batch * shape.Heads * shape.Tokens;
        float[] q = Inputs.Uniform(n, 1), k = Inputs.Uniform(n, 2), v = Inputs.Uniform(n, 3), dO = Inputs.Uniform(n, 4);
        float[] o = new float[n], dq = new float[n], dk = new float[n], dv = new float[n], lse = new float[rows];
        var options = new FlashAttentionOptions { MaxDegreeOfParallelism = 1, Simd = Inputs.Simd };
        var forward = new List<double>();
        var backward = new List<double>();
        var scan = new List<double>();
        var scanRows = new List<double>();
        for (int round = 0; round < rounds + 1; round++)
        {
            double f = Time(() => FlashAttention.Forward(q, k, v, o, lse, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, true, options));
            double b = Time(() => FlashAttention.Backward(q, k, v, o, dO, lse, dq, dk, dv, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, true, options));
            double s = Time(() => Sink(o.AsSpan().IndexOfAnyExceptInRange(float.MinValue, float.MaxValue)));
            double r = Time(() => Sink(lse.AsSpan().IndexOfAnyExceptInRange(float.MinValue, float.MaxValue)));
            if (round == 0)
                continue;                                           // warm-up
            forward.Add(f);
            backward.Add(b);
            scan.Add(s);
            scanRows.Add(r);
        }
        double fMs = Median(forward), bMs = Median(backward), sMs = Median(scan), rMs = Median(scanRows);
        double bScans = 4 * sMs + rMs;
        Console.WriteLine("| shape | forward ms (1 thread, causal) | its check ms | share | backward ms | its checks ms | share |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine($"| {shape.Name} | {fMs:F1} | {sMs:F2} | {100 * sMs / fMs:F1} % | {bMs:F1} | {bScans:F2} | {100 * bScans / bMs:F1} % |");
    }

    private static int _sink;

    private static void Sink(int value) => _sink ^= value;

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
