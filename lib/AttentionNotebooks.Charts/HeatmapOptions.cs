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

    /// <summary>
    /// The fixed colour range: its <see cref="ColorRange.Min"/> is drawn in the palest colour, its
    /// <see cref="ColorRange.Max"/> in the darkest, and the colour bar's ticks run from one to the other; e.g.
    /// <see cref="ColorRange.ZeroToOne"/> for attention weights, so that charts can be compared. Every finite value must
    /// lie inside it (an error names the first cell outside). Null (the default) takes the range from the data (see
    /// <see cref="Min"/> and <see cref="Max"/>) and the colour bar says <c>auto range</c>. Not together with
    /// <see cref="Min"/> or <see cref="Max"/>.
    /// </summary>
    public ColorRange? Range { get; init; }

    /// <summary>
    /// The value drawn in the palest colour; null for the smallest finite value (or 0 when every value is the same).
    /// Smaller values get the palest colour. Prefer <see cref="Range"/>, which also checks the values.
    /// </summary>
    public float? Min { get; init; }

    /// <summary>
    /// The value drawn in the darkest colour; null for the largest finite value. Larger values get the darkest colour.
    /// Prefer <see cref="Range"/>, which also checks the values.
    /// </summary>
    public float? Max { get; init; }

    /// <summary>
    /// Title of the colour bar, drawn beside it, e.g. <c>attention weight</c> or <c>score</c>; null or "" for none.
    /// </summary>
    public string? ColorBarTitle { get; init; }

    /// <summary>
    /// Whether the cells above the diagonal (column j &gt; row i) are masked, as in causal attention: drawn hatched
    /// grey, like ±∞ scores, and named <c>masked</c> in the legend, not coloured like real zeros. Default false.
    /// </summary>
    public bool Causal { get; init; }

    /// <summary>
    /// Which cells are masked, given (row, column), e.g. <c>(i, j) =&gt; j &gt; i</c>: drawn hatched grey with their value in
    /// grey, named <c>masked</c> in the legend, and left out of the automatic colour range. Null for none besides
    /// <see cref="Causal"/> (a cell is masked when either says so); ±∞ cells are always drawn masked.
    /// </summary>
    public Func<int, int, bool>? Masked { get; init; }

    /// <summary>
    /// The settings for attention weights, which are probabilities: the fixed range [0, 1] (<see cref="ColorRange.ZeroToOne"/>)
    /// and the colour bar titled <c>attention weight</c>. Add <c>with { Causal = true }</c> for causal weights.
    /// </summary>
    public static HeatmapOptions AttentionWeights => new() { Range = ColorRange.ZeroToOne, ColorBarTitle = "attention weight" };

    /// <summary>
    /// Decimals of the values written in the cells; null chooses by size: 4 up to 8 columns, 2 up to 16, no values
    /// beyond (cells too small). Values are never written in cells smaller than the text.
    /// </summary>
    public int? Decimals { get; init; }

    /// <summary>Whether values are written in the cells at all (default true).</summary>
    public bool ShowValues { get; init; } = true;
}

/// <summary>A fixed colour range of a heatmap: <paramref name="Min"/> drawn palest, <paramref name="Max"/> darkest.</summary>
/// <param name="Min">The value of the palest colour, finite.</param>
/// <param name="Max">The value of the darkest colour, finite and larger than <paramref name="Min"/>.</param>
public readonly record struct ColorRange(float Min, float Max)
{
    /// <summary>[0, 1], the range of attention weights (probabilities).</summary>
    public static ColorRange ZeroToOne => new(0, 1);
}
