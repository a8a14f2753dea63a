#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/04-multi-head-attention-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/04-multi-head-attention-solutions.cs (see README).
// Renamed here, because a program's top-level statements are one scope while each notebook cell is its own:
//   cell 9: q → q_9
//   cell 12: x → x_12
using AttentionNotebooks;
using AttentionNotebooks.Charts;
using MathNet.Numerics.LinearAlgebra;

// cell(N) marks where the notebook's cell N starts; it prints nothing unless ATTENTION_APP_CELL_MARKERS=1
// (set by the test that compares this app's output with its notebook's, cell by cell).
static void cell(int number)
{
    if (Environment.GetEnvironmentVariable("ATTENTION_APP_CELL_MARKERS") == "1")
        Console.WriteLine($"##app-cell {number}");
}

// What a notebook shows for the value a cell ends with: its text; a chart is also saved as an SVG file
// beside this app, 04-multi-head-attention-solutions.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"04-multi-head-attention-solutions.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # Solutions · 4 · Multi-head attention
//
// Solutions to the exercises of [4 · Multi-head attention](../04-multi-head-attention.ipynb). Try them yourself first.

// ## 1. Returning 2-dimensional embeddings (the book's exercise 3.2)
//
// The wrapper's output width is `numHeads × dOut`. Keeping two heads, each head must produce one feature: `dOut: 1`.

cell(4);
var wrapper = new MultiHeadAttentionWrapper(dIn: 3, dOut: 1, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123));
var result = wrapper.Forward(SampleData.Batch(2));
Console.WriteLine($"output per sequence: {Shape.Of(result.Context[0])}");
show(4, result.Context[0]);

// ## 2. Initialising a GPT-2-size module (the book's exercise 3.3)
//
// The smallest GPT-2 has 12 heads, 768 input and output features and a context of 1,024 tokens, so `MultiHeadAttention(dIn: 768, dOut: 768, contextLength: 1024, dropout: 0f, numHeads: 12)` (each head then has $768 / 12 = 64$ features). A wrapper with the same output width needs 12 heads of 64 features each.

cell(6);
var gpt2 = new MultiHeadAttention(dIn: 768, dOut: 768, contextLength: 1024, dropout: 0f, numHeads: 12);
var gpt2WithBiases = new MultiHeadAttention(dIn: 768, dOut: 768, contextLength: 1024, dropout: 0f, numHeads: 12, qkvBias: true);
var gpt2Wrapper = new MultiHeadAttentionWrapper(dIn: 768, dOut: 64, contextLength: 1024, dropout: 0f, numHeads: 12);
Console.WriteLine($"MultiHeadAttention:                  {gpt2.DOut} outputs, head_dim {gpt2.HeadDim}, {gpt2.ParameterCount:N0} parameters");
Console.WriteLine($"MultiHeadAttention, qkvBias: true:   {gpt2WithBiases.DOut} outputs, head_dim {gpt2WithBiases.HeadDim}, {gpt2WithBiases.ParameterCount:N0} parameters");
Console.WriteLine($"wrapper:                             {gpt2Wrapper.DOut} outputs, {gpt2Wrapper.ParameterCount:N0} parameters");
Console.WriteLine($"difference:                          {gpt2.ParameterCount - gpt2Wrapper.ParameterCount:N0} = the output projection (768 x 768 + 768)");

// `MultiHeadAttention` with the book's default `qkvBias: false` has $3 \cdot 768^2 + 768^2 + 768 = 2{,}360{,}064$ parameters; with the query, key and value biases that OpenAI's GPT-2 has, $3 \cdot 768$ more: 2,362,368.
//
// The wrapper's query, key and value weights are the same in number — 12 heads of $768 \times 64$ is one $768 \times 768$ matrix, cut into 12 pieces — so it has $3 \cdot 768^2 = 1{,}769{,}472$ parameters. `MultiHeadAttention` adds the output projection, $768^2 + 768 = 590{,}592$ more.

// ## 3. Heads and weights

cell(9);
var batch = SampleData.Batch(1);
var twoHeads = new MultiHeadAttention(3, 2, 6, 0f, numHeads: 2, generator: new TorchGenerator(123));
var oneHead = new MultiHeadAttention(3, 2, 6, 0f, numHeads: 1, generator: new TorchGenerator(123));
Console.WriteLine($"same projections: {oneHead.WQuery.Weight.Equals(twoHeads.WQuery.Weight) && oneHead.WKey.Weight.Equals(twoHeads.WKey.Weight)}");
var w1 = oneHead.Forward(batch).Weights[0][0];
var w2 = twoHeads.Forward(batch).Weights[0];
Console.WriteLine($"single head equals head 0: {w1.Equals(w2[0])}, equals head 1: {w1.Equals(w2[1])}");

// The single head's scores are the sum of the two heads' scores, divided by √2 instead of √1.
var q_9 = oneHead.WQuery.Forward(SampleData.Inputs());
var k = oneHead.WKey.Forward(SampleData.Inputs());
var sum = q_9.SubMatrix(0, 6, 0, 1) * k.SubMatrix(0, 6, 0, 1).Transpose() + q_9.SubMatrix(0, 6, 1, 1) * k.SubMatrix(0, 6, 1, 1).Transpose();
var fromSum = Softmax.Stable(CausalMask.FillAboveDiagonal(sum) / MathF.Sqrt(2));
Console.WriteLine($"softmax((scores of head 0 + scores of head 1) / √2) equals the single head: {(fromSum - w1).Enumerate().Max(Math.Abs) < 1e-6f}");

// Neither. Both modules draw the same sizes from the same seed, so their projections are identical; only the split differs. With one head of `head_dim` 2, a score is the dot product over both columns, $q_0 k_0 + q_1 k_1$, scaled by $1/\sqrt{2}$. With two heads of `head_dim` 1, each head uses one column and scales by $1/\sqrt{1}$. The single head's scores are the (scaled) *sum* of the two heads' scores, so its weights are a compromise between them, equal to neither.

// ## 4. A KV cache: one token at a time

cell(12);
var mha = new MultiHeadAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123));
var x_12 = SampleData.Inputs();
var full = mha.Forward([x_12]).Context[0];                                 // (6, 2): every position at once
int hd = mha.HeadDim;
var keyCache = new List<Vector<float>>();
var valueCache = new List<Vector<float>>();
for (int t = 0; t < 6; t++)
{
    var token = x_12.SubMatrix(t, 1, 0, 3);                                // (1, 3): only the newest token
    var query = mha.WQuery.Forward(token).Row(0);                       // (dOut)
    keyCache.Add(mha.WKey.Forward(token).Row(0));                       // the cache grows by one key
    valueCache.Add(mha.WValue.Forward(token).Row(0));                   // and one value
    var context = Vector<float>.Build.Dense(mha.DOut);
    for (int h = 0; h < mha.NumHeads; h++)
    {
        var q = query.SubVector(h * hd, hd);                            // (hd): head h's part
        var scores = Vector<float>.Build.Dense(t + 1, j => q.DotProduct(keyCache[j].SubVector(h * hd, hd)) / MathF.Sqrt(hd));
        var weights = Softmax.Stable(scores);                           // (t + 1): tokens 0..t, nothing to mask
        var z = Vector<float>.Build.Dense(hd);
        for (int j = 0; j <= t; j++)
            z += weights[j] * valueCache[j].SubVector(h * hd, hd);
        context.SetSubVector(h * hd, hd, z);
    }
    var output = mha.OutProj.Forward(context.ToRowMatrix()).Row(0);     // (dOut)
    float difference = (output - full.Row(t)).AbsoluteMaximum();
    Console.WriteLine($"step {t + 1}: {string.Join(", ", output.Select(v => v.ToString("0.0000")))}   matches the full causal forward within 1e-6: {difference < 1e-6f}");
}

// The same six outputs, one step at a time. At step $t$ the cached version computes one query, one key and one value and $t$ dot products per head, instead of all $t$ queries, keys and values and $t^2$ dot products; the price is memory — the cache holds every key and value so far, for every layer and head, which is why long conversations with a large model need gigabytes of "KV cache". The mask disappears because the cache only ever contains the past.

// ## 5. The split, yourself, for any number of heads
//
// Head $h$ owns columns $h \cdot d_{head}, \dots, (h+1) \cdot d_{head} - 1$ of $Q$, $K$, $V$ and of the concatenation:

cell(15);
Matrix<float> MultiHead(MultiHeadAttention m, Matrix<float> x)
{
    int tokens = x.RowCount, headDim = m.HeadDim;
    var queries = m.WQuery.Forward(x);                                  // (T, d_out)  one projection for all heads
    var keys = m.WKey.Forward(x);                                       // (T, d_out)
    var values = m.WValue.Forward(x);                                   // (T, d_out)
    var merged = Matrix<float>.Build.Dense(tokens, m.DOut);             // (T, d_out)  [Z_0 | … | Z_{h−1}]
    for (int h = 0; h < m.NumHeads; h++)
    {
        var q = queries.SubMatrix(0, tokens, h * headDim, headDim);     // (T, head_dim)  split: head h's block
        var k = keys.SubMatrix(0, tokens, h * headDim, headDim);        // (T, head_dim)
        var v = values.SubMatrix(0, tokens, h * headDim, headDim);      // (T, head_dim)
        var scores = CausalMask.MaskedFill(q * k.Transpose(), m.Mask);  // (T, T)  −∞ above the diagonal
        var weights = Softmax.Stable(scores / MathF.Sqrt(headDim));     // (T, T)
        merged.SetSubMatrix(0, h * headDim, weights * v);               // (T, head_dim) merge: into its block
    }
    return m.OutProj.Forward(merged);                                   // (T, d_out)  Z·W_oᵀ + b_o
}

string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
foreach (var (dOut, heads) in new[] { (6, 3), (8, 2), (8, 4) })
{
    var m = new MultiHeadAttention(dIn: 3, dOut: dOut, contextLength: 6, dropout: 0f, numHeads: heads, generator: new TorchGenerator(123));
    var x = SampleData.Inputs();
    float difference = (MultiHead(m, x) - m.Forward([x]).Context[0]).Enumerate().Max(Math.Abs);
    Console.WriteLine($"d_out {dOut}, {heads} heads of {m.HeadDim}: largest difference {Below(difference)}; matches the library within 1e-6: {difference < 1e-6f}");
}

// The split and the merge are only column blocks: the `view` and `transpose` of PyTorch's version move no numbers that matter here, since each head's block is already a (T, `head_dim`) matrix of our (T, `d_out`) one. Everything else is notebook 3's causal attention, run once per head, and one `Linear` at the end.
