using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Cross-attention (encoder–decoder attention): scaled dot-product attention whose queries come from one sequence
/// (the decoder's, e.g. the English words written so far) and whose keys and values come from another (the encoder's,
/// e.g. the German sentence). No causal mask: every query may look at every real key; the key sequence may be padded.
/// </summary>
/// <remarks>
/// Changed from <see cref="SelfAttention"/>: two inputs instead of one. Q = X_q·W_qᵀ, K = X_kv·W_kᵀ, V = X_kv·W_vᵀ;
/// A = softmax(mask(Q·Kᵀ) / √d_k), (Tq, Tk); Z = A·V, (Tq, dOut). With the same sequence on both sides it is
/// <see cref="SelfAttention"/>. PyTorch's <c>nn.MultiheadAttention(query, key, value)</c> with key = value is the
/// multi-head form of the same computation.
/// </remarks>
public sealed class CrossAttention
{
    /// <summary>Builds the query, key and value layers in that order, as <c>nn.Linear(dInQuery, dOut)</c>, <c>nn.Linear(dInKeyValue, dOut)</c> twice.</summary>
    /// <param name="dInQuery">Features per token of the query sequence.</param>
    /// <param name="dInKeyValue">Features per token of the key/value sequence.</param>
    /// <param name="dOut">Features per query, key, value and context vector.</param>
    /// <param name="qkvBias">Whether the three projections add a bias.</param>
    /// <param name="generator">The seeded generator to draw from; a fresh one (PyTorch's start-up state) if null.</param>
    public CrossAttention(int dInQuery, int dInKeyValue, int dOut, bool qkvBias = false, TorchGenerator? generator = null)
        : this(Build(dInQuery, dInKeyValue, dOut, qkvBias, generator ?? new TorchGenerator()))
    {
    }

    /// <summary>
    /// A module with the given projections (used as they are, not copied): <paramref name="wQuery"/> (dOut, dInQuery),
    /// <paramref name="wKey"/> and <paramref name="wValue"/> (dOut, dInKeyValue).
    /// </summary>
    public CrossAttention(Linear wQuery, Linear wKey, Linear wValue)
        : this(Checked(wQuery, wKey, wValue))
    {
    }

    private CrossAttention((Linear Query, Linear Key, Linear Value) layers)
    {
        (WQuery, WKey, WValue) = layers;
    }

    private static (Linear, Linear, Linear) Build(int dInQuery, int dInKeyValue, int dOut, bool qkvBias, TorchGenerator generator)
    {
        Check.Projection(dInQuery, nameof(dInQuery), dOut, nameof(dOut));
        Check.Projection(dInKeyValue, nameof(dInKeyValue), dOut, nameof(dOut));
        var query = new Linear(dInQuery, dOut, qkvBias, generator);
        var key = new Linear(dInKeyValue, dOut, qkvBias, generator);
        var value = new Linear(dInKeyValue, dOut, qkvBias, generator);
        return (query, key, value);
    }

    private static (Linear, Linear, Linear) Checked(Linear wQuery, Linear wKey, Linear wValue)
    {
        ArgumentNullException.ThrowIfNull(wQuery);
        ArgumentNullException.ThrowIfNull(wKey);
        ArgumentNullException.ThrowIfNull(wValue);
        if (wKey.OutFeatures != wQuery.OutFeatures)
            throw new ArgumentException($"W_key weight is {Shape.Of(wKey.Weight)} but W_query weight is {Shape.Of(wQuery.Weight)}: queries and keys need the same number of features (rows).", nameof(wKey));
        if (wValue.Weight.RowCount != wKey.Weight.RowCount || wValue.Weight.ColumnCount != wKey.Weight.ColumnCount)
            throw new ArgumentException($"W_value weight is {Shape.Of(wValue.Weight)} but W_key weight is {Shape.Of(wKey.Weight)}: keys and values are projected from the same sequence to the same width.", nameof(wValue));
        return (wQuery, wKey, wValue);
    }

    /// <summary>Query projection, weight (dOut, dInQuery).</summary>
    public Linear WQuery { get; }

    /// <summary>Key projection, weight (dOut, dInKeyValue).</summary>
    public Linear WKey { get; }

    /// <summary>Value projection, weight (dOut, dInKeyValue).</summary>
    public Linear WValue { get; }

    /// <summary>Features per token of the query sequence.</summary>
    public int DInQuery => WQuery.InFeatures;

    /// <summary>Features per token of the key/value sequence.</summary>
    public int DInKeyValue => WKey.InFeatures;

    /// <summary>Features per output token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Number of trainable values in the three projections.</summary>
    public long ParameterCount => WQuery.ParameterCount + WKey.ParameterCount + WValue.ParameterCount;

    /// <summary>Every query attends to every token of the other sequence.</summary>
    /// <param name="queryInputs">(Tq, dInQuery), the sequence the queries come from (the decoder's), all values finite.</param>
    /// <param name="keyValueInputs">(Tk, dInKeyValue), the sequence the keys and values come from (the encoder's), all values finite.</param>
    /// <returns>Context vectors (Tq, dOut) and attention weights (Tq, Tk): row i says how much query i attends to each key.</returns>
    /// <exception cref="OverflowException">A query, key, value, score or context vector overflowed float32 (the message says which, where).</exception>
    public AttentionResult Forward(Matrix<float> queryInputs, Matrix<float> keyValueInputs)
    {
        CheckInputs(queryInputs, keyValueInputs);
        return Attend(queryInputs, keyValueInputs, keyValueInputs.RowCount);
    }

    /// <summary>
    /// Every query attends to the first <paramref name="keyLength"/> tokens of the other sequence, whose remaining rows
    /// are padding (<see cref="AttentionMask.KeyPadding(int, int, int)"/>): their weights are exactly 0.
    /// </summary>
    /// <param name="queryInputs">(Tq, dInQuery), the sequence the queries come from, all values finite.</param>
    /// <param name="keyValueInputs">(Tk, dInKeyValue), the key/value sequence with padding after its real tokens, all values finite.</param>
    /// <param name="keyLength">The number of real tokens in <paramref name="keyValueInputs"/>, 1 ≤ keyLength ≤ Tk.</param>
    /// <returns>Context vectors (Tq, dOut) and attention weights (Tq, Tk), 0 in the columns j ≥ keyLength.</returns>
    /// <exception cref="OverflowException">A query, key, value, used score or context vector overflowed float32 (the message says which, where).</exception>
    public AttentionResult Forward(Matrix<float> queryInputs, Matrix<float> keyValueInputs, int keyLength)
    {
        CheckInputs(queryInputs, keyValueInputs);
        if (keyLength < 1 || keyLength > keyValueInputs.RowCount)
            throw new ArgumentOutOfRangeException(nameof(keyLength), keyLength,
                $"keyLength is {keyLength} but must be between 1 and the {keyValueInputs.RowCount} tokens of keyValueInputs: at least one key must be visible.");
        return Attend(queryInputs, keyValueInputs, keyLength);
    }

    private void CheckInputs(Matrix<float> queryInputs, Matrix<float> keyValueInputs)
    {
        Check.Sequence(queryInputs, DInQuery, nameof(queryInputs), "W_query");
        Check.Sequence(keyValueInputs, DInKeyValue, nameof(keyValueInputs), "W_key");
        Check.MatrixSize(queryInputs.RowCount, "queryInputs tokens", keyValueInputs.RowCount, "keyValueInputs tokens", "the attention scores", nameof(keyValueInputs));
        Check.MatrixSize(queryInputs.RowCount, "queryInputs tokens", DOut, "dOut", "the queries and context vectors", nameof(queryInputs));
        Check.MatrixSize(keyValueInputs.RowCount, "keyValueInputs tokens", DOut, "dOut", "the keys and values", nameof(keyValueInputs));
        Check.AttentionMemory(queryInputs.RowCount, keyValueInputs.RowCount, 3, nameof(queryInputs));   // scores, scaled scores, weights
    }

    private AttentionResult Attend(Matrix<float> xq, Matrix<float> xkv, int keyLength)
    {
        var queryOrigin = new Origin("queryInputs", xq, "");
        var keyOrigin = new Origin("keyValueInputs", xkv, "");
        var queries = WQuery.Apply(xq);                                     // (Tq, dOut)
        var keys = WKey.Apply(xkv);                                         // (Tk, dOut)
        var values = WValue.Apply(xkv);                                     // (Tk, dOut)
        Overflow.InProjection(queries, "queries", xq, "queryInputs", WQuery, "W_query", "");
        Overflow.InProjection(keys, "keys", xkv, "keyValueInputs", WKey, "W_key", "");
        Overflow.InProjection(values, "values", xkv, "keyValueInputs", WValue, "W_value", "");
        var step = Attention.ScaledDotProduct(queries, keys, values, new KeyVisibility(Causal: false, keyLength), dropout: null, queryOrigin, keyOrigin);
        return new AttentionResult(step.Context, step.Weights);             // (Tq, dOut), (Tq, Tk)
    }
}
