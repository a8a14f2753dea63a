#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/05-efficient-attention-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/05-efficient-attention-solutions.cs (see README).
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

cell(1);

// # Solutions · 5 · Efficient attention
//
// Solutions to the exercises of [5 · Efficient attention](../05-efficient-attention.ipynb). Try them yourself first.

// ## 1. Tile size
//
// The online softmax from the notebook, with the tile size as a parameter:

cell(4);
var inputs = SampleData.Inputs();
var sa = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(232));
var s = sa.WKey.Forward(inputs) * sa.WQuery.Forward(inputs).Row(1) / MathF.Sqrt(2);   // (6)
var values = sa.WValue.Forward(inputs);                                                // (6, 2)
var direct = values.TransposeThisAndMultiply(Softmax.Stable(s));

string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
Vector<float> Online(int tile)
{
    float m = float.NegativeInfinity, l = 0f;
    var a = Vector<float>.Build.Dense(2);
    var maxima = new List<string>();
    for (int first = 0; first < s.Count; first += tile)
    {
        int count = Math.Min(tile, s.Count - first);
        float mNew = Math.Max(m, s.SubVector(first, count).Maximum());
        float rescale = MathF.Exp(m - mNew);
        l *= rescale;
        a *= rescale;
        for (int j = first; j < first + count; j++)
        {
            float e = MathF.Exp(s[j] - mNew);
            l += e;
            a += e * values.Row(j);
        }
        m = mNew;
        maxima.Add(m.ToString("0.0000"));
    }
    Console.WriteLine($"tiles of {tile}: m after each tile = {string.Join(", ", maxima)}");
    return a / l;
}
foreach (int tile in new[] { 1, 2, 3, 6 })
{
    var online = Online(tile);
    Console.WriteLine($"    context {string.Join(", ", online.Select(v => v.ToString("0.0000")))}, largest difference from the direct way {Below((online - direct).AbsoluteMaximum())}");
}

// The result does not depend on the tile size (up to float rounding, around $10^{-8}$). $m$ grows when the tile containing key 5 (*one*, the largest score) arrives — at the fifth tile of 1, the third tile of 2, the second tile of 3 — and each time the running sums are rescaled by $e^{m - m'}$; with a single tile of 6 the online softmax is the ordinary stable softmax. Tiles of 1 key is the "one key at a time" online softmax; real kernels use tiles of dozens of keys so that each key loaded into the cache serves many queries.

// ## 2. Non-causal

cell(7);
const int T = 512, H = 12, D = 64;
var rng = new TorchGenerator(11);
float[] q = rng.Rand(1, H * T * D).Row(0).ToArray(), k = rng.Rand(1, H * T * D).Row(0).ToArray(), v = rng.Rand(1, H * T * D).Row(0).ToArray();
var output = new float[H * T * D];
double Median(bool causal)
{
    var times = new List<double>();
    for (int r = 0; r < 11; r++)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        FlashAttention.Forward(q, k, v, output, 1, H, T, D, causal);
        times.Add(watch.Elapsed.TotalMilliseconds);
    }
    return times.Order().ElementAt(5);
}
double causalMs = Median(true), fullMs = Median(false);
Console.WriteLine($"causal {causalMs:0.00} ms, non-causal {fullMs:0.00} ms: {fullMs / causalMs:0.00}x");

// A causal query $i$ needs keys $0 \dots i$ only, so on average half the keys: the kernel skips the tiles entirely above the diagonal, and non-causal attention does about twice the arithmetic ($4\,h\,T^2 d$ instead of $2\,h\,T^2 d$ floating-point operations). The measured ratio is below 2 (the stored run printed 1.43) because the tiles on the diagonal cost as much as full ones and the fixed costs (threads, the final division) are the same.

// ## 3. Where the matrix path's memory goes
//
// For $T = 1024$, one $T \times T$ float matrix is $1024^2 \times 4$ bytes = 4 MiB. The MathNet path allocates:
//
// | step | new $T \times T$ matrices |
// |---|---|
// | `qh * kh.Transpose()` | 1 (the transpose of `kh` is only $T \times d$) |
// | `CausalMask.Create(T)` | 1 |
// | `CausalMask.MaskedFill(...)` | 1 (a copy) |
// | `* scale` | 1 |
// | `Softmax.Stable(...)` | 1 |
//
// Five matrices, 20 MiB, plus the $T \times d$ transpose of `kh` (0.25 MiB). The product with $V$ adds another 4 MiB, because MathNet's managed multiply copies its $T \times T$ operand into its own working layout, and 0.25 MiB for the result: about 25 MiB, the order of what the notebook's memory cell measures for $T = 1024$. Step by step:

cell(10);
// check: skip-output (allocation counts include runtime bookkeeping)
var gen = new TorchGenerator(3);
var qn = gen.Rand(1024, 64); var kn = gen.Rand(1024, 64); var vn = gen.Rand(1024, 64);
long before = GC.GetTotalAllocatedBytes(precise: true);
var scores = qn * kn.Transpose();
Console.WriteLine($"Q·Kᵀ:       {(GC.GetTotalAllocatedBytes(true) - before) / 1048576.0:0.00} MiB"); before = GC.GetTotalAllocatedBytes(true);
var mask = CausalMask.Create(1024);
Console.WriteLine($"mask:       {(GC.GetTotalAllocatedBytes(true) - before) / 1048576.0:0.00} MiB"); before = GC.GetTotalAllocatedBytes(true);
var masked = CausalMask.MaskedFill(scores, mask);
Console.WriteLine($"MaskedFill: {(GC.GetTotalAllocatedBytes(true) - before) / 1048576.0:0.00} MiB"); before = GC.GetTotalAllocatedBytes(true);
var scaled = masked * (1f / 8f);
Console.WriteLine($"* scale:    {(GC.GetTotalAllocatedBytes(true) - before) / 1048576.0:0.00} MiB"); before = GC.GetTotalAllocatedBytes(true);
var weights = Softmax.Stable(scaled);
Console.WriteLine($"softmax:    {(GC.GetTotalAllocatedBytes(true) - before) / 1048576.0:0.00} MiB"); before = GC.GetTotalAllocatedBytes(true);
var z = weights * vn;
Console.WriteLine($"·V:         {(GC.GetTotalAllocatedBytes(true) - before) / 1048576.0:0.00} MiB");

// ## 4. Tiled attention for every query

cell(12);
var tiledInputs = SampleData.Inputs();
var tiledModule = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(232));
var Q = tiledModule.WQuery.Forward(tiledInputs);                       // (6, 2)
var K = tiledModule.WKey.Forward(tiledInputs);                         // (6, 2)
var V = tiledModule.WValue.Forward(tiledInputs);                       // (6, 2)

Matrix<float> Tiled(int tile)
{
    var output = Matrix<float>.Build.Dense(6, 2);
    for (int i = 0; i < 6; i++)                                        // every query keeps its own m, ℓ and sum
    {
        float m = float.NegativeInfinity, l = 0f;
        var sum = Vector<float>.Build.Dense(2);
        for (int first = 0; first < 6; first += tile)
        {
            int count = Math.Min(tile, 6 - first);
            var s = K.SubMatrix(first, count, 0, 2) * Q.Row(i) / MathF.Sqrt(2);   // (count): this tile's scores only
            float mNew = Math.Max(m, s.Maximum());
            float rescale = MathF.Exp(m - mNew);                       // e^(m − m'); 0 at the first tile
            l *= rescale;
            sum *= rescale;
            for (int j = 0; j < count; j++)
            {
                float e = MathF.Exp(s[j] - mNew);
                l += e;
                sum += e * V.Row(first + j);
            }
            m = mNew;
        }
        output.SetRow(i, sum / l);                                     // divide once, at the end
    }
    return output;
}

var expected = tiledModule.Forward(tiledInputs).Context;
foreach (int tile in new[] { 1, 2, 4, 6 })
    Console.WriteLine($"tiles of {tile}: matches the library within 1e-6: {(Tiled(tile) - expected).Enumerate().Max(Math.Abs) < 1e-6f}");

// Whatever the tile size, the result is the library's up to float rounding: the online softmax is exact, only the order of the additions changes. Memory per query is two numbers and one running vector, whatever the number of keys; `FlashAttention` does the same for 64 queries at a time against 128 keys at a time, so that each key loaded from memory serves many queries.
