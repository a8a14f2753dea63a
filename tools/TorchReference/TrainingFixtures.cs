using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// Training runs of notebook 06's task 1 ("look back k") in TorchSharp: the model after torch.manual_seed(seed),
/// batches from torch.randint with a separately seeded generator, F.cross_entropy, torch.optim.AdamW; every step's loss.
/// </summary>
internal static class TrainingFixtures
{
    /// <summary>The run's hyper-parameters (the C# test replays the same).</summary>
    private sealed record Config(long Seed, long DataSeed, long Vocab, long Dim, long Context, long Batch, long Offset, int Steps, double Lr);

    private static readonly Config[] Configs =
    [
        new(123, 456, 16, 16, 12, 16, 1, 200, 3e-3),
        new(123, 456, 16, 16, 12, 16, 2, 200, 3e-3),
    ];

    public static JsonFields Build() => new JsonFields()
        .Add("description", "Task 1 of notebook 06 trained by libtorch through TorchSharp: LookBackModel (tools/TorchReference/LookBackModelTs.cs) " +
            "built after torch.manual_seed(seed); each step draws idx = torch.randint(0, vocab, (batch, tokens), generator=data) with " +
            "data = torch.Generator().manual_seed(dataSeed), targets[:, t] = idx[:, t - offset] (-100 before), loss = F.cross_entropy, " +
            "optimizer.zero_grad(), loss.backward(), optimizer.step() with torch.optim.AdamW(lr, betas (0.9, 0.999), eps 1e-8, " +
            "weight_decay 0.01; passed explicitly, as TorchSharp's factory defaults differ). 'losses' holds every step's loss before " +
            "its update; 'initialParameters' the weights before training; 'firstBatch' the first step's idx.")
        .Add("entries", Configs.Select(Entry).ToList());

    private static JsonFields Entry(Config c)
    {
        var script = new Script();
        var header = TorchInfo.Header($"look back {c.Offset}: vocab {c.Vocab}, emb {c.Dim}, context {c.Context}, batch {c.Batch}, {c.Steps} steps, lr {c.Lr}", c.Seed);
        script.Seed(c.Seed);
        using var model = new LookBackModelTs(c.Vocab, c.Dim, c.Context);
        script.Line($"model = LookBackModel({c.Vocab}, {c.Dim}, {c.Context})", $"var model = new LookBackModelTs({c.Vocab}, {c.Dim}, {c.Context});");
        var initial = model.PyTorchNamedParameters()
            .Select(np => new JsonFields().Add("name", np.Name).Add("shape", np.Parameter.shape).Add("values", Script.Values(np.Parameter)))
            .ToList();
        using var data = new torch.Generator((ulong)c.DataSeed);
        script.Line($"data = torch.Generator().manual_seed({c.DataSeed})", $"var data = new torch.Generator({c.DataSeed});");
        var optimizer = torch.optim.AdamW(model.parameters(), lr: c.Lr, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
        script.Line($"optimizer = torch.optim.AdamW(model.parameters(), lr={Script.Num(c.Lr)}, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)",
            $"var optimizer = torch.optim.AdamW(model.parameters(), lr: {Script.Num(c.Lr)}, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);");
        script.Line($"for step in range({c.Steps}):", $"for (int step = 0; step < {c.Steps}; step++) {{");
        script.Line($"    idx = torch.randint(0, {c.Vocab}, ({c.Batch}, {c.Context}), generator=data)",
            $"    var idx = torch.randint(0, {c.Vocab}, new long[] {{ {c.Batch}, {c.Context} }}, generator: data);");
        script.Line("    " + LookBackModelTs.TargetsPython("idx", c.Offset), "    " + LookBackModelTs.TargetsTorchSharp("idx", c.Offset));
        script.Line($"    loss = F.cross_entropy(model(idx).view(-1, {c.Vocab}), targets.view(-1))",
            $"    var loss = torch.nn.functional.cross_entropy(model.forward(idx).view(-1, {c.Vocab}), targets.view(-1));");
        script.Line("    optimizer.zero_grad(); loss.backward(); optimizer.step()", "    optimizer.zero_grad(); loss.backward(); optimizer.step(); }");
        var losses = new float[c.Steps];
        int[]? firstBatch = null;
        for (int step = 0; step < c.Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            var idx = torch.randint(0, c.Vocab, [c.Batch, c.Context], generator: data);
            firstBatch ??= idx.data<long>().ToArray().Select(i => (int)i).ToArray();
            var targets = LookBackModelTs.Targets(idx, c.Offset);
            var loss = torch.nn.functional.cross_entropy(model.forward(idx).view(-1, c.Vocab), targets.view(-1));
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            losses[step] = loss.item<float>();
        }
        double averageWeight;
        using (torch.no_grad())
        {
            var idx = torch.randint(0, c.Vocab, [64, c.Context], generator: data);
            model.forward(idx);
            var w = model.LastWeights!;
            double sum = 0;
            for (long t = c.Offset; t < c.Context; t++)
                sum += w.select(1, t).select(1, t - c.Offset).mean().item<float>();
            averageWeight = sum / (c.Context - c.Offset);
        }
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("dataSeed", c.DataSeed)
            .Add("vocab", c.Vocab)
            .Add("dim", c.Dim)
            .Add("context", c.Context)
            .Add("batch", c.Batch)
            .Add("offset", c.Offset)
            .Add("steps", c.Steps)
            .Add("lr", c.Lr)
            .Add("averageWeightOnOffset", averageWeight)
            .Add("firstBatch", firstBatch)
            .Add("initialParameters", initial)
            .Add("losses", losses);
    }
}
