namespace AttentionNotebooks.Tests.Parity;

/// <summary>
/// masks.json replayed: libtorch's scaled_dot_product_attention with a boolean attn_mask (causal + key padding, and
/// cross-attention with Tq ≠ Tk), and the book's CausalAttention and MultiHeadAttention and a cross-attention module on
/// padded inputs, against the library's masks and modules, within <see cref="ModuleParity.Tolerance"/>.
/// </summary>
public sealed class MaskParityTests
{
    public static TheoryData<int, string> SdpaCases() => MaskFixtures.Cases("sdpa");

    public static TheoryData<int, string> CausalAttentionCases() => MaskFixtures.Cases("CausalAttention");

    public static TheoryData<int, string> MultiHeadAttentionCases() => MaskFixtures.Cases("MultiHeadAttention");

    public static TheoryData<int, string> CrossAttentionCases() => MaskFixtures.Cases("CrossAttention");

    public static TheoryData<int, string> MultiHeadCrossAttentionCases() => MaskFixtures.Cases("MultiHeadCrossAttention");

    [Theory]
    [MemberData(nameof(MultiHeadCrossAttentionCases))]
    public void MultiHeadAttention_with_queries_and_keys_from_two_sequences_gives_libtorchs_outputs_and_every_heads_weights(int index, string name)
    {
        var e = MaskFixtures.Entry(index, name);
        var module = new MultiHeadAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.Linear("out_proj"),
            e.ContextLength, e.Heads) { Training = false };
        var xq = Fixtures.Matrices(e.Inputs!, e.Batch, e.Queries, e.DIn);
        var xkv = Fixtures.Matrices(e.KeyValueInputs!, e.Batch, e.Keys, e.DIn);
        var result = module.Forward(xq, xkv, e.Lengths);
        ModuleParity.AssertBatchClose(e.Outputs!, result.Context, e.Queries, e.DOut, $"{name}: output");
        for (int b = 0; b < e.Batch; b++)
            for (int h = 0; h < e.Heads; h++)
                TestHelpers.AssertClose(Fixtures.Matrix(e.Weights!, e.Queries, e.Keys, (b * e.Heads + h) * e.Queries * e.Keys), result.Weights[b][h],
                    ModuleParity.Tolerance, $"{name}: weights[{b}][{h}]");
    }

    [Theory]
    [MemberData(nameof(SdpaCases))]
    public void Libtorchs_attn_mask_is_the_complement_of_the_librarys_mask(int index, string name)
    {
        var e = MaskFixtures.Entry(index, name);
        if (e.Lengths is null)
        {
            Assert.Null(e.Allowed);
            return;
        }
        for (int b = 0; b < e.Batch; b++)
        {
            var mask = e.Causal
                ? AttentionMask.CausalWithPadding(e.Queries, e.Lengths[b])
                : AttentionMask.KeyPadding(e.Queries, e.Keys, e.Lengths[b]);
            for (int i = 0; i < e.Queries; i++)
                for (int j = 0; j < e.Keys; j++)
                    Assert.Equal(e.Allowed![(b * e.Queries + i) * e.Keys + j] == 1, mask[i, j] == 0f && !(e.HideQueryRows && i >= e.Lengths[b]));
        }
    }

    [Theory]
    [MemberData(nameof(SdpaCases))]
    public void Softmax_of_the_masked_scaled_scores_times_V_equals_libtorchs_sdpa_with_attn_mask(int index, string name)
    {
        var e = MaskFixtures.Entry(index, name);
        for (int b = 0; b < e.Batch; b++)
            for (int h = 0; h < e.Heads; h++)
            {
                var q = Fixtures.Matrix(e.Q!, e.Queries, e.HeadDim, (b * e.Heads + h) * e.Queries * e.HeadDim);
                var k = Fixtures.Matrix(e.K!, e.Keys, e.HeadDim, (b * e.Heads + h) * e.Keys * e.HeadDim);
                var v = Fixtures.Matrix(e.V!, e.Keys, e.HeadDim, (b * e.Heads + h) * e.Keys * e.HeadDim);
                var scores = q * k.Transpose();
                if (e.Lengths is not null)
                    scores = CausalMask.MaskedFill(scores, e.Causal
                        ? AttentionMask.CausalWithPadding(e.Queries, e.Lengths[b])
                        : AttentionMask.KeyPadding(e.Queries, e.Keys, e.Lengths[b]));
                var output = Softmax.Stable(scores / MathF.Sqrt(e.HeadDim)) * v;
                var expected = Fixtures.Matrix(e.Output!, e.Queries, e.HeadDim, (b * e.Heads + h) * e.Queries * e.HeadDim);
                if (e.HideQueryRows)
                {
                    int rows = e.Lengths![b];                       // rows with a visible key; libtorch returns 0 for the others
                    Assert.All(expected.SubMatrix(rows, e.Queries - rows, 0, e.HeadDim).Enumerate(), x => Assert.Equal(0f, x));
                    (expected, output) = (expected.SubMatrix(0, rows, 0, e.HeadDim), output.SubMatrix(0, rows, 0, e.HeadDim));
                }
                TestHelpers.AssertClose(expected, output, ModuleParity.Tolerance, $"{name}: output[{b}, {h}]");
            }
    }

    [Theory]
    [MemberData(nameof(CausalAttentionCases))]
    public void CausalAttention_with_lengths_gives_libtorchs_outputs_and_weights_padded_rows_included(int index, string name)
    {
        var e = MaskFixtures.Entry(index, name);
        var module = new CausalAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.ContextLength) { Training = false };
        var result = module.Forward(Fixtures.Matrices(e.Inputs!, e.Batch, e.Queries, e.DIn), e.Lengths!);
        ModuleParity.AssertBatchClose(e.Outputs!, result.Context, e.Queries, e.DOut, $"{name}: output");
        ModuleParity.AssertBatchClose(e.Weights!, result.Weights, e.Queries, e.Keys, $"{name}: weights");
    }

    [Theory]
    [MemberData(nameof(CausalAttentionCases))]
    [MemberData(nameof(MultiHeadAttentionCases))]
    [MemberData(nameof(MultiHeadCrossAttentionCases))]
    public void Built_from_the_seed_the_modules_have_libtorchs_layers_bit_for_bit(int index, string name)
    {
        var e = MaskFixtures.Entry(index, name);
        var g = new TorchGenerator(unchecked((ulong)e.Seed), Fixtures.Capability(e.CpuCapability));
        (string Name, Linear Layer)[] layers = e.Kind == "CausalAttention"
            ? Layers(new CausalAttention(e.DIn, e.DOut, e.ContextLength, 0f, e.QkvBias, g))
            : Layers(new MultiHeadAttention(e.DIn, e.DOut, e.ContextLength, 0f, e.Heads, e.QkvBias, g));
        foreach (var (prefix, layer) in layers)
        {
            Fixtures.AssertBitIdentical(e.Parameter($"{prefix}.weight").Values, layer.Weight.ToRowMajorArray(), $"{name}: {prefix}.weight");
            if (e.QkvBias || prefix == "out_proj")
                Fixtures.AssertBitIdentical(e.Parameter($"{prefix}.bias").Values, layer.Bias!.ToArray(), $"{name}: {prefix}.bias");
        }
    }

    [Theory]
    [MemberData(nameof(MultiHeadAttentionCases))]
    public void MultiHeadAttention_with_lengths_gives_libtorchs_outputs_and_every_heads_weights(int index, string name)
    {
        var e = MaskFixtures.Entry(index, name);
        var module = new MultiHeadAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.Linear("out_proj"),
            e.ContextLength, e.Heads) { Training = false };
        var result = module.Forward(Fixtures.Matrices(e.Inputs!, e.Batch, e.Queries, e.DIn), e.Lengths!);
        ModuleParity.AssertBatchClose(e.Outputs!, result.Context, e.Queries, e.DOut, $"{name}: output");
        ModuleParity.AssertHeadWeightsClose(e.Weights!, result.Weights, e.Heads, e.Queries);
    }

    [Theory]
    [MemberData(nameof(CrossAttentionCases))]
    public void CrossAttention_gives_libtorchs_outputs_and_queries_by_keys_weights(int index, string name)
    {
        var e = MaskFixtures.Entry(index, name);
        var module = new CrossAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"));
        var g = new TorchGenerator(unchecked((ulong)e.Seed), Fixtures.Capability(e.CpuCapability));
        var seeded = new CrossAttention(e.DIn, e.DInKeyValue, e.DOut, e.QkvBias, g);
        Fixtures.AssertBitIdentical(e.Parameter("W_key.weight").Values, seeded.WKey.Weight.ToRowMajorArray(), $"{name}: W_key.weight");
        Fixtures.AssertBitIdentical(e.Parameter("W_value.weight").Values, seeded.WValue.Weight.ToRowMajorArray(), $"{name}: W_value.weight");
        for (int b = 0; b < e.Batch; b++)
        {
            var xq = Fixtures.Matrix(e.Inputs!, e.Queries, e.DIn, b * e.Queries * e.DIn);
            var xkv = Fixtures.Matrix(e.KeyValueInputs!, e.Keys, e.DInKeyValue, b * e.Keys * e.DInKeyValue);
            var result = e.Lengths is null ? module.Forward(xq, xkv) : module.Forward(xq, xkv, e.Lengths[b]);
            TestHelpers.AssertClose(Fixtures.Matrix(e.Outputs!, e.Queries, e.DOut, b * e.Queries * e.DOut), result.Context, ModuleParity.Tolerance, $"{name}: output[{b}]");
            TestHelpers.AssertClose(Fixtures.Matrix(e.Weights!, e.Queries, e.Keys, b * e.Queries * e.Keys), result.Weights, ModuleParity.Tolerance, $"{name}: weights[{b}]");
        }
    }

    [Fact]
    public void Libtorchs_sdpa_returns_zeros_for_a_query_row_with_no_visible_key_where_a_plain_softmax_has_no_answer()
    {
        var e = MaskFixtures.Entries.Single(c => c.HideQueryRows);
        int b = Array.FindIndex(e.Lengths!, l => l < e.Queries);
        int row = e.Lengths![b];                                    // the first padding query row of sequence b
        var q = Fixtures.Matrix(e.Q!, e.Queries, e.HeadDim, b * e.Heads * e.Queries * e.HeadDim);
        var k = Fixtures.Matrix(e.K!, e.Keys, e.HeadDim, b * e.Heads * e.Keys * e.HeadDim);
        var hidden = Matrix<float>.Build.Dense(1, e.Keys, float.NegativeInfinity);
        Assert.Throws<ArgumentException>(() => Softmax.Stable(hidden));
        Assert.All(Softmax.Naive(hidden).Enumerate(), w => Assert.True(float.IsNaN(w)));
        var output = Fixtures.Matrix(e.Output!, e.Queries, e.HeadDim, b * e.Heads * e.Queries * e.HeadDim);
        Assert.All(output.Row(row), x => Assert.Equal(0f, x));
        Assert.True((q * k.Transpose()).Row(row).All(float.IsFinite));   // the scores existed; the mask removed them all
    }

    [Fact]
    public void The_cases_cover_padding_with_the_causal_mask_cross_attention_of_unequal_lengths_and_a_length_of_one()
    {
        var cases = MaskFixtures.Entries;
        Assert.Contains(cases, c => c.Kind == "sdpa" && c.Causal && c.Lengths is not null && c.Lengths.Contains(1));
        Assert.Contains(cases, c => c.Kind == "sdpa" && !c.Causal && c.Queries != c.Keys && c.Lengths is not null);
        Assert.Contains(cases, c => c.Kind == "sdpa" && !c.Causal && c.Queries != c.Keys && c.Lengths is null);
        Assert.Contains(cases, c => c.Kind == "CrossAttention" && c.Queries != c.Keys && c.DIn != c.DInKeyValue);
        Assert.Contains(cases, c => c.Kind == "CausalAttention" && c.Lengths!.Contains(1));
        Assert.Contains(cases, c => c.Kind == "MultiHeadCrossAttention" && c.Queries != c.Keys && c.Lengths is not null);
        Assert.All(cases.Where(c => c.Kind == "sdpa" && c.Lengths is not null), c => Assert.Contains("attn_mask=", c.Pytorch));
        Assert.All(cases, c => Assert.Equal("2.10.0", c.LibtorchVersion));
    }

    private static (string, Linear)[] Layers(CausalAttention m) => [("W_query", m.WQuery), ("W_key", m.WKey), ("W_value", m.WValue)];

    private static (string, Linear)[] Layers(MultiHeadAttention m) => [("W_query", m.WQuery), ("W_key", m.WKey), ("W_value", m.WValue), ("out_proj", m.OutProj)];
}
