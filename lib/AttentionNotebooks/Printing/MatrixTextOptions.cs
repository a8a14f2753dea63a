namespace AttentionNotebooks;

/// <summary>
/// Settings for <see cref="MatrixText"/> and <see cref="MatrixHtml"/>. The defaults are PyTorch's print options
/// (<c>torch.set_printoptions</c>): 4 decimals, summarise above 1000 entries showing 3 items at each edge, lines of
/// at most 80 characters.
/// </summary>
public sealed record MatrixTextOptions
{
    /// <summary>The options every formatter uses unless told otherwise.</summary>
    public static MatrixTextOptions Default { get; } = new();

    /// <summary>Digits after the decimal point when some value is not a whole number (PyTorch's <c>precision</c>): 4.</summary>
    public int Decimals { get; init; } = 4;

    /// <summary>
    /// A matrix or vector with more entries than this is summarised (PyTorch's <c>threshold</c>): 1000, so a 31x32
    /// matrix is printed whole and a 32x32 one is summarised.
    /// </summary>
    public int Threshold { get; init; } = 1000;

    /// <summary>Rows and columns shown at each edge of a summarised dimension (PyTorch's <c>edgeitems</c>): 3.</summary>
    public int EdgeItems { get; init; } = 3;

    /// <summary>
    /// Target line length of the unlabelled (<c>tensor(...)</c>) layout, which wraps rows exactly as PyTorch does
    /// (PyTorch's <c>linewidth</c>): 80. Labelled tables are never wrapped.
    /// </summary>
    public int LineWidth { get; init; } = 80;

    internal void Validate()
    {
        if (Decimals is < 0 or > 15)
            throw new ArgumentOutOfRangeException(nameof(Decimals), Decimals, $"Decimals must be between 0 and 15, but is {Decimals}.");
        if (Threshold < 0)
            throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, $"Threshold must not be negative, but is {Threshold}.");
        if (EdgeItems < 1)
            throw new ArgumentOutOfRangeException(nameof(EdgeItems), EdgeItems, $"EdgeItems must be at least 1, but is {EdgeItems}.");
        if (LineWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(LineWidth), LineWidth, $"LineWidth must be positive, but is {LineWidth}.");
    }
}
