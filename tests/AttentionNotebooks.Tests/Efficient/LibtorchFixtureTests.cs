using AttentionNotebooks.Efficient;
using AttentionNotebooks.Tests.Parity;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>
/// The fused kernel and module against libtorch 2.10's own outputs recorded by tools/TorchReference (Fixtures/sdpa.json
/// and the MultiHeadAttention entries of Fixtures/modules.json, read through the parity tests' loader).
/// </summary>
public sealed class LibtorchFixtureTests
{
    public static TheoryData<int, string> SdpaCases()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Fixtures.SdpaEntries.Count; i++)
            data.Add(i, Fixtures.SdpaEntries[i].Name);
        return data;
    }

    public static TheoryData<int, string> ModuleCases() => ModuleParity.Entries("MultiHeadAttention");

    [Theory]
    [MemberData(nameof(SdpaCases))]
    public void The_kernel_matches_libtorchs_scaled_dot_product_attention_with_and_without_the_vector_path(int index, string name)
    {
        var e = Fixtures.SdpaEntries[index];
        Assert.Equal(name, e.Name);
        Assert.Equal(1.0 / Math.Sqrt(e.HeadDim), e.Scale, 12);
        var expected = e.Output.Select(x => (double)x).ToArray();
        foreach (var path in EfficientReference.Paths)
        {
            var output = new float[e.Output.Length];
            FlashAttention.Forward(e.Q, e.K, e.V, output, e.Batch, e.Heads, e.Tokens, e.HeadDim, e.Causal, new FlashAttentionOptions { Simd = path });
            EfficientReference.AssertClose(expected, output, $"{name} ({path})");
        }
    }

    [Theory]
    [MemberData(nameof(ModuleCases))]
    public void The_fused_module_with_libtorchs_layers_gives_libtorchs_outputs(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var fused = new FusedMultiHeadAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.Linear("out_proj"), e.ContextLength, e.NumHeads);
        foreach (var path in EfficientReference.Paths)
            ModuleParity.AssertBatchClose(e.Outputs, fused.Forward(e.InputBatch(), new FlashAttentionOptions { Simd = path }), e.Tokens, e.DOut, $"output ({path})");
    }
}
