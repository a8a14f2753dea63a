using System.Collections.Concurrent;
using System.Text.Json;

namespace AttentionNotebooks.Tests.Parity;

/// <summary>
/// The libtorch reference fixtures in <c>Fixtures/</c>, written by <c>tools/TorchReference</c> (libtorch 2.10.0 through
/// TorchSharp 0.107.0) and committed; the tests only read them. Float arrays are float32 in row-major order, written in
/// their shortest round-trip form, so they parse back to exactly the bits libtorch produced.
/// </summary>
internal static class Fixtures
{
    /// <summary>torch.rand / randn / uniform_ / nn.Linear sequences from the AVX2 and AVX-512 kernels (identical).</summary>
    public const string GeneratorAvx2 = "generator.avx2.json";

    /// <summary>The same sequences from the portable kernels (ATEN_CPU_CAPABILITY=default).</summary>
    public const string GeneratorDefault = "generator.default.json";

    /// <summary>torch.nn.functional.scaled_dot_product_attention cases.</summary>
    public const string Sdpa = "sdpa.json";

    /// <summary>The book's attention classes with their parameters, inputs, outputs and attention weights.</summary>
    public const string Modules = "modules.json";

    /// <summary>bernoulli_ and dropout sequences, and the book's CausalAttention with dropout 0.5 in training mode.</summary>
    public const string Dropout = "dropout.json";

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };
    private static readonly ConcurrentDictionary<string, object> Cache = new();

    /// <summary>Where a fixture file is copied next to the test assembly.</summary>
    public static string PathOf(string file) => Path.Combine(AppContext.BaseDirectory, "Fixtures", file);

    public static IReadOnlyList<GeneratorEntry> Generator(string file) => Load<GeneratorEntry>(file);

    public static IReadOnlyList<SdpaEntry> SdpaEntries => Load<SdpaEntry>(Sdpa);

    public static IReadOnlyList<ModuleEntry> ModuleEntries => Load<ModuleEntry>(Modules);

    public static IReadOnlyList<T> Load<T>(string file) =>
        (IReadOnlyList<T>)Cache.GetOrAdd(file, f =>
        {
            var parsed = JsonSerializer.Deserialize<FixtureFile<T>>(File.ReadAllText(PathOf(f)), Options)
                ?? throw new InvalidDataException($"{f} is empty");
            if (parsed.Entries.Count == 0)
                throw new InvalidDataException($"{f} has no entries");
            return parsed.Entries;
        });

    /// <summary>The generator kernels a fixture entry was produced with.</summary>
    public static TorchCpuCapability Capability(string cpuCapability) =>
        cpuCapability == "DEFAULT" ? TorchCpuCapability.Default : TorchCpuCapability.Avx2;

    /// <summary>A (rows, cols) matrix from row-major values starting at <paramref name="offset"/>.</summary>
    public static Matrix<float> Matrix(float[] values, int rows, int cols, int offset = 0) =>
        Matrix<float>.Build.Dense(rows, cols, (i, j) => values[offset + i * cols + j]);

    /// <summary><paramref name="count"/> (rows, cols) matrices stored one after another.</summary>
    public static Matrix<float>[] Matrices(float[] values, int count, int rows, int cols) =>
        Enumerable.Range(0, count).Select(b => Matrix(values, rows, cols, b * rows * cols)).ToArray();

    /// <summary>The indices and names of the entries of <paramref name="file"/> whose kind is <paramref name="kind"/>, for a theory.</summary>
    public static TheoryData<int, string> Cases<T>(string file, string kind)
        where T : IKindedEntry
    {
        var entries = Load<T>(file);
        var data = new TheoryData<int, string>();
        for (int i = 0; i < entries.Count; i++)
            if (entries[i].Kind == kind)
                data.Add(i, entries[i].Name);
        return data;
    }

    /// <summary>Entry <paramref name="index"/> of <paramref name="file"/>, checked to be the one the theory named.</summary>
    public static T Entry<T>(string file, int index, string name)
        where T : IKindedEntry
    {
        var entry = Load<T>(file)[index];
        Assert.Equal(name, entry.Name);
        return entry;
    }

    /// <summary>An nn.Linear from the parameters "{prefix}.weight" (out, in) and, if present, "{prefix}.bias".</summary>
    public static Linear Linear(IReadOnlyList<FixtureParameter>? parameters, string prefix, string entry)
    {
        FixtureParameter? Find(string name) => parameters?.FirstOrDefault(p => p.Name == name);
        var w = Find($"{prefix}.weight") ?? throw new KeyNotFoundException($"{entry} has no parameter {prefix}.weight");
        var bias = Find($"{prefix}.bias") is { } b ? Vector<float>.Build.DenseOfArray(b.Values) : null;
        return new Linear(Matrix(w.Values, (int)w.Shape[0], (int)w.Shape[1]), bias);
    }

    /// <summary>Every element equal to the last bit (so +0 and −0 differ, and NaN never matches).</summary>
    public static void AssertBitIdentical(float[] expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values but libtorch has {expected.Length}.");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}[{i}] is {actual[i]:R} (0x{BitConverter.SingleToInt32Bits(actual[i]):x8}) but libtorch has {expected[i]:R} (0x{BitConverter.SingleToInt32Bits(expected[i]):x8}).");
    }
}

/// <summary>A fixture entry of a file that holds several kinds of case ("sdpa", "gqa", ...).</summary>
internal interface IKindedEntry
{
    string Name { get; }

    string Kind { get; }
}

/// <summary>A fixture file: a description and its entries.</summary>
internal sealed record FixtureFile<T>(string Description, IReadOnlyList<T> Entries);

/// <summary>One sequence of generator calls after torch.manual_seed(Seed).</summary>
internal sealed record GeneratorEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, long InitialSeed,
    string Pytorch, string TorchSharp, IReadOnlyList<GeneratorStep> Steps)
{
    public override string ToString() => Name;
}

/// <summary>One call: rand, randn, uniform (with From and To) or linear (with its weight and bias).</summary>
internal sealed record GeneratorStep(
    string Op, long[]? Shape, float[]? Values, double From, double To,
    int InFeatures, int OutFeatures, bool Bias, float[]? Weight, float[]? BiasValues)
{
    public int Count => (int)(Shape ?? []).Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// A dropout fixture entry: a sequence of rand, bernoulli and dropout calls (Steps), or the book's CausalAttention with
/// dropout 0.5 in training mode (its weights (out, in), the dropped attention weights and the context, (2, 6, 6) and (2, 6, 2)).
/// </summary>
internal sealed record DropoutEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, string CpuVendor, long Seed,
    string Pytorch, string TorchSharp, IReadOnlyList<DropoutStep>? Steps,
    float[]? WQuery, float[]? WKey, float[]? WValue, float[]? DroppedWeights, float[]? Context)
{
    public override string ToString() => Name;
}

/// <summary>One call: rand, bernoulli (bernoulli_(P) of an empty tensor) or dropout (of Input, with P).</summary>
internal sealed record DropoutStep(string Op, long[] Shape, double P, float[]? Input, float[] Values)
{
    /// <summary>The shape as (rows, cols); a 1-D shape is one row.</summary>
    public (int Rows, int Cols) Matrix => Shape.Length == 1 ? (1, (int)Shape[0]) : ((int)Shape[0], (int)Shape[1]);
}

/// <summary>One scaled_dot_product_attention call; Q, K, V and Output are (Batch, Heads, Tokens, HeadDim) row-major.</summary>
internal sealed record SdpaEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, string Pytorch, string TorchSharp,
    int Batch, int Heads, int Tokens, int HeadDim, bool Causal, double Scale, float[] Q, float[] K, float[] V, float[] Output)
{
    /// <summary>Offset of the (batch b, head h) block of Tokens × HeadDim values.</summary>
    public int Offset(int b, int h) => (b * Heads + h) * Tokens * HeadDim;

    public override string ToString() => Name;
}

/// <summary>A parameter under its PyTorch state_dict name, with PyTorch's shape.</summary>
internal sealed record FixtureParameter(string Name, long[] Shape, float[] Values);

/// <summary>One of the book's attention classes built after torch.manual_seed(Seed) and run on Inputs.</summary>
internal sealed record ModuleEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, string Pytorch, string TorchSharp,
    string Class, int? Batch, int Tokens, int DIn, int DOut, int NumHeads, int ContextLength, bool QkvBias, double Dropout,
    IReadOnlyList<FixtureParameter> Parameters, long[] InputShape, float[] Inputs, long[] OutputShape, float[] Outputs,
    long[] WeightsShape, float[] Weights)
{
    public int BatchSize => Batch ?? 1;

    public FixtureParameter Parameter(string name) =>
        Parameters.FirstOrDefault(p => p.Name == name) ?? throw new KeyNotFoundException($"{Name} has no parameter {name}");

    public bool HasParameter(string name) => Parameters.Any(p => p.Name == name);

    /// <summary>An nn.Linear from its "{prefix}.weight" (out, in) and optional "{prefix}.bias".</summary>
    public Linear Linear(string prefix)
    {
        var w = Parameter($"{prefix}.weight");
        var weight = Fixtures.Matrix(w.Values, (int)w.Shape[0], (int)w.Shape[1]);
        var bias = HasParameter($"{prefix}.bias") ? Vector<float>.Build.DenseOfArray(Parameter($"{prefix}.bias").Values) : null;
        return new Linear(weight, bias);
    }

    /// <summary>The inputs as one (tokens, dIn) matrix per sequence.</summary>
    public Matrix<float>[] InputBatch() => Fixtures.Matrices(Inputs, BatchSize, Tokens, DIn);

    public override string ToString() => Name;
}

/// <summary>
/// An entry of <c>sdpa-grouped.json</c>: libtorch's scaled_dot_product_attention on key/value heads repeated per group,
/// causal, with a sliding window when <see cref="Window"/> is set; <see cref="Kind"/> "forward" (queries = cacheLength =
/// tokens) or "decode" (the newest <see cref="Queries"/> tokens against a cache of <see cref="CacheLength"/>).
/// </summary>
internal sealed record GroupedSdpaEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, string Pytorch, string TorchSharp,
    string Kind, int Batch, int Heads, int KvHeads, int Queries, int CacheLength, int HeadDim, int? Window,
    float[] Q, float[] K, float[] V, float[] Output)
{
    public override string ToString() => Name;
}
