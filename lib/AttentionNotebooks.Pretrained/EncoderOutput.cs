using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Pretrained;

/// <summary>What the encoder computed for one text.</summary>
/// <param name="Input">The tokens read.</param>
/// <param name="HiddenStates">(T, d) per stage: the embeddings, then each layer's outputs (layers + 1 matrices).</param>
/// <param name="Attention">Attention[layer][head]: the (T, T) weights, row i = how query token i spreads its attention over the tokens.</param>
public sealed record EncoderOutput(TokenizedText Input, IReadOnlyList<Matrix<float>> HiddenStates, IReadOnlyList<IReadOnlyList<Matrix<float>>> Attention)
{
    /// <summary>The tokens, [CLS] and [SEP] included.</summary>
    public IReadOnlyList<string> Tokens => Input.Tokens;

    /// <summary>(T, d): the last layer's outputs, ONNX's <c>last_hidden_state</c>.</summary>
    public Matrix<float> LastHiddenState => HiddenStates[^1];

    /// <summary>
    /// The sentence embedding sentence-transformers defines for this model: the mean of the last hidden state over the
    /// tokens ([CLS] and [SEP] included), scaled to length 1 — (d).
    /// </summary>
    public Vector<float> SentenceEmbedding
    {
        get
        {
            var mean = LastHiddenState.ColumnSums() / LastHiddenState.RowCount;   // (d)
            return mean / (float)Math.Max(mean.L2Norm(), 1e-12);                   // (d), length 1
        }
    }
}
