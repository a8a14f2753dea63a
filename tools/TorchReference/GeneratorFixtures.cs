using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// torch.rand, torch.randn, uniform_ and nn.Linear initialisation after torch.manual_seed: sequences of calls on the
/// default generator, each step with the exact values libtorch produced.
/// </summary>
internal static class GeneratorFixtures
{
    public static JsonFields Build()
    {
        var entries = new List<JsonFields>
        {
            Sequence("seed 67280421310721, the seed of PyTorch's default CPU generator before any manual_seed", 67280421310721,
                s => { s.Rand(2, 3); s.Randn(3); }),

            Sequence("book: W_query, W_key, W_value = torch.rand(3, 2) three times", 123, s => { s.Rand(3, 2); s.Rand(3, 2); s.Rand(3, 2); }),
            Sequence("rand of several shapes in a row", 1, s => { s.Rand(1); s.Rand(5); s.Rand(4, 4); s.Rand(2, 3, 5); s.Rand(17); }),
            Sequence("rand after a seed above 2^32 (only the low 32 bits count)", (1L << 40) + 5, s => s.Rand(4)),
            Sequence("rand after the same seed's low 32 bits", 5, s => s.Rand(4)),
            Sequence("rand past the first twist of the Mersenne Twister (700 draws)", 9, s => s.Rand(700)),

            Sequence("randn below 16 elements: float64 Box-Muller, sine cached across calls", 42,
                s => { s.Randn(1); s.Randn(1); s.Randn(3); s.Randn(2); s.Randn(5); s.Randn(15); }),
            Sequence("randn cache survives a randn of 16 or more and a rand", 7,
                s => { s.Randn(3); s.Randn(20); s.Randn(1); s.Rand(2); s.Randn(1); s.Randn(16); s.Randn(2); }),
            Sequence("randn of 16 and more: blocks of 16, the tail redrawn", 0,
                s => { s.Randn(16); s.Randn(17); s.Randn(31); s.Randn(32); s.Randn(33); s.Randn(48); s.Randn(4, 25); s.Randn(2, 3, 7); }),
            Sequence("randn of 16 and more, another seed", 123, s => { s.Randn(6, 3); s.Randn(100); s.Randn(2, 6, 3); }),
            Sequence("randn(2, 4): eight elements take the float64 path", 2024, s => { s.Randn(2, 4); s.Randn(2, 4); }),
            Sequence("uniform_ with bounds that round differently with and without a fused multiply-add", 11,
                s => { s.Uniform(-0.3, 0.7, 4, 5); s.Uniform(-2.5, 1.25, 17); s.Uniform(-0.001, 0.001, 6); s.Uniform(0.25, 0.5, 3, 3); }),
        };
        entries.AddRange(EdgeSequences());
        foreach (long seed in new long[] { 123, 789 })
            entries.Add(Sequence("book: three bias-free nn.Linear(3, 2) (SelfAttention_v2's projections)", seed,
                s => { s.Linear(3, 2, false); s.Linear(3, 2, false); s.Linear(3, 2, false); }));
        foreach (long seed in new long[] { 1, 2, 3 })
            entries.Add(Sequence("nn.Linear of several sizes, with and without bias", seed, s =>
            {
                s.Linear(3, 2, true);
                s.Linear(1, 1, true);
                s.Linear(7, 3, false);
                s.Linear(5, 64, true);
                s.Linear(64, 5, true);
                s.Linear(100, 2, true);
                s.Linear(16, 16, false);
                s.Linear(768, 2, true);
            }));
        return new JsonFields()
            .Add("description", "torch.rand, torch.randn, Tensor.uniform_ and nn.Linear initialisation after torch.manual_seed, from libtorch. " +
                "Each entry is one sequence of calls on the default CPU generator; values are float32 in memory (row-major) order, " +
                "written in their shortest round-trip form, so that they parse back to the same bits.")
            .Add("entries", entries);
    }

    /// <summary>randn(64) where one of the 24-bit uniforms is 0 (ln 1 = 0, θ = 0) or 1 − 2^-24 (the largest radius).</summary>
    private static IEnumerable<JsonFields> EdgeSequences()
    {
        foreach (uint target in new uint[] { 0, 0xffffff })
        {
            long seed = FindSeed(target, 64);
            yield return Sequence($"randn(64) where one 24-bit uniform is {target:x6} (an edge of the Box-Muller transform)", seed, s => s.Randn(64));
        }
    }

    /// <summary>The smallest seed whose first <paramref name="draws"/> 32-bit draws include one with these low 24 bits.</summary>
    private static long FindSeed(uint low24, int draws)
    {
        for (ulong seed = 0; ; seed++)
        {
            var g = new AttentionNotebooks.TorchGenerator(seed);
            for (int i = 0; i < draws; i++)
                if ((g.NextUInt32() & 0xffffff) == low24)
                    return (long)seed;
        }
    }

    private static JsonFields Sequence(string name, long? seed, Action<Steps> body)
    {
        var script = new Script();
        var header = TorchInfo.Header(name, seed);
        script.Seed(seed);
        var steps = new Steps(script);
        body(steps);
        return header
            .Add("initialSeed", torch.initial_seed())
            .Add("pytorch", script.Python)
            .Add("torchSharp", script.TorchSharp)
            .Add("steps", steps.Recorded);
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

        public void Randn(params long[] shape)
        {
            string name = NextName();
            using var t = torch.randn(shape);
            script.Line($"{name} = torch.randn({Script.Dims(shape)})", $"var {name} = torch.randn({Script.Dims(shape)});");
            Recorded.Add(new JsonFields().Add("op", "randn").Add("shape", shape).Add("values", Script.Values(t)));
        }

        public void Uniform(double from, double to, params long[] shape)
        {
            string name = NextName();
            using var t = torch.empty(shape).uniform_(from, to);
            script.Line($"{name} = torch.empty({Script.Dims(shape)}).uniform_({Script.Num(from)}, {Script.Num(to)})",
                $"var {name} = torch.empty({Script.Dims(shape)}).uniform_({Script.Num(from)}, {Script.Num(to)});");
            Recorded.Add(new JsonFields().Add("op", "uniform").Add("shape", shape).Add("from", from).Add("to", to).Add("values", Script.Values(t)));
        }

        public void Linear(long inFeatures, long outFeatures, bool bias)
        {
            string name = NextName();
            using var layer = torch.nn.Linear(inFeatures, outFeatures, bias);
            script.Line($"{name} = torch.nn.Linear({inFeatures}, {outFeatures}, bias={Script.PyBool(bias)})",
                $"var {name} = torch.nn.Linear({inFeatures}, {outFeatures}, hasBias: {Script.CsBool(bias)});");
            Recorded.Add(new JsonFields()
                .Add("op", "linear").Add("inFeatures", inFeatures).Add("outFeatures", outFeatures).Add("bias", bias)
                .Add("weight", Script.Values(layer.weight))
                .Add("biasValues", layer.bias is null ? null : Script.Values(layer.bias)));
        }
    }
}
