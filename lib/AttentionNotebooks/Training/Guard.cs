using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>
/// Guard clauses of the training code: each failure names the argument and its shape, e.g.
/// <c>outputGradient is 6x3 but the forward pass produced 6x2 outputs</c>.
/// </summary>
internal static class Guard
{
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, but is {value}.");
    }

    /// <summary>A non-empty matrix of finite values.</summary>
    public static void Finite(Matrix<float>? matrix, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.RowCount == 0 || matrix.ColumnCount == 0)
            throw new ArgumentException($"{name} is empty ({Shape.Of(matrix)}).", name);
        for (int j = 0; j < matrix.ColumnCount; j++)
            for (int i = 0; i < matrix.RowCount; i++)
                if (!float.IsFinite(matrix[i, j]))
                    throw new ArgumentException($"{name} contains {matrix[i, j]} at row {i}, column {j}: every value must be a finite number.", name);
    }

    /// <summary>A finite matrix of exactly <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    public static void Shaped(Matrix<float>? matrix, int rows, int columns, string name, string why)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.RowCount != rows || matrix.ColumnCount != columns)
            throw new ArgumentException($"{name} is {Shape.Of(matrix)} but {why} {rows}x{columns}.", name);
        Finite(matrix, name);
    }

    /// <summary>A finite matrix with <paramref name="columns"/> columns and at least one row.</summary>
    public static void Columns(Matrix<float>? matrix, int columns, string name, string why)
    {
        Finite(matrix, name);
        if (matrix!.ColumnCount != columns)
            throw new ArgumentException($"{name} is {Shape.Of(matrix)} but {why} {columns} columns.", name);
    }

    /// <summary>A finite matrix with <paramref name="rows"/> rows.</summary>
    public static void Rows(Matrix<float>? matrix, int rows, string name, string why)
    {
        Finite(matrix, name);
        if (matrix!.RowCount != rows)
            throw new ArgumentException($"{name} is {Shape.Of(matrix)} but {why} {rows} rows.", name);
    }

    /// <summary>A non-empty batch of equally shaped finite (tokens, features) sequences, tokens ≤ context length.</summary>
    public static void Batch(IReadOnlyList<Matrix<float>>? batch, int features, int contextLength, string name, string projection)
    {
        ArgumentNullException.ThrowIfNull(batch, name);
        if (batch.Count == 0)
            throw new ArgumentException($"{name} is empty: a batch needs at least one sequence.", name);
        for (int b = 0; b < batch.Count; b++)
        {
            string item = $"{name}[{b}]";
            Finite(batch[b], item);
            if (batch[b].ColumnCount != features)
                throw new ArgumentException($"{item} is {Shape.Of(batch[b])} but {projection} expects {features} input features.", name);
            if (batch[b].RowCount != batch[0].RowCount)
                throw new ArgumentException($"{item} is {Shape.Of(batch[b])} but {name}[0] is {Shape.Of(batch[0])}: every sequence in a batch must have the same shape.", name);
        }
        if (batch[0].RowCount > contextLength)
            throw new ArgumentException($"{name} have {batch[0].RowCount} tokens but the context length is {contextLength}.", name);
    }

    /// <summary>An upstream gradient batch shaped exactly like the outputs of the forward pass it follows.</summary>
    public static void GradientBatch(IReadOnlyList<Matrix<float>>? gradient, int batch, int rows, int columns, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(gradient, name);
        if (gradient.Count != batch)
            throw new ArgumentException($"{name} has {gradient.Count} sequences but the forward pass had {batch} ({what} {batch}x{rows}x{columns}).", name);
        for (int b = 0; b < batch; b++)
            Shaped(gradient[b], rows, columns, $"{name}[{b}]", $"the forward pass produced {what} of");
    }

    /// <summary>Token ids: a non-empty sequence, each id in [0, count).</summary>
    public static void Ids(IReadOnlyList<int>? ids, int count, string name, string table)
    {
        ArgumentNullException.ThrowIfNull(ids, name);
        if (ids.Count == 0)
            throw new ArgumentException($"{name} is empty: at least one id is needed.", name);
        for (int t = 0; t < ids.Count; t++)
            if (ids[t] < 0 || ids[t] >= count)
                throw new ArgumentOutOfRangeException(name, ids[t], $"{name}[{t}] is {ids[t]} but {table} has {count} rows (ids 0..{count - 1}).");
    }

    public static InvalidOperationException BackwardBeforeForward(string module) =>
        new($"{module}.Backward was called without a Forward before it: run Forward first (each Forward allows one Backward).");
}
