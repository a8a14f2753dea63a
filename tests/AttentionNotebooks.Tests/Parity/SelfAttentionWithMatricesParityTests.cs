namespace AttentionNotebooks.Tests.Parity;

/// <summary>SelfAttentionWithMatrices against the book's SelfAttention_v1 run by libtorch.</summary>
public sealed class SelfAttentionWithMatricesParityTests
{
    public static TheoryData<int, string> Cases() => ModuleParity.Entries("SelfAttention_v1");

    [Theory]
    [MemberData(nameof(Cases))]
    public void With_libtorchs_matrices_it_gives_libtorchs_context_vectors_and_weights(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var module = new SelfAttentionWithMatrices(
            Matrix(e, "W_query"), Matrix(e, "W_key"), Matrix(e, "W_value"));
        var result = module.Forward(Fixtures.Matrix(e.Inputs, e.Tokens, e.DIn));
        TestHelpers.AssertClose(Fixtures.Matrix(e.Outputs, e.Tokens, e.DOut), result.Context, ModuleParity.Tolerance, "context");
        TestHelpers.AssertClose(Fixtures.Matrix(e.Weights, e.Tokens, e.Tokens), result.Weights, ModuleParity.Tolerance, "weights");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Built_from_the_seed_it_has_libtorchs_matrices_bit_for_bit(int index, string name)
    {
        var e = ModuleParity.Entry(index, name);
        var g = ModuleParity.Generator(e);
        var module = new SelfAttentionWithMatrices(e.DIn, e.DOut, g);
        Fixtures.AssertBitIdentical(e.Parameter("W_query").Values, module.WQuery.ToRowMajorArray(), "W_query");
        Fixtures.AssertBitIdentical(e.Parameter("W_key").Values, module.WKey.ToRowMajorArray(), "W_key");
        Fixtures.AssertBitIdentical(e.Parameter("W_value").Values, module.WValue.ToRowMajorArray(), "W_value");
        ModuleParity.AssertRandomInputsReproduced(e, g);
    }

    private static Matrix<float> Matrix(ModuleEntry e, string name)
    {
        var p = e.Parameter(name);
        return Fixtures.Matrix(p.Values, (int)p.Shape[0], (int)p.Shape[1]);
    }
}
