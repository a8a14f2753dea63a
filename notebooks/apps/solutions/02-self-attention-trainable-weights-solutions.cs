#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/02-self-attention-trainable-weights-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/02-self-attention-trainable-weights-solutions.cs (see README).
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
// beside this app, 02-self-attention-trainable-weights-solutions.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"02-self-attention-trainable-weights-solutions.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # Solutions · 2 · Self-attention with trainable weights
//
// Solutions to the exercises of [2 · Self-attention with trainable weights](../02-self-attention-trainable-weights.ipynb). Try them yourself first.

// ## 1. The other direction
//
// `SelfAttentionWithMatrices` stores $W$ as $d_{in} \times d_{out}$ and computes $XW$; `Linear` stores its weight as $d_{out} \times d_{in}$ and computes $XW^\top$. So each `Linear` gets the transpose of the matrix.

cell(4);
var inputs = SampleData.Inputs();
var saMatrices = new SelfAttentionWithMatrices(3, 2, new TorchGenerator(123));
var saLinear = new SelfAttention(
    new Linear(saMatrices.WQuery.Transpose()),                 // (3, 2)ᵀ → (2, 3), no bias
    new Linear(saMatrices.WKey.Transpose()),
    new Linear(saMatrices.WValue.Transpose()));
string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
var difference = (saLinear.Forward(inputs).Context - saMatrices.Forward(inputs).Context).Enumerate().Max(Math.Abs);
Console.WriteLine($"largest difference: {Below(difference)}");
show(4, saLinear.Forward(inputs).Context);

// The same context vectors as `SelfAttentionWithMatrices` with seed 123: first row $[0.2996, 0.8053]$.

// ## 2. Scaling by $d_k$ instead of $\sqrt{d_k}$

cell(7);
var experiment = new TorchGenerator(0);
Console.WriteLine("  d_k   largest weight, scaled by 1/d_k");
foreach (int dk in new[] { 1, 4, 16, 64, 256, 1024 })
{
    double largest = 0;
    for (int trial = 0; trial < 200; trial++)
    {
        var q = experiment.Randn(1, dk).Row(0);
        var k = experiment.Randn(16, dk);
        largest += Softmax.Stable(k * q / dk).Maximum();
    }
    Console.WriteLine($"{dk,5}   {largest / 200,10:0.0000}");
}

// The scores have standard deviation $\sqrt{d_k}$; dividing by $d_k$ leaves a standard deviation of $1/\sqrt{d_k}$, which shrinks as $d_k$ grows. The softmax then tends to the uniform distribution ($1/16 = 0.0625$ for 16 keys): every key gets the same weight, attention cannot single anything out, and the weights barely respond to the scores, so gradients are small again — the opposite failure of no scaling. $\sqrt{d_k}$ is the one choice that keeps the spread of the scores constant.

// ## 3. Bias

cell(10);
var withBias = new SelfAttention(3, 2, qkvBias: true, new TorchGenerator(789));
var withoutBias = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(789));
Console.WriteLine($"parameters: {withBias.ParameterCount} with bias, {withoutBias.ParameterCount} without");
Console.WriteLine($"W_query equal: {withBias.WQuery.Weight.Equals(withoutBias.WQuery.Weight)}");
Console.WriteLine($"W_key equal:   {withBias.WKey.Weight.Equals(withoutBias.WKey.Weight)}");
Console.WriteLine($"W_value equal: {withBias.WValue.Weight.Equals(withoutBias.WValue.Weight)}");

// $3 \times (2 \cdot 3 + 2) = 24$ parameters instead of 18. The generator hands out numbers in order: the query layer draws its 6 weights, then (with bias) its 2 biases. So `WQuery.Weight` is identical, but every later draw is shifted by 2 numbers: the key weights with bias are drawn from where the key weights without bias would have continued, and everything after differs. The same effect explains why building layers in a different order in PyTorch changes every weight after the first.

// ## 4. A gradient by finite differences, and one step downhill
//
// Nudge one weight up and down by $h$, run the whole forward pass each time, and divide the change of the loss by the change of the weight. The library's backward pass (`AttentionNotebooks.Training`, which the training notebook builds on) computes the same gradient analytically; the central difference agrees with it up to the $O(h^2)$ error of the estimate and float32 rounding:

cell(13);
var x = SampleData.Inputs();
var sa = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(789));
double Loss() => sa.Forward(x).Context.Enumerate().Sum(z => (double)z * z);      // L = Σ z², a stand-in loss

Matrix<float> NumericGradient(Matrix<float> w)                                    // w: a weight matrix, changed in place
{
    var gradient = Matrix<float>.Build.Dense(w.RowCount, w.ColumnCount);
    for (int r = 0; r < w.RowCount; r++)
        for (int c = 0; c < w.ColumnCount; c++)
        {
            float original = w[r, c];
            float up = original + 0.01f, down = original - 0.01f;
            w[r, c] = up;   double plus = Loss();
            w[r, c] = down; double minus = Loss();
            w[r, c] = original;
            gradient[r, c] = (float)((plus - minus) / (up - down));               // ≈ ∂L/∂w
        }
    return gradient;
}
var layers = new[] { ("W_query", sa.WQuery), ("W_key", sa.WKey), ("W_value", sa.WValue) };
var numeric = layers.Select(layer => NumericGradient(layer.Item2.Weight)).ToArray();

// The same gradients from the library's backward pass: ∂L/∂Z = 2Z, back through attention, then through each Linear.
var result = sa.Forward(x);
var grads = AttentionBackward.ScaledDotProduct(sa.WQuery.Forward(x), sa.WKey.Forward(x), sa.WValue.Forward(x), result.Weights,
    contextGradient: 2f * result.Context, causal: false);
var analytic = new[] { grads.Queries, grads.Keys, grads.Values }.Select((g, i) => LinearBackward.Compute(layers[i].Item2, x, g).Weight).ToArray();
for (int i = 0; i < 3; i++)
{
    float largest = analytic[i].Enumerate().Max(Math.Abs);
    bool close = (numeric[i] - analytic[i]).Enumerate().Max(Math.Abs) <= 1e-2f * largest;
    Console.WriteLine($"{layers[i].Item1,-8} largest |∂L/∂w| {largest:0.0000}   matches the library's backward pass within 1 %: {close}");
}

double before = Loss();
var start = layers.Select(layer => layer.Item2.Weight.Clone()).ToArray();
foreach (float eta in new[] { 0.05f, 0.5f })
{
    for (int i = 0; i < 3; i++)
        start[i].Subtract(eta * numeric[i], layers[i].Item2.Weight);              // W ← W₀ − η ∂L/∂W, in place
    double after = Loss();
    Console.WriteLine($"η = {eta,4}: L = {before:0.0000} before the step, {after:0.0000} after: lower {after < before}");
}

// $W_{value}$'s gradient is by far the largest: the context vectors are weighted sums of the values, so each value weight moves $L$ directly. $W_{query}$ and $W_{key}$ act only through the softmax, and with these small initial scores the weights are nearly uniform and barely respond to them (the effect notebook 2's scaling section measured). Each estimate costs two full forward passes, so a model with $n$ weights needs $2n$ passes for one gradient — hopeless for GPT-2's 124 million weights. Training therefore uses backpropagation (one backward pass for all weights, here `AttentionNotebooks.Training`) and keeps finite differences as the check that the backward pass is right, as the course's tests do. The small step lowered $L$: moving against the gradient is the first-order way downhill. The large one overshot — $L$ is a quadratic function of $W_{value}$, and a step of $0.5 \times 0.51$ goes far past the bottom of the valley and up the other side. The gradient only says which way is down *here*; how far to go is the learning rate's job, which is why training takes many small steps.
