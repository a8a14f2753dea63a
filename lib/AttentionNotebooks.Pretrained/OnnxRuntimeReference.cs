using System.Text.Json;
using System.Text.Json.Serialization;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Pretrained;

/// <summary>
/// What ONNX Runtime computes from the package's model.onnx for the course sentence "Your journey starts with one
/// step" — every layer's attention weights and the last hidden state — stored with the library so that notebook 7 can
/// show the check without ONNX Runtime. The tests (AttentionNotebooks.Pretrained.Tests, which do reference ONNX
/// Runtime) check that these values are what ONNX Runtime computes now, and write them
/// (<c>ATTENTION_NOTEBOOKS_WRITE_REFERENCE=1</c>).
/// </summary>
public static class OnnxRuntimeReference
{
    /// <summary>The embedded file's resource name.</summary>
    internal const string ResourceName = "AttentionNotebooks.Pretrained.onnxruntime-reference.json";

    private static readonly Lazy<Values> Loaded = new(Load);

    /// <summary>The text the values are for.</summary>
    public static string Text => Loaded.Value.Text;

    /// <summary>The ONNX Runtime version that computed them.</summary>
    public static string OnnxRuntimeVersion => Loaded.Value.OnnxRuntimeVersion;

    /// <summary>The token ids ONNX Runtime was given.</summary>
    public static IReadOnlyList<int> Ids => Loaded.Value.Ids;

    /// <summary>(T, d): ONNX Runtime's <c>last_hidden_state</c>.</summary>
    public static Matrix<float> LastHiddenState => Rows(Loaded.Value.LastHiddenState, Ids.Count);

    /// <summary>[layer][head] (T, T): the outputs of the graph's six Softmax nodes.</summary>
    public static IReadOnlyList<IReadOnlyList<Matrix<float>>> Attention
    {
        get
        {
            int t = Ids.Count;
            return Loaded.Value.Attention
                .Select(layer => (IReadOnlyList<Matrix<float>>)Enumerable.Range(0, layer.Length / (t * t))
                    .Select(h => Rows(layer.AsSpan(h * t * t, t * t).ToArray(), t)).ToArray())
                .ToArray();
        }
    }

    private static Matrix<float> Rows(float[] rowMajor, int rows) =>
        Matrix<float>.Build.Dense(rowMajor.Length / rows, rows, rowMajor).Transpose();

    private static Values Load()
    {
        using var stream = typeof(OnnxRuntimeReference).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the library has no resource {ResourceName}.");
        return JsonSerializer.Deserialize(stream, ReferenceJson.Default.Values)
            ?? throw new InvalidDataException($"{ResourceName} is empty.");
    }

    /// <summary>The file's contents (also what the test writes).</summary>
    internal sealed record Values(string Text, string OnnxRuntimeVersion, int[] Ids, float[] LastHiddenState, float[][] Attention);
}

/// <summary>
/// The reference file's JSON contract, generated at compile time: file-based apps (<c>dotnet run app.cs</c>) disable
/// reflection-based serialization by default.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OnnxRuntimeReference.Values))]
internal sealed partial class ReferenceJson : JsonSerializerContext;
