#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/03-causal-attention-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/03-causal-attention-solutions.cs (see README).
// Renamed here, because a program's top-level statements are one scope while each notebook cell is its own:
//   cell 13: module → module_13
//   cell 16: ca → ca_16
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

// # Solutions · 3 · Causal attention
//
// Solutions to the exercises of [3 · Causal attention](../03-causal-attention.ipynb). Try them yourself first.

// ## 1. Evaluation mode

cell(4);
var batch = SampleData.Batch(1);
var noDropout = new CausalAttention(3, 2, 6, dropout: 0f, generator: new TorchGenerator(123));
var withDropout = new CausalAttention(3, 2, 6, dropout: 0.5f, generator: new TorchGenerator(123));
var first = withDropout.Forward(batch).Context[0];
var second = withDropout.Forward(batch).Context[0];
withDropout.Training = false;
var evaluation = withDropout.Forward(batch).Context[0];
var reference = noDropout.Forward(batch).Context[0];
Console.WriteLine($"two training runs agree:             {first.Equals(second)}");
Console.WriteLine($"evaluation equals the dropout-0 module: {evaluation.Equals(reference)}");

// Each training run draws a new dropout pattern, so the two runs differ. In evaluation mode dropout is the identity, and since creating a `Dropout` draws nothing from the generator, both modules got the same projection weights from seed 123 — so evaluation mode reproduces the dropout-0 output exactly.

// ## 2. A shorter sequence

cell(7);
var ca = new CausalAttention(3, 2, contextLength: 6, dropout: 0f, generator: new TorchGenerator(123));
var six = ca.Forward(SampleData.Inputs()).Context;
var four = ca.Forward(SampleData.Inputs().SubMatrix(0, 4, 0, 3)).Context;
Console.WriteLine($"first four rows equal: {four.Equals(six.SubMatrix(0, 4, 0, 2))}");
var seven = SampleData.Inputs().Stack(Matrix<float>.Build.Dense(1, 3, 0.5f));   // 7 tokens
try { ca.Forward(seven); }
catch (ArgumentException e) { Console.WriteLine(e.Message); }

// Token $t$ only sees tokens $1 \dots t$, so the outputs of the first four tokens cannot depend on whether tokens 5 and 6 exist. The module uses the top-left $4 \times 4$ block of its mask. Seven tokens exceed the context length the mask was built for, and the module says so.

// ## 3. Dropout statistics

cell(10);
var ones = Matrix<float>.Build.Dense(100, 100, 1f);
for (ulong seed = 0; seed < 10; seed++)
{
    var dropped = new Dropout(0.2f, new TorchGenerator(seed)).Forward(ones);
    double zeros = dropped.Enumerate().Count(v => v == 0f) / 10_000.0;
    Console.WriteLine($"seed {seed}: zeros {zeros:P2}, mean {dropped.Enumerate().Average():0.0000}");
}

// Expected: 20 % zeros and a mean of exactly 1 on average, since survivors are scaled to $1/0.8 = 1.25$ and $0.8 \times 1.25 = 1$. With 10,000 elements the fraction of zeros has a standard deviation of $\sqrt{0.2 \cdot 0.8 / 10000} = 0.4\,\%$, and the results scatter around 20 % and 1.0 by about that much.

// ## 4. Build a padding mask yourself
//
// Counting positions from 0, as the code does, query $i$ may see key $j$ when $j \le i$ (causal) and $j < L$ (a real token: $0, \dots, L-1$); everything else, $j > i$ or $j \ge L$, is hidden:

cell(13);
Matrix<float> PaddingMask(int tokens, int length)
{
    var mask = Matrix<float>.Build.Dense(tokens, tokens);
    for (int i = 0; i < tokens; i++)
        for (int j = 0; j < tokens; j++)
            mask[i, j] = j > i || j >= length ? 1f : 0f;                  // 1 = hidden
    return mask;
}
bool sameMasks = Enumerable.Range(1, 6).All(length => PaddingMask(6, length).Equals(AttentionMask.CausalWithPadding(6, length)));
Console.WriteLine($"matches the library's mask for every length: {sameMasks}");

int[] lengths = [6, 4, 2];
var padded = lengths.Select(length => SampleData.Inputs().SubMatrix(0, length, 0, 3).Stack(Matrix<float>.Build.Dense(6 - length, 3))).ToArray();
var module_13 = new CausalAttention(3, 2, 6, 0f, generator: new TorchGenerator(123));
var library = module_13.Forward(padded, lengths);
for (int b = 0; b < 3; b++)
{
    var scores = module_13.WQuery.Forward(padded[b]) * module_13.WKey.Forward(padded[b]).Transpose();     // (6, 6)
    var weights = Softmax.Stable(CausalMask.MaskedFill(scores, PaddingMask(6, lengths[b])) / MathF.Sqrt(2));
    float difference = (weights - library.Weights[b]).Enumerate().Max(Math.Abs);
    Console.WriteLine($"sequence {b + 1} (length {lengths[b]}): matches the library's weights within 1e-6: {difference < 1e-6f}");
}

// The check allows $10^{-6}$ instead of demanding equal bits, like the notebook's own comparisons. The hidden positions of every row are exactly where the weights are 0; the padding rows of sequences 2 and 3 spread their weight over the real tokens of their sequence.

// ## 5. Causal attention's forward pass, yourself
//
// One line per step of $Z = \operatorname{softmax}\!\left(\operatorname{mask}(Q K^\top)/\sqrt{d_k}\right) V$:

cell(16);
Matrix<float> CausalForward(CausalAttention m, Matrix<float> x)
{
    var queries = m.WQuery.Forward(x);                                  // (T, d_out)  Q = X·W_qᵀ
    var keys = m.WKey.Forward(x);                                       // (T, d_out)  K = X·W_kᵀ
    var values = m.WValue.Forward(x);                                   // (T, d_out)  V = X·W_vᵀ
    var scores = queries * keys.Transpose();                            // (T, T)      Q·Kᵀ
    var masked = CausalMask.MaskedFill(scores, m.Mask);                 // (T, T)      −∞ above the diagonal
    var weights = Softmax.Stable(masked / MathF.Sqrt(keys.ColumnCount)); // (T, T)     rows sum to 1
    return weights * values;                                            // (T, d_out)  Z = A·V
}

string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
var ca_16 = new CausalAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, generator: new TorchGenerator(123));
var wide = new CausalAttention(3, 4, 6, 0f, generator: new TorchGenerator(7));
var cases = new (string Name, CausalAttention Module, Matrix<float> X)[]
{
    ("ca, 6 tokens     ", ca_16, SampleData.Inputs()),
    ("ca, 4 tokens     ", ca_16, SampleData.Inputs().SubMatrix(0, 4, 0, 3)),
    ("d_out 4, 6 tokens", wide, SampleData.Inputs()),
};
foreach (var (name, module, x) in cases)
{
    float difference = (CausalForward(module, x) - module.Forward(x).Context).Enumerate().Max(Math.Abs);
    Console.WriteLine($"{name}: largest difference {Below(difference)}; matches the library within 1e-6: {difference < 1e-6f}");
}

// The mask needs no cutting: `MaskedFill` uses the top-left $T \times T$ block of the module's mask, PyTorch's `mask[:T, :T]`. (`CausalAttention.Forward` also checks its input and applies dropout, which is off here; the library computes the same operations in the same order, in `Attention.ScaledDotProduct`.)
