#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
#:project ../../../lib/AttentionNotebooks.Pretrained/AttentionNotebooks.Pretrained.csproj
// notebooks/solutions/07-inside-a-trained-model-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/07-inside-a-trained-model-solutions.cs (see README).
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
// beside this app, 07-inside-a-trained-model-solutions.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"07-inside-a-trained-model-solutions.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # Solutions · 7 · Inside a trained model
//
// Solutions to the exercises of [7 · Inside a trained model](../07-inside-a-trained-model.ipynb). Try them yourself first. Each needs the model and, for exercises 1 and 2, the head patterns over the notebook's sentence set:

cell(3);
var model = MiniLm.Load();
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
Console.WriteLine($"{patterns.Count} heads measured over {outputs.Sum(o => o.Tokens.Count)} tokens");

// ## 1. Find the next-token heads

cell(5);
foreach (var p in patterns.OrderByDescending(p => p.Next).Take(3))
    Console.WriteLine($"layer {p.Layer}, head {p.Head}: next {p.Next:F2}, previous {p.Previous:F2}, [CLS] {p.Cls:F2}, [SEP] {p.Sep:F2}");
var mine = model.Encode("The old lighthouse keeper watched the ships come home");
var best = patterns.MaxBy(p => p.Next)!;
int last = mine.Tokens.Count - 2;                                            // the last word, just before [SEP]
var row = mine.Attention[best.Layer][best.Head].Row(last);
Console.WriteLine($"\"{mine.Tokens[last]}\" puts {row[last + 1]:F2} on [SEP], {row[0]:F2} on [CLS], {row[last]:F2} on itself");
show(5, Plot.Weights(mine.Attention[best.Layer][best.Head], mine.Tokens, $"Layer {best.Layer}, head {best.Head} on a new sentence"));

// Layer 1, head 8 is the one clear next-token head (0.63); the runners-up reach only 0.28 and put more of their weight on `[CLS]`. On the new sentence it draws the line just above the diagonal again. The last word, "home", has no next word: it puts 0.74 of its weight on `[CLS]` and 0.18 on `[SEP]` — when its pattern has nothing to point at, the head rests on the sink.

// ## 2. Where do the sinks sit?

cell(8);
for (int l = 0; l < 6; l++)
{
    var layer = patterns.Where(p => p.Layer == l).ToArray();
    Console.WriteLine($"layer {l}: average weight on [CLS] {layer.Average(p => p.Cls):F2}, on [SEP] {layer.Average(p => p.Sep):F2}; " +
                      $"heads with at least half on [CLS]: {layer.Count(p => p.Cls >= 0.5),2}, on [SEP]: {layer.Count(p => p.Sep >= 0.5)}");
}

// `[CLS]` is the sink of layers 1 to 4: on average 0.53 to 0.59 of every head's weight, and 6 to 9 heads per layer put at least half their weight there. Layers 0 and 5 lean on it less (0.24 and 0.38), and only one head of layer 5 passes one half. `[SEP]` gets at most 0.09 on average in any layer, and no head rests on it.

// ## 3. Search with embeddings
//
// A search engine in a few lines: embed every sentence once, embed the query, rank by cosine similarity (a dot product, since the embeddings have length 1).

cell(11);
string[] corpus =
[
    "The recipe needs two eggs and a cup of flour.",
    "Bake the cake for forty minutes at 180 degrees.",
    "Whisk the butter and sugar until pale.",
    "The striker scored twice in the second half.",
    "The match ended in a draw after extra time.",
    "Fans celebrated the team's first title in decades.",
    "The new phone has a larger battery and a faster chip.",
    "The laptop's screen is bright but its speakers are weak.",
    "Heavy rain is expected across the north tomorrow.",
    "A warm, sunny weekend is forecast for the coast.",
];
IEnumerable<(string Text, float Cosine)> Search(MiniLm m, string query, string[] texts, int k)
{
    var q = m.Embed(query);                                                          // (384), length 1
    return texts.Select(t => (t, m.Embed(t) * q)).OrderByDescending(r => r.Item2).Take(k);
}
var untrained = model.Reinitialised(seed: 123);
const string query = "How long should the cake stay in the oven?";
foreach (var (name, m) in new[] { ("trained", model), ("untrained", untrained) })
{
    Console.WriteLine($"{name}: \"{query}\"");
    foreach (var (text, cosine) in Search(m, query, corpus, 3))
        Console.WriteLine($"   {cosine:F2}  {text}");
}

// Trained, the baking sentence comes first (0.64), followed by the two other kitchen sentences (0.34): the three of the same topic. Freshly initialised, the top three score 0.95 to 0.96 and the first is about football: with every embedding pointing the same way, the ranking is noise.

// ## 4. The most important head

cell(14);
string[] pairs =
[
    "Your journey starts with one step",
    "Every long trip begins with a single step",
    "The cat sat on the mat",
    "A kitten was resting on the rug",
    "Stock markets fell sharply on Monday",
    "Share prices dropped at the start of the week",
];
Matrix<float> Embeddings(MiniLm m) => Matrix<float>.Build.DenseOfRowVectors(pairs.Select(m.Embed));   // (6, 384)
var full = Embeddings(model);
var moved = new float[12];
for (int h = 0; h < 12; h++)
{
    var ablated = Embeddings(model.WithoutHeads([(0, h)]));
    moved[h] = (float)Enumerable.Range(0, 6).Average(i => ablated.Row(i) * full.Row(i));     // average cosine with the full model
    var p = patterns.Single(x => x.Layer == 0 && x.Head == h);
    Console.WriteLine($"without layer 0, head {h,2}: cosine with the full model {moved[h]:F4}   (the head: {p.Best} {p.BestScore:F2})");
}
show(14, Plot.Bar(Vector<float>.Build.DenseOfArray(moved.Select(m => 1 - m).ToArray()), Enumerable.Range(0, 12).Select(h => $"head {h}").ToArray(),
         "How far the embeddings move without one head of layer 0", highlight: Array.IndexOf(moved, moved.Min()), highlightLabel: "moves them most", yTitle: "1 − cosine with the full model"));

// No single head of layer 0 moves the embeddings much: the cosine with the full model stays at 0.9953 or above. Head 3, a broad head (0.89), matters most; the previous-token head 2 (0.9983) sits in the middle. A sharp, recognisable pattern is not the same as an important one — and, as Michel et al. found for larger models, a single head can often be removed at test time with little change.
