using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// A matrix with the labels to print next to it (usually tokens): what <see cref="LabelExtensions.WithTokens(Matrix{float}, IReadOnlyList{string})"/>
/// and <see cref="LabelExtensions.WithLabels(Matrix{float}, IReadOnlyList{string}?, IReadOnlyList{string}?)"/> return.
/// Printing it, or displaying it in a notebook, gives the labelled table of <see cref="MatrixText"/>.
/// </summary>
public sealed class LabelledMatrix
{
    /// <summary>Pairs a matrix with its labels after checking that the counts match.</summary>
    /// <param name="matrix">The matrix (kept, not copied).</param>
    /// <param name="rowLabels">One label per row, or null.</param>
    /// <param name="columnLabels">One label per column, or null.</param>
    /// <exception cref="ArgumentException">A count does not match, e.g. <c>matrix is 6x5 but 6 labels were given for 5 columns.</c></exception>
    public LabelledMatrix(Matrix<float> matrix, IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnLabels)
    {
        Labels.Validate(matrix, rowLabels, columnLabels);
        Matrix = matrix;
        RowLabels = rowLabels?.ToArray();
        ColumnLabels = columnLabels?.ToArray();
    }

    /// <summary>The matrix.</summary>
    public Matrix<float> Matrix { get; }

    /// <summary>One label per row, or null (rows are then numbered 0, 1, …).</summary>
    public IReadOnlyList<string>? RowLabels { get; }

    /// <summary>One label per column, or null (columns are then numbered 0, 1, …).</summary>
    public IReadOnlyList<string>? ColumnLabels { get; }

    /// <summary>The labelled table: <c>MatrixText.Format(Matrix, RowLabels ?? indices, ColumnLabels ?? indices)</c>.</summary>
    public override string ToString() =>
        MatrixText.Format(Matrix, RowLabels ?? Labels.Indices(Matrix.RowCount), ColumnLabels ?? Labels.Indices(Matrix.ColumnCount));
}

/// <summary>
/// A vector with one label per element (usually tokens), e.g. one query's attention weights. Printing it, or
/// displaying it in a notebook, gives the one-row labelled table of <see cref="MatrixText"/>.
/// </summary>
public sealed class LabelledVector
{
    /// <summary>Pairs a vector with its labels after checking that the counts match.</summary>
    /// <param name="vector">The vector (kept, not copied).</param>
    /// <param name="labels">One label per element.</param>
    /// <exception cref="ArgumentException">The count does not match, e.g. <c>vector has 6 elements but 5 labels were given.</c></exception>
    public LabelledVector(Vector<float> vector, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        AttentionNotebooks.Labels.Validate(vector, labels);
        Vector = vector;
        Labels = labels.ToArray();
    }

    /// <summary>The vector.</summary>
    public Vector<float> Vector { get; }

    /// <summary>One label per element.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The one-row labelled table: <c>MatrixText.Format(Vector, Labels)</c>.</summary>
    public override string ToString() => MatrixText.Format(Vector, Labels);
}

/// <summary>Attach labels to a matrix or vector so that notebooks and <c>Console.WriteLine</c> print them next to the numbers.</summary>
public static class LabelExtensions
{
    /// <summary>
    /// Labels the rows with <paramref name="tokens"/>, and the columns too when the matrix is square with one column
    /// per token (attention scores and weights); other columns (features) are numbered.
    /// </summary>
    /// <param name="matrix">(tokens, k) matrix.</param>
    /// <param name="tokens">One label per row, e.g. <see cref="SampleData.Tokens"/>.</param>
    /// <example><code>SimplifiedSelfAttention.Forward(inputs).Weights.WithTokens(SampleData.Tokens)</code></example>
    /// <exception cref="ArgumentException">The rows do not match the tokens, e.g. <c>matrix is 5x5 but 6 labels were given for 5 rows.</c></exception>
    public static LabelledMatrix WithTokens(this Matrix<float> matrix, IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(tokens);
        bool columnsAreTokens = matrix.ColumnCount == matrix.RowCount && tokens.Count == matrix.ColumnCount;
        return new LabelledMatrix(matrix, tokens, columnsAreTokens ? tokens : null);
    }

    /// <summary>Labels rows and columns explicitly; either may be null (numbered 0, 1, …).</summary>
    /// <param name="matrix">Any matrix.</param>
    /// <param name="rowLabels">One label per row, or null.</param>
    /// <param name="columnLabels">One label per column, or null.</param>
    /// <example><code>weights.WithLabels(null, SampleData.Tokens)</code></example>
    public static LabelledMatrix WithLabels(this Matrix<float> matrix, IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnLabels = null) =>
        new(matrix, rowLabels, columnLabels);

    /// <summary>Labels each element of the vector, e.g. one query's weights with the tokens they go to.</summary>
    /// <param name="vector">Any vector.</param>
    /// <param name="tokens">One label per element.</param>
    /// <example><code>weights.Row(SampleData.JourneyIndex).WithTokens(SampleData.Tokens)</code></example>
    public static LabelledVector WithTokens(this Vector<float> vector, IReadOnlyList<string> tokens) => new(vector, tokens);
}
