using AttentionNotebooks.Efficient;
using TorchSharp;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The fused forward with grouped-query heads (<c>gqa</c>) or a causal sliding window (<c>window</c>) against libtorch's
/// SDPA on the same numbers: first a check that both outputs agree within 1e-5 (the command stops otherwise), then both
/// called alternately, round by round, on every core; medians and the median of the per-round ratios.
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107's <c>scaled_dot_product_attention(q, k, v, attn_mask, p, is_casual)</c> has no <c>enable_gqa</c>
/// flag, so libtorch gets K and V with each key/value head repeated g times (<c>repeat_interleave</c> along the heads,
/// done once before timing: its copy is not counted against it).
/// </para>
/// <para>
/// SDPA has no window argument either: it gets the band as a boolean (T, T) mask, true where query t sees key s
/// (t − w &lt; s ≤ t). A mask is data to libtorch's kernel: it computes every score of the T × T square and then masks
/// it, so its work stays ~T²·d whatever w is, while the fused kernel skips every tile outside the band (work ~T·w·d).
/// </para>
/// </remarks>
internal static class GroupedForward
{
    /// <summary>Largest |ours − SDPA| accepted before anything is timed.</summary>
    private const double Tolerance = 1e-5;

    /// <param name="rounds">Timed rounds per shape (each: one call of ours, one of SDPA).</param>
    /// <param name="heads">Query heads.</param>
    /// <param name="kvHeads">Key/value heads (dividing heads).</param>
    /// <param name="headDim">Features per head.</param>
    /// <param name="window">0 for plain causal attention, else the sliding window w.</param>
    /// <param name="tokenCounts">Sequence lengths T (batch 1).</param>
    public static int Run(int rounds, int heads, int kvHeads, int headDim, int window, int[] tokenCounts)
    {
        int threads = Environment.ProcessorCount;
        TorchAttention.UseThreads(threads);
        var options = new FlashAttentionOptions { MaxDegreeOfParallelism = threads, Simd = Inputs.Simd, Window = window > 0 ? window : null };
        int group = heads / kvHeads;
        Console.WriteLine($"load average before: {File.ReadAllText("/proc/loadavg").Trim()}; {threads} threads (ours and libtorch's), batch 1, causal, {rounds} rounds");
        Console.WriteLine("| heads / kvHeads (g) | headDim | T | window | max abs(ours − SDPA) | ours ms | SDPA ms | ours GFLOP/s (work done) | ours ÷ SDPA (median of per-round ratios) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (int tokens in tokenCounts)
        {
            var q = Inputs.Uniform(heads * tokens * headDim, 1);
            var k = Inputs.Uniform(kvHeads * tokens * headDim, 2);
            var v = Inputs.Uniform(kvHeads * tokens * headDim, 3);
            var output = new float[q.Length];
            using var tq = TorchAttention.Tensor(q, 1, heads, tokens, headDim);
            using var tk0 = TorchAttention.Tensor(k, 1, kvHeads, tokens, headDim);
            using var tv0 = TorchAttention.Tensor(v, 1, kvHeads, tokens, headDim);
            using var tk = tk0.repeat_interleave(group, 1).contiguous();      // (1, heads, T, headDim)
            using var tv = tv0.repeat_interleave(group, 1).contiguous();
            using var mask = window > 0 ? Band(tokens, window) : null;

            void Ours() => FlashAttention.Forward(q, k, v, output, 1, heads, kvHeads, tokens, headDim, causal: true, options);
            torch.Tensor Sdpa() => mask is null
                ? TorchAttention.Sdpa(tq, tk, tv, causal: true)
                : torch.nn.functional.scaled_dot_product_attention(tq, tk, tv, attn_mask: mask);

            Ours();
            double worst;
            using (var expected = Sdpa())
                worst = MaxDifference(expected.data<float>().ToArray(), output);
            string shape = $"{heads} / {kvHeads} ({group}) | {headDim} | {tokens} | {(window > 0 ? window.ToString() : "none")}";
            if (!(worst <= Tolerance))
            {
                Console.WriteLine($"| {shape} | {worst:E1} | FAILED: ours differs from SDPA by more than {Tolerance:E0}, nothing timed | | | |");
                return 1;
            }

            var ours = new List<double>();
            var sdpa = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                ours.Add(Compare.Time(Ours));
                sdpa.Add(Compare.Time(() => { using var o = Sdpa(); }));
            }
            var ratios = ours.Zip(sdpa, (a, b) => a / b).ToList();
            double gflops = Work(heads, tokens, headDim, window) / Compare.Median(ours) / 1e6;
            Console.WriteLine($"| {shape} | {worst:E1} | {Compare.Median(ours):F1} | {Compare.Median(sdpa):F1} | {gflops:F1} | {Compare.Median(ratios):F3} |");
        }
        Console.WriteLine($"load average after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    /// <summary>(T, T) booleans, true where query t sees key s: t − w &lt; s ≤ t.</summary>
    private static torch.Tensor Band(int tokens, int window)
    {
        var rows = torch.arange(tokens, torch.ScalarType.Int64).unsqueeze(1);     // (T, 1)
        var columns = torch.arange(tokens, torch.ScalarType.Int64).unsqueeze(0);  // (1, T)
        using var behind = rows - columns;                                         // (T, T) t − s
        using var seen = behind.ge(0);
        using var recent = behind.lt(window);
        var band = seen.logical_and(recent);
        rows.Dispose();
        columns.Dispose();
        return band;
    }

    /// <summary>Floating-point operations of the (query, key) pairs a causal (windowed) row sees: 4·d per pair.</summary>
    private static double Work(int heads, int tokens, int headDim, int window)
    {
        double pairs = 0;
        for (int t = 0; t < tokens; t++)
            pairs += window > 0 ? Math.Min(t + 1, window) : t + 1;
        return 4.0 * heads * pairs * headDim;
    }

    private static double MaxDifference(float[] expected, float[] actual) => expected.Zip(actual, (e, a) => (double)Math.Abs(e - a)).Max();
}
