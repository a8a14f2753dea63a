#:project ../../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj
// notebooks/solutions/01-simplified-self-attention-solutions.ipynb as a .NET file-based app, written by `dotnet run --project tools/NotebookRunner -- export`; do not edit: edit the notebook and export again.
// Run it with: dotnet run notebooks/apps/solutions/01-simplified-self-attention-solutions.cs (see README).
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

cell(1);

// # Solutions · 1 · Simplified self-attention
//
// Solutions to the exercises of [1 · Simplified self-attention](../01-simplified-self-attention.ipynb). Try them yourself first.

// ## 1. Negative scores

cell(4);
var inputs = SampleData.Inputs();
inputs.SetRow(4, -inputs.Row(4));                           // "one" now points the other way
var scores = inputs * inputs.Row(1);                        // journey's scores: (6)
Console.WriteLine($"scores:              {string.Join("  ", scores.Select(s => s.ToString("0.0000")))}");
var plain = scores / scores.Sum();
Console.WriteLine($"plain normalisation: {string.Join("  ", plain.Select(w => w.ToString("0.0000")))}");
Console.WriteLine($"softmax:             {string.Join("  ", Softmax.Stable(scores).Select(w => w.ToString("0.0000")))}");

// The score of *one* is now negative, so plain normalisation gives it a negative "weight" — not a weighted average any more — and inflates all the others above what they had before. Softmax exponentiates first, so every weight stays positive; *one* simply gets a small one.

// ## 2. Temperature

cell(7);
var omega = SampleData.Inputs() * SampleData.Inputs().Transpose();   // (6, 6)
foreach (float tau in new[] { 0.1f, 1f, 10f })
{
    var weights = Softmax.Stable(omega / tau);
    var z2 = SampleData.Inputs().TransposeThisAndMultiply(weights.Row(1));
    Console.WriteLine($"τ = {tau,4}: row 2 = {string.Join("  ", weights.Row(1).Select(w => w.ToString("0.0000")))}   z(2) = {string.Join(", ", z2.Select(v => v.ToString("0.0000")))}");
}

// A small temperature sharpens the weights: with $\tau = 0.1$ almost all of *journey*'s weight goes to itself and *starts*, and $z^{(2)}$ moves close to their embeddings. A large temperature flattens them towards $1/6$ each, and $z^{(2)}$ becomes the plain average of all six embeddings — the same for every token.

// ## 3. Self-similarity

cell(10);
var x = SampleData.Inputs();
var selfScores = x * x.Transpose();
for (int i = 0; i < 6; i++)
{
    int best = selfScores.Row(i).MaximumIndex();
    if (best != i)
        Console.WriteLine($"{SampleData.Tokens[i]}: scores {selfScores[i, best]:0.0000} with {SampleData.Tokens[best]} but {selfScores[i, i]:0.0000} with itself "
            + $"(lengths {x.Row(i).L2Norm():0.000} and {x.Row(best).L2Norm():0.000})");
}

// A dot product measures direction *and* length: $x^{(i)} \cdot x^{(j)} = \lVert x^{(i)} \rVert\,\lVert x^{(j)} \rVert \cos\theta$. A token scores higher with another token than with itself when that token points in a similar direction and is longer. *journey* is the longest embedding and points almost the same way as *starts*, so *starts* scores higher with *journey* than with itself.

// ## 4. Write softmax yourself

cell(13);
Vector<float> MySoftmax(Vector<float> scores)
{
    float max = float.NegativeInfinity;
    for (int j = 0; j < scores.Count; j++)
        max = Math.Max(max, scores[j]);                          // the largest score
    var weights = Vector<float>.Build.Dense(scores.Count);
    float sum = 0f;
    for (int j = 0; j < scores.Count; j++)
    {
        weights[j] = MathF.Exp(scores[j] - max);                 // ≤ e⁰ = 1: cannot overflow
        sum += weights[j];
    }
    for (int j = 0; j < scores.Count; j++)
        weights[j] /= sum;                                       // the weights sum to 1
    return weights;
}

var journeyScores = SampleData.Inputs() * SampleData.Inputs().Row(1);   // (6)
foreach (float factor in new[] { 1f, 100f })
{
    var mine = MySoftmax(journeyScores * factor);
    float difference = (mine - Softmax.Stable(journeyScores * factor)).AbsoluteMaximum();
    Console.WriteLine($"scores × {factor,3}: {string.Join("  ", mine.Select(w => w.ToString("0.0000")))}   matches the library: {difference < 1e-7f}");
}
Console.WriteLine($"naive, scores × 100: {string.Join("  ", Softmax.Naive(journeyScores * 100f).Select(w => w.ToString("0.0000")))}");

// Subtracting the maximum changes nothing mathematically — the factor $e^{-m}$ cancels between numerator and denominator — but it keeps every exponent at or below 0, so the largest term is exactly 1 and nothing overflows. Without it, $e^{149.5}$ is infinite in float32 and the naive formula returns NaN.
