using AttentionNotebooks.Efficient;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>The decode path: a few new queries against a key/value cache, split along the keys (Flash-Decoding).</summary>
public sealed class FlashAttentionDecodeTests
{
    private static float[] Decode(float[] q, float[] k, float[] v, int batch, int heads, int kvHeads, int queries, int cacheLength, int headDim, FlashAttentionOptions? options = null)
    {
        var output = new float[q.Length];
        FlashAttention.Decode(q, k, v, output, batch, heads, kvHeads, queries, cacheLength, headDim, options);
        return output;
    }

    private static void Check(int batch, int kvHeads, int group, int queries, int cacheLength, int headDim, int window, SimdPath path, int threads, int seed)
    {
        int heads = kvHeads * group;
        float[] q = Uniform(batch * heads * queries * headDim, seed), k = Uniform(batch * kvHeads * cacheLength * headDim, seed + 1, 2f);
        float[] v = Uniform(k.Length, seed + 2);
        var options = new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = threads, Window = window > 0 ? window : null };
        var actual = Decode(q, k, v, batch, heads, kvHeads, queries, cacheLength, headDim, options);
        var expected = BandedGroupedReference.Run(q, k, v, null, batch, heads, kvHeads, queries, cacheLength, headDim, causal: true, window).O;
        AssertClose(expected, actual, $"(batch {batch}, heads {heads}, kvHeads {kvHeads}, queries {queries}, cache {cacheLength}, headDim {headDim}) window {window}, {path}, {threads} threads");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 1, 63)]
    [InlineData(1, 2, 64)]
    [InlineData(4, 4, 65)]
    [InlineData(1, 4, 1000)]
    [InlineData(8, 2, 2100)]
    [InlineData(2, 1, 3077)]
    public void Decoding_matches_the_double_precision_definition_on_every_path_and_thread_count(int queries, int group, int cacheLength)
    {
        foreach (var path in Paths)
            foreach (int threads in new[] { 1, 2 })
                Check(batch: 2, kvHeads: 2, group, queries, cacheLength, headDim: 64, window: 0, path, threads, seed: cacheLength + queries);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(1, 4)]
    [InlineData(1, 8)]
    [InlineData(1, 12)]
    [InlineData(8, 1)]
    [InlineData(8, 2)]
    [InlineData(8, 4)]
    [InlineData(8, 8)]
    [InlineData(8, 12)]
    public void Every_group_size_matches_the_definition_with_the_group_s_rows_tiled_together(int queries, int group)
    {
        // 1 … 96 rows per key/value head: whole tiles of 4 (2) rows, leftover rows, and a cache of 1100 keys (a last block of 12).
        foreach (var path in Paths)
            foreach (int threads in new[] { 1, 2 })
                Check(batch: 1, kvHeads: 2, group, queries, cacheLength: 1100, headDim: 64, window: 0, path, threads, seed: 7 * group + queries);
    }

    [Theory]
    [InlineData(1, 1, 1100, 1)]
    [InlineData(3, 2, 1100, 63)]
    [InlineData(2, 4, 1100, 64)]
    [InlineData(5, 2, 2049, 1500)]
    [InlineData(1, 2, 130, 130)]
    public void A_sliding_window_keeps_the_last_w_keys_of_each_query(int queries, int group, int cacheLength, int window)
    {
        foreach (var path in Paths)
            foreach (int threads in new[] { 1, 2 })
                Check(batch: 1, kvHeads: 2, group, queries, cacheLength, headDim: 24, window, path, threads, seed: window);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void Odd_head_sizes_match_the_definition(int headDim)
    {
        foreach (var path in Paths)
            Check(batch: 1, kvHeads: 3, group: 2, queries: 2, cacheLength: 1500, headDim, window: 0, path, threads: 2, seed: headDim);
    }

    [Fact]
    public void One_and_two_threads_give_identical_results()
    {
        const int batch = 1, heads = 8, kvHeads = 2, queries = 3, cacheLength = 5000, headDim = 64;
        float[] q = Uniform(batch * heads * queries * headDim, 1), k = Uniform(batch * kvHeads * cacheLength * headDim, 2), v = Uniform(k.Length, 3);
        var one = Decode(q, k, v, batch, heads, kvHeads, queries, cacheLength, headDim, new FlashAttentionOptions { MaxDegreeOfParallelism = 1 });
        var two = Decode(q, k, v, batch, heads, kvHeads, queries, cacheLength, headDim, new FlashAttentionOptions { MaxDegreeOfParallelism = 2 });
        Assert.Equal(one, two);
    }

    [Fact]
    public void Decoding_the_last_tokens_agrees_with_the_forward_over_the_whole_sequence()
    {
        const int heads = 4, kvHeads = 2, tokens = 1300, headDim = 32, queries = 4;
        float[] q = Uniform(heads * tokens * headDim, 4), k = Uniform(kvHeads * tokens * headDim, 5), v = Uniform(k.Length, 6);
        var full = new float[q.Length];
        FlashAttention.Forward(q, k, v, full, 1, heads, kvHeads, tokens, headDim, causal: true);
        var last = new float[heads * queries * headDim];
        for (int h = 0; h < heads; h++)
            Array.Copy(q, ((long)h * tokens + tokens - queries) * headDim, last, h * queries * headDim, queries * headDim);
        var decoded = Decode(last, k, v, 1, heads, kvHeads, queries, tokens, headDim);
        for (int h = 0; h < heads; h++)
            for (int x = 0; x < queries * headDim; x++)
                Assert.Equal(full[((long)h * tokens + tokens - queries) * headDim + x], decoded[h * queries * headDim + x], 1e-6f);
    }

    [Fact]
    public void Wrong_shapes_are_rejected_by_name()
    {
        float[] q = new float[4 * 1 * 8], kv = new float[2 * 10 * 8], o = new float[q.Length];
        Assert.Equal("queries", Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Decode(q, kv, kv, o, 1, 4, 2, 0, 10, 8)).ParamName);
        Assert.Equal("cacheLength", Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Decode(q, kv, kv, o, 1, 4, 2, 1, 0, 8)).ParamName);
        Assert.Equal("queries", Assert.Throws<ArgumentOutOfRangeException>(() => FlashAttention.Decode(q, kv, kv, o, 1, 4, 2, 11, 10, 8)).ParamName);
        Assert.Equal("kvHeads", Assert.Throws<ArgumentException>(() => FlashAttention.Decode(q, kv, kv, o, 1, 4, 3, 1, 10, 8)).ParamName);
        var key = Assert.Throws<ArgumentException>(() => FlashAttention.Decode(q, kv, kv, o, 1, 4, 2, 1, 11, 8));
        Assert.Equal("key", key.ParamName);
        Assert.Contains("batch (1) x kvHeads (2) x cacheLength (11) x headDim (8) = 176 floats", key.Message);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => FlashAttention.Decode(q, kv, kv, q, 1, 4, 2, 1, 10, 8)).ParamName);
    }
}
