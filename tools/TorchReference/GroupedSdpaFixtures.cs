using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// The references for the fused kernel's grouped-query heads, sliding windows and decode path (issue "Fast generation"):
/// torch.nn.functional.scaled_dot_product_attention on key and value heads repeated per group
/// (<c>repeat_interleave</c>, as Hugging Face's <c>repeat_kv</c>), causal with <c>is_causal=True</c>, or with a
/// boolean <c>attn_mask</c> for the band of a sliding window and for the new queries of a decode step (the last
/// <c>queries</c> positions of a cache of <c>cacheLength</c> tokens).
/// </summary>
internal static class GroupedSdpaFixtures
{
    /// <summary>A forward over whole sequences: queries, keys and values of <c>tokens</c> tokens; window null = causal without a window.</summary>
    private static readonly (long Batch, long Heads, long KvHeads, long Tokens, long HeadDim, long? Window)[] Forwards =
    [
        (1, 4, 2, 1, 16, null),       // one token, GQA
        (2, 4, 2, 63, 16, null),      // one below the query tile
        (1, 6, 2, 64, 32, null),      // exactly one tile, groups of 3
        (1, 4, 1, 65, 16, null),      // MQA, one past the tile
        (1, 4, 4, 65, 16, 64),        // MHA with a window of 64
        (1, 4, 2, 130, 16, 1),        // a window of one key: each query sees itself
        (1, 8, 2, 200, 8, 63),        // GQA, window 63
        (1, 4, 2, 150, 8, 150),       // window = tokens: causal
    ];

    /// <summary>A decode step: the newest <c>queries</c> tokens against a cache of <c>cacheLength</c> tokens (theirs included).</summary>
    private static readonly (long Batch, long Heads, long KvHeads, long Queries, long CacheLength, long HeadDim, long? Window)[] Decodes =
    [
        (1, 4, 2, 1, 1031, 8, null),     // one query, a cache that is not a multiple of any tile or split
        (1, 8, 1, 4, 1100, 8, null),     // MQA, four new queries, causal among themselves
        (1, 4, 2, 1, 1031, 8, 63),       // a window of 63 at the end of the cache
        (1, 2, 2, 3, 1100, 8, 1000),     // MHA, a window shorter than the cache
        (1, 2, 1, 8, 64, 16, null),      // a cache of one tile
    ];

    public static JsonFields Build()
    {
        var entries = new List<JsonFields>();
        long seed = 2000;
        foreach (var (b, h, g, t, d, window) in Forwards)
            entries.Add(Entry(++seed, b, h, g, queries: t, cacheLength: t, d, window, decode: false));
        foreach (var (b, h, g, n, t, d, window) in Decodes)
            entries.Add(Entry(++seed, b, h, g, n, t, d, window, decode: true));
        return new JsonFields()
            .Add("description", "torch.nn.functional.scaled_dot_product_attention from libtorch, dropout 0, default scale 1/sqrt(headDim), with " +
                "kvHeads key/value heads repeat_interleave'd to the heads of the queries (query head h reads key/value head h / (heads / kvHeads)). " +
                "'forward' entries: q (batch, heads, tokens, headDim), k and v (batch, kvHeads, tokens, headDim), causal; window null: is_causal=True, " +
                "else attn_mask (j <= i) & (i - j < window). 'decode' entries: q holds the newest 'queries' tokens, (batch, heads, queries, headDim), " +
                "at positions cacheLength - queries + i; k and v hold the whole cache, (batch, kvHeads, cacheLength, headDim); attn_mask " +
                "(j <= position) & (position - j < window). Arrays are float32 in row-major order.")
            .Add("entries", entries);
    }

    private static JsonFields Entry(long seed, long b, long h, long g, long queries, long cacheLength, long d, long? window, bool decode)
    {
        string kind = decode ? "decode" : "forward";
        string name = decode
            ? $"decode b={b} heads={h} kvHeads={g} queries={queries} cache={cacheLength} d={d} window={window?.ToString() ?? "none"}"
            : $"forward b={b} heads={h} kvHeads={g} tokens={cacheLength} d={d} window={window?.ToString() ?? "none"}";
        var script = new Script();
        var header = TorchInfo.Header(name, seed);
        script.Seed(seed);
        using var q = torch.randn(b, h, queries, d);
        using var k = torch.randn(b, g, cacheLength, d);
        using var v = torch.randn(b, g, cacheLength, d);
        script.Line($"q = torch.randn({b}, {h}, {queries}, {d})", $"var q = torch.randn({b}, {h}, {queries}, {d});");
        script.Line($"k = torch.randn({b}, {g}, {cacheLength}, {d}); v = torch.randn({b}, {g}, {cacheLength}, {d})",
            $"var k = torch.randn({b}, {g}, {cacheLength}, {d}); var v = torch.randn({b}, {g}, {cacheLength}, {d});");
        long repeats = h / g;
        using var kr = k.repeat_interleave(repeats, 1);                                                   // (b, h, T, d)
        using var vr = v.repeat_interleave(repeats, 1);
        script.Line($"kr, vr = k.repeat_interleave({repeats}, dim=1), v.repeat_interleave({repeats}, dim=1)",
            $"var kr = k.repeat_interleave({repeats}, 1); var vr = v.repeat_interleave({repeats}, 1);");

        Tensor output;
        if (!decode && window is null)
        {
            output = nn.functional.scaled_dot_product_attention(q, kr, vr, is_casual: true);
            script.Line("output = F.scaled_dot_product_attention(q, kr, vr, is_causal=True)",
                "var output = nn.functional.scaled_dot_product_attention(q, kr, vr, is_casual: true);");
        }
        else
        {
            long first = cacheLength - queries;
            long span = window ?? cacheLength;
            using var position = torch.arange(first, cacheLength).view(queries, 1);                    // (queries, 1)
            using var j = torch.arange(cacheLength).view(1, cacheLength);                              // (1, T)
            using var allowed = j.le(position).logical_and((position - j).lt(span));                    // (queries, T)
            output = nn.functional.scaled_dot_product_attention(q, kr, vr, allowed);
            script.Line($"position = torch.arange({first}, {cacheLength}).view(-1, 1); j = torch.arange({cacheLength}).view(1, -1); allowed = (j <= position) & (position - j < {span})",
                $"var position = torch.arange({first}, {cacheLength}).view({queries}, 1); var j = torch.arange({cacheLength}).view(1, {cacheLength}); var allowed = j.le(position).logical_and((position - j).lt({span}));");
            script.Line("output = F.scaled_dot_product_attention(q, kr, vr, attn_mask=allowed)",
                "var output = nn.functional.scaled_dot_product_attention(q, kr, vr, allowed);");
        }
        using (output)
        {
            var entry = header
                .Add("pytorch", script.Python)
                .Add("torchSharp", script.TorchSharp)
                .Add("kind", kind)
                .Add("batch", b).Add("heads", h).Add("kvHeads", g).Add("queries", queries).Add("cacheLength", cacheLength).Add("headDim", d)
                .Add("window", window);
            return entry
                .Add("q", Script.Values(q))
                .Add("k", Script.Values(k))
                .Add("v", Script.Values(v))
                .Add("output", Script.Values(output));
        }
    }
}
