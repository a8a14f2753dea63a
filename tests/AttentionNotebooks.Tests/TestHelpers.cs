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
