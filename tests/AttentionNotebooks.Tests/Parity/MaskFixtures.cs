namespace AttentionNotebooks.Tests.Parity;

/// <summary>masks.json: key padding with the causal mask, and cross-attention, from libtorch (tools/TorchReference/MaskFixtures.cs).</summary>
internal static class MaskFixtures
{
    public const string File = "masks.json";

    public static IReadOnlyList<MaskEntry> Entries => Fixtures.Load<MaskEntry>(File);

    public static TheoryData<int, string> Cases(string kind)
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Entries.Count; i++)
            if (Entries[i].Kind == kind)
                data.Add(i, Entries[i].Name);
        return data;
    }

    public static MaskEntry Entry(int index, string name)
    {
        var entry = Entries[index];
        Assert.Equal(name, entry.Name);
        return entry;
    }
}

/// <summary>
/// One masks.json entry. Kind "sdpa": Q (Batch, Heads, Queries, HeadDim), K and V (Batch, Heads, Keys, HeadDim),
/// Allowed (Batch, Queries, Keys) 0/1 or null (with HideQueryRows, query rows i ≥ Lengths[b] see no key at all), Output like Q. Module kinds ("CausalAttention", "MultiHeadAttention",
/// "CrossAttention"): Parameters, Inputs (Batch, Queries, DIn), KeyValueInputs (Batch, Keys, DInKeyValue) for
/// cross-attention, Outputs (Batch, Queries, DOut), Weights (Batch, [Heads,] Queries, Keys).
/// </summary>
internal sealed record MaskEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, string Pytorch, string TorchSharp, string Kind,
    int Batch, int Heads, int Queries, int Keys, int HeadDim, bool Causal, bool HideQueryRows, int[]? Lengths, int[]? Allowed,
    float[]? Q, float[]? K, float[]? V, float[]? Output,
    int DIn, int DInKeyValue, int DOut, int ContextLength, bool QkvBias, IReadOnlyList<FixtureParameter>? Parameters,
    float[]? Inputs, float[]? KeyValueInputs, float[]? Outputs, long[]? WeightsShape, float[]? Weights)
{
    public FixtureParameter Parameter(string name) =>
        Parameters?.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"{Name} has no parameter {name}");

    /// <summary>An nn.Linear from its "{prefix}.weight" (out, in) and optional "{prefix}.bias".</summary>
    public Linear Linear(string prefix)
    {
        var w = Parameter($"{prefix}.weight");
        var weight = Fixtures.Matrix(w.Values, (int)w.Shape[0], (int)w.Shape[1]);
        var bias = Parameters!.Any(p => p.Name == $"{prefix}.bias") ? Vector<float>.Build.DenseOfArray(Parameter($"{prefix}.bias").Values) : null;
        return new Linear(weight, bias);
    }

    public override string ToString() => Name;
}
