using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// The course's running example: the six-token sentence "Your journey starts with one step", each token embedded
/// as a 3-dimensional vector small enough that every matrix fits on screen.
/// </summary>
public static class SampleData
{
    /// <summary>The sentence the embeddings belong to.</summary>
    public const string Sentence = "Your journey starts with one step";

    private static readonly string[] TokenLabels = ["Your", "journey", "starts", "with", "one", "step"];

    private static readonly float[,] Embeddings =
    {
        { 0.43f, 0.15f, 0.89f }, // Your     (x^1)
        { 0.55f, 0.87f, 0.66f }, // journey  (x^2)
        { 0.57f, 0.85f, 0.64f }, // starts   (x^3)
        { 0.22f, 0.58f, 0.33f }, // with     (x^4)
        { 0.77f, 0.25f, 0.10f }, // one      (x^5)
        { 0.05f, 0.80f, 0.55f }, // step     (x^6)
    };

    /// <summary>The six token labels, in order: Your, journey, starts, with, one, step.</summary>
    public static IReadOnlyList<string> Tokens => TokenLabels;

    /// <summary>The embedding size of the sample (3).</summary>
    public const int EmbeddingSize = 3;

    /// <summary>The number of tokens in the sample (6).</summary>
    public const int TokenCount = 6;

    /// <summary>The index of "journey", the query the course follows step by step.</summary>
    public const int JourneyIndex = 1;

    /// <summary>The embeddings, one row per token: a fresh (6, 3) matrix on every call, so callers may modify it.</summary>
    public static Matrix<float> Inputs() => Matrix<float>.Build.DenseOfArray(Embeddings);

    /// <summary>
    /// A batch of <paramref name="copies"/> identical sequences, like the book's <c>torch.stack((inputs, inputs))</c>.
    /// </summary>
    /// <returns><paramref name="copies"/> fresh (6, 3) matrices.</returns>
    public static Matrix<float>[] Batch(int copies = 2)
    {
        Check.Positive(copies, nameof(copies));
        var batch = new Matrix<float>[copies];
        for (int b = 0; b < copies; b++)
            batch[b] = Inputs();
        return batch;
    }
}
