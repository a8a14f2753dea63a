namespace AttentionNotebooks.Tests.Parity;

/// <summary>LayerNorm, FeedForward and GELU against libtorch (<c>Fixtures/pretrained.json</c>, written by tools/TorchReference).</summary>
public sealed class PretrainedParityTests
{
    private const string File = "pretrained.json";

    private static IEnumerable<PretrainedEntry> Entries(string kind) => Fixtures.Load<PretrainedEntry>(File).Where(e => e.Kind == kind);

    [Fact]
    public void LayerNorm_matches_nn_LayerNorm()
    {
        Assert.Equal(3, Entries("layerNorm").Count());
        foreach (var e in Entries("layerNorm"))
        {
            var layer = new LayerNorm(Vector<float>.Build.DenseOfArray(e.Weight!), Vector<float>.Build.DenseOfArray(e.Bias!), (float)e.Epsilon);
            var y = layer.Forward(Fixtures.Matrix(e.X, e.Tokens, e.Features));
            TestHelpers.AssertClose(Fixtures.Matrix(e.Y, e.Tokens, e.Features), y, what: e.Name);
        }
    }

    [Fact]
    public void FeedForward_is_initialised_as_nn_Sequential_and_matches_its_outputs()
    {
        Assert.Equal(2, Entries("feedForward").Count());
        foreach (var e in Entries("feedForward"))
        {
            var ffn = new FeedForward(e.Features, e.Hidden, new TorchGenerator((ulong)e.Seed!.Value));
            var p = e.Parameters!.ToDictionary(x => x.Name, x => x.Values);
            Fixtures.AssertBitIdentical(p["0.weight"], ffn.Up.Weight.ToRowMajorArray(), $"{e.Name} 0.weight");
            Fixtures.AssertBitIdentical(p["0.bias"], ffn.Up.Bias!.ToArray(), $"{e.Name} 0.bias");
            Fixtures.AssertBitIdentical(p["2.weight"], ffn.Down.Weight.ToRowMajorArray(), $"{e.Name} 2.weight");
            Fixtures.AssertBitIdentical(p["2.bias"], ffn.Down.Bias!.ToArray(), $"{e.Name} 2.bias");
            var y = ffn.Forward(Fixtures.Matrix(e.X, e.Tokens, e.Features));
            TestHelpers.AssertClose(Fixtures.Matrix(e.Y, e.Tokens, e.Features), y, what: e.Name);
        }
    }

    [Fact]
    public void Gelu_matches_F_gelu_from_minus_8_to_8()
    {
        var e = Assert.Single(Entries("gelu"));
        Assert.Equal(321, e.X.Length);
        for (int i = 0; i < e.X.Length; i++)
            Assert.True(Math.Abs(Gelu.Forward(e.X[i]) - e.Y[i]) <= 1e-6, $"GELU({e.X[i]:R}) is {Gelu.Forward(e.X[i]):R} but libtorch has {e.Y[i]:R}.");
    }
}

/// <summary>One entry of pretrained.json: a LayerNorm, a feed-forward network or GELU on a grid.</summary>
internal sealed record PretrainedEntry(
    string Name, string Kind, long? Seed, int Tokens, int Features, int Hidden, double Epsilon,
    float[]? Weight, float[]? Bias, IReadOnlyList<PretrainedParameter>? Parameters, float[] X, float[] Y)
{
    public override string ToString() => Name;
}

/// <summary>A parameter under its state_dict name, row-major.</summary>
internal sealed record PretrainedParameter(string Name, float[] Values);
