using AttentionNotebooks.Efficient;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>Grouped-query attention (kvHeads key/value heads shared by heads / kvHeads query heads) in the fused forward and backward.</summary>
public sealed class FlashAttentionGroupedQueryTests
{
    [Theory]
    [InlineData(1, 1, 1, 64)]
    [InlineData(1, 2, 63, 16)]
    [InlineData(2, 2, 64, 64)]
    [InlineData(1, 4, 65, 64)]
    [InlineData(1, 4, 130, 7)]
    public void Forward_and_backward_match_the_double_precision_definition_on_every_path_and_thread_count(int kvHeads, int group, int tokens, int headDim)
    {
        foreach (var path in Paths)
            foreach (int threads in new[] { 1, 2 })
                foreach (bool causal in new[] { true, false })
                    BandedGroupedReference.CheckFused(batch: 2, kvHeads, group, tokens, headDim, causal, window: 0, path, threads, seed: tokens * 7 + group);
    }

    [Fact]
    public void One_group_per_head_is_the_multi_head_call_bit_for_bit()
    {
        const int batch = 2, heads = 3, tokens = 70, headDim = 24;
        int n = batch * heads * tokens * headDim;
        float[] q = Uniform(n, 1), k = Uniform(n, 2), v = Uniform(n, 3), dO = Uniform(n, 4);
        float[] o1 = new float[n], o2 = new float[n], l1 = new float[batch * heads * tokens], l2 = new float[batch * heads * tokens];
        float[] dq1 = new float[n], dk1 = new float[n], dv1 = new float[n], dq2 = new float[n], dk2 = new float[n], dv2 = new float[n];
        FlashAttention.Forward(q, k, v, o1, l1, batch, heads, tokens, headDim, causal: true);
        FlashAttention.Forward(q, k, v, o2, l2, batch, heads, heads, tokens, headDim, causal: true);
        FlashAttention.Backward(q, k, v, o1, dO, l1, dq1, dk1, dv1, batch, heads, tokens, headDim, causal: true);
        FlashAttention.Backward(q, k, v, o2, dO, l2, dq2, dk2, dv2, batch, heads, heads, tokens, headDim, causal: true);
        Assert.Equal(o1, o2);
        Assert.Equal(l1, l2);
        Assert.Equal(dq1, dq2);
        Assert.Equal(dk1, dk2);
        Assert.Equal(dv1, dv2);
    }

    [Theory]
    [InlineData(SimdPath.Auto)]
    [InlineData(SimdPath.Scalar)]
    public void One_and_two_threads_give_identical_outputs_and_gradients(SimdPath path) =>
        BandedGroupedReference.AssertSameOnOneAndTwoThreads(batch: 1, heads: 8, kvHeads: 2, tokens: 150, headDim: 32, path);

    [Fact]
    public void A_head_count_that_is_not_a_multiple_of_kvHeads_and_wrong_key_lengths_are_rejected_by_name()
    {
        float[] q = new float[6 * 4 * 2], kv = new float[4 * 4 * 2], o = new float[q.Length];
        var notDividing = Assert.Throws<ArgumentException>(() => FlashAttention.Forward(q, kv, kv, o, 1, 6, 4, 4, 2, causal: true));
        Assert.Equal("kvHeads", notDividing.ParamName);
        Assert.Contains("heads (6) must be a multiple of kvHeads (4)", notDividing.Message);
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Forward(q, kv, kv, o, 1, 6, 0, 4, 2, causal: true));
        Assert.Equal("kvHeads", zero.ParamName);
        var length = Assert.Throws<ArgumentException>(() => FlashAttention.Forward(q, kv, kv, o, 1, 6, 3, 4, 2, causal: true));
        Assert.Equal("key", length.ParamName);
        Assert.Contains("batch (1) x kvHeads (3) x tokens (4) x headDim (2) = 24 floats", length.Message);
    }
}
