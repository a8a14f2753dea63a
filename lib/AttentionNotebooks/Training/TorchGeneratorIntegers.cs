namespace AttentionNotebooks.Training;

/// <summary>Integer draws the way PyTorch's CPU generator makes them.</summary>
public static class TorchGeneratorIntegers
{
    /// <summary>
    /// The equivalent of <c>torch.randint(0, high, (rows, cols), generator=g)</c> (int64): one 32-bit draw per element in
    /// row-major order, reduced modulo <paramref name="high"/> (PyTorch's <c>random_from_to</c> for ranges below 2³²).
    /// </summary>
    /// <param name="generator">The generator to draw from.</param>
    /// <param name="high">Exclusive upper bound, ≥ 1.</param>
    /// <param name="rows">Rows (e.g. the batch size).</param>
    /// <param name="cols">Columns (e.g. tokens per sequence).</param>
    /// <returns><paramref name="rows"/> arrays of <paramref name="cols"/> values in [0, high).</returns>
    public static int[][] RandInt(this TorchGenerator generator, int high, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Check.Positive(high, nameof(high));
        Check.Positive(rows, nameof(rows));
        Check.Positive(cols, nameof(cols));
        var result = new int[rows][];
        for (int i = 0; i < rows; i++)
        {
            result[i] = new int[cols];
            for (int j = 0; j < cols; j++)
                result[i][j] = (int)(generator.NextUInt32() % (uint)high);
        }
        return result;
    }
}
