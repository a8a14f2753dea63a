#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/01-simplified-self-attention.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/01-simplified-self-attention.cs (see README).
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
// beside this app, 01-simplified-self-attention.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"01-simplified-self-attention.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 1 · Simplified self-attention
//
// ![Road map of the course: you are at station 1](../images/roadmap-1.svg)
//
// **In this notebook you will**
//
// - measure how similar two tokens are with a dot product and get the *attention scores* of one query;
// - turn scores into *attention weights* three ways — plain normalisation, naive softmax, stable softmax — and see why the last one is the one to use;
// - compute a *context vector* as a weighted sum, first with loops, then as matrix products, for all six tokens at once;
// - check every number against the course library and draw the attention weights.
//
// You are at **station 1**: self-attention without any trainable weights. Everything here is fixed arithmetic on the inputs; notebook 2 adds the weights that make it learnable.
//
// Three words are used precisely throughout the course: **attention scores** are the raw similarities (before softmax), **attention weights** are the normalised scores (after softmax, each row sums to 1), and **context vectors** are the weighted sums they produce.

// ## The input: six tokens, three numbers each
//
// The sentence *"Your journey starts with one step"* has six tokens. A real model would embed each token in hundreds of dimensions; ours uses three, so that every matrix fits on the screen. Row $i$ of the input matrix $X$ is the embedding $x^{(i)}$ of token $i$.
//
// `SampleData.Inputs()` returns a MathNet `Matrix<float>`: float32, like PyTorch's default, one row per token.

cell(4);
var inputs = SampleData.Inputs();        // (6, 3): one row per token
var tokens = SampleData.Tokens;          // Your, journey, starts, with, one, step
show(4, inputs);

// ## Dot products as similarity
//
// Attention starts from one question: *how relevant is token $j$ to token $i$?* The simplest answer is the **dot product** of their embeddings — multiply matching entries and add:
//
// $$x^{(i)} \cdot x^{(j)} = \sum_{k=1}^{d} x^{(i)}_k \, x^{(j)}_k$$
//
// It is large when the two vectors point the same way and small (or negative) when they don't. Let the second token, *journey*, be the **query** $x^{(2)}$. (The book counts tokens from 1; C# counts rows from 0, so *journey* is row 1.) Its attention score with token $j$ is $\omega_{2j} = x^{(2)} \cdot x^{(j)}$.
//
// First, with a loop, so that nothing is hidden:

cell(6);
var query = inputs.Row(1);                                  // x(2), "journey": (3)
var scoresLoop = new float[6];
for (int j = 0; j < 6; j++)
{
    float dot = 0f;
    for (int k = 0; k < 3; k++)
        dot += query[k] * inputs[j, k];                     // x(2)_k · x(j)_k
    scoresLoop[j] = dot;
}
Console.WriteLine(string.Join("  ", scoresLoop.Select(s => s.ToString("0.0000"))));

// *journey* scores highest with itself (1.4950) and with *starts* (1.4754), whose embedding is almost the same vector. The same six numbers come out of one matrix–vector product, $\omega_2 = X\,x^{(2)}$, because each entry of $X x^{(2)}$ is the dot product of one row of $X$ with $x^{(2)}$:

cell(8);
var scores = inputs * query;                                // (6): ω_2j for j = 1..6
Console.WriteLine(scores.Subtract(Vector<float>.Build.DenseOfArray(scoresLoop)).AbsoluteMaximum() == 0f
    ? "loop and matrix product agree exactly" : "they differ!");
show(8, scores);

// ## From scores to weights
//
// Scores can be any size. To mix the input vectors we want **weights** that are positive and sum to 1, so that the context vector is an average. Three ways to get there:
//
// 1. **Plain normalisation**: $\alpha_{2j} = \omega_{2j} / \sum_k \omega_{2k}$. Simple, but it breaks as soon as a score is negative (a negative "weight"), and it does not emphasise large scores.
// 2. **Softmax**: $\alpha_{2j} = \dfrac{e^{\omega_{2j}}}{\sum_k e^{\omega_{2k}}}$. Always positive, sums to 1, and the exponential makes high scores stand out.
// 3. **Stable softmax**: subtract the largest score $m$ first, $\alpha_{2j} = \dfrac{e^{\omega_{2j}-m}}{\sum_k e^{\omega_{2k}-m}}$. Mathematically identical — the factor $e^{-m}$ cancels — but every exponent is now $\le 0$, so nothing can overflow.

cell(10);
var plain = scores / scores.Sum();                          // 1. divide by the sum
var naiveSoftmax = scores.Map(MathF.Exp) / scores.Map(MathF.Exp).Sum();   // 2. exp, then divide
var stableSoftmax = Softmax.Stable(scores);                 // 3. the library's stable softmax
Console.WriteLine($"plain normalisation: {string.Join("  ", plain.Select(w => w.ToString("0.0000")))}   sum {plain.Sum():0.0000}");
Console.WriteLine($"naive softmax:       {string.Join("  ", naiveSoftmax.Select(w => w.ToString("0.0000")))}   sum {naiveSoftmax.Sum():0.0000}");
Console.WriteLine($"stable softmax:      {string.Join("  ", stableSoftmax.Select(w => w.ToString("0.0000")))}   sum {stableSoftmax.Sum():0.0000}");

// Softmax shifts weight towards the high scores (*journey* gets 0.2379 instead of 0.2278). For these small scores the naive and the stable softmax agree. They stop agreeing when scores get large: float32 holds numbers up to about $3.4 \times 10^{38}$, and $e^{89}$ is already larger. Scale the same scores by 100 and the naive formula computes $\infty / \infty$:

cell(12);
var large = scores * 100f;                                  // scores up to 149.5
Console.WriteLine($"naive softmax:  {string.Join("  ", Softmax.Naive(large).Select(w => w.ToString("0.0000")))}");
Console.WriteLine($"stable softmax: {string.Join("  ", Softmax.Stable(large).Select(w => w.ToString("0.0000")))}");

// The stable version still gives a valid distribution (nearly all weight on the two highest scores). From here on the course always uses `Softmax.Stable`, as PyTorch's `torch.softmax` does internally.
//
// Here are *journey*'s weights as a chart:

cell(14);
show(14, Plot.Bar(stableSoftmax, tokens, "Attention weights of the query \"journey\"", highlight: 1, highlightLabel: "the query itself"));

// ## The context vector
//
// The **context vector** of the query is the weighted sum of all input vectors, with the attention weights as weights:
//
// $$z^{(2)} = \sum_{j=1}^{6} \alpha_{2j}\, x^{(j)}$$
//
// It is a new embedding of *journey* that blends in the tokens it attends to. With a loop, then as one product $z^{(2)} = X^\top \alpha_2$:

cell(16);
var weights = stableSoftmax;                                // α_2: (6)
var contextLoop = Vector<float>.Build.Dense(3);
for (int j = 0; j < 6; j++)
    contextLoop += weights[j] * inputs.Row(j);              // α_2j · x(j)
var context = inputs.TransposeThisAndMultiply(weights);     // Xᵀ α_2: (3)
Console.WriteLine($"loop:    {string.Join("  ", contextLoop.Select(v => v.ToString("0.0000")))}");
Console.WriteLine($"product: {string.Join("  ", context.Select(v => v.ToString("0.0000")))}");

// The whole computation for *journey*, with the numbers above — embeddings, attention scores, attention weights, context vector:
//
// ![Simplified self-attention for the query journey: input embeddings, attention scores, attention weights and the context vector](../images/simplified-self-attention.svg)
//
// The context vector lies *among* the input vectors, pulled towards *journey* and *starts*, which carry the most weight. In three dimensions we can see it — the highlighted point is $z^{(2)}$:

cell(18);
show(18, Plot.Scatter3D(inputs, tokens, context, "z(2)", "The six input embeddings and the context vector z(2) of \"journey\""));

// ## All six tokens at once
//
// Every token can be a query. Doing the same for all six at once turns each step into one matrix product:
//
// $$\Omega = X X^\top \qquad A = \operatorname{softmax}(\Omega) \text{ (row by row)} \qquad Z = A X$$
//
// $\Omega$ is $6 \times 6$: entry $(i, j)$ is the score of query $i$ with token $j$. Row 2 of each result is what we computed above for *journey*.

cell(20);
var allScores = inputs * inputs.Transpose();                // Ω: (6, 6)
var allWeights = Softmax.Stable(allScores);                 // A: (6, 6), rows sum to 1
var allContext = allWeights * inputs;                       // Z: (6, 3)
show(20, allScores);

cell(21);
show(21, allWeights);

cell(22);
show(22, allContext);

// Row 2 of $Z$ is $z^{(2)} = [0.4419, 0.6515, 0.5683]$, the context vector we built by hand. The attention weights as a heatmap — row $i$ shows where token $i$ looks:

cell(24);
// Near-uniform because the scores are close together: the embeddings are three numbers below 1, so within a row the dot
// products (the scores printed above) differ by less than 1, and softmax turns a difference d into a weight ratio of only e^d.
double spread = Enumerable.Range(0, 6).Max(i => allScores.Row(i).Maximum() - allScores.Row(i).Minimum());
Console.WriteLine($"largest spread of the scores within a row: {spread:0.0000}, so no weight is more than e^{spread:0.0000} = {Math.Exp(spread):0.00} times another of its row");
display(Plot.Weights(allWeights, tokens, "Simplified self-attention: attention weights"));
show(24, Plot.WeightsRelativeToUniform(allWeights, tokens, "The same weights relative to uniform (1 = 1/6 each)"));

// ## One source of truth: the library
//
// Everything above was derived inline for teaching. The course library has the same computation in one short method, `SimplifiedSelfAttention.Forward`, which returns both the context vectors and the weights. Check that it agrees with the derivation:

cell(26);
var result = SimplifiedSelfAttention.Forward(inputs);
Console.WriteLine($"largest difference in weights: {(result.Weights - allWeights).Enumerate().Max(Math.Abs):G2}");
Console.WriteLine($"largest difference in context: {(result.Context - allContext).Enumerate().Max(Math.Abs):G2}");
show(26, result.Context);

// ## Summary
//
// - An **attention score** is a dot product: how much the query's embedding agrees with another token's.
// - Softmax turns a row of scores into **attention weights** that are positive and sum to 1; subtracting the row's maximum first (stable softmax) gives the same result without overflow.
// - A **context vector** is the weighted sum of the input vectors; for all tokens at once, $Z = \operatorname{softmax}(X X^\top)\,X$.
// - Nothing here can learn: the weights depend only on the fixed embeddings. Token *journey* attends to *starts* because their embeddings happen to be similar.

// ## Further reading
//
// - Sebastian Raschka, *Build a Large Language Model (From Scratch)*, Manning, 2024, section 3.3 — the same computation on the same sentence.
// - Dzmitry Bahdanau, Kyunghyun Cho and Yoshua Bengio, [Neural Machine Translation by Jointly Learning to Align and Translate](https://arxiv.org/abs/1409.0473), 2014 — context vectors as softmax-weighted sums.
// - Ashish Vaswani et al., [Attention Is All You Need](https://arxiv.org/abs/1706.03762), NeurIPS 2017, section 3.2 — attention as a weighted sum of values, scored against keys.
//
// **Next:** [2 · Self-attention with trainable weights](02-self-attention-trainable-weights.ipynb) — queries, keys and values, and the $\sqrt{d_k}$ scaling.

// ## Exercises
//
// 1. **Negative scores.** Replace the embedding of *one* by its negation (`inputs.SetRow(4, -inputs.Row(4))`) and compute *journey*'s weights with plain normalisation and with softmax. Which method still produces valid weights?
// 2. **Temperature.** Compute $\operatorname{softmax}(\Omega / \tau)$ for $\tau = 0.1$ and $\tau = 10$. What happens to row 2 of the weights in each case, and to $z^{(2)}$?
// 3. **Self-similarity.** The diagonal of $\Omega$ is not always the largest entry of its row. Find a row where another token scores higher than the token itself and explain why with the embeddings.
//
// 4. **Write softmax yourself.** Write `Vector<float> MySoftmax(Vector<float> scores)` with plain loops: find the largest score, exponentiate every score minus it, divide by the sum. Check it against `Softmax.Stable` on *journey*'s scores and on the same scores times 100, where the naive formula fails.
//
// Solutions: [solutions/01-simplified-self-attention-solutions.ipynb](solutions/01-simplified-self-attention-solutions.ipynb).
