using System.Globalization;
using AttentionNotebooks.Charts.Layout;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Charts;

/// <summary>Checked points of a scatter chart: one labelled point per row, plus an optional highlighted point.</summary>
internal sealed record ScatterData(double[][] Points, string[] Labels, double[]? Highlight, string? HighlightLabel, int[] Dimensions, string[] AxisTitles)
{
    public static ScatterData Create(Matrix<float> points, IReadOnlyList<string>? labels, Vector<float>? highlight, string? highlightLabel, ScatterOptions options, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(options);
        int[] dims = dimensions == 2 ? [options.XDimension, options.YDimension] : [options.XDimension, options.YDimension, options.ZDimension];
        if (points.RowCount == 0)
            throw new ArgumentException($"points is empty ({Shape.Of(points)}): a scatter chart needs at least one point.", nameof(points));
        foreach (int d in dims)
            if (d < 0 || d >= points.ColumnCount)
                throw new ArgumentOutOfRangeException(nameof(options), d, $"points is {Shape.Of(points)} but dimension {d} was asked for: a {dimensions}-D scatter needs columns 0 to {points.ColumnCount - 1}.");
        if (dims.Distinct().Count() != dims.Length)
            throw new ArgumentException($"The dimensions shown must differ, but they are {string.Join(", ", dims)}.", nameof(options));
        ChartText.CheckNotNull(labels, nameof(labels), nameof(labels));
        AttentionNotebooks.Labels.Validate(points, labels, null, nameof(points));
        if (highlight is not null && highlight.Count != points.ColumnCount)
            throw new ArgumentException($"points is {Shape.Of(points)} but the highlighted vector has {highlight.Count} elements: it needs {points.ColumnCount}.", nameof(highlight));
        var rows = new double[points.RowCount][];
        for (int i = 0; i < points.RowCount; i++)
        {
            rows[i] = new double[dims.Length];
            for (int k = 0; k < dims.Length; k++)
            {
                float v = points[i, dims[k]];
                if (!float.IsFinite(v))
                    throw new ArgumentException($"points ({Shape.Of(points)}) contains {v.ToString(CultureInfo.InvariantCulture)} at row {i}, column {dims[k]}: a point needs finite coordinates.", nameof(points));
                rows[i][k] = v;
            }
        }
        double[]? h = null;
        if (highlight is not null)
        {
            foreach (int d in dims)
                if (!float.IsFinite(highlight[d]))
                    throw new ArgumentException($"highlight[{d}] is {highlight[d].ToString(CultureInfo.InvariantCulture)}: the highlighted point needs finite coordinates.", nameof(highlight));
            h = dims.Select(d => (double)highlight[d]).ToArray();
        }
        string[] names = (labels ?? Enumerable.Range(0, points.RowCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()).Select(AttentionNotebooks.Labels.Printable).ToArray();
        string?[] given = [options.XTitle, options.YTitle, options.ZTitle];
        string[] titles = dims.Select((d, k) => given[k] ?? ComponentName(d)).ToArray();
        return new ScatterData(rows, names, h, highlight is null ? null : AttentionNotebooks.Labels.Printable(highlightLabel ?? "highlight"), dims, titles);
    }

    /// <summary>
    /// The default name of column <paramref name="column"/>: x with the 1-based component number as a subscript
    /// (column 0 is <c>x₁</c>, column 11 is <c>x₁₂</c>), as the maths writes the components of an embedding x.
    /// </summary>
    public static string ComponentName(int column) =>
        "x" + string.Concat((column + 1).ToString(CultureInfo.InvariantCulture).Select(c => (char)('₀' + (c - '0'))));

    /// <summary>Every coordinate of axis k, the highlighted point included.</summary>
    public IEnumerable<double> Coordinates(int k) => Points.Select(p => p[k]).Concat(Highlight is null ? [] : [Highlight[k]]);
}

/// <summary>One point of a scatter chart as both renderers show it.</summary>
/// <param name="Coordinates">Its coordinates along the axes shown (2 or 3).</param>
/// <param name="Label">Its printable label.</param>
/// <param name="HoverText">What hovering it says in the SVG: <c>label: (x, y)</c>.</param>
/// <param name="Highlight">Whether it is the highlighted point.</param>
internal sealed record ScatterPoint(IReadOnlyList<double> Coordinates, string Label, string HoverText, bool Highlight)
{
    /// <summary>Its fill: the highlight colour for the highlighted point.</summary>
    public string Fill => Highlight ? Palette.Highlight : Palette.Primary;

    /// <summary>The outline of the highlighted point, null for the others.</summary>
    public string? Stroke => Highlight ? Palette.HighlightStroke : null;

    /// <summary>The colour of its label: the outline's for the highlighted point.</summary>
    public string LabelColor => Highlight ? Palette.HighlightStroke : Palette.Text;
}

/// <summary>
/// A scatter chart in the plane or in space as both renderers show it: labelled points, an optional highlighted one
/// (e.g. a context vector), and the axis titles.
/// </summary>
/// <param name="Data">The checked points, labels and axis titles.</param>
/// <param name="Points">The points, in the order given.</param>
/// <param name="Highlighted">The highlighted point, or null.</param>
internal sealed record ScatterModel(ScatterData Data, IReadOnlyList<ScatterPoint> Points, ScatterPoint? Highlighted) : ChartModel
{
    /// <summary>Describes the checked points.</summary>
    public static ScatterModel Create(ScatterData data) => new(data,
        data.Points.Select((p, i) => new ScatterPoint(p, data.Labels[i], $"{data.Labels[i]}: ({Coordinates(p)})", Highlight: false)).ToArray(),
        data.Highlight is null ? null : new ScatterPoint(data.Highlight, data.HighlightLabel!, $"{data.HighlightLabel}: ({Coordinates(data.Highlight)})", Highlight: true));

    /// <summary>Whether the points are in space (3 axes) rather than the plane.</summary>
    public bool IsThreeD => Data.Dimensions.Length == 3;

    /// <summary>Titles of the axes, x first.</summary>
    public IReadOnlyList<string> AxisTitles => Data.AxisTitles;

    public override string Kind => IsThreeD ? "scatter3d" : "scatter";

    public override string Describe() => $"{Points.Count} points{(IsThreeD ? " in 3-D" : "")}{(Highlighted is null ? "" : " and a highlighted one")}";

    private static string Coordinates(double[] point) => string.Join(", ", point.Select(v => MatrixText.FormatNumber((float)v)));
}
