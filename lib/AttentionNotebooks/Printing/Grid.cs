using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Which rows and columns of a matrix are shown (all of them, or PyTorch's edges around a gap when it is summarised)
/// and how the shown values are formatted. Shared by <see cref="MatrixText"/> and <see cref="MatrixHtml"/>.
/// </summary>
internal sealed class Grid
{
    /// <summary>Marks the place of the hidden rows or columns in <see cref="Rows"/> and <see cref="Columns"/>.</summary>
    public const int Gap = -1;

    /// <summary>What is printed in place of hidden rows or columns.</summary>
    public const string Ellipsis = "...";

    private readonly Matrix<float> _matrix;

    private Grid(Matrix<float> matrix, int[] rows, int[] columns, ValueFormatter values)
    {
        _matrix = matrix;
        Rows = rows;
        Columns = columns;
        Values = values;
    }

    /// <summary>Shown row indices in order, with <see cref="Gap"/> where rows are hidden.</summary>
    public int[] Rows { get; }

    /// <summary>Shown column indices in order, with <see cref="Gap"/> where columns are hidden.</summary>
    public int[] Columns { get; }

    /// <summary>The formatter of the shown values.</summary>
    public ValueFormatter Values { get; }

    public static Grid For(Matrix<float> matrix, MatrixTextOptions options)
    {
        options.Validate();
        bool summarise = (long)matrix.RowCount * matrix.ColumnCount > options.Threshold;
        int[] rows = Plan(matrix.RowCount, summarise, options.EdgeItems);
        int[] columns = Plan(matrix.ColumnCount, summarise, options.EdgeItems);
        var shown = new List<float>();
        foreach (int i in rows)
            if (i != Gap)
                foreach (int j in columns)
                    if (j != Gap)
                        shown.Add(matrix[i, j]);
        return new Grid(matrix, rows, columns, ValueFormatter.For(shown, options.Decimals));
    }

    /// <summary>The indices 0..count-1, or the first and last <paramref name="edge"/> around a gap.</summary>
    public static int[] Plan(int count, bool summarise, int edge)
    {
        if (!summarise || count <= 2 * edge)
            return Enumerable.Range(0, count).ToArray();
        return [.. Enumerable.Range(0, edge), Gap, .. Enumerable.Range(count - edge, edge)];
    }

    /// <summary>The unpadded text of a shown cell; <see cref="Ellipsis"/> where its row or column is a gap.</summary>
    public string Cell(int row, int column) =>
        row == Gap || column == Gap ? Ellipsis : Values.Raw(_matrix[row, column]);
}
