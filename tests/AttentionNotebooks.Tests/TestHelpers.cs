namespace AttentionNotebooks.Tests;

/// <summary>Assertions and random inputs shared by the tests.</summary>
internal static class TestHelpers
{
    /// <summary>The tolerance every float32 mechanism must meet against a double-precision reference.</summary>
    public const double Tolerance = 1e-5;

    public static void AssertClose(double[,] expected, Matrix<float> actual, double tolerance = Tolerance, string what = "matrix")
    {
        Assert.Equal(expected.GetLength(0), actual.RowCount);
        Assert.Equal(expected.GetLength(1), actual.ColumnCount);
        for (int i = 0; i < actual.RowCount; i++)
            for (int j = 0; j < actual.ColumnCount; j++)
            {
                double diff = Math.Abs(expected[i, j] - actual[i, j]);
                if (!(diff <= tolerance))
                    Assert.Fail($"{what}[{i}, {j}] is {actual[i, j]:R} but the reference is {expected[i, j]:R} (difference {diff:E2} > {tolerance:E0}).");
            }
    }

    public static void AssertClose(Matrix<float> expected, Matrix<float> actual, double tolerance = Tolerance, string what = "matrix") =>
        AssertClose(Reference.ToDouble(expected), actual, tolerance, what);

    public static void AssertRow(float[] expected, Vector<float> actual, double tolerance, string what = "row")
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int j = 0; j < expected.Length; j++)
            if (!(Math.Abs(expected[j] - actual[j]) <= tolerance))
                Assert.Fail($"{what}[{j}] is {actual[j]:R} but {expected[j]:R} was expected (tolerance {tolerance:E0}).");
    }

    /// <summary>A (rows, cols) matrix of uniform values in [-1, 1) from a seeded generator.</summary>
    public static Matrix<float> Random(int rows, int cols, ulong seed) =>
        new TorchGenerator(seed).Uniform(rows, cols, -1f, 1f);

    public static Matrix<float>[] RandomBatch(int batch, int rows, int cols, ulong seed)
    {
        var g = new TorchGenerator(seed);
        return Enumerable.Range(0, batch).Select(_ => g.Uniform(rows, cols, -1f, 1f)).ToArray();
    }
}

/// <summary>Inputs whose products overflow float32, and the sign the overflowed score must have.</summary>
internal static class Huge
{
    /// <summary>A (rows, cols) matrix of one huge value: each score q·k is then about value², past float32's 3.4e38.</summary>
    public static Matrix<float> Inputs(int rows, int cols, float value) => Matrix<float>.Build.Dense(rows, cols, value);

    /// <summary>"+Infinity" or "-Infinity": the sign of score (0, 0), queries·keysᵀ, computed in double precision (where it does not overflow).</summary>
    public static string SignOfFirstScore(double[,] queries, double[,] keys, int first = 0, int count = -1)
    {
        if (count < 0)
            count = queries.GetLength(1);
        double score = 0;
        for (int d = first; d < first + count; d++)
            score += queries[0, d] * keys[0, d];
        Assert.True(double.IsFinite(score) && Math.Abs(score) > float.MaxValue, $"score (0, 0) is {score}, which does not overflow float32");
        return score > 0 ? "+Infinity" : "-Infinity";
    }
}

/// <summary>A matrix that counts how often its elements are read, to see how many passes a method makes over its input.</summary>
internal sealed class CountingMatrix(Matrix<float> values) : MathNet.Numerics.LinearAlgebra.Single.Matrix(new CountingStorage(values))
{
    public long Reads
    {
        get => ((CountingStorage)Storage).Reads;
        set => ((CountingStorage)Storage).Reads = value;
    }

    private sealed class CountingStorage(Matrix<float> values) : MathNet.Numerics.LinearAlgebra.Storage.MatrixStorage<float>(values.RowCount, values.ColumnCount)
    {
        public long Reads { get; set; }

        public override bool IsDense => false;

        public override bool IsFullyMutable => false;

        public override bool IsMutableAt(int row, int column) => false;

        public override float At(int row, int column)
        {
            Reads++;
            return values[row, column];
        }

        public override void At(int row, int column, float value) => throw new NotSupportedException();
    }
}
