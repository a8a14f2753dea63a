using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchReference;

/// <summary>
/// The two new parts of a transformer block that notebook 7's pretrained encoder needs, with libtorch as the
/// reference: <c>nn.LayerNorm</c> (with a set gain and bias, PyTorch's ε and BERT's 1e-12), the feed-forward network
/// <c>nn.Sequential(nn.Linear(d, h), nn.GELU(), nn.Linear(h, d))</c> after <c>torch.manual_seed</c>, and
/// <c>F.gelu</c> (the exact erf form) on a grid of inputs.
/// </summary>
internal static class PretrainedFixtures
{
    private sealed record LayerNormCase(long Seed, long Tokens, long Features, double Epsilon, double Scale, string Note);

    private sealed record FeedForwardCase(long Seed, long Tokens, long Features, long Hidden, string Note);

    private static readonly LayerNormCase[] LayerNormCases =
    [
        new(601, 6, 3, 1e-5, 1.0, "6 tokens x 3 features, PyTorch's eps"),
        new(602, 5, 384, 1e-12, 3.0, "5 tokens x 384 features (MiniLM's width), BERT's eps 1e-12, inputs x3"),
        new(603, 2, 8, 1e-5, 1e-3, "tiny inputs (x1e-3): eps matters"),
    ];

    private static readonly FeedForwardCase[] FeedForwardCases =
    [
        new(611, 6, 3, 12, "6 tokens, d 3, h 12"),
        new(612, 4, 32, 128, "4 tokens, d 32, h 128"),
    ];

    public static JsonFields Build() => new JsonFields()
        .Add("description", "Notebook 7's transformer-block parts from libtorch. 'layerNorm' entries: nn.LayerNorm(features, eps) " +
            "with weight and bias copied from torch.rand(features) + 0.5 and torch.randn(features), applied to torch.randn(tokens, features) * scale. " +
            "'feedForward' entries: nn.Sequential(nn.Linear(features, hidden), nn.GELU(), nn.Linear(hidden, features)) right after " +
            "torch.manual_seed(seed) (parameters under state_dict names '0.weight', '0.bias', '2.weight', '2.bias'), applied to " +
            "torch.randn(tokens, features) * 2. 'gelu': F.gelu (approximate='none') of torch.linspace(-8, 8, 321). " +
            "Arrays are float32 in row-major order.")
        .Add("entries", LayerNormCases.Select(LayerNormEntry).Concat(FeedForwardCases.Select(FeedForwardEntry)).Append(GeluEntry()).ToList());

    private static JsonFields LayerNormEntry(LayerNormCase c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"layerNorm: {c.Note}", c.Seed);
        using var noGrad = torch.no_grad();
        script.Seed(c.Seed);
        using var norm = LayerNorm(c.Features, c.Epsilon);
        script.Line($"norm = nn.LayerNorm({c.Features}, eps={Script.Num(c.Epsilon)})", $"var norm = nn.LayerNorm({c.Features}, {Script.Num(c.Epsilon)});");
        using (var w = torch.rand(c.Features) + 0.5)
            norm.weight!.copy_(w);
        using (var b = torch.randn(c.Features))
            norm.bias!.copy_(b);
        script.Line($"norm.weight.copy_(torch.rand({c.Features}) + 0.5); norm.bias.copy_(torch.randn({c.Features}))",
            $"norm.weight.copy_(torch.rand({c.Features}) + 0.5); norm.bias.copy_(torch.randn({c.Features}));");
        using var x = torch.randn(c.Tokens, c.Features) * c.Scale;
        script.Line($"x = torch.randn({c.Tokens}, {c.Features}) * {Script.Num(c.Scale)}", $"var x = torch.randn({c.Tokens}, {c.Features}) * {Script.Num(c.Scale)};");
        using var y = norm.forward(x);
        script.Line("y = norm(x)", "var y = norm.forward(x);");
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", "layerNorm")
            .Add("tokens", c.Tokens).Add("features", c.Features).Add("epsilon", c.Epsilon)
            .Add("weight", Script.Values(norm.weight!))
            .Add("bias", Script.Values(norm.bias!))
            .Add("x", Script.Values(x))
            .Add("y", Script.Values(y));
    }

    private static JsonFields FeedForwardEntry(FeedForwardCase c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"feedForward: {c.Note}", c.Seed);
        using var noGrad = torch.no_grad();
        script.Seed(c.Seed);
        using var up = Linear(c.Features, c.Hidden);
        using var gelu = GELU();
        using var down = Linear(c.Hidden, c.Features);
        using var ffn = Sequential(up, gelu, down);
        script.Line($"ffn = nn.Sequential(nn.Linear({c.Features}, {c.Hidden}), nn.GELU(), nn.Linear({c.Hidden}, {c.Features}))",
            $"var ffn = nn.Sequential(nn.Linear({c.Features}, {c.Hidden}), nn.GELU(), nn.Linear({c.Hidden}, {c.Features}));");
        using var x = torch.randn(c.Tokens, c.Features) * 2;
        script.Line($"x = torch.randn({c.Tokens}, {c.Features}) * 2", $"var x = torch.randn({c.Tokens}, {c.Features}) * 2;");
        using var y = ffn.forward(x);
        script.Line("y = ffn(x)", "var y = ffn.forward(x);");
        var parameters = new List<JsonFields>
        {
            Parameter("0.weight", up.weight!), Parameter("0.bias", up.bias!), Parameter("2.weight", down.weight!), Parameter("2.bias", down.bias!),
        };
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", "feedForward")
            .Add("tokens", c.Tokens).Add("features", c.Features).Add("hidden", c.Hidden)
            .Add("parameters", parameters)
            .Add("x", Script.Values(x))
            .Add("y", Script.Values(y));
    }

    private static JsonFields GeluEntry()
    {
        var script = new Script();
        var header = TorchInfo.Header("gelu: F.gelu on -8..8 in steps of 0.05", null);
        using var x = torch.linspace(-8, 8, 321);
        using var y = functional.gelu(x);
        script.Line("x = torch.linspace(-8, 8, 321)", "var x = torch.linspace(-8, 8, 321);");
        script.Line("y = F.gelu(x)", "var y = torch.nn.functional.gelu(x);");
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("kind", "gelu")
            .Add("x", Script.Values(x))
            .Add("y", Script.Values(y));
    }

    private static JsonFields Parameter(string name, Tensor t) =>
        new JsonFields().Add("name", name).Add("shape", t.shape).Add("values", Script.Values(t));
}
