using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// bernoulli_ and dropout after torch.manual_seed: sequences of calls on the default generator (with torch.rand calls
/// between them, which show how many numbers each call took from the generator), and the book's CausalAttention with
/// dropout 0.5 in training mode.
/// </summary>
internal static class DropoutFixtures
{
    public static JsonFields Build()
    {
        var entries = new List<JsonFields>
        {
            Sequence("book: torch.manual_seed(123); nn.Dropout(0.5) on torch.ones(6, 6)", 123, s => s.DropoutOfOnes(0.5, 6, 6)),
            Sequence("bernoulli_ of several shapes and probabilities, rand between them", 1, s =>
            {
                s.Bernoulli(0.5, 6, 6);
                s.Rand(3);
                s.Bernoulli(0.1, 1);
                s.Bernoulli(0.9, 7, 3);
                s.Rand(2);
                s.Bernoulli(0.25, 5);
                s.Bernoulli(0.0, 4);
                s.Bernoulli(1.0, 4);
                s.Rand(1);
            }),
            Sequence("bernoulli_ past the first twist of the Mersenne Twister (2 x 700 draws)", 9, s => { s.Bernoulli(0.5, 700); s.Rand(4); }),
            Sequence("bernoulli_ larger than libtorch's parallel grain (800 elements)", 2, s => { s.Bernoulli(0.3, 40, 50); s.Rand(4); }),
        };
        foreach (long seed in new long[] { 0, 7, 123, 2024 })
            entries.Add(Sequence("dropout of torch.rand inputs, training mode, several p", seed, s =>
            {
                s.DropoutOfRand(0.5, 6, 6);
                s.DropoutOfRand(0.1, 4, 9);
                s.DropoutOfRand(0.2, 17);
                s.DropoutOfRand(0.9, 3, 5);
                s.DropoutOfRand(0.3, 33, 31);
                s.Rand(3);
            }));
        entries.Add(BookCausalAttention());
        return new JsonFields()
            .Add("description", "Tensor.bernoulli_(p) and torch.nn.functional.dropout(x, p, training=True) after torch.manual_seed, from libtorch, " +
                "and the book's CausalAttention (tools/TorchReference/BookModules.cs) with dropout 0.5 in training mode. Each entry is one " +
                "sequence of calls on the default CPU generator; values are float32 in memory (row-major) order. 'cpuVendor' is the CPU's " +
                "vendor: libtorch's MKL build takes MKL's Bernoulli kernel only on Intel CPUs, the portable kernel elsewhere.")
            .Add("entries", entries);
    }

    /// <summary>The CPU vendor from /proc/cpuinfo (GenuineIntel, AuthenticAMD, ...), which selects libtorch's bernoulli_ kernel.</summary>
    private static string CpuVendor()
    {
        const string path = "/proc/cpuinfo";
        if (!File.Exists(path))
            return "unknown";
        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("vendor_id", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    private static JsonFields Sequence(string name, long seed, Action<Steps> body)
    {
        var script = new Script();
        var header = TorchInfo.Header(name, seed).Add("cpuVendor", CpuVendor());
        script.Seed(seed);
        var steps = new Steps(script);
        body(steps);
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("steps", steps.Recorded);
    }

    /// <summary>torch.manual_seed(123); ca = CausalAttention(3, 2, 6, 0.5) (training mode); ca(torch.stack((inputs, inputs))).</summary>
    private static JsonFields BookCausalAttention()
    {
        var script = new Script();
        var header = TorchInfo.Header("book: CausalAttention(3, 2, 6, 0.5) in training mode on torch.stack((inputs, inputs))", 123)
            .Add("cpuVendor", CpuVendor());
        script.Seed(123);
        float[] book = [0.43f, 0.15f, 0.89f, 0.55f, 0.87f, 0.66f, 0.57f, 0.85f, 0.64f, 0.22f, 0.58f, 0.33f, 0.77f, 0.25f, 0.10f, 0.05f, 0.80f, 0.55f];
        using var inputs = torch.tensor(book, [6, 3]);
        using var batch = torch.stack([inputs, inputs]);
        using var module = new CausalAttentionTs(3, 2, 6, 0.5, false);
        module.train();
        using var context = module.forward(batch);
        script.Line("ca = CausalAttention(3, 2, 6, 0.5)\ncontext = ca(torch.stack((inputs, inputs)))",
            "var ca = new CausalAttentionTs(3, 2, 6, 0.5, false); ca.train();\nvar context = ca.forward(torch.stack(new[] { inputs, inputs }));");
        return header
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("wQuery", Script.Values(module.WQuery.weight!))
            .Add("wKey", Script.Values(module.WKey.weight!))
            .Add("wValue", Script.Values(module.WValue.weight!))
            .Add("droppedWeights", Script.Values(module.LastWeights!))
            .Add("context", Script.Values(context));
    }

    /// <summary>The calls a sequence may make; each runs on libtorch and is recorded.</summary>
    private sealed class Steps(Script script)
    {
        private int _count;

        public List<JsonFields> Recorded { get; } = [];

        private string NextName() => $"t{_count++}";

        public void Rand(params long[] shape)
        {
            string name = NextName();
            using var t = torch.rand(shape);
            script.Line($"{name} = torch.rand({Script.Dims(shape)})", $"var {name} = torch.rand({Script.Dims(shape)});");
            Recorded.Add(new JsonFields().Add("op", "rand").Add("shape", shape).Add("values", Script.Values(t)));
        }

        public void Bernoulli(double p, params long[] shape)
        {
            string name = NextName();
            using var t = torch.empty(shape).bernoulli_(p);
            script.Line($"{name} = torch.empty({Script.Dims(shape)}).bernoulli_({Script.Num(p)})",
                $"var {name} = torch.empty({Script.Dims(shape)}).bernoulli_({Script.Num(p)});");
            Recorded.Add(new JsonFields().Add("op", "bernoulli").Add("shape", shape).Add("p", p).Add("values", Script.Values(t)));
        }

        public void DropoutOfOnes(double p, params long[] shape)
        {
            string name = NextName();
            using var ones = torch.ones(shape);
            using var module = torch.nn.Dropout(p);
            using var t = module.forward(ones);
            script.Line($"{name} = torch.nn.Dropout({Script.Num(p)})(torch.ones({Script.Dims(shape)}))",
                $"var {name} = torch.nn.Dropout({Script.Num(p)}).forward(torch.ones({Script.Dims(shape)}));");
            Recorded.Add(new JsonFields().Add("op", "dropout").Add("shape", shape).Add("p", p)
                .Add("input", Script.Values(ones)).Add("values", Script.Values(t)));
        }

        public void DropoutOfRand(double p, params long[] shape)
        {
            string x = NextName();
            string name = NextName();
            using var input = torch.rand(shape);
            using var t = torch.nn.functional.dropout(input, p, true);
            script.Line($"{x} = torch.rand({Script.Dims(shape)})\n{name} = torch.nn.functional.dropout({x}, {Script.Num(p)}, training=True)",
                $"var {x} = torch.rand({Script.Dims(shape)});\nvar {name} = torch.nn.functional.dropout({x}, {Script.Num(p)}, true);");
            Recorded.Add(new JsonFields().Add("op", "rand").Add("shape", shape).Add("values", Script.Values(input)));
            Recorded.Add(new JsonFields().Add("op", "dropout").Add("shape", shape).Add("p", p)
                .Add("input", Script.Values(input)).Add("values", Script.Values(t)));
        }
    }
}
