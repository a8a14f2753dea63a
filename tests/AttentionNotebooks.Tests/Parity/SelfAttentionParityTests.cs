namespace AttentionNotebooks.Tests.Parity;

/// <summary>SelfAttention against the book's SelfAttention_v2 run by libtorch.</summary>
public sealed class SelfAttentionParityTests
{
    public static TheoryData<int, string> Cases() => ModuleParity.Entries("SelfAttention_v2");

    [Theory]
    [MemberData(nameof(Cases))]
    public void With_libtorchs_layers_it_gives_libtorchs_context_vectors_and_weights(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var module = new SelfAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"));
        var result = module.Forward(Fixtures.Matrix(e.Inputs, e.Tokens, e.DIn));
        TestHelpers.AssertClose(Fixtures.Matrix(e.Outputs, e.Tokens, e.DOut), result.Context, ModuleParity.Tolerance, "context");
        TestHelpers.AssertClose(Fixtures.Matrix(e.Weights, e.Tokens, e.Tokens), result.Weights, ModuleParity.Tolerance, "weights");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Built_from_the_seed_it_has_libtorchs_layers_bit_for_bit(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var g = ModuleParity.Generator(e);
        var module = new SelfAttention(e.DIn, e.DOut, e.QkvBias, g);
        ModuleParity.AssertSameLinear(e, "W_query", module.WQuery);
        ModuleParity.AssertSameLinear(e, "W_key", module.WKey);
        ModuleParity.AssertSameLinear(e, "W_value", module.WValue);
        ModuleParity.AssertRandomInputsReproduced(e, g);
    }
}
