namespace AttentionNotebooks;

/// <summary>Checks shared by the modules that are built from existing <see cref="Linear"/> layers.</summary>
internal static class Projections
{
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
}
