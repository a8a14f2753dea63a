using AttentionNotebooks;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// The book's attention classes (rebuilt in <see cref="BookModules"/>) after torch.manual_seed: their parameters in
/// creation order, the inputs, the outputs and the attention weights, dropout 0 in evaluation mode.
/// </summary>
internal static class ModuleFixtures
{
    private const string BookInputsPython =
        "inputs = torch.tensor([[0.43, 0.15, 0.89], [0.55, 0.87, 0.66], [0.57, 0.85, 0.64], [0.22, 0.58, 0.33], [0.77, 0.25, 0.10], [0.05, 0.80, 0.55]])";

    private const string BookInputsTorchSharp =
        "var inputs = torch.tensor(new float[] { 0.43f, 0.15f, 0.89f, 0.55f, 0.87f, 0.66f, 0.57f, 0.85f, 0.64f, 0.22f, 0.58f, 0.33f, 0.77f, 0.25f, 0.10f, 0.05f, 0.80f, 0.55f }, new long[] { 6, 3 });";

    /// <summary>One configuration: the class, its sizes, and whether the inputs are the book's six embeddings.</summary>
    private sealed record Config(string Class, long Seed, long Batch, long Tokens, long DIn, long DOut, int NumHeads, long ContextLength, bool QkvBias, bool BookInputs, string Note);

    private static readonly Config[] Configs =
    [
        new("SelfAttention_v1", 123, 1, 6, 3, 2, 1, 6, false, true, "book: sa_v1 = SelfAttention_v1(d_in=3, d_out=2) after torch.manual_seed(123)"),
        new("SelfAttention_v1", 5, 1, 7, 4, 3, 1, 7, false, false, "non-square, random inputs"),
        new("SelfAttention_v2", 789, 1, 6, 3, 2, 1, 6, false, true, "book: sa_v2 = SelfAttention_v2(d_in=3, d_out=2) after torch.manual_seed(789)"),
        new("SelfAttention_v2", 11, 1, 5, 3, 4, 1, 5, true, false, "qkv_bias=True, d_out > d_in"),
        new("SelfAttention_v2", 12, 1, 1, 1, 1, 1, 1, false, false, "one token, one feature"),
        new("SelfAttention_v2", 13, 1, 9, 8, 5, 1, 9, true, false, "odd sizes with bias"),
        new("CausalAttention", 123, 2, 6, 3, 2, 1, 6, false, true, "book: ca = CausalAttention(3, 2, 6, 0.0) on torch.stack((inputs, inputs))"),
        new("CausalAttention", 21, 3, 5, 4, 3, 1, 7, true, false, "tokens < context_length, qkv_bias=True"),
        new("CausalAttention", 22, 1, 1, 2, 2, 1, 1, false, false, "one token"),
        new("CausalAttention", 23, 2, 17, 5, 7, 1, 20, false, false, "17 tokens, odd sizes"),
        new("MultiHeadAttentionWrapper", 123, 2, 6, 3, 2, 2, 6, false, true, "book: MultiHeadAttentionWrapper(3, 2, 6, 0.0, num_heads=2)"),
        new("MultiHeadAttentionWrapper", 31, 2, 4, 5, 3, 3, 6, true, false, "three heads, qkv_bias=True"),
        new("MultiHeadAttention", 123, 2, 6, 3, 2, 2, 6, false, true, "book: MultiHeadAttention(3, 2, 6, 0.0, num_heads=2)"),
        new("MultiHeadAttention", 41, 2, 6, 6, 6, 3, 6, true, false, "three heads of 2, qkv_bias=True"),
        new("MultiHeadAttention", 42, 1, 7, 5, 4, 1, 7, false, false, "one head, non-square"),
        new("MultiHeadAttention", 43, 2, 17, 8, 8, 4, 17, false, false, "17 tokens, four heads"),
        new("MultiHeadAttention", 44, 1, 3, 3, 9, 3, 5, true, false, "heads of 3, tokens < context_length"),
    ];

    public static JsonFields Build()
    {
        var entries = Configs.Select(Entry).ToList();
        return new JsonFields()
            .Add("description", "The attention classes of 'Build a Large Language Model (From Scratch)', chapter 3, rebuilt in TorchSharp " +
                "(tools/TorchReference/BookModules.cs) and run by libtorch with dropout 0 in evaluation mode. 'parameters' lists every " +
                "parameter in creation order under its PyTorch state_dict name, with PyTorch's shape ((out, in) for nn.Linear weights, " +
                "(d_in, d_out) for SelfAttention_v1's matrices). Arrays are float32 in row-major order.")
            .Add("entries", entries);
    }

    private static JsonFields Entry(Config c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"{c.Class}: {c.Note}", c.Seed);
        script.Seed(c.Seed);
        bool batched = c.Class is not ("SelfAttention_v1" or "SelfAttention_v2");
        var parameters = new List<JsonFields>();
        Func<Tensor, Tensor> forward;
        Func<Tensor?> lastWeights;
        IDisposable module;
        string pyCtor, csCtor;
        switch (c.Class)
        {
            case "SelfAttention_v1":
            {
                var m = new SelfAttentionV1(c.DIn, c.DOut);
                Add(parameters, "W_query", m.WQuery);
                Add(parameters, "W_key", m.WKey);
                Add(parameters, "W_value", m.WValue);
                (forward, lastWeights, module) = (m.forward, () => m.LastWeights, m);
                pyCtor = $"module = SelfAttention_v1({c.DIn}, {c.DOut})";
                csCtor = $"var module = new SelfAttentionV1({c.DIn}, {c.DOut});";
                break;
            }
            case "SelfAttention_v2":
            {
                var m = new SelfAttentionV2(c.DIn, c.DOut, c.QkvBias);
                AddLinear(parameters, "W_query", m.WQuery);
                AddLinear(parameters, "W_key", m.WKey);
                AddLinear(parameters, "W_value", m.WValue);
                (forward, lastWeights, module) = (m.forward, () => m.LastWeights, m);
                pyCtor = $"module = SelfAttention_v2({c.DIn}, {c.DOut}, qkv_bias={Script.PyBool(c.QkvBias)})";
                csCtor = $"var module = new SelfAttentionV2({c.DIn}, {c.DOut}, qkvBias: {Script.CsBool(c.QkvBias)});";
                break;
            }
            case "CausalAttention":
            {
                var m = new CausalAttentionTs(c.DIn, c.DOut, c.ContextLength, 0.0, c.QkvBias);
                AddLinear(parameters, "W_query", m.WQuery);
                AddLinear(parameters, "W_key", m.WKey);
                AddLinear(parameters, "W_value", m.WValue);
                (forward, lastWeights, module) = (m.forward, () => m.LastWeights, m);
                pyCtor = $"module = CausalAttention({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, qkv_bias={Script.PyBool(c.QkvBias)})";
                csCtor = $"var module = new CausalAttentionTs({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, qkvBias: {Script.CsBool(c.QkvBias)});";
                break;
            }
            case "MultiHeadAttentionWrapper":
            {
                var m = new MultiHeadAttentionWrapperTs(c.DIn, c.DOut, c.ContextLength, 0.0, c.NumHeads, c.QkvBias);
                for (int h = 0; h < c.NumHeads; h++)
                {
                    AddLinear(parameters, $"heads.{h}.W_query", m.Heads[h].WQuery);
                    AddLinear(parameters, $"heads.{h}.W_key", m.Heads[h].WKey);
                    AddLinear(parameters, $"heads.{h}.W_value", m.Heads[h].WValue);
                }
                (forward, lastWeights, module) = (m.forward, () => m.LastWeights, m);
                pyCtor = $"module = MultiHeadAttentionWrapper({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, num_heads={c.NumHeads}, qkv_bias={Script.PyBool(c.QkvBias)})";
                csCtor = $"var module = new MultiHeadAttentionWrapperTs({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, numHeads: {c.NumHeads}, qkvBias: {Script.CsBool(c.QkvBias)});";
                break;
            }
            case "MultiHeadAttention":
            {
                var m = new MultiHeadAttentionTs(c.DIn, c.DOut, c.ContextLength, 0.0, c.NumHeads, c.QkvBias);
                AddLinear(parameters, "W_query", m.WQuery);
                AddLinear(parameters, "W_key", m.WKey);
                AddLinear(parameters, "W_value", m.WValue);
                AddLinear(parameters, "out_proj", m.OutProj);
                (forward, lastWeights, module) = (m.forward, () => m.LastWeights, m);
                pyCtor = $"module = MultiHeadAttention({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, num_heads={c.NumHeads}, qkv_bias={Script.PyBool(c.QkvBias)})";
                csCtor = $"var module = new MultiHeadAttentionTs({c.DIn}, {c.DOut}, {c.ContextLength}, 0.0, numHeads: {c.NumHeads}, qkvBias: {Script.CsBool(c.QkvBias)});";
                break;
            }
            default:
                throw new ArgumentException($"unknown class {c.Class}");
        }
        using var disposeModule = module;
        script.Line(pyCtor, csCtor);

        Tensor x;
        if (c.BookInputs)
        {
            var inputs = torch.tensor(BookInputs(), [6, 3]);
            script.Line(BookInputsPython, BookInputsTorchSharp);
            if (batched)
            {
                x = torch.stack([inputs, inputs]);
                script.Line("x = torch.stack((inputs, inputs), dim=0)", "var x = torch.stack(new[] { inputs, inputs });");
            }
            else
            {
                x = inputs;
                script.Line("x = inputs", "var x = inputs;");
            }
        }
        else
        {
            long[] shape = batched ? [c.Batch, c.Tokens, c.DIn] : [c.Tokens, c.DIn];
            x = torch.rand(shape);
            script.Line($"x = torch.rand({Script.Dims(shape)})", $"var x = torch.rand({Script.Dims(shape)});");
        }
        using var xDispose = x;
        script.Line("module.eval()", "module.eval();");
        using var noGrad = torch.no_grad();
        using var output = forward(x);
        script.Line("output = module(x)", "var output = module.forward(x);");
        var weights = lastWeights() ?? throw new InvalidOperationException("no attention weights recorded");

        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("class", c.Class)
            .Add("batch", batched ? c.Batch : null)
            .Add("tokens", c.Tokens)
            .Add("dIn", c.DIn)
            .Add("dOut", c.DOut)
            .Add("numHeads", c.NumHeads)
            .Add("contextLength", c.ContextLength)
            .Add("qkvBias", c.QkvBias)
            .Add("dropout", 0.0)
            .Add("parameters", parameters)
            .Add("inputShape", x.shape)
            .Add("inputs", Script.Values(x))
            .Add("outputShape", output.shape)
            .Add("outputs", Script.Values(output))
            .Add("weightsShape", weights.shape)
            .Add("weights", Script.Values(weights));
    }

    private static float[] BookInputs()
    {
        var m = SampleData.Inputs();
        return m.ToRowMajorArray();
    }

    private static void Add(List<JsonFields> parameters, string name, Tensor value) =>
        parameters.Add(new JsonFields().Add("name", name).Add("shape", value.shape).Add("values", Script.Values(value)));

    private static void AddLinear(List<JsonFields> parameters, string name, TorchSharp.Modules.Linear layer)
    {
        Add(parameters, $"{name}.weight", layer.weight);
        if (layer.bias is not null)
            Add(parameters, $"{name}.bias", layer.bias);
    }
}
