using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>Formats shapes the way the library's error messages and printouts name them: <c>6x3</c>.</summary>
public static class Shape
{
    /// <summary>The shape of <paramref name="matrix"/> as <c>rowsxcolumns</c>, e.g. <c>6x3</c>.</summary>
    public static string Of(Matrix<float> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        return $"{matrix.RowCount}x{matrix.ColumnCount}";
    }

    /// <summary>The shape of a batch of equally shaped matrices as <c>batchxrowsxcolumns</c>, e.g. <c>2x6x3</c>.</summary>
    public static string Of(IReadOnlyList<Matrix<float>> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Count == 0 ? "0 sequences" : $"{batch.Count}x{Of(batch[0])}";
    }
}
