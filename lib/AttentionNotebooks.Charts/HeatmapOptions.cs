namespace AttentionNotebooks.Charts;

/// <summary>
/// Optional settings of <see cref="Plot.Heatmap"/> and <see cref="Plot.Heatmaps(IReadOnlyList{MathNet.Numerics.LinearAlgebra.Matrix{float}}, IReadOnlyList{string}?, IReadOnlyList{string}?, string?, int?, HeatmapOptions?)"/>.
/// Every property left null keeps the default described on it.
/// </summary>
public sealed record HeatmapOptions
{
    /// <summary>Labels of the rows (queries), overriding the tokens; null keeps the tokens (or 0, 1, … without tokens).</summary>
    public IReadOnlyList<string>? RowLabels { get; init; }

    /// <summary>Labels of the columns (keys), overriding the tokens; null keeps the tokens (or 0, 1, … without tokens).</summary>
    public IReadOnlyList<string>? ColumnLabels { get; init; }

    /// <summary>Title of the row axis; null gives <c>query</c> when rows and columns are both labelled with the tokens, none otherwise; "" for none.</summary>
    public string? RowTitle { get; init; }

    /// <summary>Title of the column axis; null gives <c>key</c> when rows and columns are both labelled with the tokens, none otherwise; "" for none.</summary>
    public string? ColumnTitle { get; init; }

    /// <summary>The value drawn in the palest colour; null for the smallest finite value (or 0 when every value is the same).</summary>
    public float? Min { get; init; }

    /// <summary>The value drawn in the darkest colour; null for the largest finite value. Set 0 and 1 to compare weights across charts.</summary>
    public float? Max { get; init; }

    /// <summary>
    /// Decimals of the values written in the cells; null chooses by size: 4 up to 8 columns, 2 up to 16, no values
    /// beyond (cells too small). Values are never written in cells smaller than the text.
    /// </summary>
    public int? Decimals { get; init; }

    /// <summary>Whether values are written in the cells at all (default true).</summary>
    public bool ShowValues { get; init; } = true;
}
