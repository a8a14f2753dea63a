#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/00-why-attention.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/00-why-attention.cs (see README).
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
// beside this app, 00-why-attention.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"00-why-attention.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 0 · Why attention
//
// ![Road map of the course: you are at station 0](../images/roadmap-0.svg)
//
// **In this notebook you will**
//
// - see why translating a sentence word by word fails, even with a perfect dictionary;
// - meet the encoder–decoder model and the one fixed-size vector it squeezes a whole sentence through;
// - run an experiment that measures that bottleneck: how many facts survive in one fixed-size vector, and how many survive when the reader may *attend* to every stored item instead;
// - get the idea of attention that the next four notebooks turn into the attention inside GPT.
//
// You are at **station 0** of the road map. The companion text is chapter 3 of Sebastian Raschka's *Build a Large Language Model (From Scratch)* (Manning, 2024); this notebook covers the motivation of its first two sections in our own words and experiments.
//
// Every code cell runs in order. The first cell only loads the course library; run it once before the others.

// ## Word by word is not enough
//
// Take a German sentence and a small dictionary that maps each German word to its English word. If translation were a lookup, we would translate one word at a time and be done.

cell(4);
var dictionary = new Dictionary<string, string>
{
    ["Kannst"] = "Can", ["du"] = "you", ["mir"] = "me", ["helfen"] = "help",
    ["diesen"] = "this", ["Satz"] = "sentence", ["zu"] = "to", ["übersetzen"] = "translate",
};
var german = "Kannst du mir helfen diesen Satz zu übersetzen".Split(' ');
var wordByWord = string.Join(" ", german.Select(word => dictionary[word]));
Console.WriteLine($"German:        {string.Join(" ", german)}");
Console.WriteLine($"Word by word:  {wordByWord}");
Console.WriteLine($"What we want:  Can you help me translate this sentence");

// Every word was translated correctly, yet the sentence is wrong: German puts the verb *übersetzen* ("translate") at the end, English puts it after *help me*, and "zu" has no English word of its own here. To write the fifth English word, a translator has to look at the **last** German word. Translation needs to see the whole input and to decide, for every output word, *which input words matter now*.

// ## Encoder–decoder models and the fixed-size context vector
//
// Before transformers, neural translation used two recurrent neural networks (RNNs):
//
// - the **encoder** reads the input one word at a time and updates a hidden state, a vector of fixed size $d$:
//   $$h_t = f(h_{t-1}, x_t)$$
// - the **decoder** starts from the encoder's last hidden state $h_T$ and generates the output one word at a time.
//
// Everything the decoder knows about the input has to pass through $h_T$: a handful of numbers, whether the input has 5 words or 500. That vector is the *context vector* of the classic encoder–decoder, and it is a bottleneck.
//
// ![An encoder squeezes the German sentence into one context vector; with attention, the decoder looks back at every encoder state](../images/encoder-decoder-bottleneck.svg)
//
// **Attention** removes the bottleneck: the decoder keeps access to *all* encoder states $h_1, \dots, h_T$ and, at every output step, computes weights that say how much each one matters for the word it is about to write. The context vector is then a weighted sum, recomputed for every output word.

// ## An experiment: how much fits through one vector?
//
// Let us measure the bottleneck instead of just believing it. We store $n$ *facts*, each a key→value pair of random vectors with $d = 64$ entries of $\pm 1$, and later ask for the value of each key.
//
// **Fixed-size memory.** Squeeze all pairs into *one* vector of $d$ numbers by binding each key to its value (element-wise product) and adding them up:
// $$m = \sum_{i=1}^{n} k_i \odot v_i$$
// To recall the value of key $k_j$, multiply again by $k_j$ (since $k_j \odot k_j = 1$, that unbinds it):
// $$k_j \odot m = v_j + \sum_{i \ne j} k_j \odot k_i \odot v_i$$
// The first term is the answer; the sum is noise from every other fact, and it grows with $n$.
//
// **Attention.** Keep every pair. To recall the value of $k_j$, score every stored key by its dot product with the query $k_j$, turn the scores into weights with softmax, and return the weighted sum of the values:
// $$\alpha = \operatorname{softmax}(K k_j), \qquad \hat v = \sum_i \alpha_i v_i$$
//
// In both cases we count a recall as correct when the returned vector is closer (by dot product) to $v_j$ than to any other stored value. The random vectors come from the course's seeded generator, so the numbers below are the same on every run.

cell(8);
var generator = new TorchGenerator(2024);
const int d = 64;

// n random vectors of ±1, one per row.
Matrix<float> RandomSigns(int n) => generator.Rand(n, d).Map(u => u < 0.5f ? -1f : 1f);

// The index of the stored value most similar to what was recalled.
int Decode(Matrix<float> values, Vector<float> recalled) => (values * recalled).MaximumIndex();

cell(9);
double FixedSizeAccuracy(Matrix<float> keys, Matrix<float> values)
{
    var memory = keys.PointwiseMultiply(values).ColumnSums();          // (d)  one vector for all n facts
    int correct = 0;
    for (int j = 0; j < keys.RowCount; j++)
    {
        var recalled = keys.Row(j).PointwiseMultiply(memory);           // (d)  v_j + noise
        if (Decode(values, recalled) == j) correct++;
    }
    return correct / (double)keys.RowCount;
}

double AttentionAccuracy(Matrix<float> keys, Matrix<float> values)
{
    int correct = 0;
    for (int j = 0; j < keys.RowCount; j++)
    {
        var scores = keys * keys.Row(j);                                // (n)  one score per stored key
        var weights = Softmax.Stable(scores);                           // (n)  sums to 1
        var recalled = values.TransposeThisAndMultiply(weights);        // (d)  Σ α_i v_i
        if (Decode(values, recalled) == j) correct++;
    }
    return correct / (double)keys.RowCount;
}

cell(10);
// Average over several random draws so that every size gets at least 256 recalls.
(double FixedSize, double Attention) Measure(int n)
{
    int trials = Math.Max(1, 256 / n);
    double fixedSum = 0, attentionSum = 0;
    for (int t = 0; t < trials; t++)
    {
        var keys = RandomSigns(n);
        var values = RandomSigns(n);
        fixedSum += FixedSizeAccuracy(keys, values);
        attentionSum += AttentionAccuracy(keys, values);
    }
    return (fixedSum / trials, attentionSum / trials);
}

int[] sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];
var results = sizes.Select(Measure).ToArray();
Console.WriteLine("    n   fixed-size vector   attention");
for (int i = 0; i < sizes.Length; i++)
    Console.WriteLine($"{sizes[i],5}   {results[i].FixedSize,17:P1}   {results[i].Attention,9:P1}");

cell(11);
show(11, Plot.Line(
    [Series.Of("fixed-size vector", sizes, results.Select(r => r.FixedSize)),
     Series.Of("attention", sizes, results.Select(r => r.Attention))],
    "Recalling n stored facts (d = 64)", "facts stored (n)", "recall accuracy", logX: true));

// The fixed-size vector recalls a few facts perfectly, then degrades quickly: by $n = d = 64$ most recalls fail, because every extra fact adds noise to the one vector that holds them all. Attention keeps every fact and looks them up by similarity, so it recalls all of them, even at $n = 512$. That is the whole argument for attention in one chart: **don't compress the input into one vector; keep all of it and learn where to look.**
//
// Why is attention's recall perfect, and would it stay perfect? Two things in this experiment favour it: each query **is** one of the stored keys, exactly, and the scores are **not scaled**. The query's own key scores $k_j \cdot k_j = d = 64$, while a random other key scores a sum of 64 random $\pm 1$, around 0. Look at the scores, and at what softmax makes of them, with the scores as above and divided by $\sqrt{d} = 8$ as transformers divide them (notebook 2):

cell(13);
Console.WriteLine("    n   own key   best other key   weight on own key   same, scores / √d   recall, scores / √d   recall, noisy query");
foreach (int n in sizes)
{
    var keys = RandomSigns(n);
    var values = RandomSigns(n);
    var scores = keys * keys.Transpose();                               // (n, n)  row j: query k_j against every key
    float own = scores.Diagonal().Minimum();                            // k_j · k_j = d for every j
    string bestOther = n == 1 ? "-" : Enumerable.Range(0, n).Max(j => Enumerable.Range(0, n).Where(i => i != j).Max(i => scores[j, i])).ToString();
    double weightOwn = Enumerable.Range(0, n).Min(j => Softmax.Stable(scores.Row(j))[j]);                  // the smallest over the n queries
    double weightScaled = Enumerable.Range(0, n).Min(j => Softmax.Stable(scores.Row(j) / MathF.Sqrt(d))[j]);
    int recalledScaled = Enumerable.Range(0, n).Count(j => Decode(values, values.TransposeThisAndMultiply(Softmax.Stable(scores.Row(j) / MathF.Sqrt(d)))) == j);
    var flips = generator.Rand(n, d).Map(u => u < 0.25f ? -1f : 1f);   // (n, d)  −1 flips a sign, for about 16 of the 64
    var noisyScores = keys.PointwiseMultiply(flips) * keys.Transpose(); // (n, n)  query: k_j with about a quarter of its signs flipped
    int recalledNoisy = Enumerable.Range(0, n).Count(j => Decode(values, values.TransposeThisAndMultiply(Softmax.Stable(noisyScores.Row(j)))) == j);
    Console.WriteLine($"{n,5}   {own,7}   {bestOther,14}   {weightOwn,17:0.000000}   {weightScaled,17:0.000}   {recalledScaled / (double)n,19:P1}   {recalledNoisy / (double)n,19:P1}");
}

// The table shows both. The query's own key always scores $d = 64$, and the best of the other keys at most 34 here: a gap of 30 or more, which softmax turns into a weight of 1.000000 on the right key (the smallest over the $n$ queries; the other keys share less than $n\,e^{-30}$). Divided by $\sqrt{d}$, the gap shrinks to $30/8 \approx 3.8$ or more, and the weight on the right key falls as $n$ grows, to 0.742 at $n = 512$ — still enough for every recall here, since the answer is the nearest stored value. What does break it is a query that is only *near* its key, as a noisy or a learned query is: flip about a quarter of the query's signs (last column, scores unscaled as in the experiment) and its own score drops to $64 - 2f$ for $f$ flipped signs, about 32, close to the best other keys; recall falls to 83.0 % at $n = 512$. So attention's perfect recall above shows what keeping every fact makes possible when the query is exactly a stored key (and the unscaled scores make the weights sharp); it is not a guarantee.
//
// The perfect recall has a price. The fixed-size memory holds $d = 64$ numbers and recalls a fact with $d$ multiplications, however many facts it holds. Attention stores every key and every value, $2nd$ numbers ($65{,}536$ at $n = 512$, a thousand times more), and compares each query with all $n$ keys: $nd$ multiply-adds per query, $n^2 d$ when every one of $n$ positions asks. Memory and time that grow with the length of the input are what attention trades for not forgetting — the cost that [notebook 5](05-efficient-attention.ipynb) works to keep down.
//
// (The fixed-size memory here is a simple binding scheme, not a trained RNN. A trained encoder is cleverer about what it keeps, but it faces the same arithmetic: $d$ numbers cannot hold an unbounded number of independent facts.)

// ## Where to look: attention weights
//
// For each output word, attention produces one weight per input word. Drawn as a matrix (output words as rows, input words as columns), the weights of a good translation model show *alignment*. The matrix below is **drawn by hand** to illustrate the idea — nothing here was learned — but it shows the pattern you would hope for: *translate* looks at *übersetzen*, at the very end of the German sentence.

cell(16);
string[] english = ["Can", "you", "help", "me", "translate", "this", "sentence"];
var alignment = Matrix<float>.Build.DenseOfArray(new float[,]
{
    // Kannst  du    mir   helfen diesen Satz  zu    übersetzen
    { 0.85f, 0.05f, 0.02f, 0.03f, 0.01f, 0.01f, 0.01f, 0.02f },   // Can
    { 0.05f, 0.85f, 0.03f, 0.02f, 0.01f, 0.01f, 0.01f, 0.02f },   // you
    { 0.02f, 0.02f, 0.10f, 0.80f, 0.01f, 0.01f, 0.02f, 0.02f },   // help
    { 0.01f, 0.03f, 0.88f, 0.04f, 0.01f, 0.01f, 0.01f, 0.01f },   // me
    { 0.01f, 0.01f, 0.01f, 0.05f, 0.02f, 0.04f, 0.11f, 0.75f },   // translate
    { 0.01f, 0.01f, 0.01f, 0.01f, 0.88f, 0.05f, 0.02f, 0.01f },   // this
    { 0.01f, 0.01f, 0.01f, 0.01f, 0.05f, 0.88f, 0.02f, 0.01f },   // sentence
});
Console.WriteLine($"Every row sums to 1: {Enumerable.Range(0, 7).All(i => Math.Abs(alignment.Row(i).Sum() - 1f) < 1e-6f)}");

cell(17);
string[] germanWords = ["Kannst", "du", "mir", "helfen", "diesen", "Satz", "zu", "übersetzen"];
show(17, Plot.Heatmap(alignment, title: "A hand-drawn alignment (illustration, not learned)", options: HeatmapOptions.AttentionWeights with
{
    RowLabels = english, ColumnLabels = germanWords, RowTitle = "English (output)", ColumnTitle = "German (input)",
}));

// ## The same mechanism across two sentences: cross-attention
//
// Where do such weights come from? In an encoder–decoder with attention, the decoder, about to write an English word, asks a question — its **query** — and every German word, as the encoder represents it, offers a **key** to be matched against the question and a **value** to pass on. In the transformer's form of this idea, each query is compared with every key by a scaled dot product (Bahdanau et al. scored the pairs with a small neural network instead), softmax turns the scores into weights, and the context vector is the weighted sum of the values. Notebooks 1 and 2 build this formula step by step; here we only run it once:
//
// $$A = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right), \qquad Q = X_{\text{en}} W_q^\top, \quad K = X_{\text{de}} W_k^\top, \quad V = X_{\text{de}} W_v^\top, \qquad Z = A V$$
//
// A word on the notation: each $W$ here is stored as PyTorch's `nn.Linear` (and the library's `Linear`) stores it, one row per output feature, $d_{out} \times d_{in}$, so a row vector of inputs is multiplied by its transpose, $X W^\top$. Notebook 2 first writes the same product as $X W$, with a $d_{in} \times d_{out}$ matrix $W$ — the transpose of the stored one — and then shows why `Linear` stores it the other way round.
//
// The queries come from one sequence (7 English words), the keys and values from another (8 German words), so $A$ has one row per English word and one column per German word: the shape of the hand-drawn alignment. This is **cross-attention**, the encoder–decoder attention of the transformer, and the library has it as `CrossAttention`.
//
// The word vectors and the three projections below are random numbers from the seeded generator: nothing has been trained, so the weights are **not an alignment yet**. They are where a model starts. A pattern like the hand-drawn alignment above is what training produces, by adjusting the vectors and $W_q, W_k, W_v$ until, for example, the query of *translate* matches the key of *übersetzen* best.

cell(19);
var untrained = new TorchGenerator(2025);
var englishVectors = untrained.Randn(english.Length, 4);                // (7, 4): one random vector per English word
var germanVectors = untrained.Randn(germanWords.Length, 4);             // (8, 4): one per German word
var cross = new CrossAttention(dInQuery: 4, dInKeyValue: 4, dOut: 4, generator: untrained);
var crossResult = cross.Forward(englishVectors, germanVectors);         // queries from English, keys and values from German
Console.WriteLine($"weights: {Shape.Of(crossResult.Weights)} (English × German), context vectors: {Shape.Of(crossResult.Context)}");
Console.WriteLine($"every row sums to 1: {Enumerable.Range(0, 7).All(i => Math.Abs(crossResult.Weights.Row(i).Sum() - 1f) < 1e-6f)}");

cell(20);
show(20, Plot.Heatmap(crossResult.Weights, title: "Cross-attention weights, untrained (random vectors and projections)", options: HeatmapOptions.AttentionWeights with
{
    RowLabels = english, ColumnLabels = germanWords, RowTitle = "English (queries)", ColumnTitle = "German (keys and values)",
}));

// The mechanism is in place — seven rows of weights over eight German words, each row summing to 1, and one context vector per English word mixed from the German values — but the weights are spread out with no pattern: nothing has taught the queries which keys they should match. Give both sides the same sentence and cross-attention becomes **self-attention**: `CrossAttention.Forward(x, x)` computes exactly what the `SelfAttention` of notebook 2 computes with the same three layers (the test suite checks it bit for bit). The test suite also checks `CrossAttention` against libtorch, with 7 queries of 4 features against 8 keys of 5 features.

// ## From attention between two sentences to self-attention
//
// In translation, the decoder attends to the encoder: queries come from one sequence, keys and values from another. **Self-attention** applies the same idea *within one sequence*: every token computes weights over all tokens of its own sentence, so that each token's new representation — its *context vector* — mixes in what it needs from the others. GPT-style models drop the RNN: each of their layers (a *transformer block*) combines self-attention with a feed-forward network, layer normalisation and residual connections, and self-attention is the only part that mixes information between tokens.
//
// The rest of the course builds self-attention one step at a time, on a six-token sentence small enough that every number fits on the screen: *"Your journey starts with one step"*.

// ## Summary
//
// - Translating word by word fails because output words depend on input words far away and in a different order.
// - A classic encoder–decoder squeezes the whole input into one fixed-size context vector; in the experiment, a 64-number vector recalled only a handful of stored facts reliably.
// - Attention keeps every input state and computes, for each output, weights over all of them; it recalled every fact.
// - Self-attention is attention of a sequence over itself: the mechanism inside GPT.
// - Cross-attention takes its queries from one sequence and its keys and values from another: the (7, 8) weights of English over German. Untrained, they show no alignment; the alignment is learned.

// ## Further reading
//
// - Dzmitry Bahdanau, Kyunghyun Cho and Yoshua Bengio, [Neural Machine Translation by Jointly Learning to Align and Translate](https://arxiv.org/abs/1409.0473), 2014 (ICLR 2015) — the paper that introduced attention over all encoder states, with learned alignment pictures like the hand-drawn one above.
// - Ilya Sutskever, Oriol Vinyals and Quoc V. Le, [Sequence to Sequence Learning with Neural Networks](https://arxiv.org/abs/1409.3215), NeurIPS 2014; and Kyunghyun Cho et al., [Learning Phrase Representations using RNN Encoder–Decoder for Statistical Machine Translation](https://arxiv.org/abs/1406.1078), 2014 — the encoder–decoder with one fixed-size vector.
// - Ashish Vaswani et al., [Attention Is All You Need](https://arxiv.org/abs/1706.03762), NeurIPS 2017 — attention without any RNN: the transformer.
// - Sebastian Raschka, *Build a Large Language Model (From Scratch)*, Manning, 2024, sections 3.1–3.2.
//
// **Next:** [1 · Simplified self-attention](01-simplified-self-attention.ipynb) — attention scores, softmax and context vectors, with no trainable weights yet.

// ## Exercises
//
// 1. **Where does the fixed-size vector break?** Repeat the experiment with $d = 16$ and $d = 256$. Roughly at which $n$ does the fixed-size recall fall below 90 % in each case? How does that point move with $d$?
// 2. **A blurry lookup.** Divide the attention scores by a *temperature* $\tau$ before the softmax (`Softmax.Stable(scores / tau)`) and try $\tau = 1, 10, 100$ at $n = 512$. What happens to the weights and to the recall, and why?
// 3. **Alignment.** In the hand-drawn alignment matrix, which English words attend to a German word further to their right? Which German word receives the most attention in total (sum its column)?
//
// 4. **Cross-attention by hand.** Recompute `crossResult` without calling `cross.Forward`: the queries from `englishVectors` and `cross.WQuery.Weight` ($Q = X W^\top$), the keys and values from `germanVectors`, then the (7, 8) scores, the scaling by $\sqrt{d_k}$, a softmax you write yourself, row by row, and the context vectors. Check your weights and context vectors against `crossResult`.
//
// Solutions: [solutions/00-why-attention-solutions.ipynb](solutions/00-why-attention-solutions.ipynb).
