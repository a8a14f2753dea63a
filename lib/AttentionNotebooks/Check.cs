using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Guard clauses shared by every public entry point of the library, the training code's included: each is checked
/// once, at the boundary, with the caller's parameter names, and each failure says which argument is wrong and names
/// the offending values, e.g. <c>inputs are 6x4 but W_query expects 3 input features</c> or
/// <c>outputGradient is 6x3 but the forward pass produced 6x2 outputs</c>.
/// </summary>
internal static class Check
{
    public static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, but is {value}.");
    }

    /// <summary>
    /// The most elements one dense matrix can hold: MathNet stores a dense matrix in a single <c>float[]</c>, and a .NET
    /// array holds at most <see cref="Array.MaxLength"/> (2,147,483,591) elements.
    /// </summary>
    public static long MaxMatrixElements => Array.MaxLength;

    /// <summary>
    /// A (rows, columns) matrix fits in one dense matrix: the product, computed in 64 bits so it cannot wrap around, is at
    /// most <see cref="MaxMatrixElements"/>. The message names both sizes with the caller's names and the product.
    /// </summary>
    /// <param name="rows">The number of rows (≥ 0).</param>
    /// <param name="rowsName">How the caller names the rows, e.g. <c>outFeatures</c> or <c>batch[0] tokens</c>.</param>
    /// <param name="columns">The number of columns (≥ 0).</param>
    /// <param name="columnsName">How the caller names the columns.</param>
    /// <param name="what">The matrix that would be too large, e.g. <c>the weight</c>.</param>
    /// <param name="paramName">The parameter the exception names.</param>
    public static void MatrixSize(long rows, string rowsName, long columns, string columnsName, string what, string paramName)
    {
        long elements = checked(rows * columns);
        if (elements > MaxMatrixElements)
            throw new ArgumentOutOfRangeException(paramName,
                $"{what} would be {rowsName} ({rows}) x {columnsName} ({columns}) = {elements} elements, which exceeds the largest matrix " +
                $"({MaxMatrixElements} elements: MathNet stores a dense matrix in one array, and .NET arrays hold at most Array.MaxLength elements).");
    }

    /// <summary>
    /// Says up front when the (queries, keys) float32 matrices of scores and weights that one forward pass holds at once
    /// will not fit in what this process may still allocate — the garbage collector's limit (the machine's memory, or a
    /// container's or <c>DOTNET_GCHeapHardLimit</c>'s limit) minus what is in use — instead of failing midway with a bare
    /// <see cref="OutOfMemoryException"/>. The estimate is a lower bound: the check passing does not promise the memory.
    /// </summary>
    /// <param name="queries">Query tokens (rows of each matrix).</param>
    /// <param name="keys">Key tokens (columns).</param>
    /// <param name="matrices">How many such matrices are alive at the peak (kept weights of every sequence and head, and the scores being normalised).</param>
    /// <param name="name">The caller's name for the input.</param>
    /// <exception cref="InsufficientMemoryException">The matrices need more than the process can get.</exception>
    public static void AttentionMemory(long queries, long keys, long matrices, string name)
    {
        var info = GC.GetGCMemoryInfo();
        AttentionMemory(queries, keys, matrices, name, info.TotalAvailableMemoryBytes, GC.GetTotalMemory(false));
    }

    /// <summary><see cref="AttentionMemory(long, long, long, string)"/> against a given limit and use (bytes).</summary>
    internal static void AttentionMemory(long queries, long keys, long matrices, string name, long limitBytes, long inUseBytes)
    {
        double each = 4.0 * queries * keys, needed = each * matrices, available = limitBytes - inUseBytes;
        if (needed <= available)
            return;
        throw new InsufficientMemoryException(
            $"{name}: attention over {queries} queries and {keys} keys needs about {Gigabytes(needed)} for {matrices} matrices of {queries} x {keys} float32 " +
            $"scores and weights ({Gigabytes(each)} each) held at once, but this process can allocate about {Gigabytes(Math.Max(0, available))} more " +
            $"(the garbage collector's limit is {Gigabytes(limitBytes)}, {Gigabytes(inUseBytes)} in use). Use shorter sequences, fewer sequences per call, " +
            $"or AttentionNotebooks.Efficient.FlashAttention, which never stores a tokens x tokens matrix.");
    }

    private static string Gigabytes(double bytes) => (bytes / 1e9).ToString(bytes < 1e8 ? "0.###" : "0.0", System.Globalization.CultureInfo.InvariantCulture) + " GB";

    /// <summary>The sizes of a projection dIn → dOut: both positive, and its (dOut, dIn) weight fits in a matrix.</summary>
    public static void Projection(int dIn, string dInName, int dOut, string dOutName)
    {
        Positive(dIn, dInName);
        Positive(dOut, dOutName);
        MatrixSize(dOut, dOutName, dIn, dInName, "each projection's weight", dOutName);
    }

    /// <summary>
    /// A context length whose (contextLength, contextLength) matrix of attention scores fits in a matrix, so that a
    /// sequence of that many tokens can be attended over (at most 46,340 tokens).
    /// </summary>
    public static void ContextLength(int contextLength, string name)
    {
        Positive(contextLength, name);
        MatrixSize(contextLength, name, contextLength, name, $"the attention scores of a sequence of {name} tokens", name);
    }

    /// <summary>
    /// Multi-head attention's split: <paramref name="numHeads"/> positive and dividing <paramref name="dOut"/>, so that
    /// each head gets dOut / numHeads features. Shared by <see cref="MultiHeadAttention"/> and
    /// <see cref="Efficient.FusedMultiHeadAttention"/>.
    /// </summary>
    /// <param name="dOut">Output features of the query, key and value projections (positive).</param>
    /// <param name="dOutName">How the caller names dOut: <c>dOut</c>, or e.g. <c>W_query's output features</c>.</param>
    /// <param name="numHeads">The number of heads.</param>
    public static void Heads(int dOut, string dOutName, int numHeads)
    {
        Positive(numHeads, nameof(numHeads));
        if (dOut % numHeads != 0)
            throw new ArgumentException($"{dOutName} ({dOut}) must be divisible by numHeads ({numHeads}): each head gets an equal share of the {dOut} features.", nameof(numHeads));
    }

    /// <summary>A sliding window (how many tokens a query sees, itself included): null for none, or at least 1.</summary>
    public static int? Window(int? window, string name)
    {
        if (window is { } w)
            Positive(w, name);
        return window;
    }

    /// <summary>Every element of a parameter vector is finite.</summary>
    public static void Finite(Vector<float>? vector, string name)
    {
        ArgumentNullException.ThrowIfNull(vector, name);
        for (int i = 0; i < vector.Count; i++)
        {
            float v = vector[i];
            if (!float.IsFinite(v))
                throw new ArgumentException($"{name} contains {v} at element {i}: every parameter must be a finite number.", name);
        }
    }

    /// <summary>A (tokens, features) matrix with at least one token and only finite values.</summary>
    public static void Sequence(Matrix<float>? inputs, string name) =>
        NonEmptyFinite(inputs, name, ": attention needs at least one token with at least one feature", "input");

    /// <summary>A non-empty matrix of finite values.</summary>
    public static void Finite(Matrix<float>? matrix, string name) => NonEmptyFinite(matrix, name, "", "value");

    private static void NonEmptyFinite(Matrix<float>? matrix, string name, string emptyReason, string element)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.RowCount == 0 || matrix.ColumnCount == 0)
            throw new ArgumentException($"{name} is empty ({Shape.Of(matrix)}){emptyReason}.", name);
        for (int j = 0; j < matrix.ColumnCount; j++)
        {
            for (int i = 0; i < matrix.RowCount; i++)
            {
                float v = matrix[i, j];
                if (!float.IsFinite(v))
                    throw new ArgumentException($"{name} contains {v} at row {i}, column {j}: every {element} must be a finite number.", name);
            }
        }
    }

    /// <summary>A finite matrix of exactly <paramref name="rows"/> x <paramref name="columns"/>; the message reads "{name} is AxB but {why} RxC".</summary>
    public static void Shaped(Matrix<float>? matrix, int rows, int columns, string name, string why)
    {
        ShapeIs(matrix, rows, columns, name, why);
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

    /// <summary>What a trainer throws when <c>Backward</c> comes without a <c>Forward</c> before it.</summary>
    public static InvalidOperationException BackwardBeforeForward(string module) =>
        new($"{module}.Backward was called without a Forward before it: run Forward first (each Forward allows one Backward).");

    /// <summary>A sequence whose feature count matches what a projection expects.</summary>
    public static void Sequence(Matrix<float>? inputs, int expectedFeatures, string name, string projection)
    {
        Sequence(inputs, name);
        if (inputs!.ColumnCount != expectedFeatures)
            throw new ArgumentException($"{name} are {Shape.Of(inputs)} but {projection} expects {expectedFeatures} input features.", name);
    }

    /// <summary>
    /// A sequence for self-attention (as <see cref="Sequence(Matrix{float}?, int, string, string)"/>) whose (tokens,
    /// tokens) scores and (tokens, <paramref name="outFeatures"/>) projections fit in a matrix.
    /// </summary>
    public static void Tokens(Matrix<float>? inputs, int expectedFeatures, int outFeatures, string name, string projection)
    {
        Sequence(inputs, expectedFeatures, name, projection);
        Sizes(inputs!.RowCount, outFeatures, name);
    }

    /// <summary>The (tokens, tokens) scores and the (tokens, outFeatures) projections of a sequence fit in a matrix.</summary>
    public static void Sizes(int tokens, int outFeatures, string name)
    {
        MatrixSize(tokens, $"{name} tokens", tokens, $"{name} tokens", "the attention scores", name);
        MatrixSize(tokens, $"{name} tokens", outFeatures, "dOut", "the queries, keys, values and context vectors", name);
    }

    /// <summary>A non-empty batch of equally shaped sequences with the expected feature count and at most <paramref name="contextLength"/> tokens.</summary>
    /// <param name="batch">The sequences.</param>
    /// <param name="expectedFeatures">The features per token the first projection expects.</param>
    /// <param name="contextLength">The most tokens a sequence may have.</param>
    /// <param name="name">The caller's name for the batch.</param>
    /// <param name="projection">The name of the first projection, for the message.</param>
    /// <param name="outFeatures">When positive, the (tokens, outFeatures) outputs must fit in a matrix.</param>
    public static void Batch(IReadOnlyList<Matrix<float>>? batch, int expectedFeatures, int contextLength, string name, string projection, int outFeatures = 0)
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
        if (outFeatures > 0)
            MatrixSize(tokens, $"{name} tokens", outFeatures, "dOut", "the queries, keys, values and context vectors", name);
    }

    /// <summary>
    /// One length per sequence of a validated batch, each between 1 and the sequence's tokens: sequence b has
    /// lengths[b] real tokens followed by padding rows.
    /// </summary>
    /// <param name="lengths">The lengths.</param>
    /// <param name="batch">The batch, already checked by <see cref="Batch"/>.</param>
    /// <param name="name">The caller's name for the lengths.</param>
    /// <param name="batchName">The caller's name for the batch.</param>
    public static void Lengths(IReadOnlyList<int>? lengths, IReadOnlyList<Matrix<float>> batch, string name, string batchName)
    {
        ArgumentNullException.ThrowIfNull(lengths, name);
        if (lengths.Count != batch.Count)
            throw new ArgumentException($"{name} has {lengths.Count} entries but {batchName} has {batch.Count} sequences: give one length per sequence.", name);
        int tokens = batch[0].RowCount;
        for (int b = 0; b < lengths.Count; b++)
            if (lengths[b] < 1 || lengths[b] > tokens)
                throw new ArgumentOutOfRangeException(name, lengths[b],
                    $"{name}[{b}] is {lengths[b]} but must be between 1 and the {tokens} tokens of {batchName}[{b}]: a sequence has at least one real token, and padding only follows it.");
    }

    /// <summary>A matrix that is exactly <paramref name="rows"/> x <paramref name="columns"/>.</summary>
    public static void MatrixShape(Matrix<float>? matrix, int rows, int columns, string name, string why) =>
        ShapeIs(matrix, rows, columns, name, why + " needs");

    private static void ShapeIs(Matrix<float>? matrix, int rows, int columns, string name, string why)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (matrix.RowCount != rows || matrix.ColumnCount != columns)
            throw new ArgumentException($"{name} is {Shape.Of(matrix)} but {why} {rows}x{columns}.", name);
    }
}
