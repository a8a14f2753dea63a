using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Guard clauses shared by every public entry point. Each failure says which argument is wrong and names the
/// offending values, e.g. <c>inputs are 6x4 but W_query expects 3 input features</c>.
/// </summary>
internal static class Check
{
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, but is {value}.");
    }

    /// <summary>A (tokens, features) matrix with at least one token and only finite values.</summary>
    public static void Sequence(Matrix<float>? inputs, string name)
    {
        ArgumentNullException.ThrowIfNull(inputs, name);
        if (inputs.RowCount == 0 || inputs.ColumnCount == 0)
            throw new ArgumentException($"{name} is empty ({Shape.Of(inputs)}): attention needs at least one token with at least one feature.", name);
        for (int j = 0; j < inputs.ColumnCount; j++)
        {
            for (int i = 0; i < inputs.RowCount; i++)
            {
                float v = inputs[i, j];
                if (!float.IsFinite(v))
                    throw new ArgumentException($"{name} contains {v} at row {i}, column {j}: every input must be a finite number.", name);
            }
        }
    }

    /// <summary>A sequence whose feature count matches what a projection expects.</summary>
    public static void Sequence(Matrix<float>? inputs, int expectedFeatures, string name, string projection)
    {
        Sequence(inputs, name);
        if (inputs!.ColumnCount != expectedFeatures)
            throw new ArgumentException($"{name} are {Shape.Of(inputs)} but {projection} expects {expectedFeatures} input features.", name);
    }

    /// <summary>A non-empty batch of equally shaped sequences with the expected feature count and at most <paramref name="contextLength"/> tokens.</summary>
    public static void Batch(IReadOnlyList<Matrix<float>>? batch, int expectedFeatures, int contextLength, string name, string projection)
    {
        ArgumentNullException.ThrowIfNull(batch, name);
        if (batch.Count == 0)
            throw new ArgumentException($"{name} is empty: a batch needs at least one sequence.", name);
        for (int b = 0; b < batch.Count; b++)
        {
            string item = $"{name}[{b}]";
            Sequence(batch[b], expectedFeatures, item, projection);
            if (b > 0 && (batch[b].RowCount != batch[0].RowCount))
                throw new ArgumentException($"{item} is {Shape.Of(batch[b])} but {name}[0] is {Shape.Of(batch[0])}: every sequence in a batch must have the same shape.", name);
        }
        int tokens = batch[0].RowCount;
        if (tokens > contextLength)
            throw new ArgumentException($"{name} have {tokens} tokens but the context length is {contextLength}.", name);
    }

    /// <summary>A matrix that is exactly <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    public static void MatrixShape(Matrix<float>? matrix, int rows, int columns, string name, string why)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.RowCount != rows || matrix.ColumnCount != columns)
            throw new ArgumentException($"{name} is {Shape.Of(matrix)} but {why} needs {rows}x{columns}.", name);
    }
}
