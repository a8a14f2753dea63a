using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Pretrained;

/// <summary>
/// One layer of a BERT encoder (Vaswani et al. 2017, section 3.1; Devlin et al. 2019): the course's
/// <see cref="MultiHeadAttention"/> without the causal mask — every token attends to every token, before and after
/// it — then the <see cref="FeedForward"/> network, each added to its input and layer-normalised after the sum
/// ("post-LN", as BERT and the original transformer do; GPT-2 normalises before):
/// <code>
///   A = LayerNorm₁(X + MultiHeadAttention(X))     (T, d)
///   Y = LayerNorm₂(A + FeedForward(A))            (T, d)
/// </code>
/// </summary>
public sealed class EncoderLayer
{
    /// <summary>A layer of the given parts (used as they are, not copied).</summary>
    /// <param name="attention">Self-attention over d features (its output projection back to d).</param>
    /// <param name="attentionNorm">LayerNorm₁ over d features.</param>
    /// <param name="feedForward">The feed-forward network d → h → d.</param>
    /// <param name="outputNorm">LayerNorm₂ over d features.</param>
    public EncoderLayer(MultiHeadAttention attention, LayerNorm attentionNorm, FeedForward feedForward, LayerNorm outputNorm)
    {
        ArgumentNullException.ThrowIfNull(attention);
        ArgumentNullException.ThrowIfNull(attentionNorm);
        ArgumentNullException.ThrowIfNull(feedForward);
        ArgumentNullException.ThrowIfNull(outputNorm);
        int d = attention.DIn;
        if (attention.DOut != d || attentionNorm.Features != d || feedForward.Features != d || outputNorm.Features != d)
            throw new ArgumentException(
                $"the parts disagree on the features per token: attention {attention.DIn} → {attention.DOut}, attentionNorm {attentionNorm.Features}, " +
                $"feedForward {feedForward.Features}, outputNorm {outputNorm.Features}; a residual layer keeps d the same throughout.", nameof(attention));
        Attention = attention;
        AttentionNorm = attentionNorm;
        FeedForward = feedForward;
        OutputNorm = outputNorm;
    }

    /// <summary>The multi-head self-attention (the course's module; run without the causal mask).</summary>
    public MultiHeadAttention Attention { get; }

    /// <summary>LayerNorm₁, after attention's residual sum.</summary>
    public LayerNorm AttentionNorm { get; }

    /// <summary>The feed-forward network.</summary>
    public FeedForward FeedForward { get; }

    /// <summary>LayerNorm₂, after the feed-forward network's residual sum.</summary>
    public LayerNorm OutputNorm { get; }

    /// <summary>Number of learned values.</summary>
    public long ParameterCount => Attention.ParameterCount + AttentionNorm.ParameterCount + FeedForward.ParameterCount + OutputNorm.ParameterCount;

    /// <summary>Runs the layer over one sequence.</summary>
    /// <param name="inputs">(T, d), T at most the attention's context length.</param>
    /// <returns>The (T, d) outputs, and each head's (T, T) attention weights.</returns>
    public (Matrix<float> Outputs, IReadOnlyList<Matrix<float>> Weights) Forward(Matrix<float> inputs)
    {
        // Queries, keys and values all from the same tokens, no causal mask: the non-causal entry point of MultiHeadAttention.
        var attended = Attention.Forward([inputs], [inputs]);                      // (T, d) per sequence, and (T, T) per head
        var a = AttentionNorm.Forward(inputs + attended.Context[0]);               // (T, d)  LayerNorm₁(X + MHA(X))
        var outputs = OutputNorm.Forward(a + FeedForward.Forward(a));              // (T, d)  LayerNorm₂(A + FFN(A))
        return (outputs, attended.Weights[0]);
    }
}
