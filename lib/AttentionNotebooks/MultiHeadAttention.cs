using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Multi-head causal attention with the weight split: one query, one key and one value projection of width dOut,
/// split into numHeads column blocks of headDim = dOut / numHeads, attention per head, the heads' context vectors
/// concatenated back and mixed by an output projection. This is the book's <c>MultiHeadAttention</c> and the
/// attention inside GPT-2.
/// </summary>
/// <remarks>
/// Changed from <see cref="MultiHeadAttentionWrapper"/>: three projections shared by all heads instead of three per
/// head (a head is a block of headDim columns of Q, K and V, which is what PyTorch's <c>view</c> + <c>transpose</c>
/// select), plus an output projection. For head h: A_h = dropout(softmax(mask(Q_h·K_hᵀ) / √headDim)), Z_h = A_h·V_h;
/// Z = [Z₁ | … | Z_h]; output = Z·W_oᵀ + b_o.
/// </remarks>
public sealed class MultiHeadAttention
{
    /// <summary>Builds query, key, value (dIn → dOut) and output (dOut → dOut, with bias) projections in that order, as the book does.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Output features per token; must be divisible by <paramref name="numHeads"/>.</param>
    /// <param name="contextLength">The longest sequence the module accepts.</param>
    /// <param name="dropout">Probability of dropping an attention weight during training, in [0, 1).</param>
    /// <param name="numHeads">Number of heads.</param>
    /// <param name="qkvBias">Whether the query, key and value projections add a bias (the output projection always does).</param>
    /// <param name="generator">The seeded generator for the weights and the dropout decisions; a fresh one if null.</param>
    public MultiHeadAttention(int dIn, int dOut, int contextLength, float dropout, int numHeads, bool qkvBias = false, TorchGenerator? generator = null)
    {
        CheckHeads(dOut, numHeads);
        Check.Positive(contextLength, nameof(contextLength));
        generator ??= new TorchGenerator();
        WQuery = new Linear(dIn, dOut, qkvBias, generator);
        WKey = new Linear(dIn, dOut, qkvBias, generator);
        WValue = new Linear(dIn, dOut, qkvBias, generator);
        OutProj = new Linear(dOut, dOut, bias: true, generator);
        Dropout = new Dropout(dropout, generator);
        NumHeads = numHeads;
        ContextLength = contextLength;
        Mask = CausalMask.Create(contextLength);
    }

    /// <summary>A module with the given projections (used as they are, not copied).</summary>
    public MultiHeadAttention(Linear wQuery, Linear wKey, Linear wValue, Linear outProj, int contextLength, int numHeads, float dropout = 0f, TorchGenerator? generator = null)
    {
        Projections.CheckSame(wQuery, wKey, wValue);
        ArgumentNullException.ThrowIfNull(outProj);
        int dOut = wQuery.OutFeatures;
        Check.MatrixShape(outProj.Weight, dOut, dOut, nameof(outProj), $"W_query has {dOut} outputs, so the output projection");
        CheckHeads(dOut, numHeads);
        Check.Positive(contextLength, nameof(contextLength));
        WQuery = wQuery;
        WKey = wKey;
        WValue = wValue;
        OutProj = outProj;
        Dropout = new Dropout(dropout, generator);
        NumHeads = numHeads;
        ContextLength = contextLength;
        Mask = CausalMask.Create(contextLength);
    }

    /// <summary>Query projection for all heads, weight (dOut, dIn).</summary>
    public Linear WQuery { get; }

    /// <summary>Key projection for all heads, weight (dOut, dIn).</summary>
    public Linear WKey { get; }

    /// <summary>Value projection for all heads, weight (dOut, dIn).</summary>
    public Linear WValue { get; }

    /// <summary>Output projection that mixes the concatenated heads, weight (dOut, dOut), with bias.</summary>
    public Linear OutProj { get; }

    /// <summary>Dropout applied to the attention weights.</summary>
    public Dropout Dropout { get; }

    /// <summary>(contextLength, contextLength) causal mask, 1 above the diagonal (a buffer, not trained).</summary>
    public Matrix<float> Mask { get; }

    /// <summary>Number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>Features per head: dOut / numHeads.</summary>
    public int HeadDim => DOut / NumHeads;

    /// <summary>The longest sequence the module accepts.</summary>
    public int ContextLength { get; }

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.InFeatures;

    /// <summary>Output features per token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Training mode (the default, as in PyTorch) applies dropout; evaluation mode (false) does not.</summary>
    public bool Training
    {
        get => Dropout.Training;
        set => Dropout.Training = value;
    }

    /// <summary>Number of trainable values: the four projections (the mask is not trained).</summary>
    public long ParameterCount => WQuery.ParameterCount + WKey.ParameterCount + WValue.ParameterCount + OutProj.ParameterCount;

    /// <summary>Computes multi-head causal attention over every sequence of a batch.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length.</param>
    /// <returns>Per sequence: (tokens, dOut) outputs, and each head's (tokens, tokens) weights.</returns>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query");
        var outputs = new Matrix<float>[batch.Count];
        var weights = new IReadOnlyList<Matrix<float>>[batch.Count];
        for (int b = 0; b < batch.Count; b++)
            (outputs[b], weights[b]) = Attend(batch[b]);
        return new MultiHeadAttentionResult(outputs, weights);
    }

    private (Matrix<float> Output, Matrix<float>[] Weights) Attend(Matrix<float> x)
    {
        int tokens = x.RowCount, headDim = HeadDim;
        var queries = WQuery.Forward(x);                                    // (T, dOut)
        var keys = WKey.Forward(x);                                         // (T, dOut)
        var values = WValue.Forward(x);                                     // (T, dOut)
        var context = Matrix<float>.Build.Dense(tokens, DOut);              // (T, dOut)
        var weights = new Matrix<float>[NumHeads];
        for (int h = 0; h < NumHeads; h++)
        {
            int first = h * headDim;
            var q = queries.SubMatrix(0, tokens, first, headDim);           // (T, headDim)  head h's columns
            var k = keys.SubMatrix(0, tokens, first, headDim);              // (T, headDim)
            var v = values.SubMatrix(0, tokens, first, headDim);            // (T, headDim)
            var scores = q * k.Transpose();                                 // (T, T)
            var masked = CausalMask.MaskedFill(scores, Mask);               // (T, T)
            weights[h] = Softmax.Stable(masked / MathF.Sqrt(headDim));      // (T, T)
            weights[h] = Dropout.Forward(weights[h]);                       // (T, T)
            context.SetSubMatrix(0, first, weights[h] * v);                 // (T, headDim) into (T, dOut)
        }
        var output = OutProj.Forward(context);                              // (T, dOut)
        return (output, weights);
    }

    private static void CheckHeads(int dOut, int numHeads)
    {
        Check.Positive(dOut, nameof(dOut));
        Check.Positive(numHeads, nameof(numHeads));
        if (dOut % numHeads != 0)
            throw new ArgumentException($"d_out ({dOut}) must be divisible by num_heads ({numHeads}): each head gets d_out / num_heads features.", nameof(numHeads));
    }
}
