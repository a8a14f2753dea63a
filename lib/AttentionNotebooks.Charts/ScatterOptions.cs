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

    /// <summary>Axis titles; null gives <c>dimension 0</c>, <c>dimension 1</c>, … after the columns shown.</summary>
    public string? XTitle { get; init; }

    /// <summary>Title of the y axis; null gives <c>dimension</c> and the column shown.</summary>
    public string? YTitle { get; init; }

    /// <summary>Title of the z axis (3-D only); null gives <c>dimension</c> and the column shown.</summary>
    public string? ZTitle { get; init; }
}
