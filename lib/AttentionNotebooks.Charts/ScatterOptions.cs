namespace AttentionNotebooks.Charts;

/// <summary>Optional settings of <see cref="Plot.Scatter2D"/> and <see cref="Plot.Scatter3D"/>.</summary>
public sealed record ScatterOptions
{
    /// <summary>The column of the points drawn along x (default 0).</summary>
    public int XDimension { get; init; }

    /// <summary>The column drawn along y (default 1).</summary>
    public int YDimension { get; init; } = 1;

    /// <summary>The column drawn along z in 3-D (default 2).</summary>
    public int ZDimension { get; init; } = 2;

    /// <summary>
    /// Title of the x axis; null names the column shown as the maths does, 1-based: <c>x₁</c> for column 0, <c>x₂</c>
    /// for column 1, ….
    /// </summary>
    public string? XTitle { get; init; }

    /// <summary>Title of the y axis; null gives <c>x₂</c> for column 1 (1-based, as <see cref="XTitle"/>).</summary>
    public string? YTitle { get; init; }

    /// <summary>Title of the z axis (3-D only); null gives <c>x₃</c> for column 2 (1-based, as <see cref="XTitle"/>).</summary>
    public string? ZTitle { get; init; }
}
