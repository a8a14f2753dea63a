using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Prints matrices and vectors the way PyTorch prints tensors, so the notebooks' output can be read side by side with
/// the book's. The text is deterministic and culture-invariant: the notebooks store it as their <c>text/plain</c>
/// output and compare it to detect drift.
/// </summary>
/// <remarks>
/// <para><b>Numbers.</b> Every value of one matrix gets the same style. If every finite value is a whole number, values
/// print as <c>1.</c>, <c>0.</c>, <c>-3.</c> (PyTorch's integer mode); otherwise with exactly
/// <see cref="MatrixTextOptions.Decimals"/> (4) decimals, rounded as Python's <c>'{:.4f}'</c> rounds (the exact binary
/// value, ties to even). NaN, +∞ and −∞ print as <c>nan</c>, <c>inf</c>, <c>-inf</c>. A negative zero, including a
/// tiny negative value that rounds to zero, prints without its sign (<c>0.0000</c>), so noise in the last bit cannot
/// change the text. Unlike PyTorch there is never scientific notation: 0.00001 prints as <c>0.0000</c>. Every value
/// is right-aligned to the longest shown value, so decimal points and signs line up.</para>
/// <para><b>Unlabelled layout</b> (no labels given): PyTorch's, followed by two spaces and the shape as a comment:</para>
/// <code>
/// tensor([[0.4300, 0.1500, 0.8900],
///         [0.5500, 0.8700, 0.6600],
///         [0.5700, 0.8500, 0.6400],
///         [0.2200, 0.5800, 0.3300],
///         [0.7700, 0.2500, 0.1000],
///         [0.0500, 0.8000, 0.5500]])  # shape 6x3
/// </code>
/// <para>Values are separated by <c>", "</c>; rows start with 8 spaces after the first. A row longer than
/// <see cref="MatrixTextOptions.LineWidth"/> (80) wraps as PyTorch wraps it: ⌊(80 − 8) / (width + 2)⌋ values per
/// line, continuation lines indented by 9 spaces. A vector prints as <c>tensor([0.1385, 0.2379])  # shape 2</c>
/// (⌊(80 − 7) / (width + 2)⌋ values per line, continuation lines indented by 8 spaces). Empty shapes print as
/// <c>tensor([], size=(0, 3))  # shape 0x3</c> and <c>tensor([])  # shape 0</c>.</para>
/// <para><b>Summaries.</b> A matrix or vector with more than <see cref="MatrixTextOptions.Threshold"/> (1000) entries
/// is summarised like PyTorch's: every dimension longer than 2 × <see cref="MatrixTextOptions.EdgeItems"/> (6) shows
/// its first 3 and last 3 items around a gap. A hidden run of columns prints as <c>" ..."</c> in place of one value,
/// a hidden run of rows as a line <c>"        ...,"</c>.</para>
/// <para><b>Labelled layout</b> (row or column labels given, e.g. tokens): a table. The first line is the header: the
/// shape (<c>6x6</c>) left-aligned in the label column, then each column's label; every further line is a row label
/// followed by that row's values. The label column is as wide as the longest row label or the shape, left-aligned;
/// each value column is as wide as the longest value or its own label, right-aligned; columns are separated by two
/// spaces; lines end without trailing spaces and are joined with <c>\n</c>. A dimension without labels is labelled
/// with its indices 0, 1, 2, …. Summarised rows and columns show <c>...</c> as both label and values. Tables are never
/// wrapped. Example (the sample's simplified self-attention weights, first two rows):</para>
/// <code>
/// 6x6        Your  journey  starts    with     one    step
/// Your     0.2098   0.2006  0.1981  0.1242  0.1220  0.1452
/// journey  0.1385   0.2379  0.2333  0.1240  0.1082  0.1581
/// </code>
/// <para>A labelled vector is a table with one row: the header holds the shape (<c>6</c>) and the labels, the next
/// line the values under them. Labels pass through <see cref="Labels.Printable"/>, so a newline in a token cannot break
/// the layout. Lines are always joined with <c>\n</c> and the text never ends with a newline.</para>
/// </remarks>
public static class MatrixText
{
    private const string Prefix = "tensor(";
    private const string ColumnSeparator = "  ";

    /// <summary>
    /// The matrix as text: PyTorch's layout when no labels are given, a labelled table otherwise (see the class
    /// remarks for both layouts).
    /// </summary>
    /// <param name="matrix">Any matrix; rows are usually tokens.</param>
    /// <param name="rowLabels">One label per row (e.g. <see cref="SampleData.Tokens"/>), or null.</param>
    /// <param name="columnLabels">One label per column, or null.</param>
    /// <param name="options">Print options; <see cref="MatrixTextOptions.Default"/> (PyTorch's) if null.</param>
    /// <exception cref="ArgumentException">A label list does not match its dimension, e.g. <c>matrix is 6x5 but 6 labels were given for 5 columns.</c></exception>
    /// <example><code>MatrixText.Format(weights, SampleData.Tokens, SampleData.Tokens)</code></example>
    public static string Format(Matrix<float> matrix, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null, MatrixTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Labels.Validate(matrix, rowLabels, columnLabels);
        options ??= MatrixTextOptions.Default;
        var grid = Grid.For(matrix, options);
        return rowLabels is null && columnLabels is null
            ? Tensor(matrix, grid, options)
            : Table(Shape.Of(matrix), grid, rowLabels ?? Labels.Indices(matrix.RowCount), columnLabels ?? Labels.Indices(matrix.ColumnCount));
    }

    /// <summary>
    /// The vector as text: <c>tensor([0.1385, 0.2379, …])  # shape 6</c> without labels, a one-row table with labels
    /// (see the class remarks).
    /// </summary>
    /// <param name="vector">Any vector, e.g. one query's attention weights.</param>
    /// <param name="labels">One label per element, or null.</param>
    /// <param name="options">Print options; <see cref="MatrixTextOptions.Default"/> (PyTorch's) if null.</param>
    /// <exception cref="ArgumentException">The label count does not match, e.g. <c>vector has 6 elements but 5 labels were given.</c></exception>
    public static string Format(Vector<float> vector, IReadOnlyList<string>? labels = null, MatrixTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        Labels.Validate(vector, labels);
        options ??= MatrixTextOptions.Default;
        var row = vector.ToRowMatrix();
        var grid = Grid.For(row, options);
        string shape = vector.Count.ToString(CultureInfo.InvariantCulture);
        if (labels is not null)
            return Table(shape, grid, [""], labels);
        if (vector.Count == 0)
            return "tensor([])  # shape 0";
        var cells = grid.Columns.Select(j => j == Grid.Gap ? " " + Grid.Ellipsis : grid.Values.Padded(vector[j])).ToList();
        return Prefix + VectorString(cells, grid.Values.Width, Prefix.Length, options) + ")  # shape " + shape;
    }

    /// <summary>
    /// Both parts of a single-sequence result, each under a heading: <c>Context (6x3)</c> then
    /// <c>Weights (6x6)</c>, separated by a blank line. With <paramref name="tokens"/>, the context rows and both
    /// dimensions of the weights are labelled.
    /// </summary>
    /// <param name="result">What a <c>Forward</c> call returned.</param>
    /// <param name="tokens">One label per token, or null.</param>
    /// <param name="options">Print options; PyTorch's if null.</param>
    public static string Format(AttentionResult result, IReadOnlyList<string>? tokens = null, MatrixTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        Section(text, "Context", result.Context, tokens, null, options);
        Section(text, "Weights", result.Weights, tokens, tokens, options);
        return text.ToString();
    }

    /// <summary>
    /// Every sequence of a batch result: <c>Context[0] (6x2)</c>, <c>Weights[0] (6x6)</c>, <c>Context[1] …</c>, each
    /// heading followed by its matrix and separated by blank lines.
    /// </summary>
    /// <param name="result">What a batch <c>Forward</c> call returned.</param>
    /// <param name="tokens">One label per token (the same for every sequence), or null.</param>
    /// <param name="options">Print options; PyTorch's if null.</param>
    public static string Format(BatchAttentionResult result, IReadOnlyList<string>? tokens = null, MatrixTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        for (int b = 0; b < result.Context.Count; b++)
        {
            Section(text, $"Context[{b}]", result.Context[b], tokens, null, options);
            if (b < result.Weights.Count)
                Section(text, $"Weights[{b}]", result.Weights[b], tokens, tokens, options);
        }
        return text.ToString();
    }

    /// <summary>
    /// Every sequence of a multi-head result: <c>Context[0] (6x2)</c>, then each head's weights
    /// <c>Weights[0][0] (6x6)</c>, <c>Weights[0][1]</c>, …, then the next sequence.
    /// </summary>
    /// <param name="result">What a multi-head <c>Forward</c> call returned.</param>
    /// <param name="tokens">One label per token (the same for every sequence), or null.</param>
    /// <param name="options">Print options; PyTorch's if null.</param>
    public static string Format(MultiHeadAttentionResult result, IReadOnlyList<string>? tokens = null, MatrixTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        for (int b = 0; b < result.Context.Count; b++)
        {
            Section(text, $"Context[{b}]", result.Context[b], tokens, null, options);
            if (b < result.Weights.Count)
                for (int h = 0; h < result.Weights[b].Count; h++)
                    Section(text, $"Weights[{b}][{h}]", result.Weights[b][h], tokens, tokens, options);
        }
        return text.ToString();
    }

    /// <summary>
    /// One number as the matrices print it when it is not a whole number: <c>0.9544</c>, <c>-0.5000</c>,
    /// <c>-inf</c>; culture-invariant, a negative zero without its sign.
    /// </summary>
    /// <param name="value">The number.</param>
    /// <param name="decimals">Digits after the decimal point (4, like every matrix).</param>
    public static string FormatNumber(float value, int decimals = 4)
    {
        if (decimals is < 0 or > 15)
            throw new ArgumentOutOfRangeException(nameof(decimals), decimals, $"decimals must be between 0 and 15, but is {decimals}.");
        return ValueFormatter.Single(value, decimals);
    }

    private static void Section(StringBuilder text, string heading, Matrix<float> matrix, IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnLabels, MatrixTextOptions? options)
    {
        if (text.Length > 0)
            text.Append("\n\n");
        text.Append(heading).Append(" (").Append(Shape.Of(matrix)).Append(")\n");
        // Labels only fit when the token count matches; otherwise print the matrix unlabelled rather than fail.
        bool rowsFit = rowLabels is not null && rowLabels.Count == matrix.RowCount;
        bool columnsFit = columnLabels is not null && columnLabels.Count == matrix.ColumnCount;
        text.Append(Format(matrix, rowsFit ? rowLabels : null, rowsFit && columnsFit ? columnLabels : null, options));
    }

    private static string Tensor(Matrix<float> matrix, Grid grid, MatrixTextOptions options)
    {
        string shape = Shape.Of(matrix);
        if (matrix.RowCount == 0 || matrix.ColumnCount == 0)
            return $"tensor([], size=({matrix.RowCount}, {matrix.ColumnCount}))  # shape {shape}";
        int indent = Prefix.Length + 1;
        var rows = new List<string>(grid.Rows.Length);
        foreach (int i in grid.Rows)
        {
            if (i == Grid.Gap)
            {
                rows.Add(Grid.Ellipsis);
                continue;
            }
            var cells = grid.Columns.Select(j => j == Grid.Gap ? " " + Grid.Ellipsis : grid.Values.Padded(matrix[i, j])).ToList();
            rows.Add(VectorString(cells, grid.Values.Width, indent, options));
        }
        return Prefix + "[" + string.Join(",\n" + new string(' ', indent), rows) + "])  # shape " + shape;
    }

    /// <summary>PyTorch's <c>_vector_str</c>: the cells in brackets, wrapped to the line width.</summary>
    private static string VectorString(List<string> cells, int width, int indent, MatrixTextOptions options)
    {
        int perLine = Math.Max(1, (options.LineWidth - indent) / (width + 2));
        var lines = new List<string>();
        for (int start = 0; start < cells.Count; start += perLine)
            lines.Add(string.Join(", ", cells.Skip(start).Take(perLine)));
        return "[" + string.Join(",\n" + new string(' ', indent + 1), lines) + "]";
    }

    private static string Table(string shape, Grid grid, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels)
    {
        string RowLabel(int i) => i == Grid.Gap ? Grid.Ellipsis : Labels.Printable(rowLabels[i]);
        string ColumnLabel(int j) => j == Grid.Gap ? Grid.Ellipsis : Labels.Printable(columnLabels[j]);

        int labelWidth = Math.Max(shape.Length, grid.Rows.Select(i => RowLabel(i).Length).DefaultIfEmpty(0).Max());
        int[] widths = grid.Columns.Select(j => Math.Max(grid.Values.Width, ColumnLabel(j).Length)).ToArray();

        var lines = new List<string>(grid.Rows.Length + 1);
        var line = new StringBuilder();
        line.Append(shape.PadRight(labelWidth));
        for (int c = 0; c < grid.Columns.Length; c++)
            line.Append(ColumnSeparator).Append(ColumnLabel(grid.Columns[c]).PadLeft(widths[c]));
        lines.Add(line.ToString().TrimEnd());
        foreach (int i in grid.Rows)
        {
            line.Clear();
            line.Append(RowLabel(i).PadRight(labelWidth));
            for (int c = 0; c < grid.Columns.Length; c++)
                line.Append(ColumnSeparator).Append(grid.Cell(i, grid.Columns[c]).PadLeft(widths[c]));
            lines.Add(line.ToString().TrimEnd());
        }
        return string.Join("\n", lines);
    }
}
