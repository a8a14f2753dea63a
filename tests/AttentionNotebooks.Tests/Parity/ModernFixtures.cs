namespace AttentionNotebooks.Tests.Parity;

/// <summary>modern.json: RoPE, grouped-query / multi-query attention with windows, and latent attention, from libtorch (tools/TorchReference/ModernFixtures.cs).</summary>
internal static class ModernFixtures
{
    public const string File = "modern.json";

    public static IReadOnlyList<ModernEntry> Entries => Fixtures.Load<ModernEntry>(File);

    public static TheoryData<int, string> Cases(string kind) => Fixtures.Cases<ModernEntry>(File, kind);

    public static ModernEntry Entry(int index, string name) => Fixtures.Entry<ModernEntry>(File, index, name);
}

/// <summary>
/// One modern.json entry. "rope": X and Rotated (1, Heads, Tokens, HeadDim), positions First... "gqa": Parameters
/// (W_query, W_key, W_value, out_proj), Inputs (Batch, Tokens, DIn), Outputs (Batch, Tokens, DOut), Groups key-value
/// heads, Window and Theta or null. "mla": Parameters (W_query, W_DKV, W_UK, W_UV, out_proj), Inputs, Latents (Batch,
/// Tokens, Latent), Outputs.
/// </summary>
internal sealed record ModernEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, string Pytorch, string TorchSharp, string Kind,
    int Heads, int Tokens, int HeadDim, double? Theta, int First, float[]? X, float[]? Rotated,
    int Batch, int DIn, int DOut, int Groups, bool QkvBias, int? Window, int Latent,
    IReadOnlyList<FixtureParameter>? Parameters, float[]? Inputs, float[]? Latents, float[]? Outputs) : IKindedEntry
{
    /// <summary>An nn.Linear from its "{prefix}.weight" (out, in) and optional "{prefix}.bias".</summary>
    public Linear Linear(string prefix) => Fixtures.Linear(Parameters, prefix, Name);

    public override string ToString() => Name;
}
