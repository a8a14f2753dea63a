#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/02-self-attention-trainable-weights.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/02-self-attention-trainable-weights.cs (see README).
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

// What a notebook's display(x) shows as text.
static void display(object? value) => Show.Value(value);

// What a notebook shows for the value a cell ends with: its text; a chart is also saved as an SVG file
// beside this app, 02-self-attention-trainable-weights.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"02-self-attention-trainable-weights.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 2 · Self-attention with trainable weights
//
// ![Road map of the course: you are at station 2](../images/roadmap-2.svg)
//
// **In this notebook you will**
//
// - give self-attention three matrices, $W_{query}$, $W_{key}$ and $W_{value}$, whose entries training can adjust (*trainable parameters*, defined below), and compute queries, keys and values;
// - compute the attention score and the context vector of *journey* step by step, with the same random weights the book draws (`torch.manual_seed(123)`);
// - see why the scores are divided by $\sqrt{d_k}$, with an experiment that shows softmax saturating without it;
// - package the computation into two compact classes — one with plain matrices, one with `Linear` layers — and show they compute the same thing once the weights are transferred;
// - see that self-attention by itself ignores word order.
//
// You are at **station 2**: *scaled dot-product attention*, the form used in GPT and in the original transformer.

// ## What changes from notebook 1
//
// In notebook 1 the attention weights depended only on the fixed embeddings: *journey* attended to *starts* because their vectors happened to be similar, and nothing could change that. Now each token plays three roles, each through its own learned projection:
//
// - a **query** $q^{(i)} = x^{(i)} W_{query}$ — what token $i$ is looking for;
// - a **key** $k^{(j)} = x^{(j)} W_{key}$ — what token $j$ offers to be found by;
// - a **value** $v^{(j)} = x^{(j)} W_{value}$ — what token $j$ contributes when it is attended to.
//
// The matrices are $d_{in} \times d_{out}$; here $d_{in} = 3$ and $d_{out} = 2$ (the book picks a different output size on purpose, so that the shapes can't be confused).
//
// They are **trainable parameters**: numbers of the model that no one writes down by hand and the data does not give directly, but that *training* sets. A training loop runs the model on examples, measures how wrong its outputs are (the *loss*), computes how the loss changes when each parameter changes (its *gradient*) and moves every parameter a little in the direction that lowers the loss. In this notebook they stay at their random initial values; the course trains them later.
//
// ![Queries, keys and values are projections of the same inputs](../images/qkv-projections.svg)

// ## Drawing the weights as PyTorch does
//
// The book draws the three matrices with `torch.manual_seed(123)` followed by three calls to `torch.rand(3, 2)`. `TorchGenerator` reproduces PyTorch's random generator bit for bit (a Mersenne Twister; each float is 24 random bits scaled into $[0, 1)$), so the same seed gives the same numbers — and every later number matches the book.
//
// In PyTorch these are wrapped in `torch.nn.Parameter(...)`, the type that marks a tensor as a trainable parameter of a model. The book adds `requires_grad=False`, which tells PyTorch *not* to record the computations needed for gradients, because this chapter only computes attention and trains nothing; a parameter that is trained has `requires_grad=True` (the default). Here they are plain matrices.

cell(5);
var inputs = SampleData.Inputs();                 // (6, 3)
var generator = new TorchGenerator(123);          // torch.manual_seed(123)
var wQuery = generator.Rand(3, 2);                // torch.rand(d_in, d_out): (3, 2)
var wKey = generator.Rand(3, 2);                  // (3, 2)
var wValue = generator.Rand(3, 2);                // (3, 2)
show(5, wQuery);

cell(6);
show(6, wKey);

cell(7);
show(7, wValue);

// ## The query, keys and values of *journey*
//
// The query of *journey* is its embedding times $W_{query}$: a 3-vector times a $3 \times 2$ matrix gives a 2-vector. Keys and values are needed for every token, so we project all six rows at once: $K = X W_{key}$ and $V = X W_{value}$, both $6 \times 2$.

cell(9);
var x2 = inputs.Row(1);                           // x(2), "journey": (3)
var query2 = x2 * wQuery;                         // q(2) = x(2) W_query: (2)
var keys = inputs * wKey;                         // K = X W_key: (6, 2)
var values = inputs * wValue;                     // V = X W_value: (6, 2)
Console.WriteLine($"query of journey: {query2[0]:0.0000}, {query2[1]:0.0000}");
Console.WriteLine($"keys are {Shape.Of(keys)}, values are {Shape.Of(values)}");

// ## Attention scores: queries against keys
//
// The score of query 2 with token $j$ is now the dot product of the **query** with the **key** of token $j$: $\omega_{2j} = q^{(2)} \cdot k^{(j)}$. With a loop for $j = 2$ alone, then for all keys at once as $K q^{(2)}$:

cell(11);
var keys2 = keys.Row(1);                          // k(2): (2)
float score22 = 0f;
for (int k = 0; k < 2; k++)
    score22 += query2[k] * keys2[k];              // q(2)_k · k(2)_k
var scores2 = keys * query2;                      // ω_2 = K q(2): (6)
Console.WriteLine($"ω22 with a loop:      {score22:0.0000}");
Console.WriteLine($"ω2 for all six keys:  {string.Join("  ", scores2.Select(s => s.ToString("0.0000")))}");

// ## Why not just $X X^\top$?
//
// Notebook 1 scored token $i$ against token $j$ with the plain dot product of their embeddings, $\omega_{ij} = x^{(i)} \cdot x^{(j)}$, all at once $\Omega = X X^\top$. Two things are fixed about those scores, whatever the sentence means:
//
// - they are **symmetric**: $\omega_{ij} = \omega_{ji}$, so *journey* attends to *starts* exactly as strongly as *starts* attends to *journey*. Many relations in language are not symmetric: an adjective looks for its noun, the noun has no reason to look back as strongly;
// - each token's score with itself is its **squared length**, $\omega_{ii} = \lVert x^{(i)} \rVert^2$, and by the Cauchy–Schwarz inequality $\omega_{ij} \le \lVert x^{(i)} \rVert\, \lVert x^{(j)} \rVert$: only a token with a *longer* embedding can outscore a token's own score. Length, not meaning, decides much of the ranking — on our sentence the two longest embeddings, *journey* and *starts*, get the largest score in five of the six rows.
//
// With separate query and key projections the score becomes $\omega_{ij} = (x^{(i)} W_{query}) \cdot (x^{(j)} W_{key}) = x^{(i)}\, W_{query} W_{key}^\top\, x^{(j)\top}$. The matrix $W_{query} W_{key}^\top$ need not be symmetric, and nothing ties a token's score with itself to its length: training can make any token look for any other. The value projection $W_{value}$ separates a third thing, *what* a token passes on once it is found, from *how* it is found. On our sentence, with the random (untrained) weights drawn above:

cell(13);
var plainScores = inputs * inputs.Transpose();                    // Ω = X Xᵀ: (6, 6), notebook 1
var queries = inputs * wQuery;                                     // Q = X W_query: (6, 2)
var projectedScores = queries * keys.Transpose();                  // Ω = Q Kᵀ: (6, 6)
string Winners(Matrix<float> s) => string.Join(" ", Enumerable.Range(0, 6).Select(i => SampleData.Tokens[s.Row(i).MaximumIndex()]));
Console.WriteLine($"X Xᵀ: largest |ω_ij − ω_ji| = {(plainScores - plainScores.Transpose()).Enumerate().Max(Math.Abs):0.0000}; largest score per row: {Winners(plainScores)}");
Console.WriteLine($"Q Kᵀ: largest |ω_ij − ω_ji| = {(projectedScores - projectedScores.Transpose()).Enumerate().Max(Math.Abs):0.0000}; largest score per row: {Winners(projectedScores)}");
Console.WriteLine($"ω22 = q(2)·k(2) = {projectedScores[1, 1]:0.0000}, as computed above");

// The projected scores are no longer symmetric. With these random weights every row still ranks *journey* first: the projections *can* express other preferences, but only training gives them a reason to.

// ## Scaling by $\sqrt{d_k}$
//
// Before the softmax, the scores are divided by the square root of the key dimension $d_k$ (here $d_k = 2$):
//
// $$\alpha_{2j} = \operatorname{softmax}_j\!\left(\frac{\omega_{2j}}{\sqrt{d_k}}\right)$$
//
// Why? Take a query and a key whose $d_k$ entries are independent, with mean 0 and variance 1. Their dot product $\sum_{c} q_c k_c$ is a sum of $d_k$ independent terms, each of mean 0 and variance 1, so it has mean 0 and variance $d_k$: the longer the vectors, the wider the scores spread. Softmax of widely spread scores puts almost all weight on the largest one — it *saturates*. Dividing by $\sqrt{d_k}$ brings the variance back to 1 whatever $d_k$ is (Vaswani et al., 2017, who introduced the scaling, give this argument).
//
// Saturation matters for training because a saturated softmax hardly reacts to its input. Its derivative is $\partial \alpha_i / \partial s_j = \alpha_i (\delta_{ij} - \alpha_j)$ (with $\delta_{ij} = 1$ if $i = j$, else 0): when one weight is close to 1 and the others close to 0, every entry of that matrix is close to 0, and the gradients that training needs to change the scores vanish.
//
// The experiment: draw a query and 16 keys with standard-normal entries (`Randn`, PyTorch's `torch.randn`) for growing $d_k$, and record, with and without scaling, how much weight the softmax puts on its largest entry and how large its derivative matrix is (its Frobenius norm $\lVert \partial\alpha/\partial s \rVert = \sqrt{\sum_{ij} (\partial \alpha_i/\partial s_j)^2}$, where $s$ is what the softmax is applied to), averaged over 200 draws.

cell(16);
// How strongly the weights α = softmax(s) react to s: ‖∂α/∂s‖ with ∂α_i/∂s_j = α_i (δ_ij − α_j).
double SoftmaxDerivativeNorm(Vector<float> a)
{
    double sum = 0;
    for (int i = 0; i < a.Count; i++)
        for (int j = 0; j < a.Count; j++)
        {
            double d = a[i] * ((i == j ? 1.0 : 0.0) - a[j]);
            sum += d * d;
        }
    return Math.Sqrt(sum);
}

var experiment = new TorchGenerator(0);
int[] dims = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
var unscaledMax = new List<double>();
var scaledMax = new List<double>();
var unscaledDerivative = new List<double>();
var scaledDerivative = new List<double>();
foreach (int dk in dims)
{
    double unscaled = 0, scaled = 0, unscaledD = 0, scaledD = 0;
    for (int trial = 0; trial < 200; trial++)
    {
        var q = experiment.Randn(1, dk).Row(0);                 // (dk)
        var k = experiment.Randn(16, dk);                       // (16, dk)
        var s = k * q;                                          // (16) scores, variance dk
        var a = Softmax.Stable(s);                              // (16) unscaled weights
        var aScaled = Softmax.Stable(s / MathF.Sqrt(dk));       // (16) scaled weights
        unscaled += a.Maximum();
        scaled += aScaled.Maximum();
        unscaledD += SoftmaxDerivativeNorm(a);
        scaledD += SoftmaxDerivativeNorm(aScaled);
    }
    unscaledMax.Add(unscaled / 200);
    scaledMax.Add(scaled / 200);
    unscaledDerivative.Add(unscaledD / 200);
    scaledDerivative.Add(scaledD / 200);
}
Console.WriteLine("         largest weight          ‖∂α/∂s‖");
Console.WriteLine("  d_k   unscaled   scaled   unscaled   scaled");
for (int i = 0; i < dims.Length; i++)
    Console.WriteLine($"{dims[i],5}   {unscaledMax[i],8:0.0000}   {scaledMax[i],6:0.0000}   {unscaledDerivative[i],8:0.0000}   {scaledDerivative[i],6:0.0000}");

cell(17);
display(Plot.Line(
    [Series.Of("unscaled", dims, unscaledMax), Series.Of("scaled by 1/√d_k", dims, scaledMax)],
    "Largest softmax weight over 16 keys (mean of 200 draws)", "d_k", "largest weight", logX: true, yFromZero: true));
show(17, Plot.Line(
    [Series.Of("unscaled", dims, unscaledDerivative), Series.Of("scaled by 1/√d_k", dims, scaledDerivative)],
    "How strongly the weights react: ‖∂α/∂s‖ (mean of 200 draws)", "d_k", "‖∂α/∂s‖", logX: true, yFromZero: true));

// Without scaling, the softmax over 16 keys becomes nearly one-hot as $d_k$ grows (GPT-2 uses $d_k = 64$), and from $d_k = 8$ on its derivative shrinks with it — at $d_k = 1024$ to about a fifth of the scaled one: the weights stop responding to changes of the scores. With scaling, the distribution and its derivative keep the same size at every $d_k$. Now the weights and the context vector of *journey*, with $d_k = 2$:

cell(19);
float dK = keys.ColumnCount;                                    // d_k = 2
var weights2 = Softmax.Stable(scores2 / MathF.Sqrt(dK));        // α_2: (6)
var context2 = values.TransposeThisAndMultiply(weights2);       // z(2) = Vᵀ α_2: (2)
Console.WriteLine($"attention weights of journey: {string.Join("  ", weights2.Select(w => w.ToString("0.0000")))}");
Console.WriteLine($"context vector of journey:    {context2[0]:0.0000}, {context2[1]:0.0000}");

// These are the book's numbers: weights $[0.1500, 0.2264, 0.2199, 0.1311, 0.0906, 0.1820]$ and $z^{(2)} = [0.3061, 0.8210]$. The context vector has $d_{out} = 2$ entries: it lives in the value space, not in the input space.

// ## A compact class: `SelfAttentionWithMatrices`
//
// All six queries at once is again a handful of matrix products — the equation of **scaled dot-product attention**:
//
// $$Q = X W_{query}, \quad K = X W_{key}, \quad V = X W_{value}, \qquad Z = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V$$
//
// The library's `SelfAttentionWithMatrices` (the book's `SelfAttention_v1`) draws its three matrices in the same order from the generator it is given, so seed 123 gives exactly the matrices above. Its `Forward` is the equation, one line per step (open `lib/AttentionNotebooks/SelfAttentionWithMatrices.cs`).

cell(22);
var saMatrices = new SelfAttentionWithMatrices(dIn: 3, dOut: 2, new TorchGenerator(123));
var resultMatrices = saMatrices.Forward(inputs);
Console.WriteLine($"same W_query as drawn above: {saMatrices.WQuery.Equals(wQuery)}");
show(22, resultMatrices.Context);

// Row 2 is $z^{(2)} = [0.3061, 0.8210]$ again.

// ## `SelfAttention` with `Linear` layers
//
// In practice the projections are `nn.Linear` layers (the book's `SelfAttention_v2`). **What changed** from the class above:
//
// - each projection is a `Linear` layer, which PyTorch initialises with a better-behaved random scheme (uniform in $\pm 1/\sqrt{d_{in}}$) instead of `torch.rand`;
// - `Linear` stores its weight **transposed**, as $d_{out} \times d_{in}$, and computes $x W^\top$ (+ an optional bias);
// - the multiplication is done by the layer: `WQuery.Forward(inputs)` instead of `inputs * WQuery`.
//
// The book builds it after `torch.manual_seed(789)`:

cell(25);
var saLinear = new SelfAttention(dIn: 3, dOut: 2, qkvBias: false, new TorchGenerator(789));
Console.WriteLine($"W_query weight is {Shape.Of(saLinear.WQuery.Weight)} (d_out x d_in)");
var resultLinear = saLinear.Forward(inputs);
show(25, resultLinear.Context);

// The book's first row is $[-0.0739, 0.0713]$. Different seed, different initialisation, different numbers — but the same computation. Its attention weights:

cell(27);
// Near-uniform because the freshly initialised W_query and W_key are small (drawn from ±1/√d_in = ±0.577), so the queries and
// keys are short and every scaled score is close to 0: softmax of near-equal scores gives each of the 6 keys about 1/6.
var scaledScores = saLinear.WQuery.Forward(inputs) * saLinear.WKey.Forward(inputs).Transpose() / MathF.Sqrt(2);   // (6, 6) ω/√d_k
Console.WriteLine($"scaled scores from {scaledScores.Enumerate().Min():0.0000} to {scaledScores.Enumerate().Max():0.0000}; " +
                  $"weights from {resultLinear.Weights.Enumerate().Min():0.0000} to {resultLinear.Weights.Enumerate().Max():0.0000} (uniform: 1/6 = 0.1667)");
display(Plot.Weights(resultLinear.Weights, SampleData.Tokens, "SelfAttention (seed 789): attention weights"));
show(27, Plot.WeightsRelativeToUniform(resultLinear.Weights, SampleData.Tokens, "The same weights relative to uniform (1 = 1/6 each)"));

// ## Transferring the weights: both classes compute the same thing
//
// If both classes implement the same equation, then giving `SelfAttentionWithMatrices` the weights of `SelfAttention` must give the same outputs. Because `Linear` stores $W^\top$, the transfer needs a transpose: $W_{query} = (\text{WQuery.Weight})^\top$.

cell(29);
var transferred = new SelfAttentionWithMatrices(
    saLinear.WQuery.Weight.Transpose(),             // (2, 3)ᵀ → (3, 2)
    saLinear.WKey.Weight.Transpose(),
    saLinear.WValue.Weight.Transpose());
string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
var difference = (transferred.Forward(inputs).Context - resultLinear.Context).Enumerate().Max(Math.Abs);
Console.WriteLine($"largest difference between the two classes: {Below(difference)}");

// Identical up to float32 rounding. (Without the transpose the shapes would not even fit: a $2 \times 3$ matrix cannot multiply a $6 \times 3$ input from the right.)

// ## Self-attention ignores word order
//
// Nothing in $Z = \operatorname{softmax}(QK^\top/\sqrt{d_k})\,V$ knows where a token stands. Shuffle the rows of $X$ with a permutation matrix $P$: then $Q$, $K$ and $V$ are shuffled the same way, the score matrix becomes $P\,QK^\top P^\top$ (rows and columns shuffled alike), the row-wise softmax follows along, and
//
// $$Z(PX) = P\,Z(X)$$
//
// — every token gets exactly the context vector it had before, just in its new place. Self-attention is *permutation-equivariant*. Reverse our sentence and see:

cell(32);
int[] reversedOrder = [5, 4, 3, 2, 1, 0];                          // "step one with starts journey Your"
var reversedInputs = Matrix<float>.Build.DenseOfRowVectors(reversedOrder.Select(i => inputs.Row(i)));   // P X: (6, 3)
var reversedContext = saLinear.Forward(reversedInputs).Context;                                         // Z(P X): (6, 2)
var contextReversed = Matrix<float>.Build.DenseOfRowVectors(reversedOrder.Select(i => resultLinear.Context.Row(i)));  // P Z(X)
float orderDifference = (reversedContext - contextReversed).Enumerate().Max(Math.Abs);
Console.WriteLine($"largest difference between Z(PX) and P Z(X): {(orderDifference < 1e-6f ? "below 1e-6" : orderDifference.ToString("G2"))}");

// The same six context vectors, reordered (up to float32 rounding: the sums run in a different order). For attention alone, "dog bites man" and "man bites dog" are the same bag of words. Language models therefore add information about *position* to each token's embedding before the first attention layer: GPT-2, and the book (chapter 2, section 2.8), add a learned *positional embedding* vector per position; the original transformer added fixed sine waves (Vaswani et al., 2017, section 3.5). The causal mask of notebook 3 breaks the symmetry only partly: it decides which tokens a token may see, but not how far back each one is — in one attention layer, where token $t$'s output depends on which tokens came before it but not on their order ([notebook 6](06-attention-that-learns.ipynb#without-position-embeddings) trains such a layer and watches it fail to look back). Stacked causal layers are different: the number of tokens a position sees is itself a signal of where it is, which a first layer can compute and a later layer can use, and Haviv et al. (2022, *Transformer Language Models without Positional Encodings Still Learn Positional Information*) found that causal language models trained without positional encodings do learn positional information. The course's tests check the equivariance above for random sizes, weights and permutations.

// ## Summary
//
// - Each token is projected three ways: a **query** (what it looks for), a **key** (how it is found) and a **value** (what it passes on). The projections are trainable matrices.
// - Attention scores are query–key dot products; attention weights are their softmax after dividing by $\sqrt{d_k}$; context vectors are weighted sums of values: $Z = \operatorname{softmax}(QK^\top/\sqrt{d_k})\,V$.
// - Without the $\sqrt{d_k}$ scaling, softmax saturates as $d_k$ grows: the largest weight approaches 1 and the softmax's derivative shrinks towards 0 (measured above), which starves training of gradient.
// - `SelfAttentionWithMatrices` and `SelfAttention` are the same mechanism; `Linear` just stores the weight transposed.
// - Self-attention ignores word order: shuffling the tokens shuffles the context vectors the same way ($Z(PX) = P\,Z(X)$); positions must be added to the embeddings.

// ## Further reading
//
// - Ashish Vaswani et al., [Attention Is All You Need](https://arxiv.org/abs/1706.03762), NeurIPS 2017, section 3.2.1 — scaled dot-product attention, and (footnote 4) the variance argument for $1/\sqrt{d_k}$.
// - Sebastian Raschka, *Build a Large Language Model (From Scratch)*, Manning, 2024, section 3.4 — `SelfAttention_v1` and `SelfAttention_v2`.
//
// **Next:** [3 · Causal attention](03-causal-attention.ipynb) — hiding the future from each token, and dropout.

// ## Exercises
//
// 1. **The other direction** (the book's exercise 3.1, reversed). Build a `SelfAttention` that computes exactly what `saMatrices` (seed 123) computes, by constructing its three `Linear` layers from `saMatrices`' matrices. Check the outputs agree.
// 2. **Scaling by $d_k$ instead of $\sqrt{d_k}$.** Repeat the scaling experiment dividing the scores by $d_k$. What happens to the largest weight as $d_k$ grows, and why is that just as bad?
// 3. **Bias.** Build `new SelfAttention(3, 2, qkvBias: true, new TorchGenerator(789))`. How many parameters does it have (`ParameterCount`)? Which of its three weight matrices equal those of the bias-free module built with the same seed, and why do the others differ?
//
// 4. **A gradient by finite differences, and one step downhill.** Training changes $W_{query}$, $W_{key}$ and $W_{value}$ to lower a loss. Take a fresh `SelfAttention(3, 2, qkvBias: false, new TorchGenerator(789))` and, as a stand-in for a real loss, $L = \sum z_{ij}^2$ over its context vectors. Estimate $\partial L / \partial w$ for each of the 18 weights of `WQuery.Weight`, `WKey.Weight` and `WValue.Weight` by central differences, $(L(w + h) - L(w - h)) / 2h$ with $h = 0.01$ (the weight matrices can be changed in place). Which matrix has the largest gradient, and why? Then move every weight by $-\eta$ times its gradient, once with $\eta = 0.05$ and once (from the same start) with $\eta = 0.5$. Does $L$ go down both times?
//
// Solutions: [solutions/02-self-attention-trainable-weights-solutions.ipynb](solutions/02-self-attention-trainable-weights-solutions.ipynb).
