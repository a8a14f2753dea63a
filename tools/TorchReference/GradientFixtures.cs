using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// libtorch autograd as the reference for the library's hand-written backward passes: each entry builds a module (or
/// a function's inputs) after torch.manual_seed, runs it forward, draws a seeded upstream gradient with torch.randn,
/// calls backward, and records every parameter and input with its gradient.
/// </summary>
internal static class GradientFixtures
{
    /// <summary>One case: the kind of computation and its sizes.</summary>
    private sealed record Config(string Kind, long Seed, long Batch, long Tokens, long DIn, long DOut, int NumHeads, bool Bias, bool Causal, string Note);

    private static readonly Config[] Configs =
    [
        new("Linear", 301, 1, 5, 4, 3, 1, true, false, "nn.Linear(4, 3) on 5 tokens"),
        new("Linear", 302, 1, 7, 6, 2, 1, false, false, "nn.Linear(6, 2, bias=False)"),
        new("softmax", 311, 1, 6, 0, 9, 1, false, false, "softmax over rows of randn(6, 9) * 3"),
        new("softmax", 312, 1, 7, 0, 7, 1, false, true, "softmax of causally masked randn(7, 7) * 3"),
        new("sdpa", 321, 2, 6, 0, 4, 2, false, true, "scaled_dot_product_attention, causal, (2, 2, 6, 4)"),
        new("sdpa", 322, 1, 5, 0, 3, 3, false, false, "scaled_dot_product_attention, full, (1, 3, 5, 3)"),
        new("sdpa", 323, 1, 1, 0, 80, 2, false, true, "scaled_dot_product_attention, causal, (1, 2, 1, 80): one token"),
        new("sdpa", 324, 1, 65, 0, 64, 1, false, true, "scaled_dot_product_attention, causal, (1, 1, 65, 64): one past a 64-query tile"),
        new("sdpa", 325, 1, 200, 0, 3, 2, false, false, "scaled_dot_product_attention, full, (1, 2, 200, 3)"),
        new("sdpa", 326, 2, 63, 0, 1, 1, false, true, "scaled_dot_product_attention, causal, (2, 1, 63, 1)"),
        new("CausalAttention", 331, 2, 6, 3, 2, 1, false, true, "CausalAttention(3, 2, 6, 0.0) on torch.rand(2, 6, 3)"),
        new("CausalAttention", 332, 3, 5, 4, 5, 1, true, true, "CausalAttention(4, 5, 7, 0.0, qkv_bias=True), tokens < context_length"),
        new("MultiHeadAttention", 341, 2, 6, 3, 4, 2, false, true, "MultiHeadAttention(3, 4, 6, 0.0, num_heads=2)"),
        new("MultiHeadAttention", 342, 2, 7, 5, 6, 3, true, true, "MultiHeadAttention(5, 6, 9, 0.0, num_heads=3, qkv_bias=True)"),
        new("AdamW", 361, 1, 10, 0, 0, 1, false, false, "torch.optim.AdamW(lr=0.01) for 10 steps on randn(5, 4) with randn gradients"),
        new("LookBackModel", 351, 3, 8, 0, 8, 1, true, true, "LookBackModel(vocab 7, emb 8, context 10): one F.cross_entropy(...).backward() with targets x[t-2]"),
    ];

    public static JsonFields Build() => new JsonFields()
        .Add("description", "libtorch autograd gradients for the library's backward passes (lib/AttentionNotebooks/Training). " +
            "Each entry: after torch.manual_seed(seed) the module is built (or the inputs drawn), inputs are drawn with torch.rand, " +
            "the forward pass runs, an upstream gradient is drawn with torch.randn (except LookBackModel, whose loss is a scalar), " +
            "and backward() fills every 'grad'. 'tensors' lists parameters (state_dict names) and inputs with shape, values and " +
            "gradient, float32 row-major.")
        .Add("entries", Configs.Select(Entry).ToList());

    private static JsonFields Entry(Config c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"{c.Kind}: {c.Note}", c.Seed);
        script.Seed(c.Seed);
        var tensors = new List<(string Name, Tensor Tensor)>();
        float? loss = null;
        Tensor? upstream = null;
        switch (c.Kind)
        {
            case "Linear":
            {
                var layer = nn.Linear(c.DIn, c.DOut, c.Bias);
                script.Line($"layer = nn.Linear({c.DIn}, {c.DOut}, bias={Script.PyBool(c.Bias)})", $"var layer = nn.Linear({c.DIn}, {c.DOut}, hasBias: {Script.CsBool(c.Bias)});");
                var x = Input(script, "x", [c.Tokens, c.DIn]);
                var y = layer.forward(x);
                script.Line("y = layer(x)", "var y = layer.forward(x);");
                upstream = Backward(script, y, "y");
                tensors.Add(("weight", layer.weight!));
                if (layer.bias is not null)
                    tensors.Add(("bias", layer.bias));
                tensors.Add(("x", x));
                break;
            }
            case "softmax":
            {
                var s = torch.randn(c.Tokens, c.DOut).mul(3).requires_grad_();
                script.Line($"s = (torch.randn({c.Tokens}, {c.DOut}) * 3).requires_grad_()", $"var s = torch.randn({c.Tokens}, {c.DOut}).mul(3).requires_grad_();");
                var scores = s;
                if (c.Causal)
                {
                    var mask = torch.triu(torch.ones(c.Tokens, c.DOut), 1).to_type(ScalarType.Bool);
                    scores = s.masked_fill(mask, double.NegativeInfinity);
                    script.Line($"scores = s.masked_fill(torch.triu(torch.ones({c.Tokens}, {c.DOut}), 1).bool(), -torch.inf)",
                        $"var scores = s.masked_fill(torch.triu(torch.ones({c.Tokens}, {c.DOut}), 1).to_type(ScalarType.Bool), double.NegativeInfinity);");
                }
                else
                    script.Line("scores = s", "var scores = s;");
                var a = torch.softmax(scores, -1);
                script.Line("a = torch.softmax(scores, dim=-1)", "var a = torch.softmax(scores, -1);");
                upstream = Backward(script, a, "a");
                tensors.Add(("s", s));
                break;
            }
            case "sdpa":
            {
                long[] shape = [c.Batch, c.NumHeads, c.Tokens, c.DOut];
                var q = Input(script, "q", shape);
                var k = Input(script, "k", shape);
                var v = Input(script, "v", shape);
                var z = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_casual: c.Causal);
                script.Line($"z = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal={Script.PyBool(c.Causal)})",
                    $"var z = torch.nn.functional.scaled_dot_product_attention(q, k, v, is_casual: {Script.CsBool(c.Causal)});");
                upstream = Backward(script, z, "z");
                tensors.Add(("q", q));
                tensors.Add(("k", k));
                tensors.Add(("v", v));
                break;
            }
            case "CausalAttention":
            {
                long context = c.Tokens + (c.Bias ? 2 : 0);
                var m = new CausalAttentionTs(c.DIn, c.DOut, context, 0.0, c.Bias);
                script.Line($"module = CausalAttention({c.DIn}, {c.DOut}, {context}, 0.0, qkv_bias={Script.PyBool(c.Bias)})",
                    $"var module = new CausalAttentionTs({c.DIn}, {c.DOut}, {context}, 0.0, qkvBias: {Script.CsBool(c.Bias)});");
                var x = Input(script, "x", [c.Batch, c.Tokens, c.DIn]);
                var y = m.forward(x);
                script.Line("y = module(x)", "var y = module.forward(x);");
                upstream = Backward(script, y, "y");
                AddLinear(tensors, "W_query", m.WQuery);
                AddLinear(tensors, "W_key", m.WKey);
                AddLinear(tensors, "W_value", m.WValue);
                tensors.Add(("x", x));
                break;
            }
            case "MultiHeadAttention":
            {
                long context = c.Tokens + (c.Bias ? 2 : 0);
                var m = new MultiHeadAttentionTs(c.DIn, c.DOut, context, 0.0, c.NumHeads, c.Bias);
                script.Line($"module = MultiHeadAttention({c.DIn}, {c.DOut}, {context}, 0.0, num_heads={c.NumHeads}, qkv_bias={Script.PyBool(c.Bias)})",
                    $"var module = new MultiHeadAttentionTs({c.DIn}, {c.DOut}, {context}, 0.0, numHeads: {c.NumHeads}, qkvBias: {Script.CsBool(c.Bias)});");
                var x = Input(script, "x", [c.Batch, c.Tokens, c.DIn]);
                var y = m.forward(x);
                script.Line("y = module(x)", "var y = module.forward(x);");
                upstream = Backward(script, y, "y");
                AddLinear(tensors, "W_query", m.WQuery);
                AddLinear(tensors, "W_key", m.WKey);
                AddLinear(tensors, "W_value", m.WValue);
                AddLinear(tensors, "out_proj", m.OutProj);
                tensors.Add(("x", x));
                break;
            }
            case "AdamW":
            {
                var w = nn.Parameter(torch.randn(5, 4));
                script.Line("w = nn.Parameter(torch.randn(5, 4))", "var w = nn.Parameter(torch.randn(5, 4));");
                var initial = Script.Values(w);
                var optimizer = torch.optim.AdamW([w], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
                script.Line("optimizer = torch.optim.AdamW([w], lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)",
                    "var optimizer = torch.optim.AdamW(new[] { w }, lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);");
                script.Line($"for step in range({c.Tokens}): w.grad = torch.randn(5, 4); optimizer.step()",
                    $"for (int step = 0; step < {c.Tokens}; step++) {{ w.grad = torch.randn(5, 4); optimizer.step(); }}");
                var grads = new List<float>();
                var values = new List<float>();
                for (int step = 0; step < c.Tokens; step++)
                {
                    var g = torch.randn(5, 4);
                    grads.AddRange(Script.Values(g));
                    w.grad = g;
                    optimizer.step();
                    values.AddRange(Script.Values(w));
                }
                header.Add("adamInitial", initial).Add("adamGradients", grads.ToArray()).Add("adamValues", values.ToArray());
                break;
            }
            case "LookBackModel":
            {
                const long vocab = 7, context = 10, offset = 2;
                var m = new LookBackModelTs(vocab, c.DOut, context);
                script.Line($"model = LookBackModel({vocab}, {c.DOut}, {context})", $"var model = new LookBackModelTs({vocab}, {c.DOut}, {context});");
                var idx = torch.randint(0, vocab, [c.Batch, c.Tokens]);
                script.Line($"idx = torch.randint(0, {vocab}, ({c.Batch}, {c.Tokens}))", $"var idx = torch.randint(0, {vocab}, new long[] {{ {c.Batch}, {c.Tokens} }});");
                var targets = LookBackModelTs.Targets(idx, offset);
                script.Line(LookBackModelTs.TargetsPython("idx", offset), LookBackModelTs.TargetsTorchSharp("idx", offset));
                var logits = m.forward(idx);
                var lossTensor = torch.nn.functional.cross_entropy(logits.view(-1, vocab), targets.view(-1));
                script.Line($"loss = F.cross_entropy(model(idx).view(-1, {vocab}), targets.view(-1))",
                    $"var loss = torch.nn.functional.cross_entropy(model.forward(idx).view(-1, {vocab}), targets.view(-1));");
                lossTensor.backward();
                script.Line("loss.backward()", "loss.backward();");
                loss = lossTensor.item<float>();
                foreach (var (name, p) in m.PyTorchNamedParameters())
                    tensors.Add((name, p));
                header.Add("tokenIds", idx.data<long>().ToArray().Select(i => (int)i).ToArray());
                header.Add("targets", targets.data<long>().ToArray().Select(i => (int)i).ToArray());
                header.Add("vocab", vocab).Add("context", context).Add("offset", offset);
                break;
            }
            default:
                throw new ArgumentException($"unknown kind {c.Kind}");
        }
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", c.Kind)
            .Add("batch", c.Batch)
            .Add("tokens", c.Tokens)
            .Add("dIn", c.DIn)
            .Add("dOut", c.DOut)
            .Add("numHeads", c.NumHeads)
            .Add("bias", c.Bias)
            .Add("causal", c.Causal)
            .Add("loss", loss)
            .Add("upstream", upstream is null ? null : Tensor("upstream", upstream, withGrad: false))
            .Add("tensors", tensors.Select(t => Tensor(t.Name, t.Tensor, withGrad: true)).ToList());
    }

    private static Tensor Input(Script script, string name, long[] shape)
    {
        var t = torch.rand(shape).requires_grad_();
        script.Line($"{name} = torch.rand({Script.Dims(shape)}).requires_grad_()", $"var {name} = torch.rand({Script.Dims(shape)}).requires_grad_();");
        return t;
    }

    private static Tensor Backward(Script script, Tensor output, string name)
    {
        var upstream = torch.randn(output.shape);
        script.Line($"d{name} = torch.randn({name}.shape)", $"var d{name} = torch.randn({name}.shape);");
        output.backward([upstream]);
        script.Line($"{name}.backward(d{name})", $"{name}.backward(new[] {{ d{name} }});");
        return upstream;
    }

    private static void AddLinear(List<(string, Tensor)> tensors, string name, TorchSharp.Modules.Linear layer)
    {
        tensors.Add(($"{name}.weight", layer.weight!));
        if (layer.bias is not null)
            tensors.Add(($"{name}.bias", layer.bias));
    }

    private static JsonFields Tensor(string name, Tensor t, bool withGrad)
    {
        var f = new JsonFields().Add("name", name).Add("shape", t.shape).Add("values", Script.Values(t));
        if (withGrad)
        {
            var grad = t.grad ?? throw new InvalidOperationException($"{name} has no gradient");
            f.Add("grad", Script.Values(grad));
        }
        return f;
    }
}
