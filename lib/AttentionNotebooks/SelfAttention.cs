using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Scaled dot-product self-attention whose projections are <see cref="Linear"/> layers: the book's
/// <c>SelfAttention_v2</c>, and the form every later class builds on.
/// </summary>
/// <remarks>
/// Changed from <see cref="SelfAttentionWithMatrices"/>: the three matrices became <see cref="Linear"/> layers, which
/// store their weights as (dOut, dIn), may add a bias, and are initialised like <c>nn.Linear</c>.
/// Q = X·W_qᵀ, K = X·W_kᵀ, V = X·W_vᵀ; A = softmax(Q·Kᵀ / √d_k); Z = A·V.
/// </remarks>
public sealed class SelfAttention
{
    /// <summary>Builds the query, key and value layers in that order, as <c>nn.Linear(dIn, dOut, bias=qkvBias)</c>.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Features per query, key, value and context vector.</param>
    /// <param name="qkvBias">Whether the three projections add a bias.</param>
    /// <param name="generator">The seeded generator to draw from; a fresh one (PyTorch's start-up state) if null.</param>
    public SelfAttention(int dIn, int dOut, bool qkvBias = false, TorchGenerator? generator = null)
        : this(Build(dIn, dOut, qkvBias, generator ?? new TorchGenerator()))
    {
    }

    /// <summary>A module with the given projections (used as they are, not copied).</summary>
    public SelfAttention(Linear wQuery, Linear wKey, Linear wValue)
        : this(QkvLayers.Checked(wQuery, wKey, wValue))
    {
    }

    private SelfAttention((Linear Query, Linear Key, Linear Value) layers)
    {
        (WQuery, WKey, WValue) = layers;
    }

    private static (Linear, Linear, Linear) Build(int dIn, int dOut, bool qkvBias, TorchGenerator generator)
    {
        Check.Projection(dIn, nameof(dIn), dOut, nameof(dOut));
        return QkvLayers.Draw(dIn, dOut, qkvBias, generator);
    }

    /// <summary>Query projection, weight (dOut, dIn).</summary>
    public Linear WQuery { get; }

    /// <summary>Key projection, weight (dOut, dIn).</summary>
    public Linear WKey { get; }

    /// <summary>Value projection, weight (dOut, dIn).</summary>
    public Linear WValue { get; }

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.InFeatures;

    /// <summary>Features per output token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Number of trainable values in the three projections.</summary>
    public long ParameterCount => WQuery.ParameterCount + WKey.ParameterCount + WValue.ParameterCount;

    /// <summary>Computes self-attention over one sequence.</summary>
    /// <param name="inputs">(tokens, dIn), all values finite; the (tokens, tokens) scores must fit in one matrix.</param>
    /// <returns>Context vectors (tokens, dOut) and attention weights (tokens, tokens).</returns>
    /// <exception cref="OverflowException">A query, key, value, score or context vector overflowed float32 (the message says which, where).</exception>
    public AttentionResult Forward(Matrix<float> inputs)
    {
        Check.Tokens(inputs, DIn, DOut, nameof(inputs), "W_query");
        Check.AttentionMemory(inputs.RowCount, inputs.RowCount, 3, nameof(inputs));     // scores, scaled scores, weights
        var origin = new Origin(nameof(inputs), inputs, "");
        var queries = WQuery.Apply(inputs);                         // (T, dOut)
        var keys = WKey.Apply(inputs);                              // (T, dOut)
        var values = WValue.Apply(inputs);                          // (T, dOut)
        Overflow.InProjections(origin, (WQuery, queries), (WKey, keys), (WValue, values));
        var step = Attention.ScaledDotProduct(queries, keys, values, KeyVisibility.All, dropout: null, origin, origin);
        return new AttentionResult(step.Context, step.Weights);     // (T, dOut), (T, T)
    }
}
