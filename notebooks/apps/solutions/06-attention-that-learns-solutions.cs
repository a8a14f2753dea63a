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

(List<float> Losses, double LargestAtStart, double WeightAfter) Run(bool unscaled)
{
    var model = AttentionClassifier.WithCausalAttention(vocab, vocab, dim, tokens, positions: true, new TorchGenerator(123));
    var wq = model.CausalAttention!.WQuery.Weight;
    if (unscaled)
        wq.Multiply(MathF.Sqrt(dim), wq);                          // in place: the initial scores are Q·Kᵀ
    double largest = model.Forward(probe).Head(0).Average(w => Enumerable.Range(1, tokens - 1).Average(t => w.Row(t).Maximum()));
    var optimizer = new AdamW(model.Parameters, lr: 3e-3);
    var data = new TorchGenerator(456);
    var losses = new List<float>();
    for (int step = 0; step < 200; step++)
    {
        var (x, y) = LookBackTask.Batch(data, 16, tokens, vocab, offset: 1);
        losses.Add(model.TrainStep(x, y, optimizer));
    }
    return (losses, largest, LookBackTask.AverageWeightOnOffset(model.Forward(probe).Head(0), 1));
}

foreach (bool unscaled in new[] { false, true })
{
    var (losses, largest, weight) = Run(unscaled);
    Console.WriteLine($"{(unscaled ? "without √d_k" : "with √d_k   ")}: mean largest weight at the start {largest:0.000}; loss at step 25 {losses[24]:0.0000}, " +
                      $"step 100 {losses[99]:0.0000}, step 200 {losses[199]:0.0000}; weight on t − 1 after training {weight:0.000}");
}

// Without the division the model starts with sharper weights: each query's largest weight averages about 0.68 instead of 0.35, so the softmax is closer to saturation, where its Jacobian $\operatorname{diag}(a) - a a^\top$ is small (notebook 2 measured this). Learning is slower — the loss at step 100 is about 0.81 instead of 0.55 — though with $d_k = 16$ the factor is only 4 and the model still gets there in 200 steps. At GPT-2's $d_k = 64$ the factor would be 8; the division keeps the softmax in the range where its gradient is useful.

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
