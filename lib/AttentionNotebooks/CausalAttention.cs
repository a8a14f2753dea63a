using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Causal (masked) self-attention with dropout on the attention weights, over a batch of sequences: token i only
/// attends to tokens 0..i. This is the book's <c>CausalAttention</c>.
/// </summary>
/// <remarks>
/// Changed from <see cref="SelfAttention"/>: scores above the diagonal are set to −∞ before softmax (so their weights
/// are exactly 0), dropout is applied to the weights, inputs come as a batch, and sequences may not be longer than
/// <see cref="ContextLength"/>. A = dropout(softmax(mask(Q·Kᵀ) / √d_k)); Z = A·V.
/// </remarks>
public sealed class CausalAttention
{
    /// <summary>Builds the query, key and value layers in that order, as the book's <c>CausalAttention.__init__</c> does.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Features per query, key, value and context vector.</param>
    /// <param name="contextLength">The longest sequence the module accepts (the size of its mask).</param>
    /// <param name="dropout">Probability of dropping an attention weight during training, in [0, 1).</param>
    /// <param name="qkvBias">Whether the three projections add a bias.</param>
    /// <param name="generator">The seeded generator for the weights and the dropout decisions; a fresh one if null.</param>
    public CausalAttention(int dIn, int dOut, int contextLength, float dropout = 0f, bool qkvBias = false, TorchGenerator? generator = null)
    {
        Check.Positive(contextLength, nameof(contextLength));
        generator ??= new TorchGenerator();
        WQuery = new Linear(dIn, dOut, qkvBias, generator);
        WKey = new Linear(dIn, dOut, qkvBias, generator);
        WValue = new Linear(dIn, dOut, qkvBias, generator);
        Dropout = new Dropout(dropout, generator);
        ContextLength = contextLength;
        Mask = CausalMask.Create(contextLength);
    }

    /// <summary>A module with the given projections (used as they are, not copied).</summary>
    public CausalAttention(Linear wQuery, Linear wKey, Linear wValue, int contextLength, float dropout = 0f, TorchGenerator? generator = null)
    {
        Projections.CheckSame(wQuery, wKey, wValue);
        Check.Positive(contextLength, nameof(contextLength));
        WQuery = wQuery;
        WKey = wKey;
        WValue = wValue;
        Dropout = new Dropout(dropout, generator);
        ContextLength = contextLength;
        Mask = CausalMask.Create(contextLength);
    }

    /// <summary>Query projection, weight (dOut, dIn).</summary>
    public Linear WQuery { get; }

    /// <summary>Key projection, weight (dOut, dIn).</summary>
    public Linear WKey { get; }

    /// <summary>Value projection, weight (dOut, dIn).</summary>
    public Linear WValue { get; }

    /// <summary>Dropout applied to the attention weights.</summary>
    public Dropout Dropout { get; }

    /// <summary>
    /// (contextLength, contextLength) causal mask, 1 above the diagonal: the book's <c>register_buffer("mask", ...)</c>,
    /// a fixed matrix that belongs to the module but is not trained. A sequence of T tokens uses its top-left (T, T) block.
    /// </summary>
    public Matrix<float> Mask { get; }

    /// <summary>The longest sequence the module accepts.</summary>
    public int ContextLength { get; }

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.InFeatures;

    /// <summary>Features per output token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Training mode (the default, as in PyTorch) applies dropout; evaluation mode (false) does not.</summary>
    public bool Training
    {
        get => Dropout.Training;
        set => Dropout.Training = value;
    }

    /// <summary>Number of trainable values in the three projections (the mask is not trained).</summary>
    public long ParameterCount => WQuery.ParameterCount + WKey.ParameterCount + WValue.ParameterCount;

    /// <summary>Computes causal attention over every sequence of a batch.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length.</param>
    /// <returns>Per sequence: context vectors (tokens, dOut) and attention weights (tokens, tokens).</returns>
    public BatchAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query");
        var context = new Matrix<float>[batch.Count];
        var weights = new Matrix<float>[batch.Count];
        for (int b = 0; b < batch.Count; b++)
            (context[b], weights[b]) = Attend(batch[b]);
        return new BatchAttentionResult(context, weights);
    }

    /// <summary>Computes causal attention over one sequence.</summary>
    /// <param name="inputs">(tokens, dIn), tokens ≤ context length.</param>
    /// <returns>Context vectors (tokens, dOut) and attention weights (tokens, tokens).</returns>
    public AttentionResult Forward(Matrix<float> inputs)
    {
        Check.Batch([inputs], DIn, ContextLength, nameof(inputs), "W_query");
        var (context, weights) = Attend(inputs);
        return new AttentionResult(context, weights);
    }

    private (Matrix<float> Context, Matrix<float> Weights) Attend(Matrix<float> x)
    {
        var queries = WQuery.Forward(x);                            // (T, dOut)
        var keys = WKey.Forward(x);                                 // (T, dOut)
        var values = WValue.Forward(x);                             // (T, dOut)
        var scores = queries * keys.Transpose();                    // (T, T)
        var masked = CausalMask.MaskedFill(scores, Mask);           // (T, T)  −∞ above the diagonal
        var weights = Softmax.Stable(masked / MathF.Sqrt(DOut));    // (T, T)  0 above the diagonal
        weights = Dropout.Forward(weights);                         // (T, T)
        var context = weights * values;                             // (T, dOut)
        return (context, weights);
    }
}
