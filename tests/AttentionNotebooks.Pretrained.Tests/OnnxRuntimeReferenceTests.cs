using System.Text.Json;

namespace AttentionNotebooks.Pretrained.Tests;

/// <summary>The ONNX Runtime values stored in the library for notebook 7 are what ONNX Runtime computes.</summary>
public sealed class OnnxRuntimeReferenceTests
{
    /// <summary>Set to 1 to (re)write lib/AttentionNotebooks.Pretrained/onnxruntime-reference.json from ONNX Runtime.</summary>
    private const string WriteVariable = "ATTENTION_NOTEBOOKS_WRITE_REFERENCE";

    [Fact]
    public void The_stored_reference_is_what_onnx_runtime_computes_for_the_course_sentence()
    {
        var ids = SharedModel.Model.Tokenizer.Tokenize(Texts.Course).Ids;
        var (hidden, attention) = SharedModel.Oracle.Run(ids);
        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            var version = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version!;
            var values = new OnnxRuntimeReference.Values(Texts.Course, $"{version.Major}.{version.Minor}.{version.Build}", ids.ToArray(), hidden, attention);
            File.WriteAllText(Path.Combine(RepositoryRoot(), "lib", "AttentionNotebooks.Pretrained", "onnxruntime-reference.json"),
                JsonSerializer.Serialize(values, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }) + "\n");
            return;
        }
        Assert.Equal(Texts.Course, OnnxRuntimeReference.Text);
        Assert.Equal(ids, OnnxRuntimeReference.Ids);
        AssertClose(hidden, OnnxRuntimeReference.LastHiddenState.ToRowMajorArray(), "last hidden state");
        for (int l = 0; l < attention.Length; l++)
            AssertClose(attention[l], OnnxRuntimeReference.Attention[l].SelectMany(h => h.ToRowMajorArray()).ToArray(), $"layer {l} attention");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!(Math.Abs(expected[i] - actual[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected[i]))))
                Assert.Fail($"{what}[{i}] is stored as {actual[i]:R} but ONNX Runtime computes {expected[i]:R}: rewrite it with {WriteVariable}=1.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AttentionNotebooks.sln")))
                return dir.FullName;
        throw new InvalidOperationException("cannot find AttentionNotebooks.sln above " + AppContext.BaseDirectory);
    }
}
