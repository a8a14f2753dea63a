using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// torch.nn.functional.scaled_dot_product_attention on random q, k, v in the layout (batch, heads, tokens, headDim),
/// causal and not: the reference for the library's fused attention kernels.
/// </summary>
internal static class SdpaFixtures
{
    private static readonly (long Batch, long Heads, long Tokens, long HeadDim, bool Causal)[] Cases =
    [
        (1, 1, 1, 1, false),
        (1, 1, 1, 1, true),
        (1, 1, 1, 64, true),
        (2, 2, 5, 3, false),
        (2, 2, 5, 3, true),
        (1, 2, 7, 1, false),
        (1, 2, 7, 1, true),
        (1, 1, 16, 64, true),
        (1, 1, 17, 80, false),
        (1, 1, 17, 80, true),
        (2, 3, 33, 16, true),
        (1, 2, 20, 80, false),
        (1, 1, 40, 64, true),
        (3, 1, 9, 3, true),
    ];

    public static JsonFields Build()
    {
        var entries = new List<JsonFields>();
        long seed = 1000;
        foreach (var (b, h, t, d, causal) in Cases)
        {
            seed++;
            var script = new Script();
            var header = TorchInfo.Header($"scaled_dot_product_attention b={b} h={h} t={t} d={d} {(causal ? "causal" : "full")}", seed);
            script.Seed(seed);
            using var q = torch.randn(b, h, t, d);
            using var k = torch.randn(b, h, t, d);
            using var v = torch.randn(b, h, t, d);
            using var output = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal);
            string dims = Script.Dims([b, h, t, d]);
            script.Line($"q = torch.randn({dims})", $"var q = torch.randn({dims});");
            script.Line($"k = torch.randn({dims})", $"var k = torch.randn({dims});");
            script.Line($"v = torch.randn({dims})", $"var v = torch.randn({dims});");
            script.Line($"output = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal={Script.PyBool(causal)})",
                $"var output = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_casual: {Script.CsBool(causal)});");
            entries.Add(header
                .Add("pytorch", script.Python)
                .Add("torchSharp", script.TorchSharp)
                .Add("batch", b).Add("heads", h).Add("tokens", t).Add("headDim", d).Add("causal", causal)
                .Add("scale", 1.0 / Math.Sqrt(d))
                .Add("q", Script.Values(q))
                .Add("k", Script.Values(k))
                .Add("v", Script.Values(v))
                .Add("output", Script.Values(output)));
        }
        return new JsonFields()
            .Add("description", "torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal) from libtorch, dropout 0, default scale " +
                "1/sqrt(headDim). q, k, v and output are float32 arrays in (batch, heads, tokens, headDim) row-major order.")
            .Add("entries", entries);
    }
}
