#:project ../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/08-attention-in-todays-llms.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/08-attention-in-todays-llms.cs (see README).
using AttentionNotebooks;
using AttentionNotebooks.Charts;
using MathNet.Numerics.LinearAlgebra;
using AttentionNotebooks.Training;
using AttentionNotebooks.Efficient;

// cell(N) marks where the notebook's cell N starts; it prints nothing unless ATTENTION_APP_CELL_MARKERS=1
// (set by the test that compares this app's output with its notebook's, cell by cell).
static void cell(int number)
{
    if (Environment.GetEnvironmentVariable("ATTENTION_APP_CELL_MARKERS") == "1")
        Console.WriteLine($"##app-cell {number}");
}

// What a notebook shows for the value a cell ends with: its text; a chart is also saved as an SVG file
// beside this app, 08-attention-in-todays-llms.cellN.svg for cell N (not committed: see .gitignore).
static void show(int cellNumber, object? cellValue)
{
    Show.Value(cellValue);
    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData("EntryPointFileDirectoryPath") is string appFolder)
        File.WriteAllText(Path.Combine(appFolder, $"08-attention-in-todays-llms.cell{cellNumber}.svg"), chart.ToSvg());
}

cell(1);

// # 8 · The attention inside today's LLMs
//
// ![Road map of the course: you are at station 8](../images/roadmap-8.svg)
//
// **In this notebook you will**
//
// - give attention positions the way today's models do: the sinusoidal encoding of the original transformer, then **rotary embeddings** (RoPE), whose scores depend only on how far apart two tokens are — and train notebook 6's look-back task with RoPE on 12 tokens and test it on 24;
// - generate token by token with a **KV cache**, check that it changes no output, and measure what it saves;
// - share keys and values between heads — **multi-query** and **grouped-query attention** — and compute the KV-cache memory of GPT-2, Llama 3, Mistral, Gemma 3, Qwen3 and DeepSeek-V3 from their published configurations;
// - limit each token to a **sliding window**, draw the band, and watch how far a stack of windowed layers sees;
// - compress keys and values into a small latent, **multi-head latent attention** (DeepSeek), in its naive and its absorbed form.
//
// Notebook 4 ended at GPT-2's attention (2019). Every mechanism here changes it in one place; the library's modules say which in their documentation, and the tests check each against libtorch.

// ## 1 · Positions
//
// Attention itself ignores order: notebook 2 showed that permuting the tokens permutes the outputs, and notebook 6 trained a model that could not look back one token without a position embedding. GPT-2 *learns* a position embedding, one row per position up to its context length, and adds it to the token embedding. The original transformer (Vaswani et al., 2017) computed one instead:
//
// $$PE_{pos,\,2i} = \sin\!\big(pos / 10000^{2i/d}\big), \qquad PE_{pos,\,2i+1} = \cos\!\big(pos / 10000^{2i/d}\big)$$
//
// Each pair of dimensions is a clock that turns at its own speed: one radian per token for $i = 0$, ever slower for larger $i$. Nothing is learned, and every position has its row:

cell(4);
var sinusoidal = SinusoidalPositions.Create(tokens: 48, dModel: 16);         // (48, 16)
Console.WriteLine($"position 0: {string.Join("  ", sinusoidal.Row(0).Select(v => v.ToString("0.00")))}");
Console.WriteLine($"position 1: {string.Join("  ", sinusoidal.Row(1).Select(v => v.ToString("0.00")))}");
show(4, Plot.Heatmap(sinusoidal, title: "Sinusoidal positions: 48 positions x 16 dimensions",
    options: new HeatmapOptions { RowTitle = "position", ColumnTitle = "dimension", ShowValues = false, ColorBarTitle = "value" }));

// The left columns alternate fast, the right ones barely move: together they give every position a distinct pattern. But the encoding is still *absolute*: it is added to the token, so the score between two tokens mixes their contents with both absolute positions.
//
// ### Rotary position embedding (RoPE)
//
// Su et al. (2021) put the position into the *score* instead. Rotate each query and each key by an angle proportional to its position — dimension pair $i$ by $p\,\theta_i$ with $\theta_i = \text{base}^{-2i/d}$ — and leave the values alone. A rotation $R_p$ satisfies $R_m^\top R_n = R_{n-m}$, so a query at position $m$ and a key at position $n$ score
//
// $$(R_m q)\cdot(R_n k) = q \cdot R_m^\top R_n\, k = q \cdot R_{n-m}\, k$$
//
// which depends on the positions only through their distance $n - m$. Which dimensions form a pair is a convention: the paper pairs neighbours $(2i, 2i+1)$; Hugging Face's Llama, Mistral, Qwen and Gemma code (and rasbt's Llama notebooks) pair the two halves, $(i, i + d/2)$, with `rotate_half`. The two are the same rotation after permuting the columns of $W_{query}$ and $W_{key}$; the library follows the halves, the layout of the checkpoints you download. Rotating the unit vector along dimension 0 by one position shows the pairing — dimension 0 turns towards dimension 4:

cell(6);
var rope = new RotaryEmbedding(headDim: 8);
var unit = Matrix<float>.Build.Dense(1, 8);
unit[0, 0] = 1f;
show(6, rope.Rotate(unit, firstPosition: 1));                                         // (1, 8): cos 1 in dimension 0, sin 1 in dimension 4

// Now the relative property in numbers: one query and one key, placed at different positions with the same distance.

cell(8);
var g = new TorchGenerator(8);
var query = g.Randn(1, 8);                                                  // (1, 8)  one query
var key = g.Randn(1, 8);                                                    // (1, 8)  one key
float Score(int m, int n) => (rope.Rotate(query, m) * rope.Rotate(key, n).Transpose())[0, 0];   // query at m, key at n
foreach (var (m, n) in new[] { (3, 1), (10, 8), (500, 498), (3, 0), (10, 7), (500, 497) })
    Console.WriteLine($"query at {m,3}, key at {n,3} (distance {m - n}): score {Score(m, n):0.0000}");

// Equal distances give equal scores (to float32 rounding), wherever the pair sits. With many pairs turning at different speeds the score also tends to fall with distance, which the paper calls long-term decay — for $q = k = (1, \dots, 1)$ in 64 dimensions:

cell(10);
var rope64 = new RotaryEmbedding(64);
var ones = Matrix<float>.Build.Dense(1, 64, 1f);
var distances = Enumerable.Range(0, 257).Select(d => (double)d).ToArray();
var decay = distances.Select(d => (double)(rope64.Rotate(ones, (int)d) * ones.Transpose())[0, 0] / 64).ToArray();
show(10, Plot.Line(distances, decay, "RoPE: the score of q = k = (1, ..., 1) against distance", "distance m - n", "score / 64"));

// ### Looking back with RoPE
//
// Notebook 6's task 1: random tokens from a vocabulary of 16, and the target at position $t$ is the token at $t - k$. There the model needed a learned position embedding. Here it has none: `AttentionClassifier.WithRotaryCausalAttention` is the same model (token embedding → one causal head → read-out) with RoPE on the head's queries and keys (the trainer's backward pass rotates the gradients back, a rotation's transpose). It trains on sequences of 12 tokens, $k = 2$:

cell(12);
const int vocab = 16, dim = 16, trainTokens = 12, testTokens = 24, k = 2;
var rotary = AttentionClassifier.WithRotaryCausalAttention(vocab, vocab, dim, contextLength: 64, new TorchGenerator(123));
var optimizer = new AdamW(rotary.Parameters, lr: 1e-2);
var data = new TorchGenerator(456);
for (int step = 1; step <= 300; step++)
{
    var (x, y) = LookBackTask.Batch(data, 16, trainTokens, vocab, offset: k);   // 16 sequences of 12 tokens
    float loss = rotary.TrainStep(x, y, optimizer);
    if (step == 1 || step % 100 == 0)
        Console.WriteLine($"step {step,3}   loss {loss:0.0000}");
}

// Measure it on 64 test sequences of 12 tokens, then of 24: positions 12 to 23 never occurred in training. For each, the average weight query $t$ puts on key $t - 2$ and how many targets the read-out gets right:

cell(14);
(double Weight, int Right, int Count) Measure(int tokens, int from)          // positions from..tokens−1
{
    var (inputs, targets) = LookBackTask.Batch(new TorchGenerator(1), 64, tokens, vocab, offset: k);
    var output = rotary.Forward(inputs);
    double weight = 0;
    int right = 0, count = 0;
    for (int b = 0; b < inputs.Length; b++)
        for (int t = from; t < tokens; t++, count++)
        {
            weight += output.Weights[b][0][t, t - k];
            right += output.Logits[b].Row(t).MaximumIndex() == targets[b][t] ? 1 : 0;
        }
    return (weight / count, right, count);
}
var seen = Measure(trainTokens, from: k);
var unseen = Measure(testTokens, from: trainTokens);
Console.WriteLine($"12-token sequences, positions  2..11: weight on t − 2 {seen.Weight:0.000}, right {seen.Right} of {seen.Count}");
Console.WriteLine($"24-token sequences, positions 12..23: weight on t − 2 {unseen.Weight:0.000}, right {unseen.Right} of {unseen.Count}");

var learned = AttentionClassifier.WithCausalAttention(vocab, vocab, dim, trainTokens, positions: true, new TorchGenerator(123));
Console.WriteLine($"a learned position embedding for 12 tokens has {learned.PositionEmbedding!.NumEmbeddings} rows; on 24 tokens:");
try
{
    learned.Forward(LookBackTask.Batch(new TorchGenerator(1), 1, testTokens, vocab, offset: k).Inputs);
}
catch (ArgumentException e)
{
    Console.WriteLine($"  {e.Message}");
}

cell(15);
var (example, _) = LookBackTask.Batch(new TorchGenerator(1), 1, testTokens, vocab, offset: k);
show(15, Plot.Weights(rotary.Forward(example).Head(0)[0], example[0].Select(id => id.ToString()).ToArray(),
    "RoPE look-back 2, trained on 12 tokens, run on 24", causal: true));

// On the 12-token sequences it was trained on, the RoPE model puts 0.939 of its weight on $t - 2$ and gets all 640 targets right. On 24-token sequences, at positions 12 to 23 that it never saw, the weight drops to 0.838 and it still gets 755 of 768 right: the rotation for a distance of 2 is the same at position 20 as at position 5, so what it learned carries over. What is new at those positions are competitors it never had to beat — keys up to 23 tokens back — and in the last rows of the heatmap some of them take a little weight. The model with a learned position embedding cannot even run: it has no rows for positions 12 to 23. (Exercise 3 changes RoPE's base.)

// ## 2 · The KV cache
//
// A model generates text one token at a time: run the sequence, take the last position's prediction, append the new token, run again. Under the causal mask nothing a token computes depends on later tokens, so at step $t$ the keys and values of tokens $0 \dots t-1$ are exactly those of the step before — recomputing them is wasted work (notebook 4's exercise 4 wrote this loop by hand). A **KV cache** keeps them: a decode step projects only the new token, appends its key and value to the cache, and lets its one query attend over everything cached. A step then costs $O(T \cdot d)$ for the attention instead of $O(T^2 \cdot d)$, and the projections are computed once per token instead of once per step.
//
// `GroupedQueryAttention` (section 3 explains the name) with as many key-value groups as heads *is* multi-head attention — a test checks that it draws the same weights as `MultiHeadAttention` from the same seed and gives its outputs bit for bit. Its `Decode(newTokens, cache)` is the decode step. Feed ten tokens one by one and compare with the causal forward pass over all ten:

cell(18);
var mha = new GroupedQueryAttention(dIn: 16, dOut: 16, contextLength: 1024, numHeads: 4, numKvGroups: 4, generator: new TorchGenerator(123));
var ten = new TorchGenerator(7).Rand(10, 16);                              // (10, 16)  ten tokens' inputs
var whole = mha.Forward([ten]).Context[0];                                  // (10, 16)  all at once, causal
var cache = mha.NewCache();
float largestGap = 0;
for (int t = 0; t < 10; t++)
{
    var step = mha.Decode(ten.SubMatrix(t, 1, 0, 16), cache);              // (1, 16)  token t; keys and values of 0..t from the cache
    largestGap = Math.Max(largestGap, (step.Context[0] - whole.SubMatrix(t, 1, 0, 16)).Enumerate().Max(Math.Abs));
}
Console.WriteLine($"decoded one by one = the whole forward pass within 1e-6: {largestGap <= 1e-6f}");
Console.WriteLine($"the cache holds {cache.Count} tokens: {cache.Bytes:N0} bytes, {cache.BytesPerToken} per token = 2 (K and V) x {cache.KvHeads} heads x {cache.HeadDim} features x 4 bytes");

// Not bit for bit in general: the decode step multiplies a (1, d) query by the cached keys, the full pass a (T, d) block, and the two products may sum in a different order — the tests allow $10^{-6}$ and the next cell counts the identical values on this machine. Now the time per new token, with and without the cache, for a model of 64 features and 4 heads (without the cache, a step reruns the layer over all $T + 1$ tokens and keeps the last row; with it, one `Decode`). The timings depend on the machine, so the notebook tests do not compare this cell's output:

cell(20);
// check: skip-output
var timed = new GroupedQueryAttention(64, 64, 1024, numHeads: 4, numKvGroups: 4, generator: new TorchGenerator(1));
int[] contexts = [32, 64, 128, 256, 512];
var stream = new TorchGenerator(2).Rand(contexts[^1] + 8, 64);               // (520, 64)
double Milliseconds(Action a) { var sw = System.Diagnostics.Stopwatch.StartNew(); a(); return sw.Elapsed.TotalMilliseconds; }

var perStep = new List<double>();                                           // with the cache: every step of one generation
var timedCache = timed.NewCache();
for (int t = 0; t < stream.RowCount; t++)
{
    var next = stream.SubMatrix(t, 1, 0, 64);
    perStep.Add(Milliseconds(() => timed.Decode(next, timedCache)));
}
var withCache = contexts.Select(c => perStep.Skip(c).Take(8).Order().ElementAt(4)).ToArray();   // median of steps c..c+7
var withoutCache = contexts.Select(c =>
{
    var prefix = stream.SubMatrix(0, c + 1, 0, 64);                         // the whole sequence again, every step
    return Enumerable.Range(0, 2).Min(_ => Milliseconds(() => timed.Forward([prefix])));
}).ToArray();
for (int i = 0; i < contexts.Length; i++)
    Console.WriteLine($"context {contexts[i],5}: {withoutCache[i],8:0.000} ms per token without the cache, {withCache[i],6:0.000} ms with it ({withoutCache[i] / withCache[i],5:0.0}x)");

var again = mha.NewCache();
int identical = Enumerable.Range(0, 10).Sum(t =>
{
    var row = mha.Decode(ten.SubMatrix(t, 1, 0, 16), again).Context[0];
    return Enumerable.Range(0, 16).Count(c => BitConverter.SingleToInt32Bits(row[0, c]) == BitConverter.SingleToInt32Bits(whole[t, c]));
});
Console.WriteLine($"decoded values identical to the bit with the whole forward pass, on this machine: {identical} of 160");
show(20, Plot.Line([Series.Of("without the cache", contexts, withoutCache), Series.Of("with the cache", contexts, withCache)],
    "Time per new token (one layer, 64 features, 4 heads)", "tokens already generated", "milliseconds", logX: true, logY: true));

// Without the cache each step redoes a $T \times T$ attention and $T$ projections, so its time grows roughly with the square of the context; with the cache it grows roughly linearly. On the two-core machine that ran this notebook the cache made a new token 6.6 to 132.6 times faster between 32 and 512 tokens; run the cell to see your machine's numbers.
//
// The price is memory. Per token and layer the cache holds a key and a value per head: $2 \cdot n_{kv} \cdot d_{head}$ numbers, stored in 16 bits by today's inference engines. For GPT-2 small (12 layers, 12 heads of 64) that is $2 \cdot 12 \cdot 12 \cdot 64 \cdot 2 = 36{,}864$ bytes per token — 37.7 MB for its full context of 1,024 tokens, per sequence. The next sections are three ways to shrink it.

// ## 3 · Multi-query and grouped-query attention
//
// Shazeer (2019) observed that during generation the time goes into *reading* the cache, not into arithmetic, and proposed **multi-query attention** (MQA): many query heads, but a single key head and a single value head that all of them share. The cache shrinks by the number of heads, at some cost in quality. Ainslie et al. (2023) interpolated: **grouped-query attention** (GQA) splits the $h$ query heads into $g$ groups, each sharing one key-value head. $g = h$ is multi-head attention, $g = 1$ is MQA. In `GroupedQueryAttention(dIn, dOut, contextLength, numHeads, numKvGroups)` the key and value projections map to $g \cdot d_{head}$ features instead of $d_{out}$, and query head $j$ uses key-value head $\lfloor j / (h/g) \rfloor$ — what Hugging Face's `repeat_kv` does by repeating the key-value heads. For one layer of 512 features and 8 heads:

cell(23);
foreach (int groups in new[] { 8, 4, 2, 1 })
{
    var attention = new GroupedQueryAttention(dIn: 512, dOut: 512, contextLength: 16, numHeads: 8, numKvGroups: groups, generator: new TorchGenerator(1));
    string kind = groups == 8 ? "multi-head (MHA)" : groups == 1 ? "multi-query (MQA)" : "grouped-query (GQA)";
    Console.WriteLine($"{groups} key-value heads  {kind,-20}  parameters {attention.ParameterCount,9:N0}   float32 cache per token {attention.NewCache().BytesPerToken,5:N0} bytes");
}

// The parameters fall by less than a half (the query and output projections stay); the cache falls by the full factor. What that means for real models — each number from the model's paper or its published configuration, and checked against the code or configuration file its developers released (the second source in each row):
//
// | model | layers | query / key-value heads | head dim | attention | source |
// |---|---|---|---|---|---|
// | GPT-2 small (2019) | 12 | 12 / 12 | 64 | MHA | `config.json` of [openai-community/gpt2](https://huggingface.co/openai-community/gpt2/blob/main/config.json): `n_layer` 12, `n_head` 12, `n_embd` 768; `default_hparams()` in [openai/gpt-2 `src/model.py`](https://github.com/openai/gpt-2/blob/master/src/model.py) says the same |
// | Llama 3 8B (2024) | 32 | 32 / 8 | 128 | GQA | [The Llama 3 Herd of Models](https://arxiv.org/abs/2407.21783), Table 3: 32 layers, model dimension 4,096, 32 attention heads, 8 key/value heads; `model_args` of `meta_llama3_8b` in [meta-llama/llama-models `models/sku_list.py`](https://github.com/meta-llama/llama-models): `dim` 4096, `n_layers` 32, `n_heads` 32, `n_kv_heads` 8 |
// | Llama 3 70B (2024) | 80 | 64 / 8 | 128 | GQA | the same table: 80 layers, 8,192, 64 heads, 8 key/value heads; `meta_llama3_70b` in the same `sku_list.py`: `dim` 8192, `n_layers` 80, `n_heads` 64, `n_kv_heads` 8 |
// | Mistral 7B (2023) | 32 | 32 / 8 | 128 | GQA, sliding window 4,096 in every layer | [Mistral 7B](https://arxiv.org/abs/2310.06825), Table 1: `n_layers` 32, `head_dim` 128, `n_heads` 32, `n_kv_heads` 8, `window_size` 4096; `MistralConfig` in Hugging Face `transformers` (whose defaults are Mistral-7B-v0.1's): 32 layers, 32 / 8 heads, hidden size 4,096 |
// | Gemma 3 27B (2025) | 62 | 32 / 16 | 128 | GQA; 5 of every 6 layers local, window 1,024 | `text_config` of [google/gemma-3-27b-pt](https://huggingface.co/google/gemma-3-27b-pt/blob/main/config.json): `num_hidden_layers` 62, `num_attention_heads` 32, `num_key_value_heads` 16, `head_dim` 128, `sliding_window` 1024, `sliding_window_pattern` 6; the 5:1 interleaving and the 1,024-token span in the [Gemma 3 Technical Report](https://arxiv.org/abs/2503.19786); `TransformerConfig.gemma3_27b` in [google-deepmind/gemma `gemma/transformer.py`](https://github.com/google-deepmind/gemma): 62 layers, 32 / 16 heads of 128, `sliding_window_size` 1024, the pattern five local layers then one global, repeated and cut at 62 (52 local, 10 global) |
// | Qwen3-8B (2025) | 36 | 32 / 8 | 128 | GQA | [Qwen3 Technical Report](https://arxiv.org/abs/2505.09388), Table 1: 36 layers, 32 / 8 heads; `head_dim` 128 in the `config.json` of [Qwen/Qwen3-8B](https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json); `TransformerConfig.qwen3_8B` in [allenai/OLMo-core](https://github.com/allenai/OLMo-core) (`src/olmo_core/nn/transformer/config.py`, which loads Qwen3's released weights): 36 layers, 32 / 8 heads, `head_dim` 128 |
// | DeepSeek-V3 (2024) | 61 | 128 heads, MLA | 128 | latent: $d_c$ = 512 plus 64 rotary features per token | [DeepSeek-V3 Technical Report](https://arxiv.org/abs/2412.19437), section 4.2: 61 layers, 128 heads of 128, KV compression dimension 512, decoupled key dimension 64; [deepseek-ai/DeepSeek-V3 `inference/configs/config_671B.json`](https://github.com/deepseek-ai/DeepSeek-V3/blob/main/inference/configs/config_671B.json): `n_layers` 61, `n_heads` 128, `kv_lora_rank` 512, `qk_rope_head_dim` 64, `v_head_dim` 128 |
//
// Per token and layer the cache holds $2 \cdot n_{kv} \cdot d_{head}$ numbers (MLA: $d_c + d^R_h$ = 576); a windowed layer holds at most its window of tokens. In 16-bit numbers:

cell(25);
KvConfig[] models =
[
    new("GPT-2 small", 12, 12, 64),
    new("Llama 3 8B", 32, 8, 128),
    new("Llama 3 70B", 80, 8, 128),
    new("Mistral 7B", 32, 8, 128, Window: 4096),
    new("Gemma 3 27B", 62, 16, 128, Window: 1024, Pattern: 6),
    new("Qwen3-8B", 36, 8, 128),
    new("DeepSeek-V3 (MLA)", 61, 0, 0, LatentPerToken: 512 + 64),
];
Console.WriteLine($"{"model",-18} {"KiB per token",13} {"GB at 8k",9} {"GB at 32k",10} {"GB at 128k",11}");
foreach (var m in models)
    Console.WriteLine($"{m.Model,-18} {m.Bytes(1) / 1024,13:0.0} {m.Bytes(8192) / 1e9,9:0.00} {m.Bytes(32768) / 1e9,10:0.00} {m.Bytes(131072) / 1e9,11:0.00}");

cell(26);
var context = Enumerable.Range(0, 15).Select(i => Math.Pow(2, 10 + i * 0.5)).ToArray();   // 1,024 to 131,072 tokens
show(26, Plot.Line(models.Select(m => Series.Of(m.Model, context, context.Select(t => m.Bytes((long)t) / 1e9))).ToArray(),
    "KV cache of one sequence, 16-bit", "context length (tokens)", "GB", logX: true, logY: true));

// Read the chart from the right. One sequence of 128k tokens needs 43 GB of cache in Llama 3 70B — with 64 key-value heads instead of 8 (multi-head attention) it would be eight times that, 344 GB. Mistral's windowed cache stops at 0.54 GB, whatever the length. Gemma 3 27B starts highest (16 key-value heads in all 62 layers) but 52 of its 62 layers (five local layers for every global one) stop growing at 1,024 tokens, so beyond that it grows at the rate of its 10 global layers. DeepSeek-V3's latent costs 68.6 KiB per token, about half of Llama 3 8B's, in a model of 671 billion parameters. (GPT-2's context ends at 1,024 tokens; its line beyond is what the same layout would cost.)

// ### Why reading the cache sets the pace
//
// Shazeer's observation can be counted. Take one layer of 12 query heads of $d$ = 64 features in float32, as GPT-2 small has. **Prefill** runs the whole prompt of $T$ tokens at once: $Q K^\top$ and $P V$ take $h T^2 d$ multiply-adds each, $4 h T^2 d$ FLOPs (a multiply-add is two), of which the causal mask leaves half: $2 h T^2 d$, while a fused kernel like notebook 5's reads $Q$, $K$, $V$ and writes $O$ once: $4 h T d$ floats. **Decoding** one new token runs one query per head against a cache of $T$ tokens: $q \cdot k$ and $p \cdot v$ for every cached token, $2 h T d$ multiply-adds or $4 h T d$ FLOPs, and it must read every cached key and value once: $2 g T d$ floats for $g$ key-value heads. The same counts, in numbers:

cell(29);
const int qHeads = 12, perHead = 64;
const long prompt = 4096;
double prefillFlops = 2.0 * qHeads * prompt * prompt * perHead;            // Q·Kᵀ and P·V, the causal half
double prefillBytes = 4.0 * qHeads * prompt * perHead * sizeof(float);     // read Q, K, V and write O, once each
Console.WriteLine($"prefill of {prompt:N0} tokens:                  {prefillFlops / 1e9,7:F2} GFLOP {prefillBytes / 1e6,7:F1} MB  {prefillFlops / prefillBytes,6:F1} FLOP per byte, {prefillBytes / prefillFlops:F4} bytes per FLOP");
foreach (int kvHeads in new[] { 12, 3, 1 })
{
    double flops = 4.0 * qHeads * prompt * perHead;                         // one query per head: q·k and p·v for every cached token
    double bytes = 2.0 * kvHeads * prompt * perHead * sizeof(float);        // every cached key and value, read once
    Console.WriteLine($"decode of 1 token, cache {prompt:N0}, {kvHeads,2} kv heads: {flops / 1e9,7:F4} GFLOP {bytes / 1e6,7:F1} MB  {flops / bytes,6:F1} FLOP per byte, {bytes / flops:F4} bytes per FLOP");
}

// Prefill does $T / 8$ FLOPs per byte it moves — 512 at 4,096 tokens — and grows with the prompt; decoding does $h / (2g)$, whatever the length: half a FLOP per byte for multi-head attention, 2 with four query heads per key-value head, 6 with one key-value head for all twelve. A processor core multiplies and adds far faster than memory can feed it. Divide the FLOPs one core can do per second by the bytes it can read per second, and you have the FLOPs a kernel must do per byte it reads to keep the arithmetic busy: a kernel above that line is **compute-bound**, one below it **memory-bound**, and the time of a memory-bound decode step is at least the bytes of the cache divided by the read bandwidth. Grouped-query attention, which divides the bytes by $h / g$, should then divide the time by as much — until the arithmetic per byte, which it multiplies by $h / g$, catches up.
//
// The next cell measures these on this machine: the multiply-add peak of one core, with `ComputePeak.MultiplyAdd` (twelve independent multiply-adds of the widest vectors in a loop, nothing read from memory), the read bandwidth of one core, with `MemoryBandwidth.Read` (a sum over 100 MB, far more than any cache), their ratio, and the time of one decode step of notebook 5's kernel, `FlashAttention.Decode` (the Flash-Decoding form: the cache split into blocks whose partial softmax results are combined at the end; all the query heads of a key-value head read each key and value once, together), on one thread, for caches of 1,024 to 32,768 tokens. All are timed on the processor clock of the thread that runs them (`ThreadClock`, from the library; the decode on one thread runs on the calling thread), which counts the time the core spends on the work — waiting for memory included — but neither the turns other programs take on the core nor the work of this kernel's other threads: while a cell runs, the .NET runtime recompiles its hot methods on a background thread, and a clock of the whole process (`Process.TotalProcessorTime`) would add that work to every step. On a busy machine the wall clock would mostly measure the other programs. Each kind also gets its bandwidth line: the time of reading its bytes alone, bytes ÷ GB/s — no decode step on one thread can be faster.

cell(31);
int[] cacheLengths = [1024, 2048, 4096, 8192, 16384, 32768];
(string Name, int KvHeads)[] kinds = [("MHA, 12 kv heads", 12), ("GQA, 3 kv heads", 3), ("MQA, 1 kv head", 1)];
float[] Written(int count, int seed)                                       // touched floats: untouched pages would read as no memory at all
{
    var x = new float[count];
    for (int i = 0; i < count; i++)
        x[i] = ((i * 7 + seed) % 2003 - 1001) / 1001f;
    return x;
}
var cachedKeys = Written(12 * cacheLengths[^1] * perHead, 1);              // (12, 32768, 64): 100 MB, the largest cache
var cachedValues = Written(cachedKeys.Length, 2);
var elsewhere = Written(16 << 20, 4);                                       // 64 MB read before each step: the cache is no longer in the processor's caches
var newQuery = Written(qHeads * perHead, 3);                                // (12, 1, 64): one new token
var context1 = new float[newQuery.Length];
var oneThread = new FlashAttentionOptions { MaxDegreeOfParallelism = 1 };
double gbPerSecond = MemoryBandwidth.Read(cachedKeys, passes: 5).GigabytesPerSecond;   // 100 MB, the best of 5 passes

double FastestMicroseconds(int kvHeads, int cache)                         // the fastest of 5: the least disturbed by other work
{
    int floats = kvHeads * cache * perHead;                                 // the first kvHeads·cache rows serve as a (kvHeads, cache, 64) cache
    void Step() => FlashAttention.Decode(newQuery, cachedKeys.AsSpan(0, floats), cachedValues.AsSpan(0, floats), context1, 1, qHeads, kvHeads, 1, cache, perHead, oneThread);
    Step();
    var times = Enumerable.Range(0, 5).Select(_ => { MemoryBandwidth.Read(elsewhere, 1); return ThreadClock.Seconds(Step) * 1e6; }).ToArray();
    return times.Min();
}
double LimitMicroseconds(int kvHeads, int cache) => 2.0 * kvHeads * cache * perHead * sizeof(float) / (gbPerSecond * 1e3);
var stepTimes = kinds.Select(kind => cacheLengths.Select(t => FastestMicroseconds(kind.KvHeads, t)).ToArray()).ToArray();

var (gflops, path) = ComputePeak.MultiplyAdd();                          // one core, widest vectors, best of 3 rounds of 0.2 s
Console.WriteLine($"multiply-add peak, one thread: {gflops:F1} GFLOP/s ({path}); read bandwidth, one thread: {gbPerSecond:F1} GB/s (both per second of this thread's processor time)");
Console.WriteLine($"a kernel must do {gflops / gbPerSecond:F1} FLOPs per byte it reads to keep this core's arithmetic busy");
Console.WriteLine($"{"cache",7} " + string.Join(" ", kinds.Select(k => $"{k.Name + ": µs (share of GB/s)",36}")));
for (int i = 0; i < cacheLengths.Length; i++)
    Console.WriteLine($"{cacheLengths[i],7} " + string.Join(" ", kinds.Select((k, j) => $"{stepTimes[j][i],26:F0} ({LimitMicroseconds(k.KvHeads, cacheLengths[i]) / stepTimes[j][i],5:P0})")));
show(31, Plot.Line(
    kinds.SelectMany((k, j) => new[]
    {
        Series.Of(k.Name, cacheLengths, stepTimes[j]),                                                  // measured
        Series.Of(k.Name + ": bytes ÷ bandwidth", cacheLengths, cacheLengths.Select(t => LimitMicroseconds(k.KvHeads, t)))
            with { Dashed = true, SameColorAs = k.Name },                                                // its limit: dashed, same colour
    }).ToArray(),
    "One decode step: 12 query heads × 64, one thread", "tokens in the cache", "µs per token (thread's processor time, best of 5)", logX: true, logY: true));

// **The line between the two.** On the machine that ran this notebook one core did 226.6 GFLOP/s of multiply-adds and read 40.7 GB/s, so a kernel needed 5.6 FLOPs per byte to keep its arithmetic busy: prefill, at 512, is far above that line; decoding with multi-head and grouped-query attention, at 0.5 and 2, is below it, and multi-query attention, at 6, just above it.
//
// **Reading the chart.** Each dashed line is the bandwidth line of the solid line in its colour, and it is straight: the bytes grow with the cache. Where a measured line runs just above its own bandwidth line, the step is limited by reading the cache; where it lies far above, by something else. Two things bend the picture. Small caches — a processor's last-level cache holds a few to tens of MB, and MHA's cache is $2 \cdot 12 \cdot 64 \cdot 4$ = 6,144 bytes per token — may still sit partly in that cache although the cell reads 64 MB of other data before each step, and then a step can even beat its line; in a real model dozens of layers, each with its own cache, come between two steps of the same layer. And on a shared machine other programs still share the memory and the caches, which the processor clock does not hide: the stored output above comes from a two-core virtual machine and shows the shape, not this kernel's best speed — run the cell to see yours. On the machine this was run on, GQA and MQA came out below MHA at every length — GQA 2.6 to 3.5 times faster, MQA 3.9 to 6.8 times — by less than their factor of bytes (4 and 12), and further from their bandwidth lines than MHA at every length: MHA's steps read at 63 to 86 % of the bandwidth, GQA's at 51 to 59 %, MQA's at 26 to 37 %: as the bytes shrink, the arithmetic this kernel does per query row and cached token — a dot product, an exponential, a weighted sum of the value — becomes a limit of its own, as MQA's six FLOPs per byte pass the line of 5.6 above. `benchmarks/README.md` (the `decode` command) makes the same comparison with the calls interleaved round by round and libtorch's `scaled_dot_product_attention` alongside.

// ## 4 · Sliding windows
//
// A **sliding window** hides every key more than $W - 1$ tokens back: token $i$ sees tokens $i - W + 1 \dots i$ (Beltagy et al., 2020, for encoders; Mistral 7B and the local layers of Gemma 2 and 3 for decoders). The library describes masks instead of storing them — a query's position, causal or not, padding, window — and decides every hidden key in one place, `AttentionMask.IsHidden`; the public `AttentionMask.CausalSlidingWindow(T, W)` writes it out (1 = hidden):

cell(34);
show(34, AttentionMask.CausalSlidingWindow(tokens: 8, window: 3));                     // (8, 8): a band of width 3 on and below the diagonal

cell(35);
var windowed = new GroupedQueryAttention(16, 16, 64, numHeads: 4, numKvGroups: 2, generator: new TorchGenerator(123)) { Window = 4 };
var twelve = new TorchGenerator(7).Rand(12, 16);                            // (12, 16)
var windowedWeights = windowed.Forward([twelve]).Weights[0][0];             // (12, 12)  head 0
show(35, Plot.Weights(windowedWeights, title: "Head 0 with a causal window of 4: every query sees its last 4 tokens",
    options: HeatmapOptions.AttentionWeights with { Causal = true, Masked = (i, j) => i - j >= 4 }));

// Each row spreads its weight over at most four keys. The band costs $O(T \cdot W)$ instead of $O(T^2)$ — and information still travels further: layer 2 reads layer 1's outputs, each of which has already gathered $W$ tokens. Compose the visibility matrix with itself, layer after layer, and read how far the last of 40 tokens reaches:

cell(37);
const int window = 4, length = 40;
var sees = Matrix<float>.Build.Dense(length, length, 1f) - AttentionMask.CausalSlidingWindow(length, window);   // 1 where query i sees key j
var reach = sees.Clone();
for (int layer = 1; layer <= 6; layer++)
{
    if (layer > 1)
        reach = (reach * sees).Map(v => v > 0 ? 1f : 0f);                   // i reaches j through some key of the layer below
    int earliest = Enumerable.Range(0, length).First(j => reach[length - 1, j] > 0);
    Console.WriteLine($"after {layer} layer(s): token {length - 1} depends on tokens {earliest,2}..{length - 1} — {length - earliest,2} tokens = {layer} x (W − 1) + 1");
}

// The reach grows by $W - 1$ per layer: $L$ layers see $L(W - 1) + 1$ tokens. For Mistral 7B, 32 layers with $W$ = 4,096 reach about 131,000 tokens back (its paper makes the same estimate), though what arrives from far away has been mixed through many layers. And the cache is bounded: a token never needs keys more than $W - 1$ back, so `KVCache` drops older rows (Mistral's "rolling buffer cache"):

cell(39);
var bounded = windowed.NewCache();
var forty = new TorchGenerator(9).Rand(40, 16);                             // (40, 16)
var wholeWindowed = windowed.Forward([forty]).Context[0];                   // (40, 16)
float windowGap = 0;
for (int t = 0; t < 40; t++)
{
    var step = windowed.Decode(forty.SubMatrix(t, 1, 0, 16), bounded);
    windowGap = Math.Max(windowGap, (step.Context[0] - wholeWindowed.SubMatrix(t, 1, 0, 16)).Enumerate().Max(Math.Abs));
    if (t is 0 or 2 or 3 or 4 or 39)
        Console.WriteLine($"after token {t,2}: the cache holds {bounded.Count} tokens (positions {bounded.Start}..{bounded.Length - 1}), {bounded.Bytes} bytes");
}
Console.WriteLine($"decoded with the bounded cache = the windowed forward pass within 1e-6: {windowGap <= 1e-6f}");

// Gemma 3 mixes both kinds: five local layers (window 1,024) for every global one, so in the table above 52 of its 62 layers stop growing at 1,024 tokens (the pattern of six repeats ten times, and the 61st and 62nd layers are local again).

// ## 5 · Multi-head latent attention
//
// DeepSeek-V2 (2024) keeps every head's own keys and values but caches neither. Each token is compressed into one small **latent** $c = x\,W_{DKV}^\top$ of $d_c$ numbers, and each head rebuilds its keys and values from it:
//
// $$c = x W_{DKV}^\top \;\; (T, d_c), \qquad K_h = c\, W_{UK,h}^\top, \quad V_h = c\, W_{UV,h}^\top \;\; (T, d_{head})$$
//
// Only $c$ is cached: $d_c$ numbers per token and layer instead of $2 h\, d_{head}$. Rebuilding $K$ and $V$ at every step would cost time, so the **absorption trick** folds the up-projections into the neighbours: $q_h \cdot k_{h,j} = (x W_{Q,h}^\top)(c_j W_{UK,h}^\top)^\top = x\,(W_{Q,h}^\top W_{UK,h})\,c_j^\top$ — one matrix maps a token straight to a query in the latent space, and attention runs on the cached latents themselves; likewise $W_{O,h} W_{UV,h}$ maps a head's latent context straight to the output. `MultiHeadLatentAttention` has both forms:

cell(42);
var mla = new MultiHeadLatentAttention(dIn: 16, dOut: 16, contextLength: 64, numHeads: 4, latentDim: 4, new TorchGenerator(123));
var naive = mla.Forward([twelve]);                                          // K and V rebuilt from the latent
var absorbed = mla.ForwardAbsorbed([twelve]);                               // attention over the latent itself
float formsGap = (naive.Context[0] - absorbed.Context[0]).Enumerate().Max(Math.Abs);
Console.WriteLine($"naive and absorbed outputs agree within 1e-6: {formsGap <= 1e-6f}");
Console.WriteLine($"cached per token: {mla.LatentDim} numbers ({mla.CacheBytesPerToken} bytes); multi-head attention of the same width: {2 * mla.DOut} numbers ({8 * mla.DOut} bytes)");
Console.WriteLine($"W_query·W_UK of head 0: {Shape.Of(mla.AbsorbedQuery(0))} (dIn x d_c); W_o·W_UV of head 0: {Shape.Of(mla.AbsorbedOutput(0))} (dOut x d_c)");
show(42, mla.Latent(twelve));                                                          // (12, 4): all the cache holds for these 12 tokens

// Left out here, and in the library: DeepSeek's **decoupled RoPE**. A rotation sits between $W_{Q,h}$ and $W_{UK,h}$ (it depends on the positions), so rotated keys cannot be absorbed; DeepSeek adds 64 extra key features per token, rotated and shared by all heads, cached beside the latent — hence the 576 numbers per token and layer in section 3. Also left out: the low-rank compression of the queries (it saves activations in training, not cache) and the normalisation of the latent. For DeepSeek-V3 the latent is $512 + 64 = 576$ numbers per token and layer; multi-head attention with its 128 heads of 128 would cache $2 \cdot 128 \cdot 128 = 32{,}768$ (57 times more), and grouped-query attention with 8 key-value heads $2{,}048$.

// ## Summary
//
// - Sinusoidal positions are added to the tokens and are absolute; RoPE rotates queries and keys by their positions, so a score depends only on the distance between two tokens, and nothing is learned per position.
// - Trained with RoPE and no position embedding, notebook 6's look-back model learned to look back 2 tokens (weight 0.94 on 12 tokens) and kept doing it on 24 tokens (weight 0.84 and 755 of 768 right at the positions it never saw), where a learned embedding for 12 positions has no rows at all.
// - A KV cache keeps the keys and values of earlier tokens: a decode step is one query against the cache, $O(T)$ instead of $O(T^2)$ per token, with the same outputs (here within $10^{-6}$), at $2 \cdot n_{kv} \cdot d_{head}$ numbers per token and layer.
// - Multi-query and grouped-query attention share key-value heads between query heads: the cache shrinks by $h / g$ (Llama 3 and Qwen3: 4 to 8 times; MQA: $h$ times).
// - Decoding one token reads the whole cache for $4 h T d$ FLOPs: $h / (2g)$ FLOPs per byte (half a FLOP for MHA) against $T / 8$ for prefill, so a decode step is memory-bound and its time follows the bytes of the cache, which GQA and MQA divide by $h / g$.
// - A sliding window of $W$ tokens makes attention $O(T \cdot W)$ and bounds the cache at $W$ tokens per layer, while $L$ stacked layers still reach $L(W - 1) + 1$ tokens back.
// - Latent attention caches one small latent per token; absorbing the up-projections lets attention run on it directly, with the same outputs as the naive form.
//
// ## Further reading
//
// - Ashish Vaswani et al., [Attention Is All You Need](https://arxiv.org/abs/1706.03762), NeurIPS 2017 — section 3.5, sinusoidal positions.
// - Jianlin Su et al., [RoFormer: Enhanced Transformer with Rotary Position Embedding](https://arxiv.org/abs/2104.09864), 2021.
// - Noam Shazeer, [Fast Transformer Decoding: One Write-Head is All You Need](https://arxiv.org/abs/1911.02150), 2019 — multi-query attention.
// - Joshua Ainslie et al., [GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints](https://arxiv.org/abs/2305.13245), EMNLP 2023.
// - Iz Beltagy, Matthew E. Peters and Arman Cohan, [Longformer: The Long-Document Transformer](https://arxiv.org/abs/2004.05150), 2020 — sliding-window attention; Albert Q. Jiang et al., [Mistral 7B](https://arxiv.org/abs/2310.06825), 2023 — the rolling buffer cache.
// - DeepSeek-AI, [DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model](https://arxiv.org/abs/2405.04434), 2024 — multi-head latent attention, section 2.1.
// - Sebastian Raschka, [LLMs-from-scratch](https://github.com/rasbt/LLMs-from-scratch), chapter 4 bonus material: the KV cache, GQA, MLA and sliding-window attention in PyTorch, with KV-memory estimates.
//
// Back to the start: [0 · Why attention](00-why-attention.ipynb).
//
// ## Exercises
//
// 1. **A KV cache for latent attention.** With `mla` from section 5, write a decode loop that caches only the latents: for each new token $x_t$ append `mla.Latent(x_t)` to a growing (t, $d_c$) matrix $C$; for each head $h$, the latent query is $x_t$ · `mla.AbsorbedQuery(h)`, its weights the softmax of the latent query times $C^\top$ divided by $\sqrt{d_{head}}$, and its share of the output the weights times $C$ times `mla.AbsorbedOutput(h)` transposed; add `mla.OutProj.Bias`. Check your twelve outputs against `mla.Forward([twelve])`. How many bytes does your cache hold after twelve tokens?
// 2. **How far a windowed stack sees.** Stack $L$ = 1 to 4 layers of `GroupedQueryAttention` with `Window = 3` (each layer's input is the previous layer's input plus its output, a residual connection), run 24 tokens through them, then change token 0's input and run again. Which positions' final outputs change? Compare with $L(W-1) + 1$.
// 3. **RoPE's base.** Train the look-back model of section 1 with `theta: 100` and with `theta: 1_000_000` (the last argument of `WithRotaryCausalAttention`) and measure both on 24 tokens as above. Which generalises better here, and what do the frequencies $\theta_i$ of a 16-feature head look like for each base?
//
// Solutions: [solutions/08-attention-in-todays-llms-solutions.ipynb](solutions/08-attention-in-todays-llms-solutions.ipynb).

// Type declarations of the cells (a program declares them after its statements).

internal sealed record KvConfig(string Model, int Layers, int KvHeads, int HeadDim, int LatentPerToken = 0, int Window = int.MaxValue, int Pattern = 0)
{
    public long ValuesPerTokenAndLayer => LatentPerToken > 0 ? LatentPerToken : 2L * KvHeads * HeadDim;
    public int WindowedLayers => Pattern == 0 ? (Window == int.MaxValue ? 0 : Layers) : Layers - Layers / Pattern;   // Gemma 3: every 6th layer is global
    public double Bytes(long tokens) => 2.0 * ValuesPerTokenAndLayer * ((Layers - WindowedLayers) * tokens + WindowedLayers * Math.Min(tokens, Window));
}
