#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/06-attention-that-learns.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/06-attention-that-learns.cs (see README).
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
// beside this app, 06-attention-that-learns.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"06-attention-that-learns.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 6 · Attention that learns
//
// ![Road map of the course: you are at station 6](../images/roadmap-6.svg)
//
// **In this notebook you will**
//
// - derive the softmax's Jacobian and the backward pass of attention by hand, on the six-token sentence, and check the hand-derived gradient against finite differences;
// - train small attention models with those gradients and AdamW, watching a progress line, the loss curve and the attention weights before and after;
// - see a model learn to **look back** $k$ tokens — and fail to without position embeddings, for the reason notebook 2 showed: attention alone ignores order;
// - see **two heads take two jobs**, one offset each, on a target that one averaging head cannot read;
// - see attention look things up by **content**: a query finds the entry holding its key, wherever it stands.
//
// You are at **station 6**, beyond the road: until now every weight came from a seeded generator. Here the weights are *learned*, and the attention patterns that come out are ones we can predict in advance and check.

// ## Learning is following the gradient
//
// A model maps inputs to *logits*, one score per class; the **cross-entropy loss** $L = -\log \operatorname{softmax}(\text{logits})[\text{target}]$, averaged over positions, is small when the target class gets most of the probability. Training repeats one step: compute the loss on a batch, compute $\partial L / \partial \theta$ for every parameter $\theta$ (the *backward pass*: the chain rule applied from the loss back to every weight, Rumelhart, Hinton & Williams, 1986), and move every parameter a little against its gradient. PyTorch writes the step as
//
// ```python
// optimizer.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); optimizer.step()
// ```
//
// where `loss.backward()` is autograd. The course's library has no autograd: each layer in `AttentionNotebooks.Training` has a hand-derived backward pass, tested against finite differences and against libtorch. Two of them are the heart of attention: the softmax, and attention itself.

// ## The softmax's Jacobian
//
// For one row of scores $s$ the weights are $a_i = e^{s_i} / \sum_k e^{s_k}$. Differentiate $a_i$ with respect to $s_j$ (quotient rule):
//
// $$\frac{\partial a_i}{\partial s_j} = \frac{\delta_{ij}\, e^{s_i} \sum_k e^{s_k} - e^{s_i} e^{s_j}}{\left(\sum_k e^{s_k}\right)^2} = a_i\,(\delta_{ij} - a_j), \qquad J = \operatorname{diag}(a) - a\,a^\top$$
//
// Every row of $J$ sums to zero: adding the same number to every score changes no weight. Take the causal attention head of notebook 3 (seed 123) and the last query, *step*, which sees all six tokens:

cell(5);
var inputs = SampleData.Inputs();                                   // (6, 3)
var attention = new CausalAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, generator: new TorchGenerator(123));
var queries = attention.WQuery.Forward(inputs);                     // (6, 2)
var keys = attention.WKey.Forward(inputs);                          // (6, 2)
var values = attention.WValue.Forward(inputs);                      // (6, 2)
var scores = CausalMask.MaskedFill(queries * keys.Transpose(), attention.Mask) / MathF.Sqrt(2);  // (6, 6)
var weights = Softmax.Stable(scores);                               // (6, 6)
var a = weights.Row(5);                                             // (6)  weights of "step"
var jacobian = Matrix<float>.Build.DenseOfDiagonalVector(a) - a.OuterProduct(a);   // (6, 6)  ∂a_i/∂s_j
show(5, jacobian);

// The diagonal is $a_i(1 - a_i)$, at most $1/4$; off the diagonal, $-a_i a_j$: raising one score takes weight from all the others. Check it against finite differences — nudge one score up and down by $h$ and watch the weights move:

cell(7);
const float h = 1e-3f;
var s = scores.Row(5);                                              // (6)  scaled scores of "step"
var numeric = Matrix<float>.Build.Dense(6, 6);
for (int j = 0; j < 6; j++)
{
    var up = s.Clone(); up[j] += h;
    var down = s.Clone(); down[j] -= h;
    numeric.SetColumn(j, (Softmax.Stable(up) - Softmax.Stable(down)) / (2 * h));   // column j: ∂a/∂s_j
}
float largest = (numeric - jacobian).Enumerate().Max(Math.Abs);
Console.WriteLine($"finite differences agree with diag(a) − a aᵀ within 1e-3: {largest < 1e-3f}");
Console.WriteLine($"largest |row sum| of the Jacobian below 1e-6: {jacobian.RowSums().AbsoluteMaximum() < 1e-6f}");

// (Float32 finite differences are accurate to about $10^{-4}$ here; the library's tests check every backward pass against finite differences in double precision, within $10^{-5}$.)
//
// In a backward pass we never build $J$. Given $dA = \partial L/\partial A$, the chain rule gives, row by row,
//
// $$dS_{ij} = \sum_k dA_{ik}\, \frac{\partial a_{ik}}{\partial s_{ij}} = A_{ij}\Big(dA_{ij} - \sum_k dA_{ik} A_{ik}\Big), \qquad dS = A \odot \big(dA - \operatorname{rowsum}(dA \odot A)\big)$$
//
// — $O(T)$ work per row instead of a $T \times T$ Jacobian (`SoftmaxBackward.Rows`). A masked score has weight exactly 0, so it gets gradient exactly 0: the causal mask needs no extra rule.
//
// ## The backward pass of attention
//
// Forward, for one head: $Q = X W_q^\top$, $K = X W_k^\top$, $V = X W_v^\top$, $S = \operatorname{mask}(Q K^\top)/\sqrt{d_k}$, $A = \operatorname{softmax}(S)$, $Z = A V$. Backward, given $dZ$, each line is the chain rule through one line of the forward pass:
//
// $$dV = A^\top dZ, \qquad dA = dZ\, V^\top, \qquad dS = A \odot \big(dA - \operatorname{rowsum}(dA \odot A)\big)$$
//
// $$dQ = dS\, K / \sqrt{d_k}, \qquad dK = dS^\top Q / \sqrt{d_k}, \qquad dW_q = dQ^\top X, \quad dW_k = dK^\top X, \quad dW_v = dV^\top X$$
//
// $K$ receives $dS^\top$ because key $j$ scored against every query $i$. To have something to differentiate, take the loss $L = \sum_{ij} Z_{ij} G_{ij}$ with a fixed random $G$: then $dZ = G$. By hand, on the sample:

cell(9);
var context = weights * values;                                     // (6, 2)  Z
var upstream = new TorchGenerator(7).Randn(6, 2);                   // (6, 2)  G = dL/dZ
var dValues = weights.TransposeThisAndMultiply(upstream);           // (6, 2)  dV = Aᵀ·G
var dWeights = upstream.TransposeAndMultiply(values);               // (6, 6)  dA = G·Vᵀ
var rowDot = dWeights.PointwiseMultiply(weights).RowSums();         // (6)     Σ_k dA_ik·A_ik
var dScores = weights.PointwiseMultiply(dWeights - Matrix<float>.Build.Dense(6, 6, (i, j) => rowDot[i]));  // (6, 6)  dS
var dQueries = dScores * keys / MathF.Sqrt(2);                      // (6, 2)  dQ = dS·K/√d_k
var dKeys = dScores.TransposeThisAndMultiply(queries) / MathF.Sqrt(2);  // (6, 2)  dK = dSᵀ·Q/√d_k
var dWQuery = dQueries.TransposeThisAndMultiply(inputs);            // (2, 3)  dW_q = dQᵀ·X
var dWKey = dKeys.TransposeThisAndMultiply(inputs);                 // (2, 3)
var dWValue = dValues.TransposeThisAndMultiply(inputs);             // (2, 3)
show(9, dWQuery);

// Now the check. Nudge each of the 18 projection weights by $\pm h$, rerun the module's forward pass, and divide the change of $L$ by $2h$; and compare with the library's `CausalAttentionTrainer`, which computes the same backward pass for training:

cell(11);
float Loss() => attention.Forward(inputs).Context.PointwiseMultiply(upstream).Enumerate().Sum();   // L = Σ Z ⊙ G

Matrix<float> FiniteDifferences(Matrix<float> w)                    // w: a projection's weight, changed in place and restored
{
    var gradient = Matrix<float>.Build.Dense(w.RowCount, w.ColumnCount);
    for (int i = 0; i < w.RowCount; i++)
        for (int j = 0; j < w.ColumnCount; j++)
        {
            float saved = w[i, j];
            w[i, j] = saved + 1e-2f; float up = Loss();
            w[i, j] = saved - 1e-2f; float down = Loss();
            w[i, j] = saved;
            gradient[i, j] = (up - down) / 2e-2f;
        }
    return gradient;
}

var trainer = new CausalAttentionTrainer(attention);
trainer.Forward([inputs]);
trainer.Backward([upstream]);
var hand = new[] { dWQuery, dWKey, dWValue };
var names = new[] { "W_query", "W_key", "W_value" };
var layers = new[] { attention.WQuery, attention.WKey, attention.WValue };
for (int p = 0; p < 3; p++)
{
    float vsNumeric = (hand[p] - FiniteDifferences(layers[p].Weight)).Enumerate().Max(Math.Abs);
    float vsLibrary = (hand[p] - trainer.Parameters[p].MatrixGradient!).Enumerate().Max(Math.Abs);
    Console.WriteLine($"d{names[p]}: agrees with finite differences within 1e-3: {vsNumeric < 1e-3f}, with CausalAttentionTrainer within 1e-6: {vsLibrary < 1e-6f}");
}

// The same derivation, one head at a time, gives `MultiHeadAttentionTrainer` (each head's $dQ_h$, $dK_h$, $dV_h$ fill its own block of columns, plus the output projection's backward pass), and the rest are short: `Linear` ($dX = dY\,W$, $dW = dY^\top X$, $db$ = column sums of $dY$), `Embedding` (row $i$ of $dW$ sums the gradients of the positions that looked up id $i$) and `CrossEntropy` ($d\,\text{logits} = (\operatorname{softmax}(\text{logits}) - \text{onehot}(y))/N$). The tests check all of them against finite differences in double precision and against libtorch's autograd.
//
// ## The training loop
//
// The models below are one class, `AttentionClassifier`: a token embedding, optionally plus a learned position embedding (as GPT-2 and the book, section 2.8, add them), one causal attention layer (a `CausalAttention` head or a `MultiHeadAttention`), and a linear read-out to the classes. The optimiser is `AdamW` (PyTorch's `torch.optim.AdamW` with its defaults except the learning rate $\eta$: $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\epsilon = 10^{-8}$, weight decay $\lambda = 0.01$). At step $t = 1, 2, \dots$, for every parameter $\theta$ with gradient $g$, element by element, with $m$ and $v$ starting at 0, it computes in PyTorch's order:
//
// $$\theta \leftarrow \theta\,(1 - \eta\lambda), \qquad m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2)\, g^2$$
//
// $$\hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad \theta \leftarrow \theta - \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}$$
//
// $m$ and $v$ are Adam's (Kingma & Ba, 2015) running averages of the gradient and of its square. Both start at 0, so early on they are too small; dividing by $1 - \beta^t$ (the *bias correction*) undoes that — at $t = 1$, $\hat m = g$ and $\hat v = g^2$. The step $\hat m / \sqrt{\hat v}$ is about $\pm 1$ for a gradient of steady sign, whatever its scale, so every parameter moves by about $\eta$ per step. The W is the *decoupled* weight decay (Loshchilov & Hutter, 2019): the first line shrinks the weight itself and never enters $m$ or $v$; adding $\lambda\theta$ to the gradient instead (Adam's L2 penalty) would divide it by $\sqrt{\hat v}$ too. (`AdamW.Step` in `lib/AttentionNotebooks/Training/AdamW.cs` is these lines, with $\eta/(1 - \beta_1^t)$ and $\sqrt{v}/\sqrt{1 - \beta_2^t}$ computed as PyTorch computes them.)
//
// One helper trains a model and prints a progress line every `every` steps:

cell(13);
List<float> Train(AttentionClassifier model, Func<(int[][] Inputs, int[][] Targets)> nextBatch, int steps, double lr, int every)
{
    var optimizer = new AdamW(model.Parameters, lr: lr);
    var losses = new List<float>();
    for (int step = 1; step <= steps; step++)
    {
        var (x, y) = nextBatch();                                   // a fresh batch from the seeded generator
        losses.Add(model.TrainStep(x, y, optimizer));               // zero_grad, forward, loss, backward, step
        if (step == 1 || step % every == 0)
            Console.WriteLine($"step {step,4}   loss {losses[^1]:0.0000}");
    }
    return losses;
}

HeatmapOptions causalWeights = HeatmapOptions.AttentionWeights with { Causal = true };   // every weight chart: [0, 1], the future hatched
Console.WriteLine("ready");

// ## Task 1: look back $k$
//
// The data: random tokens from a vocabulary of 16, sequences of 12. The target at position $t$ is the input token at $t - k$ (no target before $t = k$). The right attention pattern is known in advance: query $t$ should put all its weight on key $t - k$, an off-diagonal band in the heatmap. Guessing among 16 tokens costs $\ln 16 = 2.77$ per position; a model that has learned to look back gets close to 0. First $k = 1$, with a fixed probe batch of 64 sequences to measure the weights on:

cell(15);
const int vocab = 16, dim = 16, tokens = 12;
var (probe, probeTargets) = LookBackTask.Batch(new TorchGenerator(1), 64, tokens, vocab, offset: 1);   // 64 test sequences
var probeLabels = probe[0].Select((id, t) => $"{t}:{id}").ToArray();   // the first test sequence, position:id (ids repeat)
var lookBack1 = AttentionClassifier.WithCausalAttention(vocab, vocab, dim, tokens, positions: true, new TorchGenerator(123));
var before1 = lookBack1.Forward(probe).Head(0);                     // 64 × (12, 12)
var data1 = new TorchGenerator(456);
var losses1 = Train(lookBack1, () => LookBackTask.Batch(data1, 16, tokens, vocab, offset: 1), steps: 200, lr: 3e-3, every: 50);
var after1 = lookBack1.Forward(probe).Head(0);
Console.WriteLine($"average weight on t − 1: {LookBackTask.AverageWeightOnOffset(before1, 1):0.000} before training, {LookBackTask.AverageWeightOnOffset(after1, 1):0.000} after");

cell(16);
show(16, Plot.Heatmaps([before1[0], after1[0]], probeLabels, ["before training", "after 200 steps"], "Look back 1: attention weights on a test sequence", options: causalWeights));

// Before training the weights are a blur (each query spreads them over everything it may see); after 200 steps each query looks at the token just before it: the band right below the diagonal. Query 0 has nothing before it and keeps its weight on itself; it has no target, so training never cared. The same run in libtorch (TorchSharp, `torch.optim.AdamW`) gives the same losses within $10^{-4}$ at every step — a test replays it.
//
// Now $k = 2$, the same model and data:

cell(18);
var (probe2, _) = LookBackTask.Batch(new TorchGenerator(1), 64, tokens, vocab, offset: 2);   // the same 64 sequences
var lookBack2 = AttentionClassifier.WithCausalAttention(vocab, vocab, dim, tokens, positions: true, new TorchGenerator(123));
var data2 = new TorchGenerator(456);
var losses2 = Train(lookBack2, () => LookBackTask.Batch(data2, 16, tokens, vocab, offset: 2), steps: 200, lr: 3e-3, every: 50);
var after2 = lookBack2.Forward(probe2).Head(0);
Console.WriteLine($"average weight on t − 2 after training: {LookBackTask.AverageWeightOnOffset(after2, 2):0.000}");
show(18, Plot.Heatmap(after2[0], probeLabels, "Look back 2: after 200 steps", causalWeights));

// The band moved one step further from the diagonal. How does the model know where $t - k$ is? Only through the position embedding: query $t$'s vector contains $p_t$, key $j$'s contains $p_j$, and training made $q(p_t) \cdot k(p_j)$ large exactly when $j = t - k$.
//
// ### Without position embeddings
//
// Take the position embedding away — the same model, seed and data, `positions: false`:

cell(20);
var blind = AttentionClassifier.WithCausalAttention(vocab, vocab, dim, tokens, positions: false, new TorchGenerator(123));
var dataBlind = new TorchGenerator(456);
var lossesBlind = Train(blind, () => LookBackTask.Batch(dataBlind, 16, tokens, vocab, offset: 1), steps: 200, lr: 3e-3, every: 50);
var afterBlind = blind.Forward(probe).Head(0);

// The best any order-blind guess can do: token v with probability (how often v occurs in x[0..t−1]) / t.
double orderBlind = 0;
int counted = 0;
foreach (var row in probe)
    for (int t = 1; t < tokens; t++, counted++)
        orderBlind -= Math.Log(row.Take(t).Count(id => id == row[t - 1]) / (double)t);
orderBlind /= counted;
double uniform = Enumerable.Range(1, tokens - 1).Average(t => 1.0 / (t + 1));   // weight 1/(t+1) on every visible key
double earlierOnly = Enumerable.Range(1, tokens - 1).Average(t => 1.0 / t);     // weight 1/t on each earlier key, 0 on itself
double OnItself(Matrix<float> w) => Enumerable.Range(1, tokens - 1).Average(t => (double)w[t, t]);   // weight of query t on key t
double onItself = afterBlind.Average(OnItself);

Console.WriteLine($"test loss with positions:        {lookBack1.Loss(probe, probeTargets):0.0000}");
Console.WriteLine($"test loss without positions:     {blind.Loss(probe, probeTargets):0.0000}");
Console.WriteLine($"best order-blind guess:          {orderBlind:0.0000}");
Console.WriteLine($"chance, ln {vocab}:                   {Math.Log(vocab):0.0000}");
Console.WriteLine($"average weight on t − 1 without positions: {LookBackTask.AverageWeightOnOffset(afterBlind, 1):0.000}");
Console.WriteLine($"    spread evenly over the t + 1 visible tokens: {uniform:0.000}; over the t earlier tokens only: {earlierOnly:0.000}");
Console.WriteLine($"    average weight of query t on itself: {onItself:0.000}");

cell(21);
show(21, Plot.Line(
    [Series.Of("look back 1", Enumerable.Range(1, 200), losses1),
     Series.Of("look back 2", Enumerable.Range(1, 200), losses2),
     Series.Of("look back 1, no positions", Enumerable.Range(1, 200), lossesBlind),
     Series.Of("chance (ln 16)", new[] { 1, 200 }, new[] { Math.Log(vocab), Math.Log(vocab) }) with { Dashed = true }],   // a reference, not a run: dashed
    "Task 1: training loss", "step", "cross-entropy"));

// Without positions the model does not learn to look back. Its weight on $t - 1$, 0.223, lies between what spreading the weight evenly gives — 0.191 over all $t + 1$ visible tokens, 0.275 over the $t$ earlier tokens only — because it has learned to put less weight on its own token (0.113 on average, where even spreading gives 0.191): its own token says nothing about the one before it. The rest it spreads over the earlier tokens, and its loss stays far above the 0.02 the same model reaches with positions. Why can it not single out $t - 1$? Notebook 2 showed that self-attention ignores word order ([Self-attention ignores word order](02-self-attention-trainable-weights.ipynb#self-attention-ignores-word-order)): permute the tokens and every token gets the same context vector in its new place, $Z(PX) = P\,Z(X)$. The causal mask changes *which* tokens a query sees — query $t$ sees tokens $0, \dots, t$ — but not *how* it sees them: its output is $\sum_{j \le t} a_{tj} v_j$, where each score $s_{tj}$ depends only on the contents of token $t$ and token $j$, and the softmax treats all visible scores alike. Shuffle tokens $0, \dots, t-1$ among themselves and query $t$'s output does not change. So without positions, position $t$ can know its own token and the **multiset** of the tokens before it — which tokens came, and roughly how often — but not their **order**, and "the token just before me" is a question about order.
//
// That holds for **one** causal layer, the model here. Stack several and order can come back without any position embedding: a first layer can compute something that depends on how many tokens position $t$ sees (even spreading gives the query's own token weight $1/(t+1)$, a different number at every position), and a later layer can use it as a position. Haviv et al. (2022) found that causal transformer language models trained without positional encodings still learn positional information.
//
// That is why the loss does not stay at chance either: the tokens seen so far are a real hint (at $t = 1$ there is only one earlier token, so it must be the answer). The best any order-blind predictor can do is guess each earlier token in proportion to how often it occurred: the "best order-blind guess" above, well below $\ln 16$. That bound rests on two assumptions: the tokens are drawn independently and uniformly, as this task draws them (so, given which tokens came before, every order of them is equally likely), and the model is one layer (which sees only the multiset). The trained model ends between that bound and chance — its context vector is an *average* of value vectors, which blurs the counts — and far from the model with positions.

// ## Task 2: two heads, two jobs
//
// Now a target that needs two offsets at once. An obvious choice is $(x_{t-1} + x_{t-2}) \bmod V$. It turns out not to force two jobs: it is symmetric in the two tokens, so a single head that puts half its weight on each of them, giving $\tfrac12 (v_{t-1} + v_{t-2})$, loses nothing the target depends on: which token stood where does not change the sum. Train a two-head `MultiHeadAttention` (2 heads of 8 features, 16 in all, with positions) on it, with $V = 8$ symbols, so 8 classes and chance at $\ln 8 = 2.08$; the inputs are `TwoOffsetTask`'s random tokens, with the sum as the target:

cell(24);
const int symbols = 8;
(int[][] Inputs, int[][] Targets) SumBatch(TorchGenerator g, int batchSize)   // targets (x[t−1] + x[t−2]) mod 8
{
    var (x, pairClass) = TwoOffsetTask.Batch(g, batchSize, tokens, symbols);        // pairClass = 8·x[t−1] + x[t−2]
    var y = pairClass.Select(row => row.Select(c => c == CrossEntropy.IgnoreIndex ? c : (c / symbols + c % symbols) % symbols).ToArray()).ToArray();
    return (x, y);
}
var (sumProbe, sumProbeTargets) = SumBatch(new TorchGenerator(1), 64);
var sumHeads = AttentionClassifier.WithMultiHeadAttention(symbols, symbols, 16, tokens, numHeads: 2, positions: true, new TorchGenerator(123));
var dataSum = new TorchGenerator(456);
var lossesSum = Train(sumHeads, () => SumBatch(dataSum, 16), steps: 400, lr: 1e-2, every: 100);
var sumAfter = sumHeads.Forward(sumProbe);
Console.WriteLine($"test loss {sumHeads.Loss(sumProbe, sumProbeTargets):0.0000} (chance ln {symbols} = {Math.Log(symbols):0.0000})");
for (int head = 0; head < 2; head++)
    Console.WriteLine($"head {head}: average weight on t − 1 {LookBackTask.AverageWeightOnOffset(sumAfter.Head(head), 1):0.000}, on t − 2 {LookBackTask.AverageWeightOnOffset(sumAfter.Head(head), 2):0.000}");

// In 400 steps the training loss falls from 2.0992 to 0.6979 (test loss 0.7028): the model learns, though it stays far from 0. And both heads split their weight about equally between $t - 1$ and $t - 2$ (head 0: 0.470 and 0.500, head 1: 0.487 and 0.492): nothing pushed them to specialise.
//
// So we make the **order** matter. The target is the *ordered pair* $(x_{t-1}, x_{t-2})$ of 8 symbols — class $8 \cdot x_{t-1} + x_{t-2}$, 64 classes (`TwoOffsetTask`). An equal average of the two value vectors is the same for $(a, b)$ and $(b, a)$, so a head that averages cannot tell which token was where. Two heads, each locked to one offset, can: their outputs land in different columns of the concatenation, and the read-out sees "$a$ at $t-1$" and "$b$ at $t-2$" separately. A `MultiHeadAttention` with 2 heads of 8 features (16 in all), with positions:

cell(26);
var (pairProbe, pairProbeTargets) = TwoOffsetTask.Batch(new TorchGenerator(1), 64, tokens, symbols);
var pairLabels = pairProbe[0].Select((id, t) => $"{t}:{id}").ToArray();   // position:id (ids repeat)
var twoHeads = AttentionClassifier.WithMultiHeadAttention(symbols, TwoOffsetTask.Classes(symbols), 16, tokens, numHeads: 2, positions: true, new TorchGenerator(123));
var pairsBefore = twoHeads.Forward(pairProbe);
var dataPairs = new TorchGenerator(456);
var lossesPairs = Train(twoHeads, () => TwoOffsetTask.Batch(dataPairs, 16, tokens, symbols), steps: 150, lr: 1e-2, every: 25);
var pairsAfter = twoHeads.Forward(pairProbe);
Console.WriteLine($"test loss {twoHeads.Loss(pairProbe, pairProbeTargets):0.0000} (chance ln {TwoOffsetTask.Classes(symbols)} = {Math.Log(TwoOffsetTask.Classes(symbols)):0.0000})");
for (int head = 0; head < 2; head++)
    Console.WriteLine($"head {head}: average weight on t − 1 {LookBackTask.AverageWeightOnOffset(pairsAfter.Head(head), 1):0.000}, on t − 2 {LookBackTask.AverageWeightOnOffset(pairsAfter.Head(head), 2):0.000}" +
                      $"   (before training: {LookBackTask.AverageWeightOnOffset(pairsBefore.Head(head), 1):0.000}, {LookBackTask.AverageWeightOnOffset(pairsBefore.Head(head), 2):0.000})");

cell(27);
show(27, Plot.Heatmaps([pairsBefore.Weights[0][0], pairsBefore.Weights[0][1], pairsAfter.Weights[0][0], pairsAfter.Weights[0][1]], pairLabels,
              ["head 0, before", "head 1, before", "head 0, after 150 steps", "head 1, after 150 steps"],
              "Two heads on the ordered pair (x[t-1], x[t-2])", columns: 2, options: causalWeights));

// Before training both heads blur; after, each has its own diagonal: head 0 took $t - 2$ (about 0.95 of its weight), head 1 took $t - 1$ (about 0.9), and each puts almost nothing on the other's offset. Nothing told head 0 which job to take — which head takes which offset depends on the random start — but the two split the work, because that is what the target rewards. This is what notebook 4 meant by heads that *specialise*: the same mechanism, different learned weights, different relations. A second head is *preferred* here, not *necessary*: a single head of the same width can weight the two offsets unequally, and $0.3\,v_a + 0.7\,v_b$ does tell $(a, b)$ from $(b, a)$; exercise 2 trains one and measures how much worse it does.

// ## Task 3: content, not position
//
// Tasks 1 and 2 are about *where* to look. Notebook 0's key→value lookup is about *what*: look for the entry whose key matches the query, wherever it is. As a sequence (`LookupTask`): four dictionary entries, each one token "key → value" (8 keys, 8 values; the keys of a sequence are distinct), then a query token "key?"; the target at the query is the value stored with that key. The entry to attend to is wherever the key happens to be, so positions cannot help — this model has none (`positions: false`): one causal head of 32 features.

cell(30);
const int keyCount = 8, valueCount = 8, pairs = 4;
string Label(int token) => token < keyCount * valueCount ? $"k{token / valueCount}→v{token % valueCount}" : $"k{token - keyCount * valueCount}?";
var lookupProbe = LookupTask.Batch(new TorchGenerator(1), 256, pairs, keyCount, valueCount);
var lookup = AttentionClassifier.WithCausalAttention(LookupTask.VocabSize(keyCount, valueCount), valueCount, 32, pairs + 1, positions: false, new TorchGenerator(123));
var lookupBefore = lookup.Forward(lookupProbe.Inputs).Head(0);
var dataLookup = new TorchGenerator(456);
var lossesLookup = Train(lookup, () => { var b = LookupTask.Batch(dataLookup, 32, pairs, keyCount, valueCount); return (b.Inputs, b.Targets); },
                         steps: 300, lr: 5e-3, every: 50);
var lookupAfter = lookup.Forward(lookupProbe.Inputs);
int right = Enumerable.Range(0, 256).Count(b => lookupAfter.Logits[b].Row(pairs).MaximumIndex() == lookupProbe.Targets[b][pairs]);
Console.WriteLine($"average weight of the query on the entry holding its key: {LookupTask.AverageWeightOnKey(lookupBefore, lookupProbe.KeyPositions):0.000} before, {LookupTask.AverageWeightOnKey(lookupAfter.Head(0), lookupProbe.KeyPositions):0.000} after");
Console.WriteLine($"values recalled correctly: {right} of 256 test queries (chance: 1 in {valueCount}); test loss {lookup.Loss(lookupProbe.Inputs, lookupProbe.Targets):0.0000}");

cell(31);
var lookupLabels = lookupProbe.Inputs[0].Select(Label).ToArray();
show(31, Plot.Heatmaps([lookupBefore[0], lookupAfter.Head(0)[0]], lookupLabels, ["before training", "after 300 steps"], "Lookup: the query's row finds its key", options: causalWeights));

// Look at the last row, the query: after training its weight sits on the entry with the same key. (The other rows have no target, so what they attend to does not matter.) The query and key projections have learned that "k3?" and "k3→v5" should score high together whatever the value, and the value projection and read-out carry the value out. It is notebook 0's attention lookup, $\operatorname{softmax}(K q)$ then a weighted sum of values, except that nobody chose the vectors: training found them.
//
// The training loss printed every 50 steps is the loss of that step's batch only (32 fresh queries), so it jumps: 0.0088 at step 250, 0.0623 at step 300. The test loss printed above, 0.0256 on 256 fixed sequences, is the steadier measure of where training ended.

cell(33);
show(33, Plot.Line(
    [Series.Of("task 2: ordered pair, 2 heads", Enumerable.Range(1, lossesPairs.Count), lossesPairs),
     Series.Of("task 3: lookup", Enumerable.Range(1, lossesLookup.Count), lossesLookup)],
    "Tasks 2 and 3: training loss", "step", "cross-entropy"));

// ## Summary
//
// - The softmax's Jacobian is $\operatorname{diag}(a) - a a^\top$; a backward pass uses it as $dS = A \odot (dA - \operatorname{rowsum}(dA \odot A))$, and masked positions get exactly zero gradient.
// - Attention's backward pass follows the forward pass in reverse: $dV = A^\top dZ$, $dA = dZ\,V^\top$, then the softmax, then $dQ = dS\,K/\sqrt{d_k}$, $dK = dS^\top Q/\sqrt{d_k}$ and the projections. Checked here against finite differences; in the tests also against libtorch.
// - AdamW moves each weight by about $\eta$ per step: $\hat m / (\sqrt{\hat v} + \epsilon)$ from bias-corrected running averages of the gradient and its square, with the weight decay applied to the weight directly.
// - Trained with AdamW, a one-head model learns to look back $k$ tokens — weight about 0.97 on $t - k$ — but only with position embeddings: without them, query $t$ of one causal layer knows which tokens came before it, not in which order. (Stacked causal layers can recover order without position embeddings: Haviv et al., 2022.)
// - On a symmetric target, $(x_{t-1} + x_{t-2}) \bmod V$, two heads each split their weight evenly over both tokens; on a target that depends on the *order* of two tokens, two heads split the job, one offset each (one head can learn it too, less well).
// - Attention can look up by content: the query learns to find the entry that holds its key, wherever it stands.

// ## Further reading
//
// - David E. Rumelhart, Geoffrey E. Hinton and Ronald J. Williams, [Learning representations by back-propagating errors](https://doi.org/10.1038/323533a0), Nature 323, 1986 — backpropagation.
// - Diederik P. Kingma and Jimmy Ba, [Adam: A Method for Stochastic Optimization](https://arxiv.org/abs/1412.6980), ICLR 2015.
// - Ilya Loshchilov and Frank Hutter, [Decoupled Weight Decay Regularization](https://arxiv.org/abs/1711.05101), ICLR 2019 — AdamW.
// - Catherine Olsson et al., [In-context Learning and Induction Heads](https://transformer-circuits.pub/2022/in-context-learning-and-induction-heads/index.html), Transformer Circuits Thread, 2022 — heads that attend to the previous token, and two-layer circuits that look things up in context.
// - Adi Haviv, Ori Ram, Ofir Press, Peter Izsak and Omer Levy, [Transformer Language Models without Positional Encodings Still Learn Positional Information](https://arxiv.org/abs/2203.16634), Findings of EMNLP 2022 — stacked causal layers recover order without position embeddings.
// - Sebastian Raschka, *Build a Large Language Model (From Scratch)*, Manning, 2024, chapter 5 — training a GPT model with `loss.backward()` and AdamW; Andrej Karpathy's [nanoGPT](https://github.com/karpathy/nanoGPT) is the same loop at full size.
//
// That is the end of the road: attention from the first dot product to weights that are learned. Next, beyond the road: a real trained model, opened up — [7 · Inside a trained model](07-inside-a-trained-model.ipynb).

// ## Exercises
//
// 1. **Without $\sqrt{d_k}$.** Build task 1's model ($k = 1$) and, before training, multiply `model.CausalAttention!.WQuery.Weight` by $\sqrt{d_k} = 4$ in place (`w.Multiply(4f, w)`): its initial scores are then what they would be without the division by $\sqrt{d_k}$. How large is the largest weight of each query at the start, compared with the normal model? Train both for 200 steps and compare the losses at steps 25, 100 and 200 and the final weight on $t - 1$ — over a few seeds, not one: how much do the runs of one variant differ among themselves?
// 2. **One head on task 2.** Train the same model with `numHeads: 1` (one head of 16 features) on the ordered pairs. What loss does it reach in 150 steps, compared with two heads? Where does its single head put its weight on $t - 1$ and $t - 2$, and why can unequal weights help it?
// 3. **Lookup without a key.** In task 3, what should the weights look like if the query's key were not in the dictionary? Build such a sequence by hand (four entries, then a query for a fifth key) and look at the query's row.
// 4. **Backward through the heads' concatenation and the output projection.** This notebook derived one head's backward pass; `MultiHeadAttentionTrainer` adds what comes after the heads, which was not derived. Take `new MultiHeadAttention(dIn: 3, dOut: 4, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123))` on the sample, its output $Y = [Z_0 \mid Z_1]\,W_o^\top + b_o$ and the loss $L = \sum Y \odot G$ with $G$ = `new TorchGenerator(7).Randn(6, 4)`. Derive $dW_o$, $db_o$ and $dZ$ for the concatenation $Z = [Z_0 \mid Z_1]$; work out the backward pass of the concatenation (what are $dZ_0$ and $dZ_1$?), run each head through this notebook's one-head backward pass, and assemble $dW_{query}$. Check $dW_o$, $db_o$ and $dW_{query}$ against finite differences and against `MultiHeadAttentionTrainer`.
//
// Solutions: [solutions/06-attention-that-learns-solutions.ipynb](solutions/06-attention-that-learns-solutions.ipynb).
