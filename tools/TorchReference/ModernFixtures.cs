using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// The attention of today's LLMs (notebook 08), with libtorch as the reference: RoPE written in TorchSharp (split-halves
/// pairing, Hugging Face's <c>rotate_half</c>); grouped-query and multi-query attention as
/// <c>scaled_dot_product_attention</c> on key and value heads repeated per group (<c>repeat_interleave</c>, as
/// Hugging Face's <c>repeat_kv</c>), optionally with RoPE on q and k and with a causal sliding-window band as a boolean
/// <c>attn_mask</c>; and latent attention (DeepSeek-V2's MLA without its decoupled RoPE) in its naive form.
/// </summary>
internal static class ModernFixtures
{
    /// <summary>RoPE of (1, heads, tokens, headDim) randn values at positions first..first + tokens − 1.</summary>
    private sealed record RopeCase(long Seed, long Heads, long Tokens, long HeadDim, double Theta, long First);

    private static readonly RopeCase[] RopeCases =
    [
        new(801, 2, 7, 8, 10000, 0),
        new(802, 1, 5, 16, 500000, 20),
        new(803, 3, 24, 4, 10000, 0),
    ];

    /// <summary>A grouped-query module: heads query heads, groups key-value heads, an optional window and RoPE base.</summary>
    private sealed record GqaCase(long Seed, long Batch, long Tokens, long DIn, long DOut, long Heads, long Groups, bool QkvBias, long? Window, double? Theta, string Note);

    private static readonly GqaCase[] GqaCases =
    [
        new(811, 2, 7, 8, 8, 4, 2, false, null, null, "GQA: 4 query heads, 2 key-value groups"),
        new(812, 1, 9, 6, 12, 6, 1, true, null, null, "MQA: 6 query heads, 1 key-value head, qkv_bias=True"),
        new(813, 1, 6, 8, 8, 4, 4, false, null, null, "MHA as GQA: 4 heads, 4 groups"),
        new(814, 2, 10, 8, 16, 4, 2, false, 3, null, "GQA with a causal sliding window of 3"),
        new(815, 1, 12, 8, 16, 4, 2, false, 4, 10000, "GQA with RoPE (theta 10000) and a causal sliding window of 4"),
        new(816, 1, 8, 8, 16, 2, 1, false, null, 10000, "MQA with RoPE (theta 10000)"),
    ];

    /// <summary>A latent-attention module.</summary>
    private sealed record MlaCase(long Seed, long Batch, long Tokens, long DIn, long DOut, long Heads, long Latent);

    private static readonly MlaCase[] MlaCases =
    [
        new(821, 2, 7, 8, 8, 2, 4),
        new(822, 1, 10, 12, 16, 4, 6),
    ];

    public static JsonFields Build() => new JsonFields()
        .Add("description", "The attention of today's LLMs, from libtorch. 'rope' entries: x (1, heads, tokens, headDim) from torch.randn, rotated at " +
            "positions first.. with split-halves pairing: inv_freq = theta^(-arange(0, d, 2)/d) and angles in float64, emb = cat(freqs, freqs), " +
            "out = x * cos(emb) + rotate_half(x) * sin(emb) (cos, sin rounded to float32). 'gqa' entries: nn.Linear W_query (dIn -> dOut), W_key and " +
            "W_value (dIn -> groups * headDim), out_proj (dOut -> dOut, bias) after torch.manual_seed(seed); x = torch.rand(batch, tokens, dIn); q, k, v " +
            "split into heads (k and v into 'groups' heads), RoPE on q and k when 'theta' is set, k and v repeat_interleave(heads / groups, dim=1), " +
            "scaled_dot_product_attention with is_causal=True, or with a boolean attn_mask (j <= i and i - j < window) when 'window' is set; " +
            "outputs = out_proj(context). 'mla' entries: W_query (dIn -> dOut), W_DKV (dIn -> latent), W_UK and W_UV (latent -> dOut), all without " +
            "bias, out_proj (dOut -> dOut, bias); latent = W_DKV(x), k = W_UK(latent), v = W_UV(latent), causal SDPA per head, out_proj. " +
            "Parameters under those names, PyTorch's (out, in) shapes. Arrays are float32 in row-major order.")
        .Add("entries", RopeCases.Select(Rope).Concat(GqaCases.Select(Gqa)).Concat(MlaCases.Select(Mla)).ToList());

    private static JsonFields Rope(RopeCase c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"rope: heads {c.Heads}, tokens {c.Tokens}, headDim {c.HeadDim}, theta {c.Theta}, first position {c.First}", c.Seed);
        script.Seed(c.Seed);
        string dims = Script.Dims([1, c.Heads, c.Tokens, c.HeadDim]);
        using var x = torch.randn(1, c.Heads, c.Tokens, c.HeadDim);
        script.Line($"x = torch.randn({dims})", $"var x = torch.randn({dims});");
        using var rotated = ApplyRope(script, x, c.Theta, c.First);
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", "rope")
            .Add("heads", c.Heads).Add("tokens", c.Tokens).Add("headDim", c.HeadDim).Add("theta", c.Theta).Add("first", c.First)
            .Add("x", Script.Values(x))
            .Add("rotated", Script.Values(rotated));
    }

    /// <summary>RoPE on (batch, heads, tokens, headDim) at positions first.., split halves, angles in float64.</summary>
    private static Tensor ApplyRope(Script script, Tensor x, double theta, long first)
    {
        long tokens = x.shape[2], d = x.shape[3];
        using var invFreq = torch.pow(theta, -torch.arange(0, d, 2, ScalarType.Float64) / d);        // (d/2)
        using var positions = torch.arange(first, first + tokens, ScalarType.Float64);               // (T)
        using var freqs = torch.outer(positions, invFreq);                                           // (T, d/2)
        using var emb = torch.cat([freqs, freqs], -1);                                               // (T, d)
        using var cos = emb.cos().to(ScalarType.Float32);
        using var sin = emb.sin().to(ScalarType.Float32);
        using var x1 = x.narrow(-1, 0, d / 2);
        using var x2 = x.narrow(-1, d / 2, d / 2);
        using var rotateHalf = torch.cat([-x2, x1], -1);
        script.Line($"inv_freq = {Script.Num(theta)} ** (-torch.arange(0, {d}, 2, dtype=torch.float64) / {d})",
            $"var invFreq = torch.pow({Script.Num(theta)}, -torch.arange(0, {d}, 2, ScalarType.Float64) / {d});");
        script.Line($"emb = torch.cat((torch.outer(torch.arange({first}, {first + tokens}, dtype=torch.float64), inv_freq),) * 2, dim=-1)",
            $"var freqs = torch.outer(torch.arange({first}, {first + tokens}, ScalarType.Float64), invFreq); var emb = torch.cat(new[] {{ freqs, freqs }}, -1);");
        script.Line("cos, sin = emb.cos().float(), emb.sin().float()", "var cos = emb.cos().to(ScalarType.Float32); var sin = emb.sin().to(ScalarType.Float32);");
        script.Line($"rotate_half = torch.cat((-x[..., {d / 2}:], x[..., :{d / 2}]), dim=-1); out = x * cos + rotate_half * sin",
            $"var rotateHalf = torch.cat(new[] {{ -x.narrow(-1, {d / 2}, {d / 2}), x.narrow(-1, 0, {d / 2}) }}, -1); var output = x * cos + rotateHalf * sin;");
        return x * cos + rotateHalf * sin;
    }

    private static JsonFields Gqa(GqaCase c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"gqa: {c.Note}", c.Seed);
        script.Seed(c.Seed);
        using var noGrad = torch.no_grad();
        long b = c.Batch, t = c.Tokens, hd = c.DOut / c.Heads;
        using var wQuery = nn.Linear(c.DIn, c.DOut, hasBias: c.QkvBias);
        using var wKey = nn.Linear(c.DIn, c.Groups * hd, hasBias: c.QkvBias);
        using var wValue = nn.Linear(c.DIn, c.Groups * hd, hasBias: c.QkvBias);
        using var outProj = nn.Linear(c.DOut, c.DOut);
        string bias = Script.PyBool(c.QkvBias);
        script.Line($"W_query = nn.Linear({c.DIn}, {c.DOut}, bias={bias}); W_key = nn.Linear({c.DIn}, {c.Groups * hd}, bias={bias}); W_value = nn.Linear({c.DIn}, {c.Groups * hd}, bias={bias}); out_proj = nn.Linear({c.DOut}, {c.DOut})",
            $"var wQuery = nn.Linear({c.DIn}, {c.DOut}, hasBias: {Script.CsBool(c.QkvBias)}); var wKey = nn.Linear({c.DIn}, {c.Groups * hd}, hasBias: {Script.CsBool(c.QkvBias)}); var wValue = nn.Linear({c.DIn}, {c.Groups * hd}, hasBias: {Script.CsBool(c.QkvBias)}); var outProj = nn.Linear({c.DOut}, {c.DOut});");
        using var x = torch.rand(b, t, c.DIn);
        script.Line($"x = torch.rand({b}, {t}, {c.DIn})", $"var x = torch.rand({b}, {t}, {c.DIn});");
        var q = wQuery.forward(x).view(b, t, c.Heads, hd).transpose(1, 2);                             // (b, H, T, hd)
        var k = wKey.forward(x).view(b, t, c.Groups, hd).transpose(1, 2);                              // (b, G, T, hd)
        var v = wValue.forward(x).view(b, t, c.Groups, hd).transpose(1, 2);
        script.Line($"q = W_query(x).view({b}, {t}, {c.Heads}, {hd}).transpose(1, 2); k, v = (W(x).view({b}, {t}, {c.Groups}, {hd}).transpose(1, 2) for W in (W_key, W_value))",
            $"var q = wQuery.forward(x).view({b}, {t}, {c.Heads}, {hd}).transpose(1, 2); var k = wKey.forward(x).view({b}, {t}, {c.Groups}, {hd}).transpose(1, 2); /* v likewise */");
        if (c.Theta is { } theta)
        {
            q = ApplyRope(script, q, theta, 0);
            k = ApplyRope(script, k, theta, 0);
            script.Line("q, k = rope(q), rope(k)  # the lines above, for q and for k", "q = Rope(q); k = Rope(k);");
        }
        long repeats = c.Heads / c.Groups;
        k = k.repeat_interleave(repeats, 1);                                                            // (b, H, T, hd)
        v = v.repeat_interleave(repeats, 1);
        script.Line($"k, v = k.repeat_interleave({repeats}, dim=1), v.repeat_interleave({repeats}, dim=1)",
            $"k = k.repeat_interleave({repeats}, 1); v = v.repeat_interleave({repeats}, 1);");
        Tensor attended;
        if (c.Window is { } window)
        {
            using var i = torch.arange(t).view(t, 1);
            using var j = torch.arange(t).view(1, t);
            using var allowed = j.le(i).logical_and((i - j).lt(window));                                // (T, T)
            attended = nn.functional.scaled_dot_product_attention(q, k, v, allowed);
            script.Line($"i, j = torch.arange({t}).view(-1, 1), torch.arange({t}).view(1, -1); allowed = (j <= i) & (i - j < {window})",
                $"var i = torch.arange({t}).view({t}, 1); var j = torch.arange({t}).view(1, {t}); var allowed = j.le(i).logical_and((i - j).lt({window}));");
            script.Line("attended = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)", "var attended = nn.functional.scaled_dot_product_attention(q, k, v, allowed);");
        }
        else
        {
            attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
            script.Line("attended = F.scaled_dot_product_attention(q, k, v, is_causal=True)", "var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);");
        }
        using var output = outProj.forward(attended.transpose(1, 2).contiguous().view(b, t, c.DOut));
        script.Line($"outputs = out_proj(attended.transpose(1, 2).contiguous().view({b}, {t}, {c.DOut}))",
            $"var outputs = outProj.forward(attended.transpose(1, 2).contiguous().view({b}, {t}, {c.DOut}));");
        var parameters = Parameters(("W_query", wQuery), ("W_key", wKey), ("W_value", wValue), ("out_proj", outProj));
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", "gqa")
            .Add("batch", b).Add("tokens", t).Add("dIn", c.DIn).Add("dOut", c.DOut).Add("heads", c.Heads).Add("groups", c.Groups)
            .Add("qkvBias", c.QkvBias).Add("window", c.Window).Add("theta", c.Theta)
            .Add("parameters", parameters)
            .Add("inputs", Script.Values(x))
            .Add("outputs", Script.Values(output));
    }

    private static JsonFields Mla(MlaCase c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"mla: {c.Heads} heads of {c.DOut / c.Heads}, latent {c.Latent}, naive form", c.Seed);
        script.Seed(c.Seed);
        using var noGrad = torch.no_grad();
        long b = c.Batch, t = c.Tokens, hd = c.DOut / c.Heads;
        using var wQuery = nn.Linear(c.DIn, c.DOut, hasBias: false);
        using var wDown = nn.Linear(c.DIn, c.Latent, hasBias: false);
        using var wUpKey = nn.Linear(c.Latent, c.DOut, hasBias: false);
        using var wUpValue = nn.Linear(c.Latent, c.DOut, hasBias: false);
        using var outProj = nn.Linear(c.DOut, c.DOut);
        script.Line($"W_query = nn.Linear({c.DIn}, {c.DOut}, bias=False); W_DKV = nn.Linear({c.DIn}, {c.Latent}, bias=False); W_UK = nn.Linear({c.Latent}, {c.DOut}, bias=False); W_UV = nn.Linear({c.Latent}, {c.DOut}, bias=False); out_proj = nn.Linear({c.DOut}, {c.DOut})",
            $"var wQuery = nn.Linear({c.DIn}, {c.DOut}, hasBias: false); var wDkv = nn.Linear({c.DIn}, {c.Latent}, hasBias: false); var wUk = nn.Linear({c.Latent}, {c.DOut}, hasBias: false); var wUv = nn.Linear({c.Latent}, {c.DOut}, hasBias: false); var outProj = nn.Linear({c.DOut}, {c.DOut});");
        using var x = torch.rand(b, t, c.DIn);
        script.Line($"x = torch.rand({b}, {t}, {c.DIn})", $"var x = torch.rand({b}, {t}, {c.DIn});");
        using var latent = wDown.forward(x);                                                            // (b, T, latent)
        using var q = wQuery.forward(x).view(b, t, c.Heads, hd).transpose(1, 2);
        using var k = wUpKey.forward(latent).view(b, t, c.Heads, hd).transpose(1, 2);
        using var v = wUpValue.forward(latent).view(b, t, c.Heads, hd).transpose(1, 2);
        using var attended = nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true);
        using var output = outProj.forward(attended.transpose(1, 2).contiguous().view(b, t, c.DOut));
        script.Line("latent = W_DKV(x)", "var latent = wDkv.forward(x);");
        script.Line($"q = W_query(x).view({b}, {t}, {c.Heads}, {hd}).transpose(1, 2); k, v = (W(latent).view({b}, {t}, {c.Heads}, {hd}).transpose(1, 2) for W in (W_UK, W_UV))",
            $"var q = wQuery.forward(x).view({b}, {t}, {c.Heads}, {hd}).transpose(1, 2); var k = wUk.forward(latent).view({b}, {t}, {c.Heads}, {hd}).transpose(1, 2); /* v likewise */");
        script.Line($"outputs = out_proj(F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).contiguous().view({b}, {t}, {c.DOut}))",
            $"var outputs = outProj.forward(nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true).transpose(1, 2).contiguous().view({b}, {t}, {c.DOut}));");
        var parameters = Parameters(("W_query", wQuery), ("W_DKV", wDown), ("W_UK", wUpKey), ("W_UV", wUpValue), ("out_proj", outProj));
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", "mla")
            .Add("batch", b).Add("tokens", t).Add("dIn", c.DIn).Add("dOut", c.DOut).Add("heads", c.Heads).Add("latent", c.Latent)
            .Add("parameters", parameters)
            .Add("inputs", Script.Values(x))
            .Add("latents", Script.Values(latent))
            .Add("outputs", Script.Values(output));
    }

    /// <summary>The layers' weights and biases under their state_dict names, in the order given.</summary>
    private static List<JsonFields> Parameters(params (string Name, TorchSharp.Modules.Linear Layer)[] layers)
    {
        var parameters = new List<JsonFields>();
        foreach (var (name, layer) in layers)
            MaskFixtures.AddLinear(parameters, name, layer);
        return parameters;
    }
}
