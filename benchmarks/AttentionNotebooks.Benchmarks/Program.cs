using System.Diagnostics;
using System.Runtime.InteropServices;
using AttentionNotebooks;
using AttentionNotebooks.Benchmarks;
using AttentionNotebooks.Efficient;
using BenchmarkDotNet.Running;
using TorchSharp;

// Commands (see benchmarks/README.md):
//   ladder [BenchmarkDotNet arguments]   the BenchmarkDotNet ladders (default: all of them, one joined table)
//   compare [shape] [rounds]             fused kernel vs SDPA, interleaved call by call, medians and ratios
//   scaling [shape] [rounds]             the fused kernel alone on one thread and on every core, back to back and cold: the speed-up
//   training [shape] [rounds]            fused forward + backward vs SDPA forward + autograd backward, interleaved
//   memory [tokens ...]                  managed allocation and peak RSS of each path at long sequences
//   verify                               every fast rung computes the same numbers as libtorch
//   peak                                 the fused multiply-add peak per vector width, one thread and every core at once (the ceiling of every GFLOP/s)
//   train [shape] [rounds]               one training step (forward, backward, AdamW), teaching classes vs libtorch, and its profile
//   checks [shape] [rounds]              what the fused kernels' finite checks cost against the kernels they guard
//   decode [rounds] [cache lengths ...]  FlashAttention.Decode, one query, MHA/GQA/MQA, against SDPA and the read-bandwidth limit, interleaved
//   decodecurve [rounds] [T ...]         one MHA decode step, one thread, cold / after a 64 MB read / hot, against the one-thread probe (thread CPU time)
//   decodeloop [T] [kvHeads] [threads] [seconds]   decode steps in a loop, for perf record
//   streams [rounds] [chunk floats ...]  the read probe on two buffers read alternately in chunks (as the decode kernel reads K and V)
//   gqa [rounds] [heads] [kvHeads] [headDim] [T ...]            grouped-query causal forward vs SDPA (K, V repeated), checked, interleaved
//   window [rounds] [heads] [kvHeads] [headDim] [w] [T ...]     sliding-window forward vs SDPA with the band as a boolean mask, checked, interleaved
string command = args.Length > 0 ? args[0] : "ladder";
string[] rest = args.Skip(1).ToArray();
PrintMachine();
switch (command)
{
    case "ladder":
        BenchmarkSwitcher.FromTypes([typeof(AttentionLadder), typeof(SlowAttentionLadder), typeof(ModuleLadder), typeof(SlowModuleLadder), typeof(TrainingLadder), typeof(BackwardLadder)])
            .Run(rest.Length == 0 ? ["--filter", "*"] : rest);
        break;
    case "compare":
        Compare.Run(AttentionShape.Parse(rest.Length > 0 ? rest[0] : "L"), rest.Length > 1 ? int.Parse(rest[1]) : 15);
        break;
    case "scaling":
        Scaling.Run(AttentionShape.Parse(rest.Length > 0 ? rest[0] : "M"), rest.Length > 1 ? int.Parse(rest[1]) : 30);
        break;
    case "training":
        ForwardBackwardCompare.Run(AttentionShape.Parse(rest.Length > 0 ? rest[0] : "M"), rest.Length > 1 ? int.Parse(rest[1]) : 5);
        break;
    case "memory":
        MemoryCheck.Run(rest.Length > 0 ? rest.Select(int.Parse).ToArray() : [4096, 16384]);
        break;
    case "verify":
        Verify.Run();
        break;
    case "peak":
        PeakFlops.Run();
        break;
    case "train":
        foreach (var shape in rest.Length > 0 ? [AttentionShape.Parse(rest[0])] : AttentionShape.TrainingShapes)
            AttentionNotebooks.Benchmarks.TrainingCompare.Run(shape, rest.Length > 1 ? int.Parse(rest[1]) : 200);
        break;
    case "checks":
        FiniteChecks.Run(AttentionShape.Parse(rest.Length > 0 ? rest[0] : "M"), rest.Length > 1 ? int.Parse(rest[1]) : 7);
        break;
    case "decode":
        DecodeBenchmark.Run(rest.Length > 1 ? rest.Skip(1).Select(int.Parse).ToArray() : [4096, 32768], rest.Length > 0 ? int.Parse(rest[0]) : 21);
        break;
    case "decodecurve":
        DecodeCurve.Run(Arg(0, 7), rest.Length > 1 ? rest.Skip(1).Select(int.Parse).ToArray() : [128, 1024, 2048, 4096, 8192, 16384, 32768]);
        break;
    case "streams":
        DecodeLoop.Streams(Arg(0, 7), rest.Length > 1 ? rest.Skip(1).Select(int.Parse).ToArray() : [26214400, 4096, 16384, 65536]);
        break;
    case "decodeloop":
        DecodeLoop.Run(Arg(0, 32768), Arg(1, 12), Arg(2, 1), rest.Length > 3 ? double.Parse(rest[3]) : 10);
        break;
    case "gqa":
        return GroupedForward.Run(Arg(0, 5), Arg(1, 32), Arg(2, 8), Arg(3, 64), window: 0, rest.Length > 4 ? rest.Skip(4).Select(int.Parse).ToArray() : [1024, 2048, 4096]);
    case "window":
        return GroupedForward.Run(Arg(0, 5), Arg(1, 32), Arg(2, 8), Arg(3, 64), Arg(4, 256), rest.Length > 5 ? rest.Skip(5).Select(int.Parse).ToArray() : [4096, 8192]);
    default:
        Console.Error.WriteLine($"Unknown command {command}: use ladder, compare, scaling, training, train, memory, verify, peak, checks, decode, gqa or window.");
        return 1;
}
return 0;

static void PrintMachine()
{
    string cpu = File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
        : "?";
    Console.WriteLine($"# {cpu}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.FrameworkDescription}, " +
        $"kernel path {FlashAttention.ResolvedPath(Inputs.Simd)} (ATTENTION_SIMD={Inputs.Simd}), " +
        $"ATEN_CPU_CAPABILITY={Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") ?? "(unset: libtorch's best)"}, load average {LoadAverage()}");
}

int Arg(int index, int fallback) => rest.Length > index ? int.Parse(rest[index]) : fallback;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

/// <summary>Fused kernel and SDPA called alternately in one loop, so machine load hits both alike.</summary>
internal static class Compare
{
    public static void Run(AttentionShape shape, int rounds)
    {
        var q = Inputs.Uniform(shape.Elements, 1);
        var k = Inputs.Uniform(shape.Elements, 2);
        var v = Inputs.Uniform(shape.Elements, 3);
        var output = new float[shape.Elements];
        long[] dims = [shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim];
        using var tq = TorchAttention.Tensor(q, dims);
        using var tk = TorchAttention.Tensor(k, dims);
        using var tv = TorchAttention.Tensor(v, dims);
        Console.WriteLine($"| shape | causal | threads | fused ms | SDPA ms | fused GFLOP/s | SDPA GFLOP/s | fused ÷ SDPA (median of per-round ratios) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (bool causal in new[] { true, false })
            foreach (int threads in new[] { 1, Environment.ProcessorCount })
            {
                var options = Inputs.Threads(threads);
                TorchAttention.UseThreads(threads);
                var fused = new List<double>();
                var sdpa = new List<double>();
                // Warm up for at least a second and a half: the JIT promotes the kernels to optimised code only after
                // they have been called for a while, which tiny shapes would otherwise never reach.
                var warmUp = Stopwatch.StartNew();
                for (int round = 0; round < 3 || warmUp.ElapsedMilliseconds < 1500; round++)
                {
                    FlashAttention.Forward(q, k, v, output, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal, options);
                    using var o = TorchAttention.Sdpa(tq, tk, tv, causal);
                }
                for (int round = 0; round < rounds; round++)
                {
                    double f = Time(() => FlashAttention.Forward(q, k, v, output, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal, options));
                    double s = Time(() => { using var o = TorchAttention.Sdpa(tq, tk, tv, causal); });
                    fused.Add(f);
                    sdpa.Add(s);
                }
                double flops = shape.AttentionFlops(causal);
                var ratios = fused.Zip(sdpa, (f, s) => f / s).ToList();
                Console.WriteLine($"| {shape} | {causal} | {threads} | {Median(fused):F3} | {Median(sdpa):F3} | {flops / Median(fused) / 1e6:F1} | {flops / Median(sdpa) / 1e6:F1} | {Median(ratios):F3} |");
            }
    }

    public static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}

/// <summary>
/// The fused kernel alone (no libtorch call in between, so no OpenMP threads spinning beside it) on one thread and on
/// every core. Two ways, interleaved round by round: <b>back to back</b> (a round times <see cref="Burst"/> consecutive
/// calls of one configuration, as a model's forward calls its kernels one after another) and <b>cold</b> (one call on
/// every core right after a one-thread call: the thread-pool helper has gone to sleep meanwhile and must be woken).
/// </summary>
internal static class Scaling
{
    /// <summary>Consecutive calls a back-to-back round times.</summary>
    public const int Burst = 10;

    public static void Run(AttentionShape shape, int rounds)
    {
        var q = Inputs.Uniform(shape.Elements, 1);
        var k = Inputs.Uniform(shape.Elements, 2);
        var v = Inputs.Uniform(shape.Elements, 3);
        var output = new float[shape.Elements];
        int cores = Environment.ProcessorCount;
        Console.WriteLine($"| shape | path | causal | 1 thread ms | {cores} threads ms, back to back | speed-up | {cores} threads ms, cold | speed-up, cold |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (bool causal in new[] { true, false })
        {
            void Call(int threads) => FlashAttention.Forward(q, k, v, output, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal, Inputs.Threads(threads));
            void Calls(int threads)
            {
                for (int i = 0; i < Burst; i++)
                    Call(threads);
            }
            var warmUp = Stopwatch.StartNew();
            for (int round = 0; round < 3 || warmUp.ElapsedMilliseconds < 1500; round++)
            {
                Call(1);
                Call(cores);
            }
            var one = new List<double>();
            var all = new List<double>();
            var oneCold = new List<double>();
            var allCold = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                one.Add(Compare.Time(() => Calls(1)) / Burst);
                all.Add(Compare.Time(() => Calls(cores)) / Burst);
                oneCold.Add(Compare.Time(() => Call(1)));
                allCold.Add(Compare.Time(() => Call(cores)));
            }
            var speedUps = one.Zip(all, (a, b) => a / b).ToList();
            var coldSpeedUps = oneCold.Zip(allCold, (a, b) => a / b).ToList();
            Console.WriteLine($"| {shape} | {FlashAttention.ResolvedPath(Inputs.Simd)} | {causal} | {Compare.Median(one):F3} | {Compare.Median(all):F3} | " +
                $"{Compare.Median(speedUps):F2} | {Compare.Median(allCold):F3} | {Compare.Median(coldSpeedUps):F2} |");
        }
    }
}

/// <summary>
/// One training step of the causal attention core, fused (forward with log-sum-exp, then Backward) against libtorch
/// (SDPA, then <c>.backward(dO)</c>), called alternately: medians and the median of the per-round ratios.
/// </summary>
internal static class ForwardBackwardCompare
{
    public static void Run(AttentionShape shape, int rounds)
    {
        var q = Inputs.Uniform(shape.Elements, 1);
        var k = Inputs.Uniform(shape.Elements, 2);
        var v = Inputs.Uniform(shape.Elements, 3);
        var dO = Inputs.Uniform(shape.Elements, 5);
        float[] output = new float[shape.Elements], lse = new float[shape.Batch * shape.Heads * shape.Tokens];
        float[] dq = new float[shape.Elements], dk = new float[shape.Elements], dv = new float[shape.Elements];
        long[] dims = [shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim];
        using var tq = TorchAttention.Tensor(q, dims).requires_grad_();
        using var tk = TorchAttention.Tensor(k, dims).requires_grad_();
        using var tv = TorchAttention.Tensor(v, dims).requires_grad_();
        using var tdO = TorchAttention.Tensor(dO, dims);
        Console.WriteLine("| shape | threads | fused fwd+bwd ms (fwd, bwd) | libtorch fwd+bwd ms | fused ÷ libtorch (median of per-round ratios) |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int threads in new[] { 1, Environment.ProcessorCount })
        {
            var options = Inputs.Threads(threads);
            TorchAttention.UseThreads(threads);
            double forwardMs = 0;
            double Fused()
            {
                var watch = Stopwatch.StartNew();
                FlashAttention.Forward(q, k, v, output, lse, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal: true, options);
                forwardMs = watch.Elapsed.TotalMilliseconds;
                FlashAttention.Backward(q, k, v, output, dO, lse, dq, dk, dv, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal: true, options);
                return watch.Elapsed.TotalMilliseconds;
            }
            void Torch()
            {
                foreach (var t in new[] { tq, tk, tv })
                    t.grad?.zero_();
                using var o = TorchAttention.Sdpa(tq, tk, tv, causal: true);
                o.backward([tdO]);
            }
            Fused();
            Torch();
            var fused = new List<double>();
            var forward = new List<double>();
            var torch = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                fused.Add(Fused());
                forward.Add(forwardMs);
                torch.Add(Compare.Time(Torch));
            }
            var ratios = fused.Zip(torch, (f, t) => f / t).ToList();
            Console.WriteLine($"| {shape} | {threads} | {Compare.Median(fused):F2} ({Compare.Median(forward):F2}, {Compare.Median(fused) - Compare.Median(forward):F2}) | {Compare.Median(torch):F2} | {Compare.Median(ratios):F2} |");
        }
    }
}

/// <summary>The fast rungs agree with libtorch.</summary>
internal static class Verify
{
    public static void Run()
    {
        foreach (var shape in new[] { AttentionShape.Small, AttentionShape.Large })
        {
            var q = Inputs.Uniform(shape.Elements, 1);
            var k = Inputs.Uniform(shape.Elements, 2);
            var v = Inputs.Uniform(shape.Elements, 3);
            long[] dims = [shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim];
            using var tq = TorchAttention.Tensor(q, dims);
            using var tk = TorchAttention.Tensor(k, dims);
            using var tv = TorchAttention.Tensor(v, dims);
            foreach (bool causal in new[] { true, false })
            {
                var output = new float[shape.Elements];
                FlashAttention.Forward(q, k, v, output, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal);
                using var expected = TorchAttention.Sdpa(tq, tk, tv, causal);
                Console.WriteLine($"{shape} causal {causal}: fused kernel vs SDPA max |difference| {MaxDifference(expected.data<float>().ToArray(), output):E2}");
            }

            // One training step: the fused forward (with log-sum-exp) and backward against libtorch's autograd.
            {
                var output = new float[shape.Elements];
                var lse = new float[shape.Batch * shape.Heads * shape.Tokens];
                var dO = Inputs.Uniform(shape.Elements, 5);
                float[] dq = new float[shape.Elements], dk = new float[shape.Elements], dv = new float[shape.Elements];
                FlashAttention.Forward(q, k, v, output, lse, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal: true);
                FlashAttention.Backward(q, k, v, output, dO, lse, dq, dk, dv, shape.Batch, shape.Heads, shape.Tokens, shape.HeadDim, causal: true);
                using var gq = TorchAttention.Tensor(q, dims).requires_grad_();
                using var gk = TorchAttention.Tensor(k, dims).requires_grad_();
                using var gv = TorchAttention.Tensor(v, dims).requires_grad_();
                using var tdO = TorchAttention.Tensor(dO, dims);
                using (var o = TorchAttention.Sdpa(gq, gk, gv, causal: true))
                    o.backward([tdO]);
                foreach (var (name, torchGrad, fusedGrad) in new[] { ("dQ", gq.grad!, dq), ("dK", gk.grad!, dk), ("dV", gv.grad!, dv) })
                {
                    var expected = torchGrad.data<float>().ToArray();
                    double largest = expected.Max(x => Math.Abs((double)x));
                    Console.WriteLine($"{shape} causal: fused backward {name} vs libtorch autograd max |difference| {MaxDifference(expected, fusedGrad):E2} (largest |{name}| {largest:E2})");
                }
            }

            var teaching = Inputs.TeachingModule(shape);
            var fused = FusedMultiHeadAttention.FromTeaching(teaching);
            var x = Inputs.Uniform(shape.Batch * shape.Tokens * shape.DModel, 4);
            var y = new float[x.Length];
            fused.Forward(x, y, shape.Batch, shape.Tokens);
            int d = shape.DModel;
            var qkvWeight = new float[3 * d * d];
            var qkvBias = new float[3 * d];
            foreach (var (layer, part) in new[] { (teaching.WQuery, 0), (teaching.WKey, 1), (teaching.WValue, 2) })
            {
                Inputs.RowMajor(layer.Weight).CopyTo(qkvWeight, part * d * d);
                layer.Bias!.ToArray().CopyTo(qkvBias, part * d);
            }
            using var tx = TorchAttention.Tensor(x, shape.Batch, shape.Tokens, d);
            using var tw = TorchAttention.Tensor(qkvWeight, 3 * d, d);
            using var tb = TorchAttention.Tensor(qkvBias, 3 * d);
            using var tow = TorchAttention.Tensor(Inputs.RowMajor(teaching.OutProj.Weight), d, d);
            using var tob = TorchAttention.Tensor(teaching.OutProj.Bias!.ToArray(), d);
            using var ty = TorchAttention.MultiHead(tx, tw, tb, tow, tob, shape.Heads, causal: true);
            Console.WriteLine($"{shape}: FusedMultiHeadAttention vs libtorch module max |difference| {MaxDifference(ty.data<float>().ToArray(), y):E2}");
            if (shape == AttentionShape.Small)
            {
                var expected = teaching.Forward(Inputs.AsBatch(x, shape)).Context;
                double max = 0;
                for (int b = 0; b < shape.Batch; b++)
                    for (int t = 0; t < shape.Tokens; t++)
                        for (int o = 0; o < d; o++)
                            max = Math.Max(max, Math.Abs(expected[b][t, o] - y[(b * shape.Tokens + t) * d + o]));
                Console.WriteLine($"{shape}: FusedMultiHeadAttention vs teaching MultiHeadAttention max |difference| {max:E2}");
            }
        }
    }

    private static double MaxDifference(float[] expected, float[] actual) => expected.Zip(actual, (e, a) => (double)Math.Abs(e - a)).Max();
}

/// <summary>
/// Extra memory per path at long sequences: managed bytes allocated during the call and the rise of the process's peak
/// resident set (VmHWM, reset through /proc/self/clear_refs before each path) over the resident set before the call.
/// </summary>
internal static class MemoryCheck
{
    private const int Heads = 12, HeadDim = 64;

    public static void Run(int[] tokenCounts)
    {
        Warm();
        Console.WriteLine("| tokens | path | heads | ms | managed allocated MiB | peak RSS rise MiB | one tokens² float matrix MiB |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int tokens in tokenCounts)
        {
            int elements = Heads * tokens * HeadDim;
            var q = Inputs.Uniform(elements, 1);
            var k = Inputs.Uniform(elements, 2);
            var v = Inputs.Uniform(elements, 3);
            var output = new float[elements];
            Array.Fill(output, 1f);     // touch the output's pages now, so the rise below is the kernel's own memory
            double square = (double)tokens * tokens * sizeof(float) / (1 << 20);
            Measure(tokens, "fused kernel (all cores)", Heads, square,
                () => FlashAttention.Forward(q, k, v, output, 1, Heads, tokens, HeadDim, causal: true));
            long[] dims = [1, Heads, tokens, HeadDim];
            using (var tq = TorchAttention.Tensor(q, dims))
            using (var tk = TorchAttention.Tensor(k, dims))
            using (var tv = TorchAttention.Tensor(v, dims))
            {
                TorchAttention.UseThreads(Environment.ProcessorCount);
                Measure(tokens, "libtorch SDPA causal", Heads, square, () => { using var o = TorchAttention.Sdpa(tq, tk, tv, causal: true); });
            }
            // The matrix path, one head: it holds tokens × tokens scores, mask, weights at once.
            var q1 = q[..(tokens * HeadDim)];
            var k1 = k[..(tokens * HeadDim)];
            var v1 = v[..(tokens * HeadDim)];
            var mathNet = new MathNetAttention(q1, k1, v1, 1, 1, tokens, HeadDim);
            Measure(tokens, "MathNet matrices (teaching code)", 1, square, () => mathNet.Forward());
            long[] one = [1, 1, tokens, HeadDim];
            using (var tq = TorchAttention.Tensor(q1, one))
            using (var tk = TorchAttention.Tensor(k1, one))
            using (var tv = TorchAttention.Tensor(v1, one))
                Measure(tokens, "libtorch book style (matmul, masked_fill, softmax, matmul)", 1, square, () => BookStyle(tq, tk, tv));
        }
    }

    private static void BookStyle(torch.Tensor q, torch.Tensor k, torch.Tensor v)
    {
        long tokens = q.shape[2];
        using var scores = q.matmul(k.transpose(-2, -1));
        using var ones = torch.ones(tokens, tokens);
        using var upper = ones.triu(1);
        using var mask = upper.to(torch.ScalarType.Bool);
        using var masked = scores.masked_fill(mask, float.NegativeInfinity);
        using var scaled = masked / MathF.Sqrt(HeadDim);
        using var weights = torch.nn.functional.softmax(scaled, -1);
        using var context = weights.matmul(v);
    }

    /// <summary>JIT, thread scratch and libtorch's pools are set up before anything is measured.</summary>
    private static void Warm()
    {
        int elements = Heads * 256 * HeadDim;
        var x = Inputs.Uniform(elements, 9);
        FlashAttention.Forward(x, x, x, new float[elements], 1, Heads, 256, HeadDim, causal: true);
        using var t = TorchAttention.Tensor(x, 1, Heads, 256, HeadDim);
        using var o = TorchAttention.Sdpa(t, t, t, true);
        BookStyle(t, t, t);
        new MathNetAttention(x, x, x, 1, Heads, 256, HeadDim).Forward();
    }

    private static void Measure(int tokens, string path, int heads, double squareMiB, Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        File.WriteAllText("/proc/self/clear_refs", "5");
        long rss = StatusKiB("VmRSS");
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        action();
        double ms = watch.Elapsed.TotalMilliseconds;
        double managed = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)(1 << 20);
        double peakRise = (StatusKiB("VmHWM") - rss) / 1024.0;
        Console.WriteLine($"| {tokens} | {path} | {heads} | {ms:F0} | {managed:F2} | {peakRise:F1} | {squareMiB:F0} |");
    }

    private static long StatusKiB(string key)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0]);
    }
}
