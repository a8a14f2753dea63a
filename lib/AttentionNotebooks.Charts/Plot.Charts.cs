using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Charts;

public static partial class Plot
{
    /// <summary>
    /// A bar per value with the value written above it (4 decimals up to 12 bars, 2 up to 24, none beyond; on a
    /// logarithmic axis 4 significant digits each), labelled underneath (rotated when long); one bar may be
    /// highlighted, and a legend above the plot then says what the highlight means. The plot spans the chart's width.
    /// </summary>
    /// <param name="values">The heights; finite (positive with <paramref name="logScale"/>).</param>
    /// <param name="labels">One label per bar, e.g. tokens; null numbers the bars 0, 1, ….</param>
    /// <param name="title">Title drawn above the chart, or null.</param>
    /// <param name="highlight">Index of a bar drawn in the highlight colour, or null.</param>
    /// <param name="xTitle">Title under the labels, or null.</param>
    /// <param name="yTitle">Title of the value axis, or null.</param>
    /// <param name="logScale">
    /// A logarithmic value axis, for values spanning decades (timings from 1.5 ms to 1800 ms): ticks at powers of ten,
    /// bars standing on the power of ten at most half the smallest value, so every bar is visible.
    /// </param>
    /// <param name="highlightLabel">What the highlighted bar is, shown in the legend (at most 60 characters drawn); null gives <c>highlighted</c>. Only with <paramref name="highlight"/>.</param>
    /// <exception cref="ArgumentException">
    /// No values, a value that is not finite (or not positive on a log scale: <c>values[2] is 0: a logarithmic bar
    /// chart needs positive values …</c>), a label count that does not match, or a highlight label without a highlight.
    /// </exception>
    /// <example><code>Plot.Bar(msVector, names, "Milliseconds per call", highlight: 3, logScale: true, highlightLabel: "the baseline")</code></example>
    public static Figure Bar(Vector<float> values, IReadOnlyList<string>? labels = null, string? title = null, int? highlight = null, string? xTitle = null, string? yTitle = null,
        bool logScale = false, string? highlightLabel = null) =>
        new(BarModel.Create(values, labels, highlight, xTitle, yTitle, nameof(values), logScale, highlightLabel), title);

    /// <summary>
    /// The attention weights of one query as bars, one per key token, the query's own token highlighted (the legend says
    /// <c>the query's own token</c>): row <paramref name="query"/> of the weights. The default title names the query, e.g.
    /// <c>Attention weights of the query "journey"</c>.
    /// </summary>
    /// <param name="weights">(queries, keys) attention weights.</param>
    /// <param name="query">The row to show, e.g. <see cref="SampleData.JourneyIndex"/>.</param>
    /// <param name="tokens">Key tokens (one per column), e.g. <see cref="SampleData.Tokens"/>; null numbers them.</param>
    /// <param name="title">Title; null for the default naming the query.</param>
    /// <exception cref="ArgumentOutOfRangeException">The query is not a row of the weights.</exception>
    /// <example><code>Plot.QueryWeights(weights, SampleData.JourneyIndex, SampleData.Tokens)</code></example>
    public static Figure QueryWeights(Matrix<float> weights, int query, IReadOnlyList<string>? tokens = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (query < 0 || query >= weights.RowCount)
            throw new ArgumentOutOfRangeException(nameof(query), query, $"query must be a row of weights ({Shape.Of(weights)}): between 0 and {weights.RowCount - 1}, but is {query}.");
        if (tokens is not null && tokens.Count != weights.ColumnCount)
            throw new ArgumentException($"weights is {Shape.Of(weights)} but {tokens.Count} labels were given for {weights.ColumnCount} columns.", nameof(tokens));
        Layout.ChartText.CheckNotNull(tokens, nameof(tokens), nameof(tokens));
        bool square = weights.RowCount == weights.ColumnCount;
        string name = tokens is not null && square ? $"\"{Layout.ChartText.Display(tokens[query], Layout.ChartText.LabelLength)}\"" : query.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new(BarModel.Create(weights.Row(query), tokens, square ? query : null, "key", "attention weight", $"weights row {query}",
                highlightLabel: square ? "the query's own token" : null),
            title ?? $"Attention weights of the query {name}");
    }

    /// <summary>
    /// Points in the plane, one per row, each labelled; an optional highlighted point (e.g. a context vector) in the
    /// highlight colour. Shows columns 0 and 1 unless <paramref name="options"/> picks others; the axes are named
    /// <c>x₁</c>, <c>x₂</c> (1-based, as the maths numbers components) unless <paramref name="options"/> names them.
    /// </summary>
    /// <param name="points">(n, d) matrix, d ≥ 2, e.g. the embeddings.</param>
    /// <param name="labels">One label per point, e.g. <see cref="SampleData.Tokens"/>; null numbers them.</param>
    /// <param name="highlight">A further point with d elements to emphasise, or null.</param>
    /// <param name="highlightLabel">Its label (default <c>highlight</c>).</param>
    /// <param name="title">Title, or null.</param>
    /// <param name="options">Which columns to show and axis titles.</param>
    /// <exception cref="ArgumentException">No points, non-finite coordinates, or labels or highlight that do not match the shape.</exception>
    /// <example><code>Plot.Scatter2D(inputs, SampleData.Tokens, result.Context.Row(1), "z(2)")</code></example>
    public static Figure Scatter2D(Matrix<float> points, IReadOnlyList<string>? labels = null, Vector<float>? highlight = null, string? highlightLabel = null,
        string? title = null, ScatterOptions? options = null) =>
        new(ScatterModel.Create(ScatterData.Create(points, labels, highlight, highlightLabel, options ?? new ScatterOptions(), 2)), title);

    /// <summary>
    /// Points in space, one per row, each labelled, with an optional highlighted point. The SVG is an orthographic
    /// projection with a floor, two back walls, ticks on three axes and a dashed drop line from every point to the
    /// floor; the Plotly chart can be rotated. Shows columns 0, 1 and 2 unless <paramref name="options"/> picks others;
    /// the axes are named after the components they show, 1-based as in the maths (<c>x₁</c>, <c>x₂</c>, <c>x₃</c>),
    /// unless <paramref name="options"/> names them.
    /// </summary>
    /// <param name="points">(n, d) matrix, d ≥ 3, e.g. the sample's 3-dimensional embeddings.</param>
    /// <param name="labels">One label per point; null numbers them.</param>
    /// <param name="highlight">A further point with d elements to emphasise, or null.</param>
    /// <param name="highlightLabel">Its label (default <c>highlight</c>).</param>
    /// <param name="title">Title, or null.</param>
    /// <param name="options">Which columns to show and axis titles.</param>
    /// <example><code>Plot.Scatter3D(SampleData.Inputs(), SampleData.Tokens, context.Row(1), "context z(2)")</code></example>
    public static Figure Scatter3D(Matrix<float> points, IReadOnlyList<string>? labels = null, Vector<float>? highlight = null, string? highlightLabel = null,
        string? title = null, ScatterOptions? options = null) =>
        new(ScatterModel.Create(ScatterData.Create(points, labels, highlight, highlightLabel, options ?? new ScatterOptions(), 3)), title);

    /// <summary>
    /// Lines, one per series, with a legend; for experiments and benchmarks. A series of at most 50 points gets a
    /// marker per point; a longer one (a training curve) is drawn as a line only.
    /// </summary>
    /// <param name="series">The series, each with as many x as y values, all finite (positive on a log axis).</param>
    /// <param name="title">Title, or null.</param>
    /// <param name="xTitle">Title of the x axis, or null.</param>
    /// <param name="yTitle">Title of the y axis, or null.</param>
    /// <param name="logX">Logarithmic x axis (e.g. sequence lengths 64, 128, …, 4096).</param>
    /// <param name="logY">Logarithmic y axis (e.g. times spanning decades).</param>
    /// <param name="yFromZero">Whether the linear y axis reaches 0, so that heights compare as sizes (not with <paramref name="logY"/>).</param>
    /// <exception cref="ArgumentException">
    /// No series, a null series, <paramref name="yFromZero"/> with <paramref name="logY"/>, a value that is not positive on a log axis (the message names the series and point),
    /// or values spanning less than 1e-300 (subnormal doubles) on a linear axis. Each <see cref="Series"/> checks its
    /// own points when made.
    /// </exception>
    /// <example><code>Plot.Line([Series.Of("naive", lengths, naiveMs), Series.Of("flash", lengths, flashMs)], "Time per forward pass", "tokens", "ms", logX: true, logY: true)</code></example>
    public static Figure Line(IReadOnlyList<Series> series, string? title = null, string? xTitle = null, string? yTitle = null, bool logX = false, bool logY = false,
        bool yFromZero = false) =>
        new(LineModel.Create(series, xTitle, yTitle, logX, logY, yFromZero: yFromZero), title);

    /// <summary>One line through the points (x[i], y[i]).</summary>
    /// <param name="x">x values.</param>
    /// <param name="y">y values, as many as <paramref name="x"/>.</param>
    /// <param name="title">Title, or null.</param>
    /// <param name="xTitle">Title of the x axis, or null.</param>
    /// <param name="yTitle">Title of the y axis, or null; also the series name in the legend.</param>
    /// <example><code>Plot.Line(new double[] { 1, 2, 3 }, new double[] { 0.5, 0.3, 0.2 }, "Loss", "epoch", "loss")</code></example>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> or <paramref name="y"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// No points, different counts, a value that is not finite (<c>y[3] is NaN: …</c>) or values spanning less than
    /// 1e-300 (subnormal doubles).
    /// </exception>
    public static Figure Line(IReadOnlyList<double> x, IReadOnlyList<double> y, string? title = null, string? xTitle = null, string? yTitle = null)
    {
        var (xs, ys) = Series.Check("", x, y, nameof(x), nameof(y));
        return new(LineModel.Create([new Series(yTitle ?? "y", xs, ys)], xTitle, yTitle, false, false, single: true), title);
    }
}
