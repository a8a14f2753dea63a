#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/00-why-attention-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/00-why-attention-solutions.cs (see README).
// Renamed here, because a program's top-level statements are one scope while each notebook cell is its own:
//   cell 14: keys → keys_14
//   cell 14: values → values_14
//   cell 14: weights → weights_14
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

cell(1);

// # Solutions · 0 · Why attention
//
// Solutions to the exercises of [0 · Why attention](../00-why-attention.ipynb). Try them yourself first.
//
// The experiment's building blocks, as in the notebook, with the vector size $d$ as a parameter:

cell(3);
Matrix<float> RandomSigns(TorchGenerator generator, int n, int d) => generator.Rand(n, d).Map(u => u < 0.5f ? -1f : 1f);

int Decode(Matrix<float> values, Vector<float> recalled) => (values * recalled).MaximumIndex();

double FixedSizeAccuracy(Matrix<float> keys, Matrix<float> values)
{
    var memory = keys.PointwiseMultiply(values).ColumnSums();          // (d)
    return Enumerable.Range(0, keys.RowCount).Count(j => Decode(values, keys.Row(j).PointwiseMultiply(memory)) == j) / (double)keys.RowCount;
}

double AttentionAccuracy(Matrix<float> keys, Matrix<float> values, float temperature = 1f)
{
    int correct = 0;
    for (int j = 0; j < keys.RowCount; j++)
    {
        var weights = Softmax.Stable(keys * keys.Row(j) / temperature);   // (n)
        if (Decode(values, values.TransposeThisAndMultiply(weights)) == j) correct++;
    }
    return correct / (double)keys.RowCount;
}

// ## 1. Where does the fixed-size vector break?
//
// For each $d$, average the fixed-size recall over enough draws to get at least 256 recalls per size, and report the first $n$ at which it falls below 90 %.

cell(5);
int[] sizes = [1, 2, 4, 8, 16, 32, 64, 128];
foreach (int d in new[] { 16, 64, 256 })
{
    var generator = new TorchGenerator(2024);
    var accuracy = sizes.Select(n => Enumerable.Range(0, Math.Max(1, 256 / n))
        .Average(_ => FixedSizeAccuracy(RandomSigns(generator, n, d), RandomSigns(generator, n, d)))).ToArray();
    int firstBelow = sizes.Where((n, i) => accuracy[i] < 0.9).First();
    Console.WriteLine($"d = {d,3}: {string.Join("  ", accuracy.Select(a => a.ToString("P0").PadLeft(5)))}   below 90 % from n = {firstBelow}");
}

// The breaking point moves with $d$: recall stays at 90 % or more up to 2, 8 and 16 facts for $d = 16, 64, 256$ (the sizes tried are powers of two, so the steps are coarse). Multiplying $d$ by 4 multiplied the number of facts by 4 the first time and by 2 the second: the capacity grows with $d$, a little more slowly than $d$ itself.
//
// Why: the recalled vector agrees with the right value by $d$ (its dot product with $v_j$), while the noise from the $n - 1$ other facts adds a random amount of typical size $\sqrt{d\,n}$. Recall succeeds when the right value beats the *largest* of $n - 1$ noisy competitors, which lies about $\sqrt{2 \ln n}$ typical sizes out. Signal and largest noise meet where $d = \sqrt{2 \ln n}\,\sqrt{d\,n}$, that is $n \ln n \approx d/2$: about 5, 13 and 36 facts for our three $d$, where recall turns from mostly right to mostly wrong (the 90 % mark comes a little earlier). That capacity is almost proportional to $d$ — and fixed, however long the input gets.

// ## 2. A blurry lookup
//
// Dividing the scores by a temperature $\tau$ before the softmax flattens the weights. At $n = 512$:

cell(8);
var lookup = new TorchGenerator(7);
var keys = RandomSigns(lookup, 512, 64);
var values = RandomSigns(lookup, 512, 64);
foreach (float tau in new[] { 1f, 10f, 100f })
{
    var weights = Softmax.Stable(keys * keys.Row(0) / tau);
    Console.WriteLine($"τ = {tau,3}: weight on the right key {weights[0]:0.0000}, largest other weight {weights.Skip(1).Max():0.0000}, recall {AttentionAccuracy(keys, values, tau):P1}");
}

// With $\tau = 1$ the query's own key scores 64 and the others around $\pm 8$, so softmax puts essentially all weight on the right value. With $\tau = 10$ the gap shrinks to about 6.4 in the exponent: the right key's weight drops to about half, but it still carries far more weight than any other key (about 0.01 at most), and recall stays perfect. With $\tau = 100$ the scores differ by less than 1 and the weights are nearly uniform ($\approx 1/512$ each): the recalled vector is an average of all 512 values and says little about any one of them, so recall collapses. Attention works because softmax can be *sharp*; the $\sqrt{d_k}$ scaling in notebook 2 is a temperature chosen to keep it sharp but not saturated.

// ## 3. Alignment

cell(11);
string[] english = ["Can", "you", "help", "me", "translate", "this", "sentence"];
string[] german = ["Kannst", "du", "mir", "helfen", "diesen", "Satz", "zu", "übersetzen"];
var alignment = Matrix<float>.Build.DenseOfArray(new float[,]
{
    { 0.85f, 0.05f, 0.02f, 0.03f, 0.01f, 0.01f, 0.01f, 0.02f },
    { 0.05f, 0.85f, 0.03f, 0.02f, 0.01f, 0.01f, 0.01f, 0.02f },
    { 0.02f, 0.02f, 0.10f, 0.80f, 0.01f, 0.01f, 0.02f, 0.02f },
    { 0.01f, 0.03f, 0.88f, 0.04f, 0.01f, 0.01f, 0.01f, 0.01f },
    { 0.01f, 0.01f, 0.01f, 0.05f, 0.02f, 0.04f, 0.11f, 0.75f },
    { 0.01f, 0.01f, 0.01f, 0.01f, 0.88f, 0.05f, 0.02f, 0.01f },
    { 0.01f, 0.01f, 0.01f, 0.01f, 0.05f, 0.88f, 0.02f, 0.01f },
});
for (int i = 0; i < english.Length; i++)
{
    int j = alignment.Row(i).MaximumIndex();
    if (j > i) Console.WriteLine($"{english[i]} (position {i + 1}) attends mostly to {german[j]} (position {j + 1}), further right");
}
var received = alignment.ColumnSums();
int most = received.MaximumIndex();
Console.WriteLine($"most attention received: {german[most]} ({received[most]:0.00} in total)");

// *help* and *translate* look ahead in the German sentence, because German puts the verbs later. *mir* ("me") receives the most attention in total: mostly from *me*, and a little from *help*, which needs to know who is being helped. *zu* receives almost none: it has no English counterpart here.

// ## 4. Cross-attention by hand
//
// The same draws as in the notebook (seed 2025: the English vectors, the German vectors, then the module's three layers), and the computation written out:

cell(14);
string[] englishWords = ["Can", "you", "help", "me", "translate", "this", "sentence"];
var untrained = new TorchGenerator(2025);
var englishVectors = untrained.Randn(7, 4);                                   // (7, 4)
var germanVectors = untrained.Randn(8, 4);                                    // (8, 4)
var cross = new CrossAttention(dInQuery: 4, dInKeyValue: 4, dOut: 4, generator: untrained);

var queries = englishVectors * cross.WQuery.Weight.Transpose();               // (7, 4)  Q = X_en W_qᵀ
var keys_14 = germanVectors * cross.WKey.Weight.Transpose();                     // (8, 4)  K = X_de W_kᵀ
var values_14 = germanVectors * cross.WValue.Weight.Transpose();                 // (8, 4)  V = X_de W_vᵀ
var weights_14 = Matrix<float>.Build.Dense(7, 8);
for (int i = 0; i < 7; i++)
{
    var scaled = Enumerable.Range(0, 8).Select(j => queries.Row(i).DotProduct(keys_14.Row(j)) / MathF.Sqrt(4)).ToArray();
    float max = scaled.Max();                                                  // subtract the maximum: exp never overflows
    var exps = scaled.Select(s => MathF.Exp(s - max)).ToArray();
    float sum = exps.Sum();
    for (int j = 0; j < 8; j++)
        weights_14[i, j] = exps[j] / sum;
}
var context = weights_14 * values_14;                                                // (7, 4)

var library = cross.Forward(englishVectors, germanVectors);
Console.WriteLine($"weights match the library within 1e-6: {(weights_14 - library.Weights).Enumerate().Max(Math.Abs) < 1e-6f}");
Console.WriteLine($"context vectors match the library within 1e-6: {(context - library.Context).Enumerate().Max(Math.Abs) < 1e-6f}");
Console.WriteLine($"largest weight of 'translate': {weights_14.Row(4).Maximum():0.0000}, on a random German word (untrained)");

// Everything the library does is in those lines: two projections of the German side, one of the English side, a (7, 8) matrix of scaled dot products and a softmax per row. With random vectors the largest weight of *translate* falls on whichever German key happens to point most in the same direction as its query; training is what makes it *übersetzen*.
