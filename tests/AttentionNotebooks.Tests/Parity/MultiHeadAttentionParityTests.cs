namespace AttentionNotebooks.Tests.Parity;

/// <summary>MultiHeadAttention against the book's MultiHeadAttention (with out_proj) run by libtorch (dropout 0).</summary>
public sealed class MultiHeadAttentionParityTests
{
    public static TheoryData<int, string> Cases() => ModuleParity.Entries("MultiHeadAttention");

    [Theory]
    [MemberData(nameof(Cases))]
    public void With_libtorchs_layers_it_gives_libtorchs_outputs_and_weights(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var module = new MultiHeadAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.Linear("out_proj"),
            e.ContextLength, e.NumHeads) { Training = false };
        var result = module.Forward(e.InputBatch());
        ModuleParity.AssertBatchClose(e.Outputs, result.Context, e.Tokens, e.DOut, "output");
        ModuleParity.AssertHeadWeightsClose(e.Weights, result.Weights, e.NumHeads, e.Tokens);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Built_from_the_seed_it_has_libtorchs_layers_bit_for_bit(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var g = ModuleParity.Generator(e);
        var module = new MultiHeadAttention(e.DIn, e.DOut, e.ContextLength, (float)e.Dropout, e.NumHeads, e.QkvBias, g);
        ModuleParity.AssertSameLinear(e, "W_query", module.WQuery);
        ModuleParity.AssertSameLinear(e, "W_key", module.WKey);
        ModuleParity.AssertSameLinear(e, "W_value", module.WValue);
        ModuleParity.AssertSameLinear(e, "out_proj", module.OutProj);
        ModuleParity.AssertRandomInputsReproduced(e, g);
    }
}
