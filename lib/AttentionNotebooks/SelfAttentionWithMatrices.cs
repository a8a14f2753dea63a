using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Scaled dot-product self-attention with three trainable matrices W_query, W_key, W_value of shape (dIn, dOut),
/// used as plain matrix products: Q = X·W_q. This is the book's <c>SelfAttention_v1</c>.
/// </summary>
/// <remarks>
/// Q = X·W_q, K = X·W_k, V = X·W_v; A = softmax(Q·Kᵀ / √d_k); Z = A·V, with d_k = dOut.
/// <see cref="SelfAttention"/> computes the same with <see cref="Linear"/> layers, whose weights are stored transposed.
/// </remarks>
public sealed class SelfAttentionWithMatrices
{
    /// <summary>
    /// Draws W_query, W_key and W_value in that order as <c>torch.rand(dIn, dOut)</c> each, like the book's
    /// <c>nn.Parameter(torch.rand(d_in, d_out))</c>.
    /// </summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Features per query, key, value and context vector.</param>
    /// <param name="generator">The seeded generator to draw from; a fresh one (PyTorch's start-up state) if null.</param>
    public SelfAttentionWithMatrices(int dIn, int dOut, TorchGenerator? generator = null)
    {
        Check.Positive(dIn, nameof(dIn));
        Check.Positive(dOut, nameof(dOut));
        Check.MatrixSize(dIn, nameof(dIn), dOut, nameof(dOut), "each projection matrix", nameof(dOut));
        generator ??= new TorchGenerator();
        WQuery = generator.Rand(dIn, dOut);
        WKey = generator.Rand(dIn, dOut);
        WValue = generator.Rand(dIn, dOut);
    }

    /// <summary>A module with the given (dIn, dOut) matrices (copied).</summary>
    public SelfAttentionWithMatrices(Matrix<float> wQuery, Matrix<float> wKey, Matrix<float> wValue)
    {
        Check.Sequence(wQuery, nameof(wQuery));
        Check.MatrixShape(wKey, wQuery.RowCount, wQuery.ColumnCount, nameof(wKey), $"W_query is {Shape.Of(wQuery)}, so W_key");
        Check.MatrixShape(wValue, wQuery.RowCount, wQuery.ColumnCount, nameof(wValue), $"W_query is {Shape.Of(wQuery)}, so W_value");
        Check.Sequence(wKey, nameof(wKey));
        Check.Sequence(wValue, nameof(wValue));
        WQuery = wQuery.Clone();
        WKey = wKey.Clone();
        WValue = wValue.Clone();
    }

    /// <summary>(dIn, dOut) query projection.</summary>
    public Matrix<float> WQuery { get; }

    /// <summary>(dIn, dOut) key projection.</summary>
    public Matrix<float> WKey { get; }

    /// <summary>(dIn, dOut) value projection.</summary>
    public Matrix<float> WValue { get; }

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.RowCount;

    /// <summary>Features per output token.</summary>
    public int DOut => WQuery.ColumnCount;

    /// <summary>Number of trainable values: 3·dIn·dOut.</summary>
    public long ParameterCount => 3L * DIn * DOut;

    /// <summary>Computes self-attention over one sequence.</summary>
    /// <param name="inputs">(tokens, dIn), all values finite; the (tokens, tokens) scores must fit in one matrix.</param>
    /// <returns>Context vectors (tokens, dOut) and attention weights (tokens, tokens).</returns>
    /// <exception cref="OverflowException">A query, key, value, score or context vector overflowed float32 (the message says which, where).</exception>
    public AttentionResult Forward(Matrix<float> inputs)
    {
        Check.Tokens(inputs, DIn, DOut, nameof(inputs), "W_query");
        Check.AttentionMemory(inputs.RowCount, inputs.RowCount, 3, nameof(inputs));     // scores, scaled scores, weights
        var origin = new Origin(nameof(inputs), inputs, "");
        var queries = inputs * WQuery;                              // (T, dOut)
        var keys = inputs * WKey;                                   // (T, dOut)
        var values = inputs * WValue;                               // (T, dOut)
        Overflow.InProjection(queries, "queries", origin, WQuery, "W_query");
        Overflow.InProjection(keys, "keys", origin, WKey, "W_key");
        Overflow.InProjection(values, "values", origin, WValue, "W_value");
        var step = Attention.ScaledDotProduct(queries, keys, values, KeyVisibility.All, dropout: null, origin, origin);
        return new AttentionResult(step.Context, step.Weights);     // (T, dOut), (T, T)
    }
}
