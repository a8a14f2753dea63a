namespace AttentionNotebooks.Tests.Parity;

/// <summary>masks.json: key padding with the causal mask, and cross-attention, from libtorch (tools/TorchReference/MaskFixtures.cs).</summary>
internal static class MaskFixtures
{
    public const string File = "masks.json";

    public static IReadOnlyList<MaskEntry> Entries => Fixtures.Load<MaskEntry>(File);

    public static TheoryData<int, string> Cases(string kind) => Fixtures.Cases<MaskEntry>(File, kind);

    public static MaskEntry Entry(int index, string name) => Fixtures.Entry<MaskEntry>(File, index, name);
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
    float[]? Inputs, float[]? KeyValueInputs, float[]? Outputs, long[]? WeightsShape, float[]? Weights) : IKindedEntry
{
    public FixtureParameter Parameter(string name) =>
        Parameters?.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"{Name} has no parameter {name}");

    /// <summary>An nn.Linear from its "{prefix}.weight" (out, in) and optional "{prefix}.bias".</summary>
    public Linear Linear(string prefix) => Fixtures.Linear(Parameters, prefix, Name);

    public override string ToString() => Name;
}
