#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/05-efficient-attention.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/05-efficient-attention.cs (see README).
using AttentionNotebooks;
using AttentionNotebooks.Charts;
using MathNet.Numerics.LinearAlgebra;
using AttentionNotebooks.Efficient;

// cell(N) marks where the notebook's cell N starts; it prints nothing unless ATTENTION_APP_CELL_MARKERS=1
// (set by the test that compares this app's output with its notebook's, cell by cell).
static void cell(int number)
{
    if (Environment.GetEnvironmentVariable("ATTENTION_APP_CELL_MARKERS") == "1")
        Console.WriteLine($"##app-cell {number}");
}

// What a notebook shows for the value a cell ends with: its text; a chart is also saved as an SVG file
// beside this app, 05-efficient-attention.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"05-efficient-attention.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 5 · Efficient attention
//
// ![Road map of the course: you are at station 5](../images/roadmap-5.svg)
//
// **In this notebook you will**
//
// - see where the teaching classes spend their time and memory: the $T \times T$ matrix of attention scores;
// - derive the *online softmax* on a worked example: one row of attention computed in two tiles gives exactly the same context vector, without ever holding the whole row;
// - run the library's fused kernel (`AttentionNotebooks.Efficient`), which uses that idea — FlashAttention's — with SIMD and threads, and check it agrees with the teaching `MultiHeadAttention`;
// - measure the ladder of implementations, from plain loops through the same SIMD code unfused to the fused kernel, and how their memory grows with the sequence length;
// - see how the fused kernel trains: its backward pass recomputes the attention weights tile by tile from one saved number per query, the log-sum-exp.
//
// You are at **station 5**, beyond the road: the mechanism is complete; this notebook is about computing it fast.

// ## Where the time and the memory go
//
// `MultiHeadAttention.Forward` follows the equation literally. For every sequence and every head it builds the score matrix $Q_h K_h^\top$ of $T \times T$ floats, masks it, runs a softmax over each row, and multiplies by $V_h$. Two problems appear as $T$ grows:
//
// - **memory**: $T^2$ floats per head. At GPT-2's context of 1,024 tokens that is 4 MiB per head, 48 MiB for 12 heads of one sequence; at 16,384 tokens, 1 GiB per head;
// - **time**: the scores are written to memory, read back by the softmax, written again and read again by the product with $V$. How much of the time that traffic costs, next to the arithmetic itself, is measured below.
//
// The fix is to never store a row of scores at all: process the keys in *tiles*, and keep, for each query, only a running summary that is enough to finish the softmax at the end.

// ## The online softmax, on one row
//
// Take the query *journey* in a `SelfAttention` module like the one of notebook 2. We build it with seed 232 rather than 789, because then *journey*'s largest score is against a key in the second half of the sentence — which makes the interesting step below actually happen. Its scaled scores against the six keys, and its context vector computed the usual way:

cell(5);
var inputs = SampleData.Inputs();
var sa = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(232));
var queries = sa.WQuery.Forward(inputs);                          // (6, 2)
var keys = sa.WKey.Forward(inputs);                               // (6, 2)
var values = sa.WValue.Forward(inputs);                           // (6, 2)
var s = keys * queries.Row(1) / MathF.Sqrt(2);                    // (6) scaled scores of "journey"
var direct = values.TransposeThisAndMultiply(Softmax.Stable(s));  // (2) softmax(s) · V
Console.WriteLine($"scores:  {string.Join("  ", s.Select(v => v.ToString("0.0000")))}");
Console.WriteLine($"context: {direct[0]:0.0000}, {direct[1]:0.0000}");

// Now pretend we may only look at three keys at a time. After a tile we keep three things: the largest score so far $m$, the sum of exponentials so far $\ell = \sum_j e^{s_j - m}$, and the unnormalised weighted sum of values $a = \sum_j e^{s_j - m} v_j$. When the next tile raises the maximum from $m$ to $m'$, everything accumulated so far was exponentiated relative to the old maximum; multiplying by $e^{m - m'}$ rescales it to the new one:
//
// $$m' = \max(m, \max_{j \in \text{tile}} s_j), \qquad \ell' = \ell\, e^{m - m'} + \sum_{j \in \text{tile}} e^{s_j - m'}, \qquad a' = a\, e^{m - m'} + \sum_{j \in \text{tile}} e^{s_j - m'}\, v_j$$
//
// At the end the context vector is $a / \ell$. This is exact, not an approximation: it is the stable softmax, with the division postponed.

cell(7);
float m = float.NegativeInfinity, l = 0f;
var a = Vector<float>.Build.Dense(2);                             // running Σ e^(s_j − m) v_j
foreach (int first in new[] { 0, 3 })                             // two tiles of three keys
{
    float mNew = Math.Max(m, s.SubVector(first, 3).Maximum());
    float rescale = MathF.Exp(m - mNew);                          // e^(m − m'); 0 for the first tile
    l *= rescale;
    a *= rescale;
    for (int j = first; j < first + 3; j++)
    {
        float e = MathF.Exp(s[j] - mNew);
        l += e;
        a += e * values.Row(j);
    }
    m = mNew;
    Console.WriteLine($"after keys {first + 1}-{first + 3}: m = {m:0.0000}, l = {l:0.0000}, a = [{a[0]:0.0000}, {a[1]:0.0000}]");
}
string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
var online = a / l;
Console.WriteLine($"online: {online[0]:0.0000}, {online[1]:0.0000}   largest difference from the direct way: {Below((online - direct).AbsoluteMaximum())}");

// The second tile raised the maximum (the score against *one*), so the first tile's sum and weighted sum were rescaled by $e^{m - m'}$ before the second tile's terms were added. Same context vector, and at no point did we hold more than one tile of scores. A kernel built on this never allocates the $T \times T$ matrix: its memory is the queries, keys, values and output ($O(T \cdot d)$), plus a small scratch buffer per thread.
//
// ## The fused kernel
//
// `AttentionNotebooks.Efficient.FlashAttention` applies the online softmax to *blocks* of queries against *tiles* of keys, so that one tile of keys loaded into the cache serves many queries; its inner loops are SIMD (AVX-512 or AVX2, with a scalar fallback) and it runs (batch × heads × query tiles) on all cores. `FusedMultiHeadAttention` puts it between a fused query/key/value projection (one $3 d_{out} \times d_{in}$ matrix multiply) and the output projection, and accepts the weights of a teaching `MultiHeadAttention`. Its `Forward` is the inference path; for training it has `ForwardForTraining` and `Backward` (the backward pass is the last part of this notebook). It has no dropout on the attention weights, so it computes a `MultiHeadAttention` with dropout 0: in evaluation mode, or trained without attention dropout.
//
// First, the promise that matters most in this course: it computes the same numbers. A GPT-2-sized module on two random sequences of 256 tokens:

cell(9);
var generator = new TorchGenerator(5);
var teaching = new MultiHeadAttention(dIn: 768, dOut: 768, contextLength: 1024, dropout: 0f, numHeads: 12, generator: generator);
var fused = FusedMultiHeadAttention.FromTeaching(teaching);
var batch = generator.Rand(2, 256, 768);                            // 2 × (256, 768)
var expected = teaching.Forward(batch).Context;
var actual = fused.Forward(batch);
float largest = Enumerable.Range(0, 2).Max(b => (expected[b] - actual[b]).Enumerate().Max(Math.Abs));
Console.WriteLine($"largest difference from the teaching MultiHeadAttention: {(largest <= 1e-5f ? "≤ 1e-5" : largest.ToString("G3"))}");

// (The test suite checks the kernel against the teaching classes, against a double-precision reference and against libtorch's `scaled_dot_product_attention`, for token counts from 1 up, head sizes 1, 3, 64 and 80, causal or not, with and without SIMD.)
//
// ## The ladder, measured
//
// Now the attention core alone — scores, mask, softmax, times $V$ — for one sequence of 512 tokens and 12 heads of 64, the shape of GPT-2 small, in six implementations:
//
// 1. **naive loops**: three nested loops per head over a $T \times T$ array;
// 2. **MathNet**: the teaching classes' way, `Q_h * K_hᵀ`, `CausalMask.MaskedFill`, `Softmax.Stable`, `* V_h`;
// 3. **unfused SIMD, 1 thread** and 4. **all cores**: `FlashAttention.ForwardUnfused`, the fused kernel's own SIMD micro-kernels run in three passes: all of a head's scores written to memory ($T \times T$ floats), the softmax reading them and writing the weights back, the product with $V$ reading them again. It differs from the next rung in fusion alone;
// 5. **fused, 1 thread** and 6. **fused, all cores**: `FlashAttention.Forward`.
//
// The inputs are laid out as PyTorch's `scaled_dot_product_attention` expects them: (batch, heads, tokens, `head_dim`), contiguous.

cell(11);
const int T = 512, H = 12, D = 64;
var rng = new TorchGenerator(11);
float[] q = rng.Rand(1, H * T * D).Row(0).ToArray(), k = rng.Rand(1, H * T * D).Row(0).ToArray(), v = rng.Rand(1, H * T * D).Row(0).ToArray();
float scale = 1f / MathF.Sqrt(D);

void NaiveLoops(float[] output)
{
    var p = new float[T, T];                                        // one T × T score matrix, reused per head
    for (int h = 0; h < H; h++)
    {
        int off = h * T * D;
        for (int i = 0; i < T; i++)
        {
            float max = float.NegativeInfinity;
            for (int j = 0; j <= i; j++)                            // causal: keys 0 … i
            {
                float dot = 0f;
                for (int c = 0; c < D; c++) dot += q[off + i * D + c] * k[off + j * D + c];
                p[i, j] = dot * scale;
                max = Math.Max(max, p[i, j]);
            }
            float sum = 0f;
            for (int j = 0; j <= i; j++) sum += p[i, j] = MathF.Exp(p[i, j] - max);
            for (int c = 0; c < D; c++)
            {
                float acc = 0f;
                for (int j = 0; j <= i; j++) acc += p[i, j] * v[off + j * D + c];
                output[off + i * D + c] = acc / sum;
            }
        }
    }
}

void MathNetPath(float[] output)
{
    var mask = CausalMask.Create(T);
    for (int h = 0; h < H; h++)
    {
        int off = h * T * D;
        var qh = Matrix<float>.Build.Dense(T, D, (i, c) => q[off + i * D + c]);
        var kh = Matrix<float>.Build.Dense(T, D, (i, c) => k[off + i * D + c]);
        var vh = Matrix<float>.Build.Dense(T, D, (i, c) => v[off + i * D + c]);
        var weights = Softmax.Stable(CausalMask.MaskedFill(qh * kh.Transpose(), mask) * scale);   // (T, T)
        var z = weights * vh;                                                                       // (T, D)
        for (int i = 0; i < T; i++) for (int c = 0; c < D; c++) output[off + i * D + c] = z[i, c];
    }
}

void Unfused(float[] output, int threads) =>
    FlashAttention.ForwardUnfused(q, k, v, output, batch: 1, heads: H, tokens: T, headDim: D, causal: true,
                                  new FlashAttentionOptions { MaxDegreeOfParallelism = threads });

void Fused(float[] output, int threads) =>
    FlashAttention.Forward(q, k, v, output, batch: 1, heads: H, tokens: T, headDim: D, causal: true,
                           new FlashAttentionOptions { MaxDegreeOfParallelism = threads });

cell(12);
var outputs = Enumerable.Range(0, 6).Select(_ => new float[H * T * D]).ToArray();
NaiveLoops(outputs[0]);
MathNetPath(outputs[1]);
Unfused(outputs[2], 1);
Unfused(outputs[3], Environment.ProcessorCount);
Fused(outputs[4], 1);
Fused(outputs[5], Environment.ProcessorCount);
for (int i = 1; i < 6; i++)
    Console.WriteLine($"implementation {i + 1} agrees with the naive loops within 1e-5: {outputs[0].Zip(outputs[i]).All(p => Math.Abs(p.First - p.Second) <= 1e-5f)}");

// All six compute the same thing. How long does each take? The next cell times them (median of a few runs; its output depends on the machine, so the notebook tests skip it) and divides each time by that of the fused kernel on all cores. The chart after it shows each rung's speed as a multiple of the naive loops', on a linear axis, so that bar lengths compare as the speeds do. Claims about speed belong to a proper benchmark, run on a quiet machine with warm-up and statistics: see the table after the chart.

cell(14);
// check: skip-output (timings depend on the machine)
double MedianMs(Action run, int repeats)                            // every path already ran once above (warm)
{
    var times = new List<double>();
    for (int r = 0; r < repeats; r++)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        run();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    return times.Order().ElementAt(repeats / 2);
}
Console.WriteLine($"vector path: {FlashAttention.ResolvedPath()}, {Environment.ProcessorCount} cores");
int cores = Environment.ProcessorCount;
string[] names = ["naive loops", "MathNet", "unfused SIMD, 1 thread", $"unfused SIMD, {cores} threads", "fused, 1 thread", $"fused, {cores} threads"];
double[] ms =
[
    MedianMs(() => NaiveLoops(outputs[0]), 1),
    MedianMs(() => MathNetPath(outputs[1]), 3),
    MedianMs(() => Unfused(outputs[2], 1), 9),
    MedianMs(() => Unfused(outputs[3], cores), 9),
    MedianMs(() => Fused(outputs[4], 1), 9),
    MedianMs(() => Fused(outputs[5], cores), 9),
];
double flops = 2.0 * H * T * T * D;                                 // causal: half of 4·h·T²·d
Console.WriteLine($"{"",-24} {"median",12}   {"speed",14}   {$"time ÷ fused, {cores} threads",26}");
for (int i = 0; i < names.Length; i++)
    Console.WriteLine($"{names[i],-24} {ms[i],9:0.0} ms   {flops / ms[i] / 1e6,6:0.0} GFLOP/s   {ms[i] / ms[^1],25:0.0}x");
Console.WriteLine($"unfused ÷ fused, same threads: {ms[2] / ms[4]:0.00} on 1 thread, {ms[3] / ms[5]:0.00} on {cores}");

cell(15);
// check: skip-output (timings depend on the machine)
show(15, Plot.Bar(Vector<float>.Build.DenseOfEnumerable(ms.Select(t => (float)(ms[0] / t))), names, "Causal attention, 1 x 512 tokens x 12 heads x 64: speed", highlight: 2,
         yTitle: "times the speed of the naive loops", highlightLabel: "the fused kernel's SIMD code, unfused (scores in memory)"));

// **What the ladder shows.** In the stored output above (AVX2, 2 cores, a quiet machine), the naive loops and MathNet run at 0.3 and 0.8 GFLOP/s and every SIMD rung at 43 to 67 GFLOP/s. That step, of 60 to 170 times, comes from the arithmetic — vectorised, register-blocked micro-kernels instead of scalar loops and MathNet's general matrix code — and the unfused rung takes it as well as the fused one. Fusion's own share is the ratio of those two at the same thread count: 0.90 on one thread and 0.76 on two, so at 512 tokens the unfused kernel is not slower. One head's score matrix is 1 MiB there, and the fused kernel does work the unfused one does not: it rescales its output accumulator after every chunk of 128 keys. (Single timings are noisy: run the cell twice to see how much.)
//
// The next cell asks the same question at longer sequences, for 4 heads on one thread, timing the two kernels in alternation so that both see the same load, and reporting the median of seven ratios:

cell(17);
// check: skip-output (timings depend on the machine)
var single = new FlashAttentionOptions { MaxDegreeOfParallelism = 1 };
const int Heads4 = 4;
Console.WriteLine($"{"tokens",6} {"scores per head",16} {"unfused",10} {"fused",10} {"unfused ÷ fused",16}   (causal, {Heads4} heads x {D}, 1 thread)");
foreach (int n in new[] { 256, 512, 1024, 2048, 4096 })
{
    var g = new TorchGenerator(21);
    float[] qa = g.Rand(1, Heads4 * n * D).Row(0).ToArray(), ka = g.Rand(1, Heads4 * n * D).Row(0).ToArray(), va = g.Rand(1, Heads4 * n * D).Row(0).ToArray();
    float[] oa = new float[Heads4 * n * D];
    void RunUnfused() => FlashAttention.ForwardUnfused(qa, ka, va, oa, 1, Heads4, n, D, causal: true, single);
    void RunFused() => FlashAttention.Forward(qa, ka, va, oa, 1, Heads4, n, D, causal: true, single);
    RunUnfused(); RunFused();                                           // warm: buffers created, code compiled
    var unfusedMs = new List<double>(); var fusedMs = new List<double>(); var ratios = new List<double>();
    for (int r = 0; r < 7; r++)                                         // in alternation, so both see the same load
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        RunUnfused();
        unfusedMs.Add(watch.Elapsed.TotalMilliseconds);
        watch.Restart();
        RunFused();
        fusedMs.Add(watch.Elapsed.TotalMilliseconds);
        ratios.Add(unfusedMs[^1] / fusedMs[^1]);
    }
    double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
    Console.WriteLine($"{n,6} {n * (double)n * 4 / 1048576,12:0.0} MiB {Median(unfusedMs),7:0.0} ms {Median(fusedMs),7:0.0} ms {Median(ratios),15:0.00}");
}

// In the stored output the unfused kernel takes 1.00, 1.01, 1.07, 1.31 and 1.46 times the fused kernel's time, from 256 to 4,096 tokens: about the same up to 1,024 tokens, and from 2,048 tokens on, where one head's score matrix is 16 MiB or more (most likely too large for the caches close to the core), writing it to memory and reading it back twice costs a third to a half more time. So fusion's gain in time is real but modest — below a factor of two here — and appears only at the longer sequences; the ladder's step of 60 to 170 times is the SIMD arithmetic. Fusion's decisive gain is memory, measured after the benchmark.

// ## The benchmark
//
// The numbers above come from one run of a notebook cell. The course's performance claims come from the BenchmarkDotNet ladder in `benchmarks/` ([benchmarks/README.md](../benchmarks/README.md)), which runs the implementations side by side in one process, with warm-up and repeated measurements, against libtorch 2.10's `scaled_dot_product_attention` (SDPA) through TorchSharp. Causal attention, measured on a 2-core AMD EPYC (Zen 5, AVX-512) on 2026-11-27; time ÷ SDPA below 1 means faster than libtorch:
//
// | shape (batch × tokens, heads × `head_dim`) | fused, 2 threads | libtorch SDPA, 2 threads | fused ÷ SDPA |
// |---|---|---|---|
// | GPT-2 small, full context (8 × 1024, 12 × 64) | 52 ms (246 GFLOP/s) | 145 ms (89 GFLOP/s) | 0.36 |
// | long sequence (1 × 4096, 12 × 64) | 95 ms (271 GFLOP/s) | 226 ms (114 GFLOP/s) | 0.42 |
// | small (1 × 64, 4 × 16) | 8.9 µs | 100 µs | 0.09 |
//
// **What libtorch's SDPA is on the CPU.** For float32 inputs in this (batch, heads, tokens, `head_dim`) layout, without dropout, PyTorch 2.10 chooses its flash-attention backend (`select_sdp_backend_cpp` in `aten/src/ATen/native/transformers/sdp_utils_cpp.cpp` tries it first; the kernel is `cpu_flash_attention` in `aten/src/ATen/native/cpu/FlashAttentionKernel.cpp`): blocks of 32, 64 or 256 queries (by sequence length) against blocks of 512 keys, an online softmax with a running maximum and sum, and each block's two products done by a BLAS GEMM. It is fused too — it never stores the $T \times T$ matrix — so fused ÷ SDPA compares two fused kernels (block shapes, micro-kernels, threading), not fusion against no fusion. With dropout, which that backend does not support, libtorch falls back to its math path, which materialises the weights.
//
// The ladder in `benchmarks/` also has the unfused rung (`Unfused1Thread`, `Unfused`), added after the figures above were measured. At GPT-2 small, the teaching classes' matrix path (MathNet) takes 9.6 s for the same attention — about 180 times the fused kernel — and plain loops 17.7 s on one thread. The whole fused module (projections included) runs at 0.34× the time of libtorch's linear + SDPA + linear.

// ## Memory: $T^2$ against $T \cdot d$
//
// The matrix path needs a $T \times T$ score matrix per head — in the teaching classes several, since masking and softmax each return a new matrix. The fused kernel needs the inputs and the output, $O(T \cdot d)$, and a scratch buffer of a few tens of kilobytes per thread, whatever $T$ is. The cell below measures the same quantity for the three paths, for one head on one thread: what one call allocates on a fresh thread (so a path's per-thread buffers, created by its first call, are counted) and what a second call on that thread allocates, with the .NET allocation counter of that thread:

cell(21);
// check: skip-output (allocation counts include runtime bookkeeping that varies slightly between runs)
int[] lengths = [256, 512, 1024, 2048];
var matrixMiB = new List<double>();
var unfusedMiB = new List<double>();
var fusedMiB = new List<double>();
(double First, double Second) TwoCallsMiB(Action call)             // on a fresh thread: what the first call and the second allocate
{
    long first = 0, second = 0;
    var thread = new System.Threading.Thread(() =>
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        call();                                                     // creates the thread's buffers, if the path keeps any
        long middle = GC.GetAllocatedBytesForCurrentThread();
        call();
        (first, second) = (middle - before, GC.GetAllocatedBytesForCurrentThread() - middle);
    });
    thread.Start();
    thread.Join();
    return (first / 1048576.0, second / 1048576.0);
}
var oneThread = new FlashAttentionOptions { MaxDegreeOfParallelism = 1 };   // all the work on the measured thread
foreach (int n in lengths)
{
    var gen = new TorchGenerator(3);
    var qn = gen.Rand(n, D); var kn = gen.Rand(n, D); var vn = gen.Rand(n, D);
    float[] qf = qn.ToRowMajorArray(), kf = kn.ToRowMajorArray(), vf = vn.ToRowMajorArray(), of = new float[n * D];
    var matrix = TwoCallsMiB(() => _ = Softmax.Stable(CausalMask.MaskedFill(qn * kn.Transpose(), CausalMask.Create(n)) * scale) * vn);
    var unfused = TwoCallsMiB(() => FlashAttention.ForwardUnfused(qf, kf, vf, of, 1, 1, n, D, causal: true, oneThread));
    var fusedCalls = TwoCallsMiB(() => FlashAttention.Forward(qf, kf, vf, of, 1, 1, n, D, causal: true, oneThread));
    matrixMiB.Add(matrix.First);
    unfusedMiB.Add(unfused.First);
    fusedMiB.Add(fusedCalls.First);
    Console.WriteLine($"T = {n,4}: matrix path {matrix.First,6:0.00} MiB, then {matrix.Second,6:0.00}   unfused SIMD {unfused.First,5:0.00} MiB, then {unfused.Second * 1024,3:0} KiB   " +
                      $"fused {fusedCalls.First * 1024,3:0} KiB, then {fusedCalls.Second * 1024,3:0} KiB   (one T x T float matrix: {n * (double)n * 4 / 1048576,5:0.00} MiB)");
}

cell(22);
// check: skip-output (drawn from the measurements above)
show(22, Plot.Line(
    [Series.Of("matrix path (MathNet)", lengths, matrixMiB),
     Series.Of("SIMD kernels, unfused", lengths, unfusedMiB),
     Series.Of("SIMD kernels, fused", lengths, fusedMiB)],
    "Memory one call allocates on a fresh thread, one head of 64 features (measured)", "tokens (T)", "MiB", logX: true, logY: true));

// The matrix path allocates about six $T \times T$ matrices on every call: the mask itself, the product $Q K^\top$, the masked copy, the scaled copy and the softmax's result are each a new $T \times T$ matrix, and MathNet's product with $V$ copies its $T \times T$ operand once more (solution 3 counts them step by step). The unfused SIMD kernel keeps one $T \times T$ matrix per thread for its next call (a second call allocates nothing), so its memory still grows with $T^2$. The fused kernel's first call creates its per-thread scratch — 33 KiB in the stored output; the size depends on the vector width — and then allocates nothing, whatever $T$ is; besides that it needs only the caller's inputs and output, which grow linearly with $T$. The benchmark's memory check goes to 16,384 tokens, where one score matrix is 1 GiB per head.

// ## The backward pass, tile by tile
//
// Training needs the gradients of a loss with respect to $Q$, $K$ and $V$ ([notebook 6](06-attention-that-learns.ipynb) derives them by hand, one matrix at a time). Written with $S = Q K^\top / \sqrt{d}$ (the scaled attention scores, masked), $P = \mathrm{softmax}(S)$ (the attention weights), $O = P V$ (the context vectors) and $dO$ the gradient arriving from above:
//
// $$dV = P^\top dO, \qquad dP = dO\, V^\top, \qquad dS_{ij} = P_{ij}\,\bigl(dP_{ij} - D_i\bigr), \qquad dQ = dS\,K / \sqrt{d}, \qquad dK = dS^\top Q / \sqrt{d}.$$
//
// Every line needs $P$, a $T \times T$ matrix per head — exactly what the fused forward never stored. FlashAttention's answer (Dao et al. 2022; the loop order of FlashAttention-2, Dao 2023) is to **recompute** $P$ tile by tile during the backward pass, from one number per query row that the forward saves: its *log-sum-exp*
//
// $$L_i = \log \sum_{j} e^{S_{ij}}, \qquad\text{so that}\qquad P_{ij} = e^{S_{ij} - L_i}.$$
//
// ($L_i = m_i + \log \ell_i$ in the online softmax's terms: the running maximum and sum we kept anyway.) The softmax's backward also needs, per row, $D_i = \sum_j P_{ij}\, dP_{ij}$; since $dP_{ij} = \sum_c dO_{ic} V_{jc}$ and $\sum_j P_{ij} V_{jc} = O_{ic}$, it is simply $D_i = \sum_c dO_{ic}\, O_{ic}$ — a dot product of two rows we already have, no row of $P$ needed.
//
// So the fused kernel's memory for training is the inputs, $O$ and $L$: $T$ floats per head instead of $T^2$. On our six tokens with the causal mask: the forward saves $L$, and we recompute one tile of the attention weights — queries *with, one, step* against keys *Your, journey, starts* — from it alone.

cell(25);
float[] q6 = queries.ToRowMajorArray(), k6 = keys.ToRowMajorArray(), v6 = values.ToRowMajorArray();   // (6, 2) each, seed 232
var o6 = new float[6 * 2];                                                                          // (6, 2) context vectors
var lse = new float[6];                                                                             // (6) L_i, one per query
FlashAttention.Forward(q6, k6, v6, o6, lse, batch: 1, heads: 1, tokens: 6, headDim: 2, causal: true);
Console.WriteLine($"log-sum-exp L: {string.Join("  ", lse.Select(x => x.ToString("0.0000")))}");

var weights6 = Softmax.Stable(CausalMask.FillAboveDiagonal(queries * keys.Transpose()) / MathF.Sqrt(2));   // (6, 6) the teaching way
var tile = Matrix<float>.Build.Dense(3, 3, (r, c) =>
{
    int i = 3 + r, j = c;                                           // queries 3…5, keys 0…2: a tile below the diagonal
    float score = queries.Row(i).DotProduct(keys.Row(j)) / MathF.Sqrt(2);   // S_ij
    return MathF.Exp(score - lse[i]);                               // P_ij = e^(S_ij − L_i)
});                                                                 // (3, 3)
Console.WriteLine($"recomputed from L alone, equal to the teaching weights within 1e-6: {(tile - weights6.SubMatrix(3, 3, 0, 3)).Enumerate().All(d => Math.Abs(d) <= 1e-6f)}");
show(25, tile.WithLabels(SampleData.Tokens.Skip(3).ToArray(), SampleData.Tokens.Take(3).ToArray()));

// A tile on the diagonal is recomputed the same way, with the keys after the query set to zero; tiles wholly above it are skipped. `FlashAttention.Backward` takes $Q$, $K$, $V$, $O$, $dO$ and $L$ and writes $dQ$, $dK$, $dV$ without ever holding a $T \times T$ matrix. Below, $dO$ is a made-up gradient (from a seeded generator); notebook 6's backward, built on the full weight matrix, must give the same three gradients:

cell(27);
var dO6 = new TorchGenerator(7).Rand(6, 2);                         // (6, 2) stand-in for the loss's gradient
float[] dq6 = new float[6 * 2], dk6 = new float[6 * 2], dv6 = new float[6 * 2];
FlashAttention.Backward(q6, k6, v6, o6, dO6.ToRowMajorArray(), lse, dq6, dk6, dv6, batch: 1, heads: 1, tokens: 6, headDim: 2, causal: true);
var byHand = AttentionNotebooks.Training.AttentionBackward.ScaledDotProduct(queries, keys, values, weights6, dO6, causal: true);

var rowDots = Enumerable.Range(0, 6).Select(i => dO6[i, 0] * o6[2 * i] + dO6[i, 1] * o6[2 * i + 1]);   // D_i = Σ_c dO_ic·O_ic
var weighted = (weights6.PointwiseMultiply(dO6 * values.Transpose())).RowSums();                        // Σ_j P_ij·dP_ij
Console.WriteLine($"D from two rows equals Σ_j P_ij dP_ij within 1e-6: {rowDots.Zip(weighted).All(p => Math.Abs(p.First - p.Second) <= 1e-6f)}");
bool Agree(float[] fused, Matrix<float> reference) => fused.Zip(reference.ToRowMajorArray()).All(p => Math.Abs(p.First - p.Second) <= 1e-5f);
Console.WriteLine($"dQ, dK, dV of the fused backward equal notebook 6's within 1e-5: {Agree(dq6, byHand.Queries)}, {Agree(dk6, byHand.Keys)}, {Agree(dv6, byHand.Values)}");
show(27, Matrix<float>.Build.DenseOfRowMajor(6, 2, dv6).WithTokens(SampleData.Tokens));

// The test suite checks `FlashAttention.Backward` against a double-precision definition and against libtorch's autograd (`scaled_dot_product_attention(…).backward()`) on every vector path, for token counts 1 to 200 and head sizes 1 to 80. It is tiled like the forward: for each block of 64 keys and each tile of 64 queries that sees it, the five products of the equations above ($S$, $dP$, $dV$, $dK$, $dQ$, each 64 × 64 × $d$) run in the same kind of register micro-kernel, 4 rows × 4 registers of the result at a time, and $P$ comes from the vectorised exponential of $S - L$. That is two and a half times the forward's arithmetic (five products instead of two), plus the recomputation, so forward + backward takes a few times the forward alone (the next cell shows how many on this machine); the benchmark in `benchmarks/` compares it with libtorch's autograd.
//
// ### Every vector path of this machine
//
// The kernels exist in one generic form, instantiated for each vector width the processor can run: 512 bits (AVX-512), 256 (AVX2), 128 (NEON on Apple Silicon and Linux ARM, SSE on x86) and plain scalar code. `FlashAttentionOptions.Simd` forces one, so we can time them side by side on GPT-2's attention shape from the ladder above, forward alone and forward + backward, on one thread (the output depends on the machine: the notebook tests skip it; the benchmark in `benchmarks/` compares each path with libtorch's matching one):

cell(29);
// check: skip-output (timings depend on the machine)
var dOut = new TorchGenerator(12).Rand(1, H * T * D).Row(0).ToArray();     // (1, 12, 512, 64) stand-in gradient
float[] outBuffer = new float[H * T * D], lseBuffer = new float[H * T], dqB = new float[H * T * D], dkB = new float[H * T * D], dvB = new float[H * T * D];
var paths = new[] { SimdPath.Vector512, SimdPath.Vector256, SimdPath.Vector128, SimdPath.Scalar }.Where(p => FlashAttention.ResolvedPath(p) == p).ToArray();
Console.WriteLine($"{Environment.ProcessorCount} cores; paths this processor runs: {string.Join(", ", paths)}");
Console.WriteLine($"{"path",-10} {"forward",12} {"forward + backward",20}   (causal, 1 x 512 tokens x 12 heads x 64, 1 thread)");
foreach (var path in paths)
{
    var options = new FlashAttentionOptions { MaxDegreeOfParallelism = 1, Simd = path };
    void Forward() => FlashAttention.Forward(q, k, v, outBuffer, lseBuffer, batch: 1, heads: H, tokens: T, headDim: D, causal: true, options);
    void Both()
    {
        Forward();
        FlashAttention.Backward(q, k, v, outBuffer, dOut, lseBuffer, dqB, dkB, dvB, batch: 1, heads: H, tokens: T, headDim: D, causal: true, options);
    }
    Both();                                                                 // warm up
    int repeats = path == SimdPath.Scalar ? 3 : 7;
    Console.WriteLine($"{path,-10} {MedianMs(Forward, repeats),9:0.0} ms {MedianMs(Both, repeats),17:0.0} ms");
}

// ## Summary
//
// - The literal implementation stores a $T \times T$ score matrix per head, so its memory grows with $T^2$. Most of the ladder's gap in time is arithmetic: SIMD micro-kernels against scalar loops and general matrix code. Fusion itself saved under a factor of two in time here, and only from about two thousand tokens on, but it removes the $T^2$ memory entirely.
// - The **online softmax** keeps a running maximum, a running sum and a running weighted sum of values per query, rescaled by $e^{m - m'}$ when the maximum grows; it gives exactly the same result without storing a row of scores.
// - FlashAttention computes attention in tiles with that trick; the library's `FlashAttention` does so with SIMD and threads and matches the teaching classes (and libtorch) within $10^{-5}$.
// - The **backward pass** needs the attention weights again: the forward saves one log-sum-exp $L_i$ per query row, and the backward recomputes $P_{ij} = e^{S_{ij} - L_i}$ tile by tile, with $D_i = \sum_c dO_{ic} O_{ic}$ standing in for the softmax's row sums — $T$ floats per head instead of $T^2$, and the same gradients as the matrix way.
// - Always check a fast implementation against the slow, obvious one — as every notebook of this course did.

// ## Further reading
//
// - Maxim Milakov and Natalia Gimelshein, [Online normalizer calculation for softmax](https://arxiv.org/abs/1805.02867), 2018 — the running maximum and sum of the online softmax.
// - Markus N. Rabe and Charles Staats, [Self-attention Does Not Need O(n²) Memory](https://arxiv.org/abs/2112.05682), 2021 — attention in chunks with the same trick.
// - Tri Dao, Daniel Y. Fu, Stefano Ermon, Atri Rudra and Christopher Ré, [FlashAttention: Fast and Memory-Efficient Exact Attention with IO-Awareness](https://arxiv.org/abs/2205.14135), NeurIPS 2022.
// - Tri Dao, [FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning](https://arxiv.org/abs/2307.08691), 2023 — the loop order (queries outside, keys inside) that our kernel uses, and its backward pass (Algorithm 2): recomputation from the log-sum-exp and $D_i = \mathrm{rowsum}(dO \circ O)$.
//
// From a dot product between two word vectors to attention as fast as the libraries compute it. Every weight so far came from a seeded generator. **Next:** [6 · Attention that learns](06-attention-that-learns.ipynb) — the backward pass of attention by hand, and small models whose heads learn where to look.

// ## Exercises
//
// 1. **Tile size.** Redo the online-softmax example with tiles of 2 keys, and with tiles of 1 key (one key at a time). Does the result change? Print $m$ after each tile.
// 2. **Non-causal.** Time `FlashAttention.Forward` with `causal: false` for the same shape. How much slower is it than causal, and why is about 2× expected?
// 3. **Where the matrix path's memory goes.** For $T = 1024$ and one head, count how many $T \times T$ matrices the MathNet path allocates (`qh * kh.Transpose()`, `MaskedFill`, `* scale`, `Softmax.Stable`) and compare with the measured MiB.
//
// Solutions: [solutions/05-efficient-attention-solutions.ipynb](solutions/05-efficient-attention-solutions.ipynb).

// 4. **Tiled attention for every query.** The online softmax above handled one query. Write it for all six queries of `sa` (seed 232): for each query keep its own $m$, $\ell$ and running weighted sum of values, and go over the keys in tiles of a size you choose, so that no $6 \times 6$ matrix is ever formed. Check your $6 \times 2$ context vectors against `sa.Forward(inputs)` for several tile sizes. (This is the loop structure of FlashAttention, without the blocking over queries and the SIMD.) The solution is in the same solutions notebook.
