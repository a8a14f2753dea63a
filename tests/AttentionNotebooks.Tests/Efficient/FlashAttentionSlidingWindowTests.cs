using AttentionNotebooks.Efficient;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>The sliding window (causal, query t sees keys max(0, t − w + 1) … t) in the fused forward and backward.</summary>
public sealed class FlashAttentionSlidingWindowTests
{
    [Theory]
    [InlineData(1, 1, 16)]
    [InlineData(63, 1, 64)]
    [InlineData(64, 2, 64)]
    [InlineData(65, 4, 16)]
    [InlineData(200, 2, 33)]
    [InlineData(301, 1, 8)]
    public void Forward_and_backward_match_the_double_precision_definition_for_windows_1_63_64_and_tokens(int tokens, int group, int headDim)
    {
        foreach (int window in new[] { 1, 63, 64, tokens }.Distinct())
            foreach (var path in Paths)
                foreach (int threads in new[] { 1, 2 })
                    BandedGroupedReference.CheckFused(batch: 1, kvHeads: 2, group, tokens, headDim, causal: true, window, path, threads, seed: tokens * 13 + window);
    }

    [Theory]
    [InlineData(SimdPath.Auto)]
    [InlineData(SimdPath.Vector128)]
    [InlineData(SimdPath.Scalar)]
    public void A_window_of_tokens_or_more_is_causal_attention_bit_for_bit(SimdPath path)
    {
        const int batch = 1, heads = 4, kvHeads = 2, tokens = 150, headDim = 24;
        int n = batch * heads * tokens * headDim, nKv = batch * kvHeads * tokens * headDim;
        float[] q = Uniform(n, 1), k = Uniform(nKv, 2), v = Uniform(nKv, 3), dO = Uniform(n, 4);
        var causal = BandedGroupedReference.Fused(q, k, v, dO, batch, heads, kvHeads, tokens, headDim, true, new FlashAttentionOptions { Simd = path });
        foreach (int window in new[] { tokens, tokens + 1, int.MaxValue })
        {
            var windowed = BandedGroupedReference.Fused(q, k, v, dO, batch, heads, kvHeads, tokens, headDim, true, new FlashAttentionOptions { Simd = path, Window = window });
            for (int i = 0; i < causal.Length; i++)
                Assert.Equal(causal[i], windowed[i]);
        }
    }

    [Fact]
    public void One_and_two_threads_give_identical_outputs_and_gradients() =>
        BandedGroupedReference.AssertSameOnOneAndTwoThreads(batch: 2, heads: 4, kvHeads: 1, tokens: 333, headDim: 16, SimdPath.Auto, window: 100);

    [Fact]
    public void A_window_below_1_or_without_the_causal_mask_is_rejected_by_name()
    {
        float[] x = new float[2 * 4], o = new float[x.Length];
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Forward(x, x, x, o, 1, 1, 2, 4, causal: true, new FlashAttentionOptions { Window = 0 }));
        Assert.Equal("Window", zero.ParamName);
        var full = Assert.Throws<ArgumentException>(() => FlashAttention.Forward(x, x, x, o, 1, 1, 2, 4, causal: false, new FlashAttentionOptions { Window = 1 }));
        Assert.Equal("causal", full.ParamName);
        float[] lse = new float[2], dq = new float[x.Length], dk = new float[x.Length], dv = new float[x.Length];
        var backward = Assert.Throws<ArgumentException>(() =>
            FlashAttention.Backward(x, x, x, x, x, lse, dq, dk, dv, 1, 1, 2, 4, causal: false, new FlashAttentionOptions { Window = 1 }));
        Assert.Equal("causal", backward.ParamName);
    }
}
