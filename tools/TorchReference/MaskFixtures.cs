using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchReference;

/// <summary>
/// Masks beyond the causal one, with libtorch as the reference: scaled_dot_product_attention with a boolean
/// <c>attn_mask</c> for a padded batch (causal + key padding) and for cross-attention (queries and keys of different
/// lengths, with and without key padding); the book's CausalAttention and MultiHeadAttention (BookModules.cs) run on
/// a padded batch with the combined mask; and a cross-attention module rebuilt in TorchSharp (CrossAttentionTs).
/// </summary>
internal static class MaskFixtures
{
    /// <summary>An SDPA case: (batch, heads, Tq, Tk, headDim), causal or not, key lengths per sequence or none.</summary>
    private sealed record SdpaCase(long Seed, long Batch, long Heads, long Queries, long Keys, long HeadDim, bool Causal, long[]? Lengths, string Note, bool HideQueryRows = false);

    private static readonly SdpaCase[] SdpaCases =
    [
        new(501, 3, 2, 5, 5, 4, true, [5, 3, 1], "causal + key padding, lengths 5, 3, 1"),
        new(502, 2, 1, 17, 17, 8, true, [17, 9], "causal + key padding, 17 tokens, lengths 17, 9"),
        new(503, 2, 2, 7, 8, 4, false, [8, 5], "cross-attention 7 queries x 8 keys, key padding, lengths 8, 5"),
        new(504, 1, 1, 3, 6, 3, false, null, "cross-attention 3 queries x 6 keys, no mask"),
        new(505, 2, 3, 6, 6, 16, false, [6, 2], "key padding only (not causal), lengths 6, 2"),
        new(506, 2, 1, 5, 5, 3, true, [5, 2], "causal + key padding + query padding: rows i >= length have no visible key", HideQueryRows: true),
    ];

    /// <summary>A module case: the book's CausalAttention / MultiHeadAttention on a padded batch, or CrossAttentionTs.</summary>
    private sealed record ModuleCase(string Class, long Seed, long Batch, long Tokens, long KeyTokens, long DIn, long DInKeyValue, long DOut, int NumHeads,
        long ContextLength, bool QkvBias, long[]? Lengths, bool BookInputs, string Note);

    private static readonly ModuleCase[] ModuleCases =
    [
        new("CausalAttention", 123, 2, 6, 6, 3, 3, 2, 1, 6, false, [6, 3], true,
            "book: CausalAttention(3, 2, 6, 0.0) after torch.manual_seed(123) on (inputs, inputs[:3] + 3 zero rows), lengths 6, 3"),
        new("CausalAttention", 511, 3, 6, 6, 4, 4, 3, 1, 8, true, [6, 4, 1], false, "qkv_bias=True, lengths 6, 4, 1"),
        new("MultiHeadAttention", 123, 2, 6, 6, 3, 3, 2, 2, 6, false, [6, 3], true,
            "book: MultiHeadAttention(3, 2, 6, 0.0, num_heads=2) after torch.manual_seed(123) on (inputs, inputs[:3] + 3 zero rows), lengths 6, 3"),
        new("MultiHeadAttention", 521, 2, 7, 7, 6, 6, 6, 3, 9, true, [7, 2], false, "three heads, qkv_bias=True, lengths 7, 2"),
        new("MultiHeadCrossAttention", 541, 2, 7, 8, 6, 6, 6, 3, 8, true, [8, 5], false,
            "the book's MultiHeadAttention(6, 6, 8, 0.0, num_heads=3, qkv_bias=True) with queries from x_q (7 tokens) and keys/values from x_kv (8 tokens), key lengths 8, 5, no causal mask"),
        new("MultiHeadCrossAttention", 542, 1, 3, 6, 4, 4, 4, 2, 6, false, null, false,
            "the book's MultiHeadAttention(4, 4, 6, 0.0, num_heads=2) with queries from x_q (3 tokens) and keys/values from x_kv (6 tokens), no mask"),
        new("CrossAttention", 531, 1, 7, 8, 4, 5, 3, 1, 0, false, null, false, "7 queries (4 features) x 8 keys (5 features), no mask"),
        new("CrossAttention", 532, 1, 3, 6, 2, 3, 4, 1, 0, true, [4], false, "3 queries x 6 keys, 4 real keys, qkv_bias=True"),
    ];

    public static JsonFields Build() => new JsonFields()
        .Add("description", "Attention with a key-padding mask (combined with the causal mask) and cross-attention, from libtorch. " +
            "'sdpa' entries: torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask) with a boolean attn_mask " +
            "(True = may attend) of shape (batch, 1, Tq, Tk) built from 'lengths' (key j of sequence b is visible when j < lengths[b], " +
            "and j <= i when causal; with hideQueryRows also only when i < lengths[b], so those rows have no visible key), or no mask when lengths is null; q is (batch, heads, Tq, headDim), k and v (batch, heads, Tk, headDim). " +
            "'allowed' is the mask as 0/1, (batch, Tq, Tk). Module entries: the book's CausalAttention and MultiHeadAttention " +
            "(BookModules.cs), MultiHeadCrossAttention (the book's MultiHeadAttention with queries from x_q and keys/values from x_kv, " +
            "no causal mask) and CrossAttentionTs (MaskFixtures.cs), after torch.manual_seed(seed), eval(), dropout 0, with scores " +
            "masked_fill(~allowed, -inf); parameters under state_dict names, inputs, outputs and weights ((batch, Tq, Tk), or " +
            "(batch, heads, Tq, Tk) for the multi-head modules). Arrays are float32 in row-major order.")
        .Add("entries", SdpaCases.Select(Sdpa).Concat(ModuleCases.Select(Module)).ToList());

    private static JsonFields Sdpa(SdpaCase c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"sdpa: {c.Note}", c.Seed);
        script.Seed(c.Seed);
        using var q = torch.randn(c.Batch, c.Heads, c.Queries, c.HeadDim);
        using var k = torch.randn(c.Batch, c.Heads, c.Keys, c.HeadDim);
        using var v = torch.randn(c.Batch, c.Heads, c.Keys, c.HeadDim);
        string qDims = Script.Dims([c.Batch, c.Heads, c.Queries, c.HeadDim]), kDims = Script.Dims([c.Batch, c.Heads, c.Keys, c.HeadDim]);
        script.Line($"q = torch.randn({qDims})", $"var q = torch.randn({qDims});");
        script.Line($"k = torch.randn({kDims})", $"var k = torch.randn({kDims});");
        script.Line($"v = torch.randn({kDims})", $"var v = torch.randn({kDims});");
        Tensor output;
        Tensor? allowed = null;
        if (c.Lengths is null)
        {
            output = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_casual: c.Causal);
            script.Line($"output = F.scaled_dot_product_attention(q, k, v, is_causal={Script.PyBool(c.Causal)})",
                $"var output = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_casual: {Script.CsBool(c.Causal)});");
        }
        else
        {
            allowed = Allowed(script, c.Queries, c.Keys, c.Lengths, c.Causal);                  // (b, Tq, Tk)
            if (c.HideQueryRows)
            {
                using var rows = torch.arange(c.Queries).view(1, c.Queries, 1).lt(torch.tensor(c.Lengths).view(c.Lengths.Length, 1, 1));
                using var keysOnly = allowed;
                allowed = keysOnly.logical_and(rows);                                            // padding query rows: nothing visible
                script.Line("allowed = allowed & (i < lengths.view(-1, 1, 1))  # padding query rows see nothing",
                    "allowed = allowed.logical_and(i.lt(lengths.view(-1, 1, 1)));");
            }
            using var attnMask = allowed.unsqueeze(1);                                          // (b, 1, Tq, Tk)
            output = torch.nn.functional.scaled_dot_product_attention(q, k, v, attnMask);
            script.Line("output = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed[:, None])",
                "var output = torch.nn.functional.scaled_dot_product_attention(q, k, v, allowed.unsqueeze(1));");
        }
        using var outputDispose = output;
        using var allowedDispose = allowed;
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", "sdpa")
            .Add("batch", c.Batch).Add("heads", c.Heads).Add("queries", c.Queries).Add("keys", c.Keys).Add("headDim", c.HeadDim)
            .Add("causal", c.Causal)
            .Add("hideQueryRows", c.HideQueryRows)
            .Add("lengths", c.Lengths)
            .Add("allowed", allowed is null ? null : Ints(allowed))
            .Add("q", Script.Values(q))
            .Add("k", Script.Values(k))
            .Add("v", Script.Values(v))
            .Add("output", Script.Values(output));
    }

    /// <summary>(batch, Tq, Tk) booleans: key j visible to query i of sequence b when j &lt; lengths[b] (and j ≤ i when causal).</summary>
    private static Tensor Allowed(Script script, long queries, long keys, long[] lengths, bool causal)
    {
        using var i = torch.arange(queries).view(1, queries, 1);
        using var j = torch.arange(keys).view(1, 1, keys);
        using var lens = torch.tensor(lengths).view(lengths.Length, 1, 1);
        script.Line($"lengths = torch.tensor([{string.Join(", ", lengths)}])", $"var lengths = torch.tensor(new long[] {{ {string.Join(", ", lengths)} }});");
        script.Line($"i = torch.arange({queries}).view(1, {queries}, 1); j = torch.arange({keys}).view(1, 1, {keys})",
            $"var i = torch.arange({queries}).view(1, {queries}, 1); var j = torch.arange({keys}).view(1, 1, {keys});");
        var padding = j.lt(lens);                                                               // (b, 1, Tk)
        if (!causal)
        {
            script.Line($"allowed = (j < lengths.view(-1, 1, 1)).expand(-1, {queries}, -1)",
                $"var allowed = j.lt(lengths.view(-1, 1, 1)).expand(-1, {queries}, -1);");
            using (padding)
                return padding.expand(lengths.Length, queries, keys).contiguous();
        }
        script.Line("allowed = (j <= i) & (j < lengths.view(-1, 1, 1))", "var allowed = j.le(i).logical_and(j.lt(lengths.view(-1, 1, 1)));");
        using (padding)
        using (var past = j.le(i))
            return past.logical_and(padding);
    }

    private static JsonFields Module(ModuleCase c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"{c.Class}: {c.Note}", c.Seed);
        script.Seed(c.Seed);
        var parameters = new List<JsonFields>();
        using var noGrad = torch.no_grad();
        Tensor output, weights, x;
        Tensor? xkv = null;
        switch (c.Class)
        {
            case "CausalAttention":
            {
                using var m = new CausalAttentionTs(c.DIn, c.DOut, c.ContextLength, 0.0, c.QkvBias);
                script.Line($"module = CausalAttention({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, qkv_bias={Script.PyBool(c.QkvBias)})",
                    $"var module = new CausalAttentionTs({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, qkvBias: {Script.CsBool(c.QkvBias)});");
                AddLinear(parameters, "W_query", m.WQuery);
                AddLinear(parameters, "W_key", m.WKey);
                AddLinear(parameters, "W_value", m.WValue);
                x = Inputs(script, c);
                m.eval();
                script.Line("module.eval()", "module.eval();");
                using var allowed = Allowed(script, c.Tokens, c.Tokens, c.Lengths!, causal: true);
                var queries = m.WQuery.forward(x);                                            // (b, T, dOut)
                var keys = m.WKey.forward(x);
                var values = m.WValue.forward(x);
                var scores = queries.matmul(keys.transpose(1, 2)).masked_fill(allowed.logical_not(), double.NegativeInfinity);
                weights = torch.softmax(scores / Math.Sqrt(c.DOut), -1);
                output = weights.matmul(values);
                script.Line("queries, keys, values = module.W_query(x), module.W_key(x), module.W_value(x)",
                    "var queries = module.WQuery.forward(x); var keys = module.WKey.forward(x); var values = module.WValue.forward(x);");
                script.Line("scores = (queries @ keys.transpose(1, 2)).masked_fill(~allowed, -torch.inf)",
                    "var scores = queries.matmul(keys.transpose(1, 2)).masked_fill(allowed.logical_not(), double.NegativeInfinity);");
                script.Line($"weights = torch.softmax(scores / keys.shape[-1]**0.5, dim=-1); output = weights @ values",
                    $"var weights = torch.softmax(scores / Math.Sqrt({c.DOut}), -1); var output = weights.matmul(values);");
                break;
            }
            case "MultiHeadAttention":
            {
                using var m = new MultiHeadAttentionTs(c.DIn, c.DOut, c.ContextLength, 0.0, c.NumHeads, c.QkvBias);
                script.Line($"module = MultiHeadAttention({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, num_heads={c.NumHeads}, qkv_bias={Script.PyBool(c.QkvBias)})",
                    $"var module = new MultiHeadAttentionTs({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, numHeads: {c.NumHeads}, qkvBias: {Script.CsBool(c.QkvBias)});");
                AddLinear(parameters, "W_query", m.WQuery);
                AddLinear(parameters, "W_key", m.WKey);
                AddLinear(parameters, "W_value", m.WValue);
                AddLinear(parameters, "out_proj", m.OutProj);
                x = Inputs(script, c);
                m.eval();
                script.Line("module.eval()", "module.eval();");
                using var allowed = Allowed(script, c.Tokens, c.Tokens, c.Lengths!, causal: true);
                long b = c.Batch, t = c.Tokens, hd = c.DOut / c.NumHeads;
                var queries = m.WQuery.forward(x).view(b, t, c.NumHeads, hd).transpose(1, 2);  // (b, h, T, hd)
                var keys = m.WKey.forward(x).view(b, t, c.NumHeads, hd).transpose(1, 2);
                var values = m.WValue.forward(x).view(b, t, c.NumHeads, hd).transpose(1, 2);
                var scores = queries.matmul(keys.transpose(2, 3)).masked_fill(allowed.unsqueeze(1).logical_not(), double.NegativeInfinity);
                weights = torch.softmax(scores / Math.Sqrt(hd), -1);                           // (b, h, T, T)
                var context = weights.matmul(values).transpose(1, 2).contiguous().view(b, t, c.DOut);
                output = m.OutProj.forward(context);
                script.Line($"q, k, v = (layer(x).view({b}, {t}, {c.NumHeads}, {hd}).transpose(1, 2) for layer in (module.W_query, module.W_key, module.W_value))",
                    $"var q = module.WQuery.forward(x).view({b}, {t}, {c.NumHeads}, {hd}).transpose(1, 2); /* k, v likewise */");
                script.Line("scores = (q @ k.transpose(2, 3)).masked_fill(~allowed[:, None], -torch.inf)",
                    "var scores = q.matmul(k.transpose(2, 3)).masked_fill(allowed.unsqueeze(1).logical_not(), double.NegativeInfinity);");
                script.Line($"weights = torch.softmax(scores / {hd}**0.5, dim=-1)", $"var weights = torch.softmax(scores / Math.Sqrt({hd}), -1);");
                script.Line($"output = module.out_proj((weights @ v).transpose(1, 2).contiguous().view({b}, {t}, {c.DOut}))",
                    $"var output = module.OutProj.forward(weights.matmul(v).transpose(1, 2).contiguous().view({b}, {t}, {c.DOut}));");
                break;
            }
            case "MultiHeadCrossAttention":
            {
                using var m = new MultiHeadAttentionTs(c.DIn, c.DOut, c.ContextLength, 0.0, c.NumHeads, c.QkvBias);
                script.Line($"module = MultiHeadAttention({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, num_heads={c.NumHeads}, qkv_bias={Script.PyBool(c.QkvBias)})",
                    $"var module = new MultiHeadAttentionTs({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, numHeads: {c.NumHeads}, qkvBias: {Script.CsBool(c.QkvBias)});");
                AddLinear(parameters, "W_query", m.WQuery);
                AddLinear(parameters, "W_key", m.WKey);
                AddLinear(parameters, "W_value", m.WValue);
                AddLinear(parameters, "out_proj", m.OutProj);
                x = torch.rand(c.Batch, c.Tokens, c.DIn);
                xkv = torch.rand(c.Batch, c.KeyTokens, c.DIn);
                script.Line($"x_q = torch.rand({c.Batch}, {c.Tokens}, {c.DIn})", $"var xq = torch.rand({c.Batch}, {c.Tokens}, {c.DIn});");
                script.Line($"x_kv = torch.rand({c.Batch}, {c.KeyTokens}, {c.DIn})", $"var xkv = torch.rand({c.Batch}, {c.KeyTokens}, {c.DIn});");
                m.eval();
                script.Line("module.eval()", "module.eval();");
                long b = c.Batch, tq = c.Tokens, tk = c.KeyTokens, hd = c.DOut / c.NumHeads;
                var queries = m.WQuery.forward(x).view(b, tq, c.NumHeads, hd).transpose(1, 2);  // (b, h, Tq, hd)
                var keys = m.WKey.forward(xkv).view(b, tk, c.NumHeads, hd).transpose(1, 2);     // (b, h, Tk, hd)
                var values = m.WValue.forward(xkv).view(b, tk, c.NumHeads, hd).transpose(1, 2);
                var scores = queries.matmul(keys.transpose(2, 3));
                script.Line($"q = module.W_query(x_q).view({b}, {tq}, {c.NumHeads}, {hd}).transpose(1, 2)", $"var q = module.WQuery.forward(xq).view({b}, {tq}, {c.NumHeads}, {hd}).transpose(1, 2);");
                script.Line($"k, v = (layer(x_kv).view({b}, {tk}, {c.NumHeads}, {hd}).transpose(1, 2) for layer in (module.W_key, module.W_value))",
                    $"var k = module.WKey.forward(xkv).view({b}, {tk}, {c.NumHeads}, {hd}).transpose(1, 2); /* v likewise */");
                script.Line("scores = q @ k.transpose(2, 3)", "var scores = q.matmul(k.transpose(2, 3));");
                if (c.Lengths is not null)
                {
                    using var allowed = Allowed(script, c.Tokens, c.KeyTokens, c.Lengths, causal: false);
                    scores = scores.masked_fill(allowed.unsqueeze(1).logical_not(), double.NegativeInfinity);
                    script.Line("scores = scores.masked_fill(~allowed[:, None], -torch.inf)", "scores = scores.masked_fill(allowed.unsqueeze(1).logical_not(), double.NegativeInfinity);");
                }
                weights = torch.softmax(scores / Math.Sqrt(hd), -1);                              // (b, h, Tq, Tk)
                output = m.OutProj.forward(weights.matmul(values).transpose(1, 2).contiguous().view(b, tq, c.DOut));
                script.Line($"weights = torch.softmax(scores / {hd}**0.5, dim=-1)", $"var weights = torch.softmax(scores / Math.Sqrt({hd}), -1);");
                script.Line($"output = module.out_proj((weights @ v).transpose(1, 2).contiguous().view({b}, {tq}, {c.DOut}))",
                    $"var output = module.OutProj.forward(weights.matmul(v).transpose(1, 2).contiguous().view({b}, {tq}, {c.DOut}));");
                break;
            }
            case "CrossAttention":
            {
                using var m = new CrossAttentionTs(c.DIn, c.DInKeyValue, c.DOut, c.QkvBias);
                script.Line($"module = CrossAttention({c.DIn}, {c.DInKeyValue}, {c.DOut}, qkv_bias={Script.PyBool(c.QkvBias)})",
                    $"var module = new CrossAttentionTs({c.DIn}, {c.DInKeyValue}, {c.DOut}, qkvBias: {Script.CsBool(c.QkvBias)});");
                AddLinear(parameters, "W_query", m.WQuery);
                AddLinear(parameters, "W_key", m.WKey);
                AddLinear(parameters, "W_value", m.WValue);
                x = torch.rand(c.Batch, c.Tokens, c.DIn);
                xkv = torch.rand(c.Batch, c.KeyTokens, c.DInKeyValue);
                script.Line($"x_q = torch.rand({c.Batch}, {c.Tokens}, {c.DIn})", $"var xq = torch.rand({c.Batch}, {c.Tokens}, {c.DIn});");
                script.Line($"x_kv = torch.rand({c.Batch}, {c.KeyTokens}, {c.DInKeyValue})", $"var xkv = torch.rand({c.Batch}, {c.KeyTokens}, {c.DInKeyValue});");
                m.eval();
                script.Line("module.eval()", "module.eval();");
                Tensor? allowed = c.Lengths is null ? null : Allowed(script, c.Tokens, c.KeyTokens, c.Lengths, causal: false);
                using var allowedDispose = allowed;
                output = m.forward(x, xkv, allowed);
                weights = m.LastWeights!;
                script.Line(allowed is null ? "output = module(x_q, x_kv)" : "output = module(x_q, x_kv, allowed)",
                    allowed is null ? "var output = module.forward(xq, xkv, null);" : "var output = module.forward(xq, xkv, allowed);");
                break;
            }
            default:
                throw new ArgumentException($"unknown class {c.Class}");
        }
        using var xDispose = x;
        using var xkvDispose = xkv;
        using var outputDispose = output;
        using var weightsDispose = weights;
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", c.Class)
            .Add("batch", c.Batch).Add("heads", (long)c.NumHeads).Add("queries", c.Tokens).Add("keys", c.KeyTokens)
            .Add("dIn", c.DIn).Add("dInKeyValue", c.DInKeyValue).Add("dOut", c.DOut)
            .Add("contextLength", c.ContextLength).Add("qkvBias", c.QkvBias)
            .Add("lengths", c.Lengths)
            .Add("parameters", parameters)
            .Add("inputs", Script.Values(x))
            .Add("keyValueInputs", xkv is null ? null : Script.Values(xkv))
            .Add("outputs", Script.Values(output))
            .Add("weightsShape", weights.shape)
            .Add("weights", Script.Values(weights));
    }

    /// <summary>The padded batch: the book's inputs and their first three rows followed by zero rows, or torch.rand.</summary>
    private static Tensor Inputs(Script script, ModuleCase c)
    {
        if (!c.BookInputs)
        {
            script.Line($"x = torch.rand({c.Batch}, {c.Tokens}, {c.DIn})", $"var x = torch.rand({c.Batch}, {c.Tokens}, {c.DIn});");
            return torch.rand(c.Batch, c.Tokens, c.DIn);
        }
        using var inputs = torch.tensor(AttentionNotebooks.SampleData.Inputs().ToRowMajorArray(), [6, 3]);
        using var shortOne = torch.cat([inputs.narrow(0, 0, 3), torch.zeros(3, 3)], 0);
        script.Line("inputs = torch.tensor([[0.43, 0.15, 0.89], [0.55, 0.87, 0.66], [0.57, 0.85, 0.64], [0.22, 0.58, 0.33], [0.77, 0.25, 0.10], [0.05, 0.80, 0.55]])",
            "var inputs = torch.tensor(SampleData.Inputs().ToRowMajorArray(), new long[] { 6, 3 });");
        script.Line("x = torch.stack((inputs, torch.cat((inputs[:3], torch.zeros(3, 3)))))",
            "var x = torch.stack(new[] { inputs, torch.cat(new[] { inputs.narrow(0, 0, 3), torch.zeros(3, 3) }, 0) });");
        return torch.stack([inputs, shortOne]);
    }

    private static int[] Ints(Tensor t)
    {
        using var c = t.to_type(ScalarType.Int32).contiguous();
        return c.data<int>().ToArray();
    }

    internal static void AddLinear(List<JsonFields> parameters, string name, TorchSharp.Modules.Linear layer)
    {
        parameters.Add(new JsonFields().Add("name", $"{name}.weight").Add("shape", layer.weight!.shape).Add("values", Script.Values(layer.weight)));
        if (layer.bias is not null)
            parameters.Add(new JsonFields().Add("name", $"{name}.bias").Add("shape", layer.bias.shape).Add("values", Script.Values(layer.bias)));
    }
}

/// <summary>
/// Cross-attention in the book's style: W_query = nn.Linear(d_in_q, d_out), W_key and W_value = nn.Linear(d_in_kv, d_out),
/// created in that order; softmax(Q·Kᵀ / √d_out) V with an optional boolean mask (True = may attend).
/// </summary>
internal sealed class CrossAttentionTs : Module<Tensor, Tensor, Tensor?, Tensor>
{
    public CrossAttentionTs(long dInQuery, long dInKeyValue, long dOut, bool qkvBias) : base("CrossAttention")
    {
        WQuery = Linear(dInQuery, dOut, qkvBias);
        WKey = Linear(dInKeyValue, dOut, qkvBias);
        WValue = Linear(dInKeyValue, dOut, qkvBias);
        RegisterComponents();
    }

    public TorchSharp.Modules.Linear WQuery { get; }

    public TorchSharp.Modules.Linear WKey { get; }

    public TorchSharp.Modules.Linear WValue { get; }

    /// <summary>(batch, Tq, Tk).</summary>
    public Tensor? LastWeights { get; private set; }

    public override Tensor forward(Tensor queryInputs, Tensor keyValueInputs, Tensor? allowed)
    {
        var queries = WQuery.forward(queryInputs);
        var keys = WKey.forward(keyValueInputs);
        var values = WValue.forward(keyValueInputs);
        var scores = queries.matmul(keys.transpose(1, 2));
        if (allowed is not null)
            scores = scores.masked_fill(allowed.logical_not(), double.NegativeInfinity);
        LastWeights = torch.softmax(scores / Math.Sqrt(keys.shape[^1]), -1);
        return LastWeights.matmul(values);
    }
}
