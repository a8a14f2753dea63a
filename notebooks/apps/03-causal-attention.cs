#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/03-causal-attention.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/03-causal-attention.cs (see README).
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
// beside this app, 03-causal-attention.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"03-causal-attention.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 3 · Causal attention
//
// ![Road map of the course: you are at station 3](../images/roadmap-3.svg)
//
// **In this notebook you will**
//
// - hide the future: let each token attend only to itself and the tokens before it, with a *causal mask*;
// - mask in two ways — zero the weights and renormalise, or set the scores to $-\infty$ before the softmax — and see why they agree;
// - add *dropout* to the attention weights and understand its $1/(1-p)$ scaling;
// - process a *batch* of sequences with the library's `CausalAttention` class, and demonstrate that changing a future token does not change an earlier output.
//
// You are at **station 3**. GPT generates text one token at a time, left to right, and it is trained to predict the next token. Training is efficient because one forward pass over a sequence of $T$ tokens makes all $T$ next-token predictions at once: position 0 predicts token 1, position 1 predicts token 2, and so on (counting from 0, as the code does). That only works if the output at position $t$ is computed from tokens $0 \dots t$ alone — if it could see token $t+1$, the answer it is asked for would be part of its own input, and the model would learn to copy instead of to predict. The causal mask is what guarantees this, for every position in parallel; the same rule keeps generation consistent, where the future tokens do not exist yet.

// ## The mask, as a picture
//
// Rows are queries (the token that is looking), columns are keys (the token being looked at). Token $i$ may look at tokens $0 \dots i$: everything on or below the diagonal. Everything above the diagonal is the future and gets weight 0.
//
// ![The causal mask: scores above the diagonal become minus infinity; after softmax their weights are 0 and each row still sums to 1](../images/causal-mask.svg)
//
// The library builds the mask the way PyTorch's `torch.triu(torch.ones(n, n), diagonal=1)` does: 1 marks a hidden position.

cell(4);
var mask = CausalMask.Create(6);          // (6, 6): 1 above the diagonal = hidden
show(4, mask);

// ## The weights we start from
//
// We continue with the `SelfAttention` module of notebook 2 (seed 789) and compute its scores and weights by hand, as before:

cell(6);
var inputs = SampleData.Inputs();                                  // (6, 3)
var sa = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(789));
var queries = sa.WQuery.Forward(inputs);                           // (6, 2)
var keys = sa.WKey.Forward(inputs);                                // (6, 2)
var scores = queries * keys.Transpose();                           // (6, 6)
var weights = Softmax.Stable(scores / MathF.Sqrt(keys.ColumnCount)); // (6, 6)
show(6, weights);

// ## Route 1: zero the future, then renormalise
//
// Multiply the weights element by element with the lower-triangular matrix of ones (`torch.tril`), which zeroes everything above the diagonal. The rows no longer sum to 1, so divide each row by its sum:
//
// $$\tilde\alpha_{ij} = \frac{\alpha_{ij}\,[j \le i]}{\sum_{k \le i} \alpha_{ik}}$$

cell(8);
var lowerTriangle = Matrix<float>.Build.Dense(6, 6, (i, j) => j <= i ? 1f : 0f);  // torch.tril(torch.ones(6, 6))
var maskedSimple = weights.PointwiseMultiply(lowerTriangle);                        // (6, 6)
var rowSums = maskedSimple.RowSums();                                               // (6)
var maskedSimpleNorm = Matrix<float>.Build.Dense(6, 6, (i, j) => maskedSimple[i, j] / rowSums[i]);
show(8, maskedSimpleNorm);

// ## Route 2: the $-\infty$ trick
//
// Softmax exponentiates, and $e^{-\infty} = 0$. So set the hidden **scores** to $-\infty$ *before* the softmax (and the $\sqrt{d_k}$ scaling, as the code below does: $-\infty / \sqrt{d_k}$ is still $-\infty$) and the masked positions come out with weight exactly 0, while the visible ones share the whole weight:
//
// $$\alpha_{ij} = \frac{e^{\omega_{ij}/\sqrt{d_k}}}{\sum_{k \le i} e^{\omega_{ik}/\sqrt{d_k}} + \sum_{k > i} e^{-\infty}} = \frac{e^{\omega_{ij}/\sqrt{d_k}}}{\sum_{k \le i} e^{\omega_{ik}/\sqrt{d_k}}}$$
//
// That is a softmax over the visible positions only — which is exactly what route 1 computed, since dividing by a row sum after softmax is the same as renormalising the exponentials. One softmax instead of softmax + renormalise, and no wasted probability mass.
//
// PyTorch writes it `scores.masked_fill(mask.bool(), -torch.inf)`: a copy of `scores` with `-inf` wherever the mask is true. The C# equivalent is `CausalMask.MaskedFill`:

cell(10);
var maskedScores = CausalMask.MaskedFill(scores, mask);            // (6, 6): −∞ above the diagonal
show(10, maskedScores);

cell(11);
var causalWeights = Softmax.Stable(maskedScores / MathF.Sqrt(keys.ColumnCount));   // (6, 6)
string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
Console.WriteLine($"largest difference between the two routes: {Below((causalWeights - maskedSimpleNorm).Enumerate().Max(Math.Abs))}");
show(11, causalWeights);

// Both routes agree. Row 0 (*Your*) can only see itself, so its weight is 1; row 5 (*step*) sees everything and is unchanged from the unmasked weights.

cell(13);
show(13, Plot.Weights(causalWeights, SampleData.Tokens, "Causal attention weights", causal: true));

// ## Dropout on the attention weights
//
// **Dropout** is a regulariser used only during training: it zeroes random elements so that the model cannot rely on any single path. Each element is dropped with probability $p$, and the survivors are multiplied by $1/(1-p)$:
//
// $$\operatorname{dropout}(a)_{ij} = \begin{cases} 0 & \text{with probability } p \\ a_{ij} / (1 - p) & \text{otherwise} \end{cases}$$
//
// Why the scaling? The expected value of each element stays the same: $(1-p) \cdot a/(1-p) + p \cdot 0 = a$. Without it the layer's output would shrink by a factor $1-p$ during training and jump back at inference time, when dropout is switched off. With $p = 0.5$ the survivors are doubled.
//
// Where it goes and how much: GPT-style models apply dropout in several places — to the attention weights, as here, and to the outputs of the attention and feed-forward layers and to the embeddings. Typical rates are small, about 0.1 for training a GPT-2-size model (the book's GPT-2 configuration in chapter 4 uses 0.1), and many large models trained on huge data sets use none. At inference dropout is always off ($p$ effectively 0). The $p = 0.5$ below only makes the effect easy to see. On a matrix of ones:

cell(15);
var dropout = new Dropout(0.5f, new TorchGenerator(123));
var ones = Matrix<float>.Build.Dense(6, 6, 1f);
var dropped = dropout.Forward(ones);                               // (6, 6): each entry 0 or 2
Console.WriteLine($"kept {dropped.Enumerate().Count(v => v > 0)} of 36, sum {dropped.Enumerate().Sum()} (expected 36)");
show(15, dropped);

// **Matching the book.** This is the tensor the book prints after `torch.manual_seed(123)`, zero for zero. PyTorch's `nn.Dropout` draws its mask with `bernoulli_(1 - p)`: for each element, in row-major order, one float64 uniform number $u$ from the generator (two of its 32-bit draws), and the element is kept when $u < 1 - p$. `TorchGenerator` reproduces that kernel, which libtorch runs wherever it is built without Intel's MKL library (Apple silicon, ARM) and, where it is built with MKL (the usual x86 builds), on every CPU that is not Intel's. On an Intel CPU those builds take MKL's own Bernoulli sampler instead, seeded with one draw of the generator, and the zeros fall elsewhere: that is why the book warns that its pattern may depend on your machine. The course does not reproduce MKL's sampler.
//
// Applied to the causal weights with a generator seeded with 123 again, as the book does, dropout drops the same elements — again the book's tensor. It zeroes some weights and doubles the others, so rows no longer sum to exactly 1 — on purpose, and only during training:

cell(17);
show(17, new Dropout(0.5f, new TorchGenerator(123)).Forward(causalWeights));

// Look at the first three rows: every weight in them was dropped, so those tokens' context vectors are the zero vector in this training step. That is not rare: a row with $k$ visible weights is wiped entirely with probability $p^k$ — one time in two for the first token at $p = 0.5$, one in eight for the third. It is harmless for training (each weight is still right on average), but it shows that during training a row of attention weights no longer sums to 1: anything from 0 up to $1/(1-p)$ is possible.

// ## Batches
//
// A model processes many sequences at once. PyTorch stacks them into a 3-D tensor of shape (batch, tokens, features); here a batch is simply an array of matrices of the same shape. The book's batch is two copies of our sentence:

cell(20);
var batch = SampleData.Batch(2);                                   // 2 × (6, 3), like torch.stack((inputs, inputs))
Console.WriteLine($"batch shape: {Shape.Of(batch)}");

// ## The `CausalAttention` class
//
// **What changed** from `SelfAttention`:
//
// - a **mask** belongs to the module, sized for the longest sequence it accepts (`contextLength`). PyTorch stores it with `register_buffer`: a tensor that belongs to the module (it moves to the GPU with it and is saved with it) but is not trained, $\text{contextLength}^2$ numbers. Here it is the read-only `Mask` property, and since every entry follows from its position (1 exactly when $j > i$) it is computed when read instead of stored — a module with a context of 20,000 tokens does not need 1.6 GB for it. A sequence of $T$ tokens uses its top-left $T \times T$ block (PyTorch's `mask[:T, :T]`);
// - the forward pass masks the scores with $-\infty$, then applies dropout to the weights;
// - it takes a batch and returns one result per sequence.
//
// $$Z = \operatorname{dropout}\!\left(\operatorname{softmax}\!\left(\frac{\operatorname{mask}(Q K^\top)}{\sqrt{d_k}}\right)\right) V$$
//
// With `torch.manual_seed(123)` and dropout 0, the book prints these context vectors for both sequences:

cell(22);
var ca = new CausalAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, generator: new TorchGenerator(123));
var caResult = ca.Forward(batch);
Console.WriteLine($"{caResult.Context.Count} sequences of {Shape.Of(caResult.Context[0])} context vectors");
show(22, caResult.Context[0]);

// The book's first row is $[-0.4519, 0.2216]$ and its last $[-0.5299, -0.1081]$. The weights of the first sequence:

cell(24);
show(24, Plot.Weights(caResult.Weights[0], SampleData.Tokens, "CausalAttention (seed 123): weights of sequence 1", causal: true));

// ## Checking causality
//
// The promise of the mask: the output at position $t$ depends only on tokens $0 \dots t$. Test it. Replace the last token, *step*, with something completely different and compare the outputs row by row:

cell(26);
var changed = SampleData.Inputs();
changed.SetRow(5, Vector<float>.Build.DenseOfArray([9f, -9f, 9f]));   // a very different "step"
var before = ca.Forward(SampleData.Inputs()).Context;
var after = ca.Forward(changed).Context;
for (int t = 0; t < 6; t++)
{
    float change = (before.Row(t) - after.Row(t)).AbsoluteMaximum();
    Console.WriteLine($"{SampleData.Tokens[t],-8} largest change: {(change == 0f ? "exactly 0" : change.ToString("0.0000"))}");
}

// The outputs of the first five tokens did not change at all — exactly 0, not just small; only *step*'s own output did. The test suite checks this property for random sequences, sizes and positions.

// ## Padding: sequences of different lengths
//
// A batch is one block of shape (batch, tokens, features), but real sentences have different lengths. The usual way out: **pad** every shorter sequence at its end with filler rows up to a common length, and remember how many tokens of each sequence are real (d2l calls them `valid_lens`; the Annotated Transformer builds its `src_mask` from the padding token). The filler must not leak into the real tokens: no query may attend to a padding key. That is a second mask, over the key columns, and it combines with the causal one. Counting positions from 0, as the code and the charts do, the real tokens of a sequence with $L$ of them are $0, \dots, L-1$, and query $i$ may look at key $j$ only when
//
// $$j \le i \quad \text{and} \quad j < L ;$$
//
// key $j$ is hidden when $j > i$ or $j \ge L$.
//
// Take our sentence as sequence 1 and its first three tokens, *Your journey starts*, as sequence 2, padded with three rows of zeros ($L = 3$: keys 3, 4 and 5 are padding). The mask of sequence 2 first, drawn as the weight charts draw masked cells: hidden (1) hatched, visible (0) white:

cell(29);
string[] paddedTokens = ["Your", "journey", "starts", "<pad>", "<pad>", "<pad>"];
var paddingMask = AttentionMask.CausalWithPadding(tokens: 6, length: 3);   // (6, 6): 1 (hidden) where j > i or j ≥ 3
show(29, Plot.Mask(paddingMask, paddedTokens, "Causal + key-padding mask, length 3 of 6"));

// The triangle above the diagonal is the causal mask; the last three columns are the padding keys, hidden from every query. The last three **rows** are the queries of the padding positions, and they are *not* hidden: a row whose every key is hidden would have nothing to attend to, and the softmax of nothing but $-\infty$ is $0/0$: NaN from `torch.softmax` and from `Softmax.Naive`, an error from `Softmax.Stable`, and a row of zeros from libtorch 2.10's `scaled_dot_product_attention`, which special-cases it. With the causal mask in place each padding row sees exactly the three real tokens, so it stays well defined. `AttentionMask.Causal(T)` and `AttentionMask.KeyPadding(T, L)` give the two masks on their own.
//
// The masking code is the same `masked_fill` with $-\infty$ as above, with the combined mask, on the module `ca` of the previous section:

cell(31);
var shortInputs = SampleData.Inputs().SubMatrix(0, 3, 0, 3).Stack(Matrix<float>.Build.Dense(3, 3));  // (6, 3): 3 tokens + 3 zero rows
var paddedQueries = ca.WQuery.Forward(shortInputs);                             // (6, 2)
var paddedKeys = ca.WKey.Forward(shortInputs);                                  // (6, 2)
var paddedScores = CausalMask.MaskedFill(paddedQueries * paddedKeys.Transpose(), paddingMask);   // (6, 6): −∞ where the mask is 1
var paddedWeights = Softmax.Stable(paddedScores / MathF.Sqrt(paddedKeys.ColumnCount));          // (6, 6)
show(31, paddedWeights);

// `CausalAttention` does it in one call: `Forward(batch, lengths)` takes the real length of every sequence and hides, in sequence $b$, every key after the first `lengths[b]`, on top of the causal mask:

cell(33);
var paddedResult = ca.Forward([SampleData.Inputs(), shortInputs], lengths: [6, 3]);
var unpadded = ca.Forward(SampleData.Inputs().SubMatrix(0, 3, 0, 3));          // the three tokens on their own
Console.WriteLine($"weights of sequence 2 as computed by hand: {Below((paddedResult.Weights[1] - paddedWeights).Enumerate().Max(Math.Abs))}");
Console.WriteLine($"its real tokens get exactly what the unpadded sequence gets: {paddedResult.Context[1].SubMatrix(0, 3, 0, 2).Equals(unpadded.Context)}");
Console.WriteLine($"sequence 1 (length 6, no padding) is unchanged: {paddedResult.Context[0].Equals(caResult.Context[0])}");

cell(34);
show(34, Plot.Weights(paddedResult.Weights[1], paddedTokens, "CausalAttention, lengths [6, 3]: weights of sequence 2",
    options: HeatmapOptions.AttentionWeights with { Masked = (i, j) => paddingMask[i, j] == 1f }));   // hatched: the hidden keys

// The padding columns have weight exactly 0, so the real tokens get exactly what they get without any padding, bit for bit, whatever the padding rows hold.
//
// **What the padded query rows are.** Rows 3–5 are the outputs *of* the padding positions: each attends to the three real tokens with weights from its own query. Here the padding rows are zeros and the module has no bias, so their queries are zero, every score is 0 and the weights are uniform, $1/3$ each. They are finite numbers that mean nothing — no token was there. A model must ignore them wherever it uses its outputs: a training loss skips the padding positions (cross-entropy with an ignore index, or per-token losses multiplied by a 0/1 mask), and a prediction at a padding position is never read. `MultiHeadAttention.Forward(batch, lengths)` does the same in every head. The test suite checks both, padded rows included, against libtorch's `scaled_dot_product_attention` with a boolean `attn_mask` and against the book's modules with the combined mask.

// ## Summary
//
// - Causal attention lets token $i$ attend only to tokens $0 \dots i$: the weights above the diagonal are exactly 0.
// - Setting masked scores to $-\infty$ before the softmax is the same as zeroing the weights and renormalising, in one step.
// - Dropout zeroes weights with probability $p$ during training and scales the rest by $1/(1-p)$ so the expected value is unchanged; in evaluation mode (`Training = false`) it does nothing.
// - `CausalAttention` adds the mask (a buffer sized for the context length), dropout and batches to `SelfAttention`.
// - Sequences of different lengths are padded at the end; a key-padding mask hides the padding keys from every query, combined with the causal mask. The padding positions' own rows stay finite (they see the real tokens) and must be ignored by the loss.

// ## Further reading
//
// - Ashish Vaswani et al., [Attention Is All You Need](https://arxiv.org/abs/1706.03762), NeurIPS 2017, section 3.2.3 — masking the decoder's self-attention so that a position cannot attend to later ones.
// - Nitish Srivastava, Geoffrey Hinton, Alex Krizhevsky, Ilya Sutskever and Ruslan Salakhutdinov, [Dropout: A Simple Way to Prevent Neural Networks from Overfitting](https://jmlr.org/papers/v15/srivastava14a.html), JMLR 15, 2014.
// - Alec Radford, Jeffrey Wu, Rewon Child, David Luan, Dario Amodei and Ilya Sutskever, [Language Models are Unsupervised Multitask Learners](https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf), OpenAI, 2019 — GPT-2, a decoder-only model trained on next-token prediction with causal attention.
// - Sebastian Raschka, *Build a Large Language Model (From Scratch)*, Manning, 2024, section 3.5.
//
// **Next:** [4 · Multi-head attention](04-multi-head-attention.ipynb) — several causal attention heads side by side, then the efficient weight-split form used in GPT.

// ## Exercises
//
// 1. **Evaluation mode.** Build `CausalAttention` with dropout 0.5 and seed 123. Run it twice in training mode and once with `Training = false`. Which runs agree with each other, and with the dropout-0 module above?
// 2. **A shorter sequence.** Pass only the first four tokens (`SampleData.Inputs().SubMatrix(0, 4, 0, 3)`) to `ca`. Compare the result with the first four rows of the six-token output. Why are they equal? What happens with seven tokens?
// 3. **Dropout statistics.** Apply `Dropout(0.2f)` to a 100×100 matrix of ones, ten times with different seeds. Report the fraction of zeros and the mean of each result. What do you expect, and what do you get?
//
// 4. **Build a padding mask yourself.** Without `AttentionMask`, write `Matrix<float> PaddingMask(int tokens, int length)` that returns the combined causal + key-padding mask (1 = hidden) from the two rules above. Check it against `AttentionMask.CausalWithPadding` for every length from 1 to 6, then use it with `CausalMask.MaskedFill` and `Softmax.Stable` to reproduce the weights of `ca.Forward(batch, lengths)` for a batch of three sequences with lengths 6, 4 and 2 (pad with zero rows).
// 5. **Causal attention's forward pass, yourself.** `CausalAttention` came from the library; now write its forward pass. Write `Matrix<float> CausalForward(CausalAttention m, Matrix<float> x)` for one sequence $x$ of $T$ tokens, from the module's three `Linear` layers (`m.WQuery.Forward(x)`, …), its mask (`CausalMask.MaskedFill` with `m.Mask`, which is sized for the context length) and `Softmax.Stable` — the equation of the `CausalAttention` class above, without dropout. Check it against `m.Forward(x).Context` for `ca` on the six tokens and on the first four, and for a wider module, `new CausalAttention(3, 4, 6, 0f, generator: new TorchGenerator(7))`.
//
// Solutions: [solutions/03-causal-attention-solutions.ipynb](solutions/03-causal-attention-solutions.ipynb).
