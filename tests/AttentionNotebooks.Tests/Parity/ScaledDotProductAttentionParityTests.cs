namespace AttentionNotebooks.Tests.Parity;

/// <summary>
/// torch.nn.functional.scaled_dot_product_attention (sdpa.json) against the library's teaching path, softmax of
/// masked, scaled scores times V, one (batch, head) at a time; and the fixture's q, k, v against the generator.
/// </summary>
public sealed class ScaledDotProductAttentionParityTests
{
    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Fixtures.SdpaEntries.Count; i++)
            data.Add(i, Fixtures.SdpaEntries[i].Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Softmax_of_masked_scaled_scores_times_V_equals_libtorchs_sdpa(int index, string name)
    {
        var e = Fixtures.SdpaEntries[index];
        Assert.Equal(name, e.Name);
        Assert.Equal(1 / Math.Sqrt(e.HeadDim), e.Scale, 1e-15);
        for (int b = 0; b < e.Batch; b++)
            for (int h = 0; h < e.Heads; h++)
            {
                int offset = e.Offset(b, h);
                var q = Fixtures.Matrix(e.Q, e.Tokens, e.HeadDim, offset);
                var k = Fixtures.Matrix(e.K, e.Tokens, e.HeadDim, offset);
                var v = Fixtures.Matrix(e.V, e.Tokens, e.HeadDim, offset);
                var scores = q * k.Transpose();
                if (e.Causal)
                    scores = CausalMask.FillAboveDiagonal(scores);
                var output = Softmax.Stable(scores / MathF.Sqrt(e.HeadDim)) * v;
                TestHelpers.AssertClose(Fixtures.Matrix(e.Output, e.Tokens, e.HeadDim, offset), output, ModuleParity.Tolerance, $"output[{b}, {h}]");
            }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_inputs_are_three_randn_calls_the_generator_reproduces_bit_for_bit(int index, string name)
    {
        var e = Fixtures.SdpaEntries[index];
        Assert.Equal(name, e.Name);
        var g = new TorchGenerator(unchecked((ulong)e.Seed), Fixtures.Capability(e.CpuCapability));
        foreach (var (expected, what) in new[] { (e.Q, "q"), (e.K, "k"), (e.V, "v") })
        {
            var drawn = new float[expected.Length];
            g.FillRandn(drawn);
            Fixtures.AssertBitIdentical(expected, drawn, $"{e.Name}: {what}");
        }
    }

    [Fact]
    public void The_cases_cover_one_token_odd_token_counts_and_head_sizes_1_3_64_80_with_and_without_the_mask()
    {
        var cases = Fixtures.SdpaEntries;
        Assert.Contains(cases, c => c.Tokens == 1);
        Assert.Contains(cases, c => c.Tokens > 16 && c.Tokens % 16 != 0);
        foreach (int d in new[] { 1, 3, 64, 80 })
            Assert.Contains(cases, c => c.HeadDim == d);
        Assert.Contains(cases, c => c.Causal);
        Assert.Contains(cases, c => !c.Causal);
        Assert.All(cases, c => Assert.Equal(c.Batch * c.Heads * c.Tokens * c.HeadDim, c.Output.Length));
        Assert.All(cases, c => Assert.Contains("scaled_dot_product_attention(q, k, v, is_causal=", c.Pytorch));
        Assert.All(cases, c => Assert.Contains("is_casual:", c.TorchSharp));
    }
}
