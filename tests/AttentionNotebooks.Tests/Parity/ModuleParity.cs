namespace AttentionNotebooks.Tests.Parity;

/// <summary>Shared checks for the book's modules against modules.json.</summary>
internal static class ModuleParity
{
    /// <summary>Every numerical comparison with libtorch's outputs uses this absolute tolerance.</summary>
    public const double Tolerance = 1e-5;

    public static TheoryData<int, string> Entries(string className)
    {
        var data = new TheoryData<int, string>();
        var entries = Fixtures.ModuleEntries;
        for (int i = 0; i < entries.Count; i++)
            if (entries[i].Class == className)
                data.Add(i, entries[i].Name);
        return data;
    }

    public static ModuleEntry Entry(int index, string name)
    {
        var entry = Fixtures.ModuleEntries[index];
        Assert.Equal(name, entry.Name);
        return entry;
    }

    /// <summary>The generator in the state torch.manual_seed(entry.Seed) leaves.</summary>
    public static TorchGenerator Generator(ModuleEntry entry) =>
        new(unchecked((ulong)entry.Seed), Fixtures.Capability(entry.CpuCapability));

    /// <summary>(batch, tokens, cols) row-major expected values against one matrix per sequence.</summary>
    public static void AssertBatchClose(float[] expected, IReadOnlyList<Matrix<float>> actual, int rows, int cols, string what)
    {
        var reference = Fixtures.Matrices(expected, actual.Count, rows, cols);
        Assert.Equal(expected.Length, actual.Count * rows * cols);
        for (int b = 0; b < actual.Count; b++)
            TestHelpers.AssertClose(reference[b], actual[b], Tolerance, $"{what}[{b}]");
    }

    /// <summary>(batch, heads, tokens, tokens) expected weights against Weights[b][h].</summary>
    public static void AssertHeadWeightsClose(float[] expected, IReadOnlyList<IReadOnlyList<Matrix<float>>> actual, int heads, int tokens)
    {
        Assert.Equal(expected.Length, actual.Count * heads * tokens * tokens);
        for (int b = 0; b < actual.Count; b++)
            for (int h = 0; h < heads; h++)
                TestHelpers.AssertClose(Fixtures.Matrix(expected, tokens, tokens, (b * heads + h) * tokens * tokens), actual[b][h], Tolerance, $"weights[{b}][{h}]");
    }

    /// <summary>Inputs drawn after the module with torch.rand: the generator must reproduce them too (unless they are the book's).</summary>
    public static void AssertRandomInputsReproduced(ModuleEntry entry, TorchGenerator generatorAfterModule)
    {
        if (!entry.Pytorch.Contains("x = torch.rand(", StringComparison.Ordinal))
        {
            Assert.Equal(SampleData.Inputs().ToRowMajorArray(), Fixtures.Matrix(entry.Inputs, 6, 3).ToRowMajorArray());
            return;
        }
        var drawn = new float[entry.Inputs.Length];
        generatorAfterModule.FillUniform(drawn, 0f, 1f);
        Fixtures.AssertBitIdentical(entry.Inputs, drawn, $"{entry.Name}: torch.rand inputs");
    }

    /// <summary>A Linear built by the library against the fixture's "{prefix}.weight" and "{prefix}.bias", bit for bit.</summary>
    public static void AssertSameLinear(ModuleEntry entry, string prefix, Linear layer)
    {
        Fixtures.AssertBitIdentical(entry.Parameter($"{prefix}.weight").Values, layer.Weight.ToRowMajorArray(), $"{entry.Name}: {prefix}.weight");
        if (entry.HasParameter($"{prefix}.bias"))
            Fixtures.AssertBitIdentical(entry.Parameter($"{prefix}.bias").Values, layer.Bias!.ToArray(), $"{entry.Name}: {prefix}.bias");
        else
            Assert.Null(layer.Bias);
    }
}
