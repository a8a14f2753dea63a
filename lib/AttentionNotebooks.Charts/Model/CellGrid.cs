namespace AttentionNotebooks.Charts;

/// <summary>A read-only (rows, columns) grid of per-cell facts, e.g. the text of every cell of a heatmap.</summary>
/// <typeparam name="T">What each cell holds.</typeparam>
internal sealed class CellGrid<T>
{
    private readonly T[,] _cells;

    /// <summary>A grid whose cell (i, j) is <paramref name="cell"/>(i, j), evaluated once per cell.</summary>
    public CellGrid(int rows, int columns, Func<int, int, T> cell)
    {
        _cells = new T[rows, columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++)
                _cells[i, j] = cell(i, j);
    }

    /// <summary>Number of rows.</summary>
    public int Rows => _cells.GetLength(0);

    /// <summary>Number of columns.</summary>
    public int Columns => _cells.GetLength(1);

    /// <summary>The fact of cell (i, j).</summary>
    public T this[int i, int j] => _cells[i, j];
}
