namespace AttentionNotebooks.Tests.Parity;

/// <summary>MultiHeadAttentionWrapper against the book's MultiHeadAttentionWrapper run by libtorch (dropout 0).</summary>
public sealed class MultiHeadAttentionWrapperParityTests
{
    public static TheoryData<int, string> Cases() => ModuleParity.Entries("MultiHeadAttentionWrapper");

    [Theory]
    [MemberData(nameof(Cases))]
    public void With_libtorchs_layers_it_gives_libtorchs_context_vectors_and_weights(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var heads = Enumerable.Range(0, e.NumHeads).Select(h => new CausalAttention(
            e.Linear($"heads.{h}.W_query"), e.Linear($"heads.{h}.W_key"), e.Linear($"heads.{h}.W_value"), e.ContextLength));
        var module = new MultiHeadAttentionWrapper(heads) { Training = false };
        var result = module.Forward(e.InputBatch());
        ModuleParity.AssertBatchClose(e.Outputs, result.Context, e.Tokens, e.NumHeads * e.DOut, "context");
        ModuleParity.AssertHeadWeightsClose(e.Weights, result.Weights, e.NumHeads, e.Tokens);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Built_from_the_seed_it_has_libtorchs_layers_bit_for_bit(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var g = ModuleParity.Generator(e);
        var module = new MultiHeadAttentionWrapper(e.DIn, e.DOut, e.ContextLength, (float)e.Dropout, e.NumHeads, e.QkvBias, g);
        for (int h = 0; h < e.NumHeads; h++)
        {
            ModuleParity.AssertSameLinear(e, $"heads.{h}.W_query", module.Heads[h].WQuery);
            ModuleParity.AssertSameLinear(e, $"heads.{h}.W_key", module.Heads[h].WKey);
            ModuleParity.AssertSameLinear(e, $"heads.{h}.W_value", module.Heads[h].WValue);
        }
        ModuleParity.AssertRandomInputsReproduced(e, g);
    }
}
