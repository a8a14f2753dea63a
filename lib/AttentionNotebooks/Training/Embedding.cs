using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>
/// A lookup table of learned vectors, PyTorch's <c>nn.Embedding</c>: row i of <see cref="Weight"/> is the vector of
/// id i (a token id, or a position for a learned positional embedding), and the forward pass picks one row per id.
/// </summary>
public sealed class Embedding
{
    /// <summary>
    /// A table initialised as <c>nn.Embedding(numEmbeddings, embeddingDim)</c> is: every element standard normal,
    /// N(0, 1), drawn by <c>normal_</c> in row-major order — the same draws as <c>torch.randn(numEmbeddings, embeddingDim)</c>.
    /// </summary>
    /// <param name="numEmbeddings">Rows: the vocabulary size (or the context length for positions).</param>
    /// <param name="embeddingDim">Features per vector.</param>
    /// <param name="generator">The seeded generator to draw from; a fresh one (PyTorch's start-up state) if null.</param>
    public Embedding(int numEmbeddings, int embeddingDim, TorchGenerator? generator = null)
    {
        Check.Positive(numEmbeddings, nameof(numEmbeddings));
        Check.Positive(embeddingDim, nameof(embeddingDim));
        generator ??= new TorchGenerator();
        Weight = generator.Randn(numEmbeddings, embeddingDim);
    }

    /// <summary>A table with the given vectors (copied).</summary>
    /// <param name="weight">(numEmbeddings, embeddingDim).</param>
    public Embedding(Matrix<float> weight)
    {
        Check.Finite(weight, nameof(weight));
        Weight = Matrix<float>.Build.DenseOfMatrix(weight);
    }

    /// <summary>(numEmbeddings, embeddingDim): row i is the vector of id i.</summary>
    public Matrix<float> Weight { get; }

    /// <summary>Number of ids (rows).</summary>
    public int NumEmbeddings => Weight.RowCount;

    /// <summary>Features per vector (columns).</summary>
    public int EmbeddingDim => Weight.ColumnCount;

    /// <summary>Y[t] = W[ids[t]]: one row of the table per id.</summary>
    /// <param name="ids">(T) ids, each in [0, numEmbeddings).</param>
    /// <returns>(T, embeddingDim).</returns>
    public Matrix<float> Forward(IReadOnlyList<int> ids)
    {
        Check.Ids(ids, NumEmbeddings, nameof(ids), $"the {Shape.Of(Weight)} embedding table");
        var outputs = Matrix<float>.Build.Dense(ids.Count, EmbeddingDim);      // (T, dim)
        for (int t = 0; t < ids.Count; t++)
            outputs.SetRow(t, Weight.Row(ids[t]));                            // W[ids[t]]
        return outputs;
    }

    /// <summary>
    /// dW = Σ_t e_{ids[t]}·dY[t]: row i of the weight gradient is the sum of the output gradients of every position
    /// that looked up id i (zero for ids not looked up).
    /// </summary>
    /// <param name="ids">(T) the ids of the forward pass.</param>
    /// <param name="outputGradient">dY, (T, embeddingDim).</param>
    /// <returns>(numEmbeddings, embeddingDim).</returns>
    public Matrix<float> WeightGradient(IReadOnlyList<int> ids, Matrix<float> outputGradient)
    {
        Check.Ids(ids, NumEmbeddings, nameof(ids), $"the {Shape.Of(Weight)} embedding table");
        Check.Shaped(outputGradient, ids.Count, EmbeddingDim, nameof(outputGradient), $"{ids.Count} ids of {EmbeddingDim} features need");
        var gradient = Matrix<float>.Build.Dense(NumEmbeddings, EmbeddingDim); // (V, dim)
        AccumulateInto(gradient, ids, outputGradient);
        return gradient;
    }

    internal static void AccumulateInto(Matrix<float> gradient, IReadOnlyList<int> ids, Matrix<float> outputGradient)
    {
        for (int t = 0; t < ids.Count; t++)
            for (int j = 0; j < gradient.ColumnCount; j++)
                gradient[ids[t], j] += outputGradient[t, j];                  // row ids[t] += dY[t]
    }
}
