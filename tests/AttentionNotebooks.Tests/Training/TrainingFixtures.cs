using System.Text.Json;

namespace AttentionNotebooks.Tests.Training;

/// <summary>
/// The libtorch autograd and training fixtures written by <c>tools/TorchReference</c> (gradients.json, training.json),
/// read only. Float arrays are float32, row-major, in shortest round-trip form.
/// </summary>
internal static class TrainingFixtures
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };
    private static readonly Lazy<IReadOnlyList<GradientEntry>> GradientList = new(() => Load<GradientEntry>("gradients.json"));
    private static readonly Lazy<IReadOnlyList<TrainingEntry>> TrainingList = new(() => Load<TrainingEntry>("training.json"));

    public static IReadOnlyList<GradientEntry> Gradients => GradientList.Value;

    public static IReadOnlyList<TrainingEntry> Training => TrainingList.Value;

    public static TheoryData<int, string> GradientCases(string kind)
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < Gradients.Count; i++)
            if (Gradients[i].Kind == kind)
                data.Add(i, Gradients[i].Name);
        return data;
    }

    public static GradientEntry Gradient(int index, string name)
    {
        var e = Gradients[index];
        Assert.Equal(name, e.Name);
        return e;
    }

    private static IReadOnlyList<T> Load<T>(string file)
    {
        var parsed = JsonSerializer.Deserialize<TrainingFixtureFile<T>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", file)), Options)
            ?? throw new InvalidDataException($"{file} is empty");
        if (parsed.Entries.Count == 0)
            throw new InvalidDataException($"{file} has no entries");
        return parsed.Entries;
    }

    public static Matrix<float> Matrix(float[] values, int rows, int cols, int offset = 0) =>
        Matrix<float>.Build.Dense(rows, cols, (i, j) => values[offset + i * cols + j]);

    /// <summary>A (batch, rows, cols) tensor as one matrix per sequence.</summary>
    public static Matrix<float>[] Batch(float[] values, int batch, int rows, int cols) =>
        Enumerable.Range(0, batch).Select(b => Matrix(values, rows, cols, b * rows * cols)).ToArray();

    /// <summary>
    /// libtorch's gradient against ours: |ours − libtorch| ≤ 1e-5 · max(1, max|libtorch|) (absolute for gradients of
    /// magnitude ≤ 1, relative to the largest magnitude above that).
    /// </summary>
    public static void AssertGradient(float[] expected, float[] actual, string what) =>
        FiniteDifferences.AssertClose(expected.Select(x => (double)x).ToArray(), actual, what);
}

internal sealed record FixtureTensor(string Name, long[] Shape, float[] Values, float[]? Grad)
{
    public int Rows => (int)Shape[^2];

    public int Cols => (int)Shape[^1];

    public Matrix<float> AsMatrix() => TrainingFixtures.Matrix(Values, (int)Shape[0], (int)Shape[1]);

    public Vector<float> AsVector() => Vector<float>.Build.DenseOfArray(Values);
}

internal sealed record GradientEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, string Pytorch, string TorchSharp,
    string Kind, int Batch, int Tokens, int DIn, int DOut, int NumHeads, bool Bias, bool Causal, float? Loss,
    int[]? TokenIds, int[]? Targets, int? Vocab, int? Context, int? Offset,
    float[]? AdamInitial, float[]? AdamGradients, float[]? AdamValues,
    FixtureTensor? Upstream, IReadOnlyList<FixtureTensor> Tensors)
{
    public FixtureTensor Tensor(string name) =>
        Tensors.SingleOrDefault(t => t.Name == name) ?? throw new InvalidDataException($"{Name}: no tensor {name}");

    public bool Has(string name) => Tensors.Any(t => t.Name == name);

    public Linear Linear(string prefix) =>
        new(Tensor(prefix + ".weight").AsMatrix(), Has(prefix + ".bias") ? Tensor(prefix + ".bias").AsVector() : null);
}

internal sealed record TrainingEntry(
    string Name, string LibtorchVersion, string TorchSharpVersion, string CpuCapability, long Seed, string Pytorch, string TorchSharp,
    long DataSeed, int Vocab, int Dim, int Context, int Batch, int Offset, int Steps, double Lr, double AverageWeightOnOffset,
    int[] FirstBatch, IReadOnlyList<FixtureTensor> InitialParameters, float[] Losses);

internal sealed record TrainingFixtureFile<T>(string Description, IReadOnlyList<T> Entries);
