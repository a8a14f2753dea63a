namespace AttentionNotebooks.Tests.Parity;

/// <summary>modern.json: RoPE, grouped-query / multi-query attention with windows, and latent attention, from libtorch (tools/TorchReference/ModernFixtures.cs).</summary>
internal static class ModernFixtures
{
    public const string File = "modern.json";

    public static IReadOnlyList<ModernEntry> Entries => Fixtures.Load<ModernEntry>(File);

    public static TheoryData<int, string> Cases(string kind)
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Entries.Count; i++)
            if (Entries[i].Kind == kind)
                data.Add(i, Entries[i].Name);
        return data;
    }

    public static ModernEntry Entry(int index, string name)
    {
        var entry = Entries[index];
        Assert.Equal(name, entry.Name);
        return entry;
    }
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
    IReadOnlyList<FixtureParameter>? Parameters, float[]? Inputs, float[]? Latents, float[]? Outputs)
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
