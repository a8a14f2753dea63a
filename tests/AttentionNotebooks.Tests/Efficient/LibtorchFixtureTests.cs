using AttentionNotebooks.Efficient;
using AttentionNotebooks.Tests.Parity;
using AttentionNotebooks.Tests.Training;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>
/// The fused kernel and module against libtorch 2.10's own outputs recorded by tools/TorchReference (Fixtures/sdpa.json
/// and the MultiHeadAttention entries of Fixtures/modules.json, read through the parity tests' loader), and the fused
/// backward against libtorch's autograd (the scaled_dot_product_attention entries of Fixtures/gradients.json).
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

    public static TheoryData<int, string> GradientCases() => TrainingFixtures.GradientCases("sdpa");

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void The_backward_gives_libtorchs_autograd_gradients_of_scaled_dot_product_attention_on_every_path(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        FixtureTensor q = e.Tensor("q"), k = e.Tensor("k"), v = e.Tensor("v");
        int batch = e.Batch, heads = e.NumHeads, tokens = e.Tokens, headDim = e.DOut, n = q.Values.Length;
        Assert.Equal([batch, heads, tokens, headDim], q.Shape.Select(x => (int)x).ToArray());
        foreach (var path in EfficientReference.Paths)
            foreach (int threads in new[] { 1, 2 })
            {
                var options = new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = threads };
                float[] output = new float[n], lse = new float[batch * heads * tokens], dq = new float[n], dk = new float[n], dv = new float[n];
                FlashAttention.Forward(q.Values, k.Values, v.Values, output, lse, batch, heads, tokens, headDim, e.Causal, options);
                FlashAttention.Backward(q.Values, k.Values, v.Values, output, e.Upstream!.Values, lse, dq, dk, dv, batch, heads, tokens, headDim, e.Causal, options);
                // Within 1e-5 of the largest |libtorch gradient| of the entry (dQ and dK of one token are 0 up to libtorch's rounding).
                double largest = new[] { q, k, v }.Max(t => t.Grad!.Max(x => Math.Abs((double)x)));
                foreach (var (tensor, gradient, what) in new[] { (q, dq, "dQ"), (k, dk, "dK"), (v, dv, "dV") })
                    EfficientReference.AssertClose(tensor.Grad!.Select(x => (double)x).ToArray(), gradient, $"{name} {what} ({path}, {threads} threads)", 1e-5 * largest);
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
