#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/04-multi-head-attention.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/04-multi-head-attention.cs (see README).
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
// beside this app, 04-multi-head-attention.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"04-multi-head-attention.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 4 · Multi-head attention
//
// ![Road map of the course: you are at station 4](../images/roadmap-4.svg)
//
// **In this notebook you will**
//
// - run several causal attention heads side by side and concatenate their outputs (`MultiHeadAttentionWrapper`);
// - rewrite that as GPT does: one projection for all heads, split into column blocks, with an output projection (`MultiHeadAttention`);
// - follow every shape through the split, and see what PyTorch's `view` and `transpose` do and what they are in C#;
// - draw each head's attention weights, and count the parameters of GPT-2's attention: 2,360,064 as the book builds it, 2,362,368 with the query, key and value biases that GPT-2 actually has.
//
// You are at **station 4**, the last stage of the road: this is the attention inside GPT-2.

// ## Why more than one head?
//
// One attention head computes one set of weights per token: a single notion of "what is relevant". Language has many at once — the subject of a verb, the previous word, the noun an adjective belongs to. **Multi-head attention** runs $h$ heads in parallel, each with its own projections and therefore its own weights, and combines their context vectors. Whether trained heads really take different jobs is something we can test: in [notebook 6, task 2](06-attention-that-learns.ipynb#task-2-two-heads-two-jobs) two heads are trained on a target that needs the tokens one and two places back, and each head learns one of the two offsets (a single head learns that task too, less well: two heads are preferred there, not necessary).

// ## Version 1: stack independent heads
//
// The simplest implementation is literal: $h$ `CausalAttention` modules, each producing $d_{out}$ features per token, concatenated along the feature axis:
//
// $$Z = \left[\, Z_0 \;\middle|\; Z_1 \;\middle|\; \cdots \;\middle|\; Z_{h-1} \,\right], \qquad Z_i = \operatorname{CausalAttention}_i(X)$$
//
// Heads are numbered from 0, like the code (`Heads[0]`) and the charts.
//
// With two heads of $d_{out} = 2$ the output has 4 features per token. The book builds it after `torch.manual_seed(123)`; the heads are built one after another from the same generator, as PyTorch's `nn.ModuleList` does, so head 0 gets exactly the weights of the `CausalAttention` in notebook 3.

cell(5);
var inputs = SampleData.Inputs();                      // (6, 3)
var batch = SampleData.Batch(2);                       // 2 × (6, 3)
var wrapper = new MultiHeadAttentionWrapper(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, numHeads: 2,
                                            generator: new TorchGenerator(123));
var wrapperResult = wrapper.Forward(batch);
Console.WriteLine($"{wrapperResult.Context.Count} sequences of {Shape.Of(wrapperResult.Context[0])}: heads × d_out = {wrapper.DOut} features");
show(5, wrapperResult.Context[0]);

// Columns 0–1 come from head 0, `wrapper.Heads[0]` (they are the `CausalAttention` output of notebook 3: first row $[-0.4519, 0.2216]$), and columns 2–3 from head 1, `wrapper.Heads[1]`. The book prints the same $6 \times 4$ matrix for each sequence. Each head has its own weights:

cell(7);
// Near-uniform because each head's freshly initialised W_query and W_key are small (drawn from ±1/√d_in = ±0.577), so every
// scaled score is close to 0 and softmax spreads each query's weight almost evenly over the keys it may see.
for (int h = 0; h < wrapper.Heads.Count; h++)
{
    var head = wrapper.Heads[h];
    var scaled = head.WQuery.Forward(inputs) * head.WKey.Forward(inputs).Transpose() / MathF.Sqrt(head.DOut);   // (6, 6) ω/√d_k
    var visible = from i in Enumerable.Range(0, 6) from j in Enumerable.Range(0, i + 1) select scaled[i, j];
    Console.WriteLine($"head {h}: visible scaled scores from {visible.Min():0.0000} to {visible.Max():0.0000}");
}
display(Plot.Heatmaps(wrapperResult, SampleData.Tokens, title: "MultiHeadAttentionWrapper (seed 123): weights per head"));
show(7, Plot.WeightsRelativeToUniform(wrapperResult, SampleData.Tokens, title: "The same weights relative to uniform (1 = 1/(i + 1) for query i)"));

// ## Version 2: one projection, split into heads
//
// The wrapper multiplies the input by $3h$ small matrices, one after another. GPT does the same arithmetic with three large ones: a single $W_{query}$ of width $d_{out}$ whose columns are divided among the heads. Head $i$ ($i = 0, \dots, h-1$) uses block $i$ of $d_{head} = d_{out}/h$ columns (`head_dim` in the code) of $Q$, $K$ and $V$:
//
// **A change of notation.** Notebook 2 wrote $Q = X W_{query}$ with a $d_{in} \times d_{out}$ matrix, and so does the diagram below. From here on the projections are `Linear` layers, which store their weight as PyTorch does, $d_{out} \times d_{in}$ (one row per output feature), and compute $X W^\top$ (notebook 2's `SelfAttention` already did). It is the same mapping with the matrix stored on its side: a `Linear`'s $d_{out} \times d_{in}$ weight $W$ is the transpose of the $d_{in} \times d_{out}$ matrix that $X$ would be multiplied by.
//
// $$Q = X W_{query}^\top, \qquad Q_i = Q[:,\ i\,d_{head} : (i+1)\,d_{head}]$$
//
// $$Z_i = \operatorname{softmax}\!\left(\frac{\operatorname{mask}(Q_i K_i^\top)}{\sqrt{d_{head}}}\right) V_i, \qquad \text{output} = \left[\, Z_0 \mid \cdots \mid Z_{h-1} \,\right] W_o^\top + b_o$$
//
// **What changed** from the wrapper: three projections shared by all heads instead of three per head; $d_{out}$ is now the *total* width, split into heads; and an **output projection** $W_o$ (`out_proj`, a `Linear(d_out, d_out)` with bias) mixes the heads' features after concatenation.
//
// ![One projection split into heads, attention per head, concatenation and the output projection](../images/multi-head.svg)

// ## The shapes, step by step
//
// In PyTorch, the split is written with two tensor operations. Follow one batch of $b$ sequences of $T$ tokens:
//
// | step | PyTorch | shape | C# here |
// |---|---|---|---|
// | project | `queries = self.W_query(x)` | (b, T, `d_out`) | `WQuery.Forward(x)` per sequence: (T, `d_out`) |
// | split the last axis | `queries.view(b, T, h, head_dim)` | (b, T, h, `head_dim`) | nothing to do: head $i$ is a block of columns |
// | heads to the front | `queries.transpose(1, 2)` | (b, h, T, `head_dim`) | `queries.SubMatrix(0, T, i * headDim, headDim)`: (T, `head_dim`) |
// | scores per head | `queries @ keys.transpose(2, 3)` | (b, h, T, T) | `q * k.Transpose()` per head |
// | back | `(weights @ values).transpose(1, 2)` | (b, T, h, `head_dim`) | write head $i$'s (T, `head_dim`) result into its column block |
// | merge heads | `.contiguous().view(b, T, d_out)` | (b, T, `d_out`) | already (T, `d_out`) |
//
// - **`view`** reinterprets the same memory with a new shape, without copying: the $d_{out}$ numbers of a token are read as $h$ groups of `head_dim`. It only works when the memory is laid out contiguously in the right order (hence `.contiguous()` after a transpose, which copies when needed).
// - **`transpose(1, 2)`** swaps two axes, so that the (T, `head_dim`) matrix of each head becomes the last two axes; then one batched `@` multiplies all heads at once.
//
// Our sequences are MathNet matrices with tokens as rows, so "head $i$" is simply the column block $[i \cdot d_{head}, (i+1) \cdot d_{head})$ — no reshaping needed.
//
// The batched multiplication is worth seeing on its own. The book uses a (1, 2, 3, 4) tensor — one sequence, two heads, three tokens, four features per head — and computes `a @ a.transpose(2, 3)`. That is one ordinary matrix product per head:

cell(10);
var head1 = Matrix<float>.Build.DenseOfArray(new float[,] {
    { 0.2745f, 0.6584f, 0.2775f, 0.8573f }, { 0.8993f, 0.0390f, 0.9268f, 0.7388f }, { 0.7179f, 0.7058f, 0.9156f, 0.4340f } });
var head2 = Matrix<float>.Build.DenseOfArray(new float[,] {
    { 0.0772f, 0.3565f, 0.1479f, 0.5331f }, { 0.4066f, 0.2318f, 0.4545f, 0.9737f }, { 0.4606f, 0.5159f, 0.4220f, 0.5786f } });
display(head1 * head1.Transpose());          // a[0, 0] @ a[0, 0].T: (3, 3)
display(head2 * head2.Transpose());          // a[0, 1] @ a[0, 1].T: (3, 3)

// The two $3 \times 3$ results are the two blocks the book prints for the batched product.

// ## Step by step on the sample
//
// Let us do the split by hand for one sequence with $d_{out} = 4$ and two heads, so each head has `head_dim` $= 2$ columns, using the projections of a `MultiHeadAttention` built with seed 123, and compare with the library's `Forward`:

cell(13);
var mha4 = new MultiHeadAttention(dIn: 3, dOut: 4, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123));
int T = inputs.RowCount, headDim = mha4.HeadDim;                   // 6, 2
var queries = mha4.WQuery.Forward(inputs);                         // (6, 4)
var keys = mha4.WKey.Forward(inputs);                              // (6, 4)
var values = mha4.WValue.Forward(inputs);                          // (6, 4)
var concatenated = Matrix<float>.Build.Dense(T, mha4.DOut);        // (6, 4)
for (int h = 0; h < mha4.NumHeads; h++)
{
    var q = queries.SubMatrix(0, T, h * headDim, headDim);         // (6, 2) head h's columns
    var k = keys.SubMatrix(0, T, h * headDim, headDim);            // (6, 2)
    var v = values.SubMatrix(0, T, h * headDim, headDim);          // (6, 2)
    var w = Softmax.Stable(CausalMask.MaskedFill(q * k.Transpose(), mha4.Mask) / MathF.Sqrt(headDim));  // (6, 6)
    concatenated.SetSubMatrix(0, h * headDim, w * v);              // (6, 2) into its block
}
var output = mha4.OutProj.Forward(concatenated);                   // (6, 4)
string Below(float d) => d < 1e-6f ? "below 1e-6" : d.ToString("G2");   // tiny float differences vary by machine
Console.WriteLine($"largest difference from MultiHeadAttention.Forward: {Below((mha4.Forward(batch).Context[0] - output).Enumerate().Max(Math.Abs))}");
show(13, output);

// The book's own example is smaller: $d_{out} = 2$ split into two heads, so `head_dim` 1. The library's `MultiHeadAttention` built that way, on the whole batch:

cell(15);
var mha = new MultiHeadAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123));
var mhaResult = mha.Forward(batch);
show(15, mhaResult.Context[0]);

// The book prints this $6 \times 2$ matrix for both sequences: first row $[0.3190, 0.4858]$, last row $[0.2575, 0.4028]$. The weights of each head:

cell(17);
// Near-uniform for the same reason: small initial weights, so each head's scores q_i k_j (head_dim 1) are all close to 0.
var mhaQueries = mha.WQuery.Forward(inputs);                                // (6, 2)
var mhaKeys = mha.WKey.Forward(inputs);                                     // (6, 2)
for (int h = 0; h < mha.NumHeads; h++)
{
    var scaled = mhaQueries.SubMatrix(0, T, h * mha.HeadDim, mha.HeadDim) * mhaKeys.SubMatrix(0, T, h * mha.HeadDim, mha.HeadDim).Transpose() / MathF.Sqrt(mha.HeadDim);   // (6, 6)
    var visible = from i in Enumerable.Range(0, T) from j in Enumerable.Range(0, i + 1) select scaled[i, j];
    Console.WriteLine($"head {h}: visible scaled scores from {visible.Min():0.0000} to {visible.Max():0.0000}");
}
display(Plot.Heatmaps(mhaResult, SampleData.Tokens, title: "MultiHeadAttention (seed 123): weights per head"));
show(17, Plot.WeightsRelativeToUniform(mhaResult, SampleData.Tokens, title: "The same weights relative to uniform (1 = 1/(i + 1) for query i)"));

// Two things to keep in mind when reading these pictures. With `head_dim` 1, each head's query and key of a token are single numbers, so every score is a product of two scalars, $\omega_{ij} = q_i k_j$: for a fixed query the ranking of the keys is simply the ranking of the $k_j$ (reversed when $q_i < 0$). And the two heads differ only because their random initial weights differ: nothing has been learned, so they do not (yet) stand for two notions of relevance. Heads that were *trained* can specialise — each on its own relation — and that is what the extra heads are for ([notebook 6](06-attention-that-learns.ipynb#task-2-two-heads-two-jobs) shows two heads learning two different offsets).

// ## The wrapper and the split are the same mechanism
//
// The claim that version 2 is "the same arithmetic" can be checked: stack the wrapper's per-head query weights on top of each other (and likewise keys and values) to get one big projection, use an identity output projection, and the two modules must agree. The test suite checks this for random sizes; here it is once:

cell(20);
Linear Stack(Func<CausalAttention, Linear> pick) =>
    new(Matrix<float>.Build.DenseOfRowVectors(wrapper.Heads.SelectMany(head => pick(head).Weight.EnumerateRows())));
var identity = new Linear(Matrix<float>.Build.DenseIdentity(4), Vector<float>.Build.Dense(4));
var split = new MultiHeadAttention(Stack(h => h.WQuery), Stack(h => h.WKey), Stack(h => h.WValue), identity, contextLength: 6, numHeads: 2);
var splitResult = split.Forward(batch);
Console.WriteLine($"largest difference from the wrapper: {Below((splitResult.Context[0] - wrapperResult.Context[0]).Enumerate().Max(Math.Abs))}");

// ## GPT-2's attention
//
// The smallest GPT-2 (Radford et al., 2019) uses $d_{in} = d_{out} = 768$, 12 heads (`head_dim` 64) and a context of 1,024 tokens. The book builds its attention as `MultiHeadAttention(768, 768, 1024, 0.0, num_heads=12)` with the default `qkv_bias=False`: three $768 \times 768$ projections without bias, plus a $768 \times 768$ output projection with 768 biases:
//
// $$3 \cdot 768^2 + 768^2 + 768 = 2{,}360{,}064$$
//
// The GPT-2 that OpenAI released does have biases on the query, key and value projections: its fused `c_attn` layer maps 768 features to $3 \cdot 768$ and adds a bias of $3 \cdot 768$ numbers. That is why the book builds its model with `qkv_bias=True` when it loads GPT-2's weights (chapter 5). With those biases, one attention block of GPT-2 small has
//
// $$3 \cdot 768^2 + 3 \cdot 768 + 768^2 + 768 = 2{,}362{,}368$$

cell(22);
var gpt2Book = new MultiHeadAttention(dIn: 768, dOut: 768, contextLength: 1024, dropout: 0f, numHeads: 12, qkvBias: false);
var gpt2 = new MultiHeadAttention(dIn: 768, dOut: 768, contextLength: 1024, dropout: 0f, numHeads: 12, qkvBias: true);
Console.WriteLine($"head_dim = {gpt2.HeadDim}");
Console.WriteLine($"parameters, as the book builds it (qkvBias: false): {gpt2Book.ParameterCount:N0}");
Console.WriteLine($"parameters, as GPT-2 has it (qkvBias: true):        {gpt2.ParameterCount:N0}");

// That is one attention block; GPT-2 small has 12 of them, plus feed-forward layers and embeddings.

// ## Summary
//
// - Multi-head attention runs $h$ attention heads in parallel, each with its own weights, and concatenates their context vectors.
// - The efficient form projects once with $d_{out}$-wide matrices and gives each head a block of `head_dim` $= d_{out}/h$ columns; PyTorch's `view` + `transpose` select those blocks, and an output projection mixes the heads.
// - Both forms are the same computation: stacking the per-head weights turns the wrapper into the split version.
// - One multi-head attention block of GPT-2 small has 2,362,368 parameters (2,360,064 without the query, key and value biases, as the book first builds it).

// ## Further reading
//
// - Ashish Vaswani et al., [Attention Is All You Need](https://arxiv.org/abs/1706.03762), NeurIPS 2017, section 3.2.2 — multi-head attention, with $h = 8$ heads of $d_k = 64$.
// - Alec Radford, Jeffrey Wu, Rewon Child, David Luan, Dario Amodei and Ilya Sutskever, [Language Models are Unsupervised Multitask Learners](https://cdn.openai.com/better-language-models/language_models_are_unsupervised_multitask_learners.pdf), OpenAI, 2019 — GPT-2 and its sizes.
// - Sebastian Raschka, *Build a Large Language Model (From Scratch)*, Manning, 2024, section 3.6 (and chapter 5 for loading GPT-2's weights, with `qkv_bias=True`).
//
// You have walked the whole road, from a dot product between two word vectors to the attention inside GPT-2. **Next:** [5 · Efficient attention](05-efficient-attention.ipynb) — how real implementations avoid the $T \times T$ matrix and run far faster, and a fused C# kernel that does it.

// ## Exercises
//
// 1. **Returning 2-dimensional embeddings** (the book's exercise 3.2). Change the arguments of `MultiHeadAttentionWrapper(..., numHeads: 2)` so that the output context vectors are 2-dimensional instead of 4-dimensional, keeping two heads.
// 2. **Initialising a GPT-2-size module** (the book's exercise 3.3). Build a `MultiHeadAttention` with the sizes of the smallest GPT-2 — 12 heads, 768 input and output features, a context of 1,024 tokens — and check its parameter count against the formula above. Then build a `MultiHeadAttentionWrapper` with the same output width (768): how many parameters does it have, and why fewer?
// 3. **Heads and weights.** For `mha` (seed 123) with `numHeads: 1` instead of 2 (and `dOut: 2`), are the weights of the single head equal to either head's weights above? Explain from the shapes.
//
// 4. **A KV cache: one token at a time.** GPT writes text one token at a time, and at every step the keys and values of the earlier tokens are the same as before (the causal mask makes sure of it), so recomputing them is wasted work. Write the generation loop with a *KV cache* for `mha` (seed 123): at step $t$ project only token $t$ into its query, key and value; append the key and the value to two lists; let the query attend, head by head, to all cached keys (no mask needed: the future is not in the cache); concatenate the heads and apply `OutProj`. Check that your six outputs equal the rows of `mha.Forward(batch)`, the causal forward over the whole sequence.
// 5. **The split, yourself, for any number of heads.** `MultiHeadAttention` came from the library; now write its forward pass. Write `Matrix<float> MultiHead(MultiHeadAttention m, Matrix<float> x)` from the module's four `Linear` layers, its mask and `Softmax.Stable`: project once, split $Q$, $K$ and $V$ into `m.NumHeads` blocks of `m.HeadDim` columns, attend in each head (causal mask, scaled by $\sqrt{d_{head}}$), merge the heads' outputs into their blocks and apply `OutProj`. Check it against `m.Forward([x]).Context[0]` on the sample for modules (seed 123) with $d_{out} = 6$ and 3 heads, $d_{out} = 8$ and 2 heads, and $d_{out} = 8$ and 4 heads — heads of 2, 4 and 2 features.
//
// Solutions: [solutions/04-multi-head-attention-solutions.ipynb](solutions/04-multi-head-attention-solutions.ipynb).
