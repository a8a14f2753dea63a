#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/08-attention-in-todays-llms-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/08-attention-in-todays-llms-solutions.cs (see README).
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

cell(1);

// # Solutions · 8 · The attention inside today's LLMs
//
// Solutions to the exercises of [8 · The attention inside today's LLMs](../08-attention-in-todays-llms.ipynb). Try them yourself first.

// ## 1. A KV cache for latent attention
//
// The cache is a list of latents, one row of $d_c$ numbers per token. Each step appends the new token's latent and attends over all of them in the latent space: the absorbed query $x_t (W_{Q,h}^\top W_{UK,h})$ scores the cached latents directly (scaled by $1/\sqrt{d_{head}}$, the heads' own scale), and the weighted latents go to the output through $W_{O,h} W_{UV,h}$. No mask is needed: the future is not in the cache.

cell(4);
var mla = new MultiHeadLatentAttention(dIn: 16, dOut: 16, contextLength: 64, numHeads: 4, latentDim: 4, new TorchGenerator(123));
var twelve = new TorchGenerator(7).Rand(12, 16);                            // (12, 16), the notebook's inputs
var expected = mla.Forward([twelve]).Context[0];                            // (12, 16)
var cached = new List<Vector<float>>();                                     // the cache: one latent (d_c) per token
float gap = 0;
for (int t = 0; t < 12; t++)
{
    var x = twelve.SubMatrix(t, 1, 0, 16);                                  // (1, 16)  the new token
    cached.Add(mla.Latent(x).Row(0));
    var latents = Matrix<float>.Build.DenseOfRowVectors(cached);           // (t + 1, d_c)
    var output = mla.OutProj.Bias!.ToRowMatrix();                           // (1, 16)  start from the bias
    for (int h = 0; h < mla.NumHeads; h++)
    {
        var latentQuery = x * mla.AbsorbedQuery(h);                         // (1, d_c)
        var weights = Softmax.Stable(latentQuery * latents.Transpose() / MathF.Sqrt(mla.HeadDim));   // (1, t + 1)
        output += weights * latents * mla.AbsorbedOutput(h).Transpose();   // (1, d_c)·(d_c, 16)
    }
    gap = Math.Max(gap, (output - expected.SubMatrix(t, 1, 0, 16)).Enumerate().Max(Math.Abs));
}
Console.WriteLine($"the twelve decoded outputs equal mla.Forward within 1e-5: {gap <= 1e-5f}");
Console.WriteLine($"cache after 12 tokens: {cached.Count} latents x {mla.LatentDim} floats = {cached.Count * mla.LatentDim * sizeof(float)} bytes; " +
                  $"multi-head attention of the same width would hold {12 * 2 * mla.DOut * sizeof(float)}");

// The decoded outputs equal the naive form's. The cache holds 4 numbers per token (16 bytes) where multi-head attention of the same width holds 32 (128 bytes): 8 times less here, 57 times less in DeepSeek-V3. The absorbed matrices ($d_{in} \times d_c$ and $d_{out} \times d_c$ per head) depend only on the weights: a real implementation computes them once, not at every call as this loop does for clarity.

// ## 2. How far a windowed stack sees
//
// Four layers with a window of 3, each with a residual connection. Change token 0's input and compare the final outputs position by position:

cell(7);
const int tokens = 24, window = 3;
var layers = Enumerable.Range(0, 4)
    .Select(l => new GroupedQueryAttention(8, 8, tokens, numHeads: 2, numKvGroups: 1, generator: new TorchGenerator((ulong)(10 + l))) { Window = window })
    .ToArray();
Matrix<float> Run(Matrix<float> x, int depth)
{
    for (int l = 0; l < depth; l++)
        x = x + layers[l].Forward([x]).Context[0];                          // (24, 8)  x + attention(x)
    return x;
}
var input = new TorchGenerator(3).Rand(tokens, 8);                          // (24, 8)
var changed = input.Clone();
changed.SetRow(0, new TorchGenerator(4).Rand(1, 8).Row(0));                  // another token 0
for (int depth = 1; depth <= 4; depth++)
{
    var before = Run(input, depth);
    var after = Run(changed, depth);
    var moved = Enumerable.Range(0, tokens).Where(t => (before.Row(t) - after.Row(t)).AbsoluteMaximum() > 0).ToArray();
    Console.WriteLine($"{depth} layer(s): the outputs of tokens {moved.First()}..{moved.Last()} change ({moved.Length} tokens); L(W − 1) + 1 = {depth * (window - 1) + 1}");
}

// Exactly $L(W - 1) + 1$ tokens: each layer carries the change $W - 1 = 2$ positions further, so after four layers token 0 reaches token 8 and no further. With the residual connections the change also stays in every position it reached, which is why the sets grow and never move.

// ## 3. RoPE's base
//
// The same model, data and steps as in the notebook, for three bases. A 16-feature head has 8 frequencies $\theta_i = \text{base}^{-2i/16}$:

cell(10);
const int vocab = 16, dim = 16, trainTokens = 12, testTokens = 24, k = 2;
foreach (double theta in new[] { 100.0, 10_000.0, 1_000_000.0 })
{
    var model = AttentionClassifier.WithRotaryCausalAttention(vocab, vocab, dim, 64, new TorchGenerator(123), theta);
    var optimizer = new AdamW(model.Parameters, lr: 1e-2);
    var data = new TorchGenerator(456);
    for (int step = 1; step <= 300; step++)
    {
        var (x, y) = LookBackTask.Batch(data, 16, trainTokens, vocab, offset: k);
        model.TrainStep(x, y, optimizer);
    }
    var (inputs, targets) = LookBackTask.Batch(new TorchGenerator(1), 64, testTokens, vocab, offset: k);
    var output = model.Forward(inputs);
    double weight = 0;
    int right = 0, count = 0;
    for (int b = 0; b < inputs.Length; b++)
        for (int t = trainTokens; t < testTokens; t++, count++)
        {
            weight += output.Weights[b][0][t, t - k];
            right += output.Logits[b].Row(t).MaximumIndex() == targets[b][t] ? 1 : 0;
        }
    var frequencies = model.CausalAttention!.Rotary!.Frequencies;
    Console.WriteLine($"base {theta,9:N0}: θ_i = {string.Join(", ", frequencies.Select(f => f.ToString("0.0000")))}");
    Console.WriteLine($"               positions 12..23 of 24: weight on t − 2 {weight / count:0.000}, right {right} of {count}");
}

// On the positions it never saw, base 1,000,000 did best in this run (weight 0.863 on $t - 2$, all 768 right) and base 100 worst (0.736, 753 of 768). The frequencies show a possible reason: with base 100 every pair turns at least 0.0178 radians per token, so over 24 tokens every pair's angle changes a lot and the score at distances never seen in training is harder to control; with base 1,000,000 most pairs barely turn within 24 tokens — they carry content, not position — and the two fast pairs (1 and 0.18 radians per token) are enough to single out a distance of 2. One seed per base: a hint, not a law. Llama 3 raised its base from 10,000 to 500,000 for long contexts, for a related reason.
