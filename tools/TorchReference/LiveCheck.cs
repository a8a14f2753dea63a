using AttentionNotebooks;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// Compares the library's <see cref="TorchGenerator"/> with live libtorch on many more values than the fixtures hold,
/// bit for bit, for the CPU kernels libtorch uses in this process.
/// </summary>
internal static class LiveCheck
{
    public static int Run(int scale)
    {
        string capability = TorchInfo.CpuCapability();
        var kernels = capability == "DEFAULT" ? TorchCpuCapability.Default : TorchCpuCapability.Avx2;
        Console.WriteLine($"libtorch {TorchInfo.LibtorchVersion}, CPU capability {capability}: checking TorchGenerator({kernels})");
        long failures = 0;

        failures += Compare("rand", scale * 10, seed => (torch.rand(100_003), g => Fill(100_003, g.FillUniform, 0f, 1f)), kernels);
        failures += Compare("uniform_(-0.37, 0.91)", scale * 10, seed => (torch.empty(100_003).uniform_(-0.37, 0.91), g => Fill(100_003, g.FillUniform, -0.37f, 0.91f)), kernels);
        failures += Compare("randn(1_000_003)", scale, seed => (torch.randn(1_000_003), g => Randn(g, 1_000_003)), kernels);

        // Small randn calls in a row: the float64 path and its cached sample, interleaved with larger calls.
        long smallTotal = 0, smallBad = 0;
        var sizes = new Random(17);
        for (long seed = 0; seed < scale * 300; seed++)
        {
            torch.manual_seed(seed);
            var g = new TorchGenerator((ulong)seed, kernels);
            for (int call = 0; call < 20; call++)
            {
                int n = call % 7 == 6 ? sizes.Next(16, 40) : sizes.Next(1, 16);
                using var t = torch.randn(n);
                var expected = Script.Values(t);
                var actual = Randn(g, n);
                smallTotal += n;
                smallBad += Mismatches(expected, actual);
            }
        }
        Report("randn(1..15) sequences, cached sample, larger calls between", smallTotal, smallBad);
        failures += smallBad;

        long layers = 0, badLayers = 0;
        for (long seed = 0; seed < scale * 20; seed++)
            foreach (var (i, o) in new[] { (3, 2), (5, 7), (16, 3), (768, 4), (7, 768), (100, 33), (1, 1) })
                foreach (bool bias in new[] { true, false })
                {
                    torch.manual_seed(seed);
                    using var layer = torch.nn.Linear(i, o, bias);
                    var ours = new AttentionNotebooks.Linear(i, o, bias, new TorchGenerator((ulong)seed, kernels));
                    long bad = Mismatches(Script.Values(layer.weight), ours.Weight.ToRowMajorArray());
                    if (bias)
                        bad += Mismatches(Script.Values(layer.bias!), ours.Bias!.ToArray());
                    layers++;
                    badLayers += bad > 0 ? 1 : 0;
                }
        Report("nn.Linear layers (weight and bias)", layers, badLayers);
        failures += badLayers;

        Console.WriteLine(failures == 0 ? "all bit-identical" : $"{failures} mismatches");
        return failures == 0 ? 0 : 1;
    }

    private static float[] Fill(int n, Action<Span<float>, float, float> fill, float from, float to)
    {
        var values = new float[n];
        fill(values, from, to);
        return values;
    }

    private static float[] Randn(TorchGenerator g, int n)
    {
        var values = new float[n];
        g.FillRandn(values);
        return values;
    }

    private static long Compare(string what, int seeds, Func<long, (Tensor Torch, Func<TorchGenerator, float[]> Ours)> make, TorchCpuCapability kernels)
    {
        long total = 0, bad = 0;
        for (long seed = 0; seed < seeds; seed++)
        {
            torch.manual_seed(seed);
            var (t, ours) = make(seed);
            using (t)
            {
                var expected = Script.Values(t);
                var actual = ours(new TorchGenerator((ulong)seed, kernels));
                total += expected.Length;
                bad += Mismatches(expected, actual);
            }
        }
        Report(what, total, bad);
        return bad;
    }

    private static long Mismatches(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
            return Math.Max(expected.Length, actual.Length);
        long bad = 0;
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                bad++;
        return bad;
    }

    private static void Report(string what, long total, long bad) =>
        Console.WriteLine($"  {what}: {total - bad} of {total} bit-identical");
}
