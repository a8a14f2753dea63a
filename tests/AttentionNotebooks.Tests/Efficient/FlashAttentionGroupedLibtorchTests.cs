using AttentionNotebooks.Efficient;
using AttentionNotebooks.Tests.Parity;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>
/// The fused kernel's grouped-query heads, sliding windows and decode path against libtorch 2.10's
/// scaled_dot_product_attention on key/value heads repeated per group, with the band as a boolean mask
/// (Fixtures/sdpa-grouped.json, written by tools/TorchReference/GroupedSdpaFixtures.cs): tokens 1, 63, 64, 65, 130,
/// 150 and 200; multi-head, grouped and multi-query heads; windows 1, 63, 64 and the whole sequence; caches of 1,031
/// and 1,100 tokens, which no tile or split divides.
/// </summary>
public sealed class FlashAttentionGroupedLibtorchTests
{
    private const string File = "sdpa-grouped.json";

    private static IReadOnlyList<GroupedSdpaEntry> Entries => Fixtures.Load<GroupedSdpaEntry>(File);

    public static TheoryData<int, string> Cases(string kind)
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Entries.Count; i++)
            if (Entries[i].Kind == kind)
                data.Add(i, Entries[i].Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), "forward")]
    public void The_grouped_and_windowed_forward_gives_libtorchs_outputs_on_every_path_and_thread_count(int index, string name)
    {
        var e = Entry(index, name);
        Assert.Equal(e.Queries, e.CacheLength);
        var expected = e.Output.Select(x => (double)x).ToArray();
        foreach (var path in EfficientReference.Paths)
            foreach (int threads in new[] { 1, 2 })
            {
                var output = new float[e.Output.Length];
                var options = new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = threads, Window = e.Window };
                FlashAttention.Forward(e.Q, e.K, e.V, output, e.Batch, e.Heads, e.KvHeads, e.CacheLength, e.HeadDim, causal: true, options);
                EfficientReference.AssertClose(expected, output, $"{name} ({path}, {threads} threads)");
            }
    }

    [Theory]
    [MemberData(nameof(Cases), "decode")]
    public void The_decode_path_gives_libtorchs_outputs_for_the_newest_queries_on_every_path_and_thread_count(int index, string name)
    {
        var e = Entry(index, name);
        var expected = e.Output.Select(x => (double)x).ToArray();
        foreach (var path in EfficientReference.Paths)
            foreach (int threads in new[] { 1, 2 })
            {
                var output = new float[e.Output.Length];
                var options = new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = threads, Window = e.Window };
                FlashAttention.Decode(e.Q, e.K, e.V, output, e.Batch, e.Heads, e.KvHeads, e.Queries, e.CacheLength, e.HeadDim, options);
                EfficientReference.AssertClose(expected, output, $"{name} ({path}, {threads} threads)");
            }
    }

    [Fact]
    public void The_fixtures_cover_the_cases_the_kernel_must_get_right()
    {
        var forwards = Entries.Where(e => e.Kind == "forward").ToList();
        var decodes = Entries.Where(e => e.Kind == "decode").ToList();
        Assert.Superset(new HashSet<int> { 1, 63, 64, 65 }, forwards.Select(e => e.CacheLength).ToHashSet());
        Assert.Contains(forwards, e => e.KvHeads == e.Heads);
        Assert.Contains(forwards, e => e.KvHeads == 1);
        Assert.Contains(forwards, e => e.KvHeads > 1 && e.KvHeads < e.Heads);
        Assert.Superset(new HashSet<int?> { 1, 63, 64 }, forwards.Select(e => e.Window).ToHashSet());
        Assert.Contains(forwards, e => e.Window == e.CacheLength);
        Assert.Contains(decodes, e => e.CacheLength % 64 != 0 && e.CacheLength > 1024 && e.Window is null);
        Assert.Contains(decodes, e => e.Window is { } w && w < e.CacheLength);
        Assert.Contains(decodes, e => e.Queries > 1);
    }

    private static GroupedSdpaEntry Entry(int index, string name)
    {
        var e = Entries[index];
        Assert.Equal(name, e.Name);
        return e;
    }
}
