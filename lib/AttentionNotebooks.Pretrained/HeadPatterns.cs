using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Pretrained;

/// <summary>
/// What one head does, measured over a set of texts (in the spirit of Clark et al. 2019, "What Does BERT Look At?"):
/// each score is the head's average attention weight on one kind of key, over every query row of every text.
/// </summary>
/// <param name="Layer">The layer, 0-based.</param>
/// <param name="Head">The head, 0-based.</param>
/// <param name="Previous">Average weight of query i on key i − 1 (queries 1 … T−1).</param>
/// <param name="Next">Average weight of query i on key i + 1 (queries 0 … T−2).</param>
/// <param name="Self">Average weight of query i on itself.</param>
/// <param name="Cls">Average weight on [CLS], key 0.</param>
/// <param name="Sep">Average weight on [SEP], the last key.</param>
/// <param name="Entropy">Average entropy of a row divided by ln T, the entropy of uniform weights: 0 = all weight on one key, 1 = spread evenly.</param>
public sealed record HeadPattern(int Layer, int Head, double Previous, double Next, double Self, double Cls, double Sep, double Entropy)
{
    /// <summary>The pattern names, in the order of <see cref="Scores"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["previous", "next", "self", "[CLS]", "[SEP]"];

    /// <summary>The five positional scores, in the order of <see cref="Names"/>.</summary>
    public IReadOnlyList<double> Scores => [Previous, Next, Self, Cls, Sep];

    /// <summary>
    /// The head's best pattern: the name of its largest score if that score is at least 0.5 (most of the weight on one
    /// kind of key), else <c>broad</c> when its weights are spread (entropy ≥ 0.5), else <c>mixed</c>.
    /// </summary>
    public string Best => Scores.Max() >= 0.5 ? Names[Scores.ToList().IndexOf(Scores.Max())] : Entropy >= 0.5 ? "broad" : "mixed";

    /// <summary>The score of <see cref="Best"/> (the entropy for <c>broad</c>, the largest score for <c>mixed</c>).</summary>
    public double BestScore => Best == "broad" ? Entropy : Scores.Max();

    /// <summary>Measures every head of every layer over the encoder's outputs for several texts.</summary>
    /// <param name="outputs">Encoder outputs, each with at least 2 tokens, all from models of the same shape.</param>
    /// <returns>One pattern per head, layer by layer.</returns>
    public static IReadOnlyList<HeadPattern> Measure(IReadOnlyList<EncoderOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
            throw new ArgumentException("outputs is empty: measure over at least one text.", nameof(outputs));
        int layers = outputs[0].Attention.Count, heads = outputs[0].Attention[0].Count;
        var result = new List<HeadPattern>();
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
            {
                var weights = outputs.Select(o => o.Attention[l][h]).ToArray();
                result.Add(new HeadPattern(l, h,
                    Average(weights, (a, i) => i >= 1 ? a[i, i - 1] : null),
                    Average(weights, (a, i) => i + 1 < a.ColumnCount ? a[i, i + 1] : null),
                    Average(weights, (a, i) => a[i, i]),
                    Average(weights, (a, i) => a[i, 0]),
                    Average(weights, (a, i) => a[i, a.ColumnCount - 1]),
                    Average(weights, (a, i) => NormalisedEntropy(a.Row(i)))));
            }
        return result;
    }

    /// <summary>The entropy of one row of weights, −Σ a ln a, divided by ln n (0 for a single key).</summary>
    public static double NormalisedEntropy(Vector<float> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Count < 2)
            return 0;
        double entropy = 0;
        foreach (float a in row)
            if (a > 0)
                entropy -= a * Math.Log(a);
        return entropy / Math.Log(row.Count);
    }

    /// <summary>The mean of a per-row quantity over every row of every matrix (rows where it is null are skipped).</summary>
    private static double Average(IEnumerable<Matrix<float>> weights, Func<Matrix<float>, int, double?> perRow)
    {
        double sum = 0;
        int count = 0;
        foreach (var a in weights)
            for (int i = 0; i < a.RowCount; i++)
                if (perRow(a, i) is double v)
                {
                    sum += v;
                    count++;
                }
        return count == 0 ? 0 : sum / count;
    }
}
