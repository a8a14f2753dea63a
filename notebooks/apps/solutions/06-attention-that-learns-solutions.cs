#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/06-attention-that-learns-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/06-attention-that-learns-solutions.cs (see README).
using AttentionNotebooks;
using AttentionNotebooks.Charts;
using MathNet.Numerics.LinearAlgebra;
using AttentionNotebooks.Training;

// cell(N) marks where the notebook's cell N starts; it prints nothing unless ATTENTION_APP_CELL_MARKERS=1
// (set by the test that compares this app's output with its notebook's, cell by cell).
static void cell(int number)
{
    if (Environment.GetEnvironmentVariable("ATTENTION_APP_CELL_MARKERS") == "1")
        Console.WriteLine($"##app-cell {number}");
}

// What a notebook shows for the value a cell ends with: its text; a chart is also saved as an SVG file
// beside this app, 06-attention-that-learns-solutions.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"06-attention-that-learns-solutions.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # Solutions · 6 · Attention that learns
//
// Solutions to the exercises of [6 · Attention that learns](../06-attention-that-learns.ipynb). Try them yourself first.

// ## 1. Without $\sqrt{d_k}$
//
// `AttentionClassifier` always divides the scores by $\sqrt{d_k}$. Multiplying $W_{query}$ by $\sqrt{d_k} = 4$ multiplies every query, and so every score, by 4: the initial scores are exactly $Q K^\top$ without the division. (Only the start is the same as an unscaled model: afterwards AdamW's steps on the larger $W_{query}$ are relatively smaller.)

cell(4);
const int vocab = 16, dim = 16, tokens = 12;
var (probe, _) = LookBackTask.Batch(new TorchGenerator(1), 64, tokens, vocab, offset: 1);

(List<float> Losses, double LargestAtStart, double WeightAfter) Run(bool unscaled, ulong seed)   // model seed 123 + seed, data seed 456 + seed
{
    var model = AttentionClassifier.WithCausalAttention(vocab, vocab, dim, tokens, positions: true, new TorchGenerator(123 + seed));
    var wq = model.CausalAttention!.WQuery.Weight;
    if (unscaled)
        wq.Multiply(MathF.Sqrt(dim), wq);                          // in place: the initial scores are Q·Kᵀ
    float LargestWeight(Matrix<float> w) => Enumerable.Range(1, tokens - 1).Average(t => w.Row(t).Maximum());   // over the queries t ≥ 1
    double largest = model.Forward(probe).Head(0).Average(LargestWeight);
    var optimizer = new AdamW(model.Parameters, lr: 3e-3);
    var data = new TorchGenerator(456 + seed);
    var losses = new List<float>();
    for (int step = 0; step < 200; step++)
    {
        var (x, y) = LookBackTask.Batch(data, 16, tokens, vocab, offset: 1);
        losses.Add(model.TrainStep(x, y, optimizer));
    }
    return (losses, largest, LookBackTask.AverageWeightOnOffset(model.Forward(probe).Head(0), 1));
}

const int seeds = 4;                                                // seed 0 is the notebook's run (123, 456)
string Spread(IEnumerable<double> xs, string format) => $"{xs.Average().ToString(format)} ({xs.Min().ToString(format)}–{xs.Max().ToString(format)})";
Console.WriteLine($"{"",-12} {"seed"}  {"largest weight",-16} {"loss at step 25",-17} {"step 100",-17} {"step 200",-17} weight on t − 1");
Console.WriteLine($"{"",-12} {""}      {"at the start",-16} {"",-17} {"",-17} {"",-17} after training");
foreach (bool unscaled in new[] { false, true })
{
    var runs = Enumerable.Range(0, seeds).Select(seed => Run(unscaled, (ulong)seed)).ToArray();
    string name = unscaled ? "without √d_k" : "with √d_k";
    for (int seed = 0; seed < seeds; seed++)
        Console.WriteLine($"{name,-12} {seed,4}  {runs[seed].LargestAtStart,-16:0.000} {runs[seed].Losses[24],-17:0.0000} {runs[seed].Losses[99],-17:0.0000} {runs[seed].Losses[199],-17:0.0000} {runs[seed].WeightAfter:0.000}");
    Console.WriteLine($"{name,-12} mean (min–max): largest at start {Spread(runs.Select(r => r.LargestAtStart), "0.000")}, loss at step 25 {Spread(runs.Select(r => (double)r.Losses[24]), "0.00")}, " +
                      $"step 100 {Spread(runs.Select(r => (double)r.Losses[99]), "0.00")}, step 200 {Spread(runs.Select(r => (double)r.Losses[199]), "0.000")}, weight on t − 1 {Spread(runs.Select(r => r.WeightAfter), "0.000")}");
}

// Four runs of each, seed 0 being the notebook's (model seed $123 + s$, data seed $456 + s$ for $s = 0, \dots, 3$). Without the division the model starts with sharper weights: each query's largest weight averages 0.666 (0.645–0.685 over the seeds) instead of 0.342 (0.324–0.356), so the softmax is closer to saturation, where its Jacobian $\operatorname{diag}(a) - a a^\top$ is small (notebook 2 measured this). Learning is slower: the loss at step 100 averages 0.83 (0.57–1.01) instead of 0.47 (0.33–0.55), and at step 200 0.036 instead of 0.022. The ranges at step 100 nearly touch (0.57 for the best unscaled seed, 0.55 for the worst scaled one), which is why one seed is not enough; seed by seed, the table shows the unscaled run behind at steps 25, 100 and 200 in each of the four. Once trained, its weight on $t - 1$ is a little higher (0.982 against 0.973 on average): the factor 4 still sharpens the softmax. With $d_k = 16$ the factor is only 4, and the model still gets there in 200 steps. At GPT-2's $d_k = 64$ the factor would be 8; the division keeps the softmax in the range where its gradient is useful.

// ## 2. One head on task 2
//
// The same model as in the notebook, ordered pairs of 8 symbols, 16 features, but `numHeads: 1`:

cell(7);
const int symbols = 8;
var (pairProbe, pairTargets) = TwoOffsetTask.Batch(new TorchGenerator(1), 64, tokens, symbols);
foreach (int heads in new[] { 2, 1 })
{
    var model = AttentionClassifier.WithMultiHeadAttention(symbols, TwoOffsetTask.Classes(symbols), 16, tokens, numHeads: heads, positions: true, new TorchGenerator(123));
    var optimizer = new AdamW(model.Parameters, lr: 1e-2);
    var data = new TorchGenerator(456);
    for (int step = 0; step < 150; step++)
    {
        var (x, y) = TwoOffsetTask.Batch(data, 16, tokens, symbols);
        model.TrainStep(x, y, optimizer);
    }
    var result = model.Forward(pairProbe);
    Console.WriteLine($"{heads} head(s): test loss {model.Loss(pairProbe, pairTargets):0.0000}");
    for (int head = 0; head < heads; head++)
        Console.WriteLine($"    head {head}: weight on t − 1 {LookBackTask.AverageWeightOnOffset(result.Head(head), 1):0.000}, on t − 2 {LookBackTask.AverageWeightOnOffset(result.Head(head), 2):0.000}");
}

// One head does learn the task, but worse: its test loss after the same 150 steps is about 18 times that of two heads. It cannot lock onto both offsets, so it splits its weight *unequally* — about 0.63 on $t - 2$ and 0.33 on $t - 1$. An unequal mix $0.33\,v_a + 0.63\,v_b$ is not the same as $0.33\,v_b + 0.63\,v_a$, so the order can be read from it, but only through the difference of the two weights: the two orders of a pair are close together, and the read-out needs large weights to separate them. An *equal* split would make them identical. Two heads put the two tokens into separate columns and have no such problem.

// ## 3. Lookup without a key
//
// Train the lookup model of the notebook again, then ask it for a key that none of the four entries holds:

cell(10);
const int keyCount = 8, valueCount = 8, pairs = 4;
string Label(int token) => token < keyCount * valueCount ? $"k{token / valueCount}→v{token % valueCount}" : $"k{token - keyCount * valueCount}?";
var lookup = AttentionClassifier.WithCausalAttention(LookupTask.VocabSize(keyCount, valueCount), valueCount, 32, pairs + 1, positions: false, new TorchGenerator(123));
var lookupOptimizer = new AdamW(lookup.Parameters, lr: 5e-3);
var lookupData = new TorchGenerator(456);
for (int step = 0; step < 300; step++)
{
    var b = LookupTask.Batch(lookupData, 32, pairs, keyCount, valueCount);
    lookup.TrainStep(b.Inputs, b.Targets, lookupOptimizer);
}
int[] known = [LookupTask.Entry(0, 1, valueCount), LookupTask.Entry(1, 2, valueCount), LookupTask.Entry(2, 3, valueCount), LookupTask.Entry(3, 4, valueCount), LookupTask.Query(1, keyCount, valueCount)];
int[] unknown = [.. known[..4], LookupTask.Query(5, keyCount, valueCount)];
var labels = unknown.Select(Label).ToArray();
var both = lookup.Forward([known, unknown]);
foreach (var (name, b) in new[] { ("query k1? (stored)", 0), ("query k5? (not stored)", 1) })
{
    var row = both.Head(0)[b].Row(pairs);
    var p = Softmax.Stable(both.Logits[b].Row(pairs));
    Console.WriteLine($"{name,-24} weights {string.Join("  ", row.Select(w => w.ToString("0.00")))}   most likely value v{p.MaximumIndex()} (p = {p.Maximum():0.00})");
}
show(10, Plot.Weights(both.Head(0)[1], labels, "Querying a key that is not there", causal: true));   // [0, 1], the future hatched

// For a stored key the query's row puts about 0.97 on its entry and answers correctly (v2). For a missing key it still puts 0.88 on *one* entry — k3→v4 — and answers v4 with full confidence. Softmax weights always sum to 1: attention cannot attend to "nothing", it can only spread or concentrate its weight. The model was never shown a missing key, so nothing taught it to spread its weight or lower its confidence; it picks the entry whose key vector happens to score highest against the query of k5. (Real models often learn a "default" position — an always-present token such as the first one — to park their weight on when nothing matches.)

// ## 4. Backward through the heads' concatenation and the output projection
//
// The forward pass after the heads is two steps: concatenate, $Z = [Z_0 \mid Z_1]$ ($6 \times 4$), then project, $Y = Z W_o^\top + \mathbf{1} b_o^\top$. With $L = \sum_{ij} Y_{ij} G_{ij}$, $dY = G$, and since $Y_{ij} = \sum_k Z_{ik} (W_o)_{jk} + (b_o)_j$:
//
// $$dW_o = dY^\top Z, \qquad db_o = \textstyle\sum_i dY_{i,:} \ \text{(column sums)}, \qquad dZ = dY\, W_o$$
//
// The concatenation only copies: column $k$ of $Z$ is column $k - h\,d_{head}$ of head $h$'s output. So its backward pass copies back: $dZ_h$ is head $h$'s block of columns of $dZ$, $dZ_h = dZ[:,\ h\,d_{head} : (h+1)\,d_{head}]$. Each head then runs the notebook's one-head backward pass, and the split of $Q$ into heads (also a copy of columns) does the same in reverse: head $h$'s $dQ_h$ fills its block of $dQ$, and $dW_{query} = dQ^\top X$. By hand:

cell(13);
var sample = SampleData.Inputs();                                   // (6, 3)  X
var mha = new MultiHeadAttention(dIn: 3, dOut: 4, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123));
var upstream = new TorchGenerator(7).Randn(6, 4);                   // (6, 4)  G = dL/dY
int hd = mha.HeadDim;                                               // 2
float scale = MathF.Sqrt(hd);

// Forward by hand, keeping each head's Q_h, K_h, V_h and A_h.
var q = mha.WQuery.Forward(sample);                                 // (6, 4)
var k = mha.WKey.Forward(sample);                                   // (6, 4)
var v = mha.WValue.Forward(sample);                                 // (6, 4)
Matrix<float> Block(Matrix<float> m, int h) => m.SubMatrix(0, m.RowCount, h * hd, hd);   // head h's columns: (6, 2)
var a = new Matrix<float>[2];
var z = Matrix<float>.Build.Dense(6, 4);                            // (6, 4)  [Z_0 | Z_1]
for (int h = 0; h < 2; h++)
{
    a[h] = Softmax.Stable(CausalMask.MaskedFill(Block(q, h) * Block(k, h).Transpose(), mha.Mask) / scale);   // (6, 6)
    z.SetSubMatrix(0, h * hd, a[h] * Block(v, h));                  // (6, 2) into its block
}

// Backward: the output projection, then the concatenation, then each head.
var dWOut = upstream.TransposeThisAndMultiply(z);                   // (4, 4)  dW_o = Gᵀ·Z
var dbOut = upstream.ColumnSums();                                  // (4)     db_o = column sums of G
var dZ = upstream * mha.OutProj.Weight;                             // (6, 4)  dZ = G·W_o
var dQ = Matrix<float>.Build.Dense(6, 4);                           // (6, 4)
for (int h = 0; h < 2; h++)
{
    var dZh = Block(dZ, h);                                         // (6, 2)  the concatenation's backward: head h's columns
    var dA = dZh.TransposeAndMultiply(Block(v, h));                 // (6, 6)  dA = dZ_h·V_hᵀ
    var rowDot = dA.PointwiseMultiply(a[h]).RowSums();              // (6)
    var dS = a[h].PointwiseMultiply(dA - Matrix<float>.Build.Dense(6, 6, (i, j) => rowDot[i]));   // (6, 6)
    dQ.SetSubMatrix(0, h * hd, dS * Block(k, h) / scale);           // (6, 2)  dQ_h = dS·K_h/√d_k into its block
}
var dWQuery = dQ.TransposeThisAndMultiply(sample);                  // (4, 3)  dW_q = dQᵀ·X
show(13, dWOut);

// Now the checks: central finite differences of $L$ (the module's own forward pass) for every entry of $W_o$, $b_o$ and $W_{query}$, and the gradients `MultiHeadAttentionTrainer` computes for training:

cell(15);
float Loss() => mha.Forward([sample]).Context[0].PointwiseMultiply(upstream).Enumerate().Sum();   // L = Σ Y ⊙ G

float[] Numeric(int count, Func<int, float> get, Action<int, float> set)   // one weight at a time, changed and restored
{
    var gradient = new float[count];
    for (int i = 0; i < count; i++)
    {
        float saved = get(i);
        set(i, saved + 1e-2f); float up = Loss();
        set(i, saved - 1e-2f); float down = Loss();
        set(i, saved);
        gradient[i] = (up - down) / 2e-2f;
    }
    return gradient;
}
float[] NumericOf(Matrix<float> w) => Numeric(w.RowCount * w.ColumnCount, i => w[i / w.ColumnCount, i % w.ColumnCount], (i, x) => w[i / w.ColumnCount, i % w.ColumnCount] = x);
float[] NumericOfVector(Vector<float> b) => Numeric(b.Count, i => b[i], (i, x) => b[i] = x);

var trainer = new MultiHeadAttentionTrainer(mha);
trainer.Forward([sample]);
trainer.Backward([upstream]);
float[] Library(string name) => trainer.Parameters.Single(p => p.Name == name).GradientToRowMajorArray();
float Largest(float[] x, float[] y) => x.Zip(y, (p, r) => Math.Abs(p - r)).Max();
string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine

var checks = new (string Name, float[] Hand, float[] Numeric, string Parameter)[]
{
    ("dW_out  ", dWOut.ToRowMajorArray(), NumericOf(mha.OutProj.Weight), "out_proj.weight"),
    ("db_out  ", dbOut.ToArray(), NumericOfVector(mha.OutProj.Bias!), "out_proj.bias"),
    ("dW_query", dWQuery.ToRowMajorArray(), NumericOf(mha.WQuery.Weight), "W_query.weight"),
};
foreach (var (name, hand, numeric, parameter) in checks)
{
    float vsLibrary = Largest(hand, Library(parameter));
    Console.WriteLine($"{name}: finite differences agree within 1e-3: {Largest(hand, numeric) < 1e-3f}; largest difference from MultiHeadAttentionTrainer: {Below(vsLibrary)}; matches the library within 1e-6: {vsLibrary < 1e-6f}");
}

// All three agree. The derivation shows the two facts `MultiHeadAttentionTrainer` is built on: the backward pass of a concatenation is the split (each head gets its own block of columns of $dZ$), and the backward pass of the split is the concatenation (each head's $dQ_h$, $dK_h$, $dV_h$ fill their block of $dQ$, $dK$, $dV$). Only the output projection mixes the heads, so it is the only step whose gradient involves all heads at once: $dZ = dY\,W_o$ sends each head a combination of every output feature's gradient.
