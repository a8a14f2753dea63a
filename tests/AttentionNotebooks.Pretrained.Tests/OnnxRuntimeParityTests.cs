namespace AttentionNotebooks.Pretrained.Tests;

/// <summary>
/// The encoder run by the course's modules against ONNX Runtime running the package's model.onnx: every layer's
/// attention weights (6 × 12 × T × T) and the last hidden state (T × 384), within 1e-5 · max(1, |reference|).
/// </summary>
public sealed class OnnxRuntimeParityTests
{
    public static TheoryData<string> Sentences => new() { Texts.Course, Texts.WordPieces, Texts.Accents, Texts.Long };

    [Theory]
    [MemberData(nameof(Sentences))]
    public void Attention_weights_of_every_layer_and_the_last_hidden_state_match_onnx_runtime(string text)
    {
        var output = SharedModel.Model.Encode(text);
        var (hidden, attention) = SharedModel.Oracle.Run(output.Input.Ids);
        int t = output.Input.Count, d = SharedModel.Model.Features;

        Assert.Equal(6, attention.Length);
        for (int l = 0; l < attention.Length; l++)
            for (int h = 0; h < SharedModel.Model.Heads; h++)
                AssertClose(attention[l], h * t * t, output.Attention[l][h], $"layer {l} head {h} weights ({t} tokens)");
        AssertClose(hidden, 0, output.LastHiddenState, $"last hidden state ({t}x{d})");
    }

    [Fact]
    public void The_texts_cover_word_pieces_and_more_than_100_tokens()
    {
        Assert.Contains(SharedModel.Model.Tokenizer.Tokenize(Texts.WordPieces).Tokens, token => token.StartsWith("##", StringComparison.Ordinal));
        Assert.InRange(SharedModel.Model.Tokenizer.Tokenize(Texts.Long).Count, 101, 512);
    }

    [Fact]
    public void The_oracle_reads_one_softmax_per_layer()
    {
        Assert.Equal(["217", "346", "475", "604", "733", "862"], SharedModel.Oracle.SoftmaxOutputs);
    }

    /// <summary>|ours − reference| ≤ 1e-5 · max(1, |reference|) for each element of a row-major block.</summary>
    private static void AssertClose(float[] reference, int offset, Matrix<float> actual, string what)
    {
        for (int i = 0; i < actual.RowCount; i++)
            for (int j = 0; j < actual.ColumnCount; j++)
            {
                float expected = reference[offset + i * actual.ColumnCount + j];
                double tolerance = 1e-5 * Math.Max(1.0, Math.Abs(expected));
                if (!(Math.Abs(actual[i, j] - expected) <= tolerance))
                    Assert.Fail($"{what}[{i}, {j}] is {actual[i, j]:R} but ONNX Runtime has {expected:R} (difference {Math.Abs(actual[i, j] - expected):E2} > {tolerance:E2}).");
            }
    }
}
