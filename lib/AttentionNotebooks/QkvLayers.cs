namespace AttentionNotebooks;

/// <summary>The query, key and value <see cref="Linear"/> layers of the modules: drawn as the book draws them, or checked when given.</summary>
internal static class QkvLayers
{
    /// <summary>
    /// Draws query, key and value layers dIn → dOut in that order from <paramref name="generator"/>, as the book's
    /// <c>__init__</c> methods do. The caller has validated the sizes with its own parameter names.
    /// </summary>
    public static (Linear Query, Linear Key, Linear Value) Draw(int dIn, int dOut, bool bias, TorchGenerator generator)
    {
        var query = new Linear(dIn, dOut, bias, generator);
        var key = new Linear(dIn, dOut, bias, generator);
        var value = new Linear(dIn, dOut, bias, generator);
        return (query, key, value);
    }

    /// <summary>The given query, key and value layers, after <see cref="CheckSame"/>.</summary>
    public static (Linear Query, Linear Key, Linear Value) Checked(Linear wQuery, Linear wKey, Linear wValue)
    {
        CheckSame(wQuery, wKey, wValue);
        return (wQuery, wKey, wValue);
    }

    /// <summary>Query, key and value layers must all map the same dIn to the same dOut.</summary>
    public static void CheckSame(Linear wQuery, Linear wKey, Linear wValue)
    {
        ArgumentNullException.ThrowIfNull(wQuery);
        ArgumentNullException.ThrowIfNull(wKey);
        ArgumentNullException.ThrowIfNull(wValue);
        if (wKey.Weight.RowCount != wQuery.Weight.RowCount || wKey.Weight.ColumnCount != wQuery.Weight.ColumnCount)
            throw new ArgumentException($"W_key weight is {Shape.Of(wKey.Weight)} but W_query weight is {Shape.Of(wQuery.Weight)}: the projections must have the same shape.", nameof(wKey));
        if (wValue.Weight.RowCount != wQuery.Weight.RowCount || wValue.Weight.ColumnCount != wQuery.Weight.ColumnCount)
            throw new ArgumentException($"W_value weight is {Shape.Of(wValue.Weight)} but W_query weight is {Shape.Of(wQuery.Weight)}: the projections must have the same shape.", nameof(wValue));
    }

    /// <summary>
    /// Multi-head attention's projections: query, key and value alike (dIn → dOut), an output projection dOut → dOut,
    /// and <paramref name="numHeads"/> dividing dOut. Shared by <see cref="MultiHeadAttention"/> and
    /// <see cref="Efficient.FusedMultiHeadAttention"/>.
    /// </summary>
    public static void CheckOutput(Linear wQuery, Linear wKey, Linear wValue, Linear outProj, int numHeads)
    {
        CheckSame(wQuery, wKey, wValue);
        ArgumentNullException.ThrowIfNull(outProj);
        int dOut = wQuery.OutFeatures;
        Check.MatrixShape(outProj.Weight, dOut, dOut, nameof(outProj), $"W_query has {dOut} outputs, so the output projection");
        Check.Heads(dOut, "W_query's output features", numHeads);
    }
}
