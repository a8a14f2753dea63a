using AttentionNotebooks.Efficient;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class FlashAttentionUnfusedTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 5, 3)]
    [InlineData(1, 2, 64, 64)]
    [InlineData(1, 2, 65, 64)]
    [InlineData(2, 1, 130, 80)]
    [InlineData(1, 1, 200, 1)]
    [InlineData(1, 2, 300, 16)]
    public void ForwardUnfused_matches_a_double_precision_reference_and_Forward_on_every_vector_path(int batch, int heads, int tokens, int headDim)
    {
        int n = batch * heads * tokens * headDim, seed = tokens * 7 + headDim;
        float[] q = Uniform(n, seed), k = Uniform(n, seed + 1), v = Uniform(n, seed + 2);
        foreach (var path in Paths)
            foreach (bool causal in new[] { true, false })
            {
                var options = new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = 2 };
                float[] unfused = new float[n], fused = new float[n];
                FlashAttention.ForwardUnfused(q, k, v, unfused, batch, heads, tokens, headDim, causal, options);
                FlashAttention.Forward(q, k, v, fused, batch, heads, tokens, headDim, causal, options);
                string what = $"(batch {batch}, heads {heads}, tokens {tokens}, headDim {headDim}) causal {causal} {path}";
                AssertClose(Attention(q, k, v, batch, heads, tokens, headDim, causal), unfused, what);
                AssertClose(Array.ConvertAll(fused, x => (double)x), unfused, what + " against Forward");
            }
    }

    [Fact]
    public void One_thread_and_two_threads_give_identical_results()
    {
        const int heads = 3, tokens = 150, headDim = 32, n = heads * tokens * headDim;
        float[] q = Uniform(n, 1), k = Uniform(n, 2), v = Uniform(n, 3), one = new float[n], two = new float[n];
        FlashAttention.ForwardUnfused(q, k, v, one, 1, heads, tokens, headDim, causal: true, new FlashAttentionOptions { MaxDegreeOfParallelism = 1 });
        FlashAttention.ForwardUnfused(q, k, v, two, 1, heads, tokens, headDim, causal: true, new FlashAttentionOptions { MaxDegreeOfParallelism = 2 });
        Assert.Equal(one, two);
    }

    [Fact]
    public void A_window_a_wrong_length_and_a_score_matrix_no_array_holds_are_rejected_by_name()
    {
        float[] x = new float[2 * 4];
        var window = Assert.Throws<ArgumentException>(() =>
            FlashAttention.ForwardUnfused(x, x, x, new float[8], 1, 1, 2, 4, causal: true, new FlashAttentionOptions { Window = 1 }));
        Assert.Equal("options", window.ParamName);
        var length = Assert.Throws<ArgumentException>(() => FlashAttention.ForwardUnfused(x, x, new float[7], new float[8], 1, 1, 2, 4, causal: true));
        Assert.Equal("value", length.ParamName);
        const int tokens = 50_000;                                       // 50,000² floats: more than one array holds
        var big = Assert.Throws<ArgumentOutOfRangeException>(() =>
            FlashAttention.ForwardUnfused(new float[tokens], new float[tokens], new float[tokens], new float[tokens], 1, 1, tokens, 1, causal: true));
        Assert.Equal("tokens", big.ParamName);
        Assert.Contains("tokens is 50000", big.Message);
    }
}
