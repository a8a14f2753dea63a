namespace AttentionNotebooks.Tests.Parity;

/// <summary>CausalAttention against the book's CausalAttention run by libtorch (dropout 0).</summary>
public sealed class CausalAttentionParityTests
{
    public static TheoryData<int, string> Cases() => ModuleParity.Entries("CausalAttention");

    [Theory]
    [MemberData(nameof(Cases))]
    public void With_libtorchs_layers_it_gives_libtorchs_context_vectors_and_weights(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var module = new CausalAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.ContextLength) { Training = false };
        var result = module.Forward(e.InputBatch());
        ModuleParity.AssertBatchClose(e.Outputs, result.Context, e.Tokens, e.DOut, "context");
        ModuleParity.AssertBatchClose(e.Weights, result.Weights, e.Tokens, e.Tokens, "weights");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Built_from_the_seed_it_has_libtorchs_layers_bit_for_bit(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var g = ModuleParity.Generator(e);
        var module = new CausalAttention(e.DIn, e.DOut, e.ContextLength, (float)e.Dropout, e.QkvBias, g);
        ModuleParity.AssertSameLinear(e, "W_query", module.WQuery);
        ModuleParity.AssertSameLinear(e, "W_key", module.WKey);
        ModuleParity.AssertSameLinear(e, "W_value", module.WValue);
        ModuleParity.AssertRandomInputsReproduced(e, g);
    }
}
