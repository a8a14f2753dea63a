using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Charts;

/// <summary>
/// The course's charts, each made in one line and rendered either as static SVG (<see cref="Figure.ToSvg"/>) or as an
/// interactive Plotly chart (<see cref="Figure.ToPlotly"/>). In a notebook set up with
/// <c>NotebookSetup.Initialize()</c>, displaying a <see cref="Figure"/> shows its SVG.
/// <para>
/// Long texts are cut with "…" so that the chart keeps its size: tick, row, column, bar and point labels after 40
/// characters, axis titles, legend entries and panel titles after 60, the chart's title after 80. The SVG keeps the
/// full text as the tooltip (<c>&lt;title&gt;</c>) of the cut one. Every chart takes any finite values, from
/// subnormal numbers to ±<see cref="double.MaxValue"/>; tick labels switch to <c>1.5e308</c>-style when fixed
/// decimals cannot show them.
/// </para>
/// </summary>
/// <example><code>
/// var weights = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;
/// Plot.Heatmap(weights, SampleData.Tokens, "Attention weights")
/// </code></example>
public static partial class Plot
{
    /// <summary>
    /// A heatmap of a matrix, typically attention weights: row i is query token i, column j is key token j, darker
    /// means larger, each cell shows its value, and a colour bar gives the scale. Tokens label every dimension whose
    /// length they match (rows and columns of a square weights matrix; only the rows of a (tokens, features) matrix).
    /// ±∞ (masked scores) is drawn hatched grey and named in the legend.
    /// </summary>
    /// <param name="weights">(queries, keys) matrix; any finite values or ±∞, no NaN.</param>
    /// <param name="tokens">Labels, e.g. <see cref="SampleData.Tokens"/>; null numbers rows and columns 0, 1, ….</param>
    /// <param name="title">Title drawn above the chart, or null.</param>
    /// <param name="options">Explicit labels, axis titles, colour range, decimals.</param>
    /// <exception cref="ArgumentException">
    /// The matrix is empty or contains NaN, or labels do not match its shape, e.g.
    /// <c>weights is 6x5 but 6 labels were given for 5 columns.</c>
    /// </exception>
    /// <example><code>Plot.Heatmap(weights, SampleData.Tokens, "Attention weights").ToSvg()</code></example>
    public static Figure Heatmap(Matrix<float> weights, IReadOnlyList<string>? tokens = null, string? title = null, HeatmapOptions? options = null)
    {
        options ??= new HeatmapOptions();
        var panel = HeatmapPanelData.Create(weights, tokens, options, nameof(weights), null);
        return new Figure(new HeatmapSpec([panel], options, 1, grid: false), title);
    }

    /// <summary>
    /// Several heatmaps side by side with one shared colour scale, e.g. one per head or one per step; each has a
    /// title above it. <paramref name="columns"/> panels per row; by default as many as fit in about 1100 pixels,
    /// with the rows balanced (four 6x6 heads: 2 rows of 2).
    /// </summary>
    /// <param name="matrices">The matrices, each non-empty and without NaN.</param>
    /// <param name="tokens">Labels for every matrix (matched to each dimension as in <see cref="Heatmap"/>), or null.</param>
    /// <param name="titles">One title per matrix; null gives <c>[0]</c>, <c>[1]</c>, ….</param>
    /// <param name="title">Title of the whole figure, or null.</param>
    /// <param name="columns">Panels per row; null fits the figure into about 1100 pixels.</param>
    /// <param name="options">Labels, axis titles, colour range and decimals, applied to every panel.</param>
    /// <exception cref="ArgumentException">No matrices, a matrix is empty or has NaN (named by index), or a title count does not match or a title is null.</exception>
    /// <example><code>Plot.Heatmaps(result.Weights[0], SampleData.Tokens, ["head 0", "head 1"])</code></example>
    public static Figure Heatmaps(IReadOnlyList<Matrix<float>> matrices, IReadOnlyList<string>? tokens = null, IReadOnlyList<string>? titles = null,
        string? title = null, int? columns = null, HeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0)
            throw new ArgumentException("matrices is empty: a grid of heatmaps needs at least one matrix.", nameof(matrices));
        if (titles is not null && titles.Count != matrices.Count)
            throw new ArgumentException($"{titles.Count} titles were given for {matrices.Count} matrices.", nameof(titles));
        for (int k = 0; k < (titles?.Count ?? 0); k++)
            if (titles![k] is null)
                throw new ArgumentException($"titles[{k}] is null: every panel title must be a string (or pass no titles for [0], [1], …).", nameof(titles));
        if (columns is < 1)
            throw new ArgumentOutOfRangeException(nameof(columns), columns, $"columns must be at least 1, but is {columns}.");
        options ??= new HeatmapOptions();
        var panels = new HeatmapPanelData[matrices.Count];
        for (int k = 0; k < matrices.Count; k++)
        {
            string panelTitle = titles?[k] ?? $"[{k}]";
            panels[k] = HeatmapPanelData.Create(matrices[k], tokens, options, $"matrices[{k}]", panelTitle);
        }
        return new Figure(new HeatmapSpec(panels, options, columns, grid: true), title);
    }

    /// <summary>
    /// Every head's attention weights for one sequence of a multi-head result, one heatmap per head titled
    /// <c>head 0</c>, <c>head 1</c>, …, sharing one colour scale.
    /// </summary>
    /// <param name="result">What <c>MultiHeadAttention.Forward</c> or <c>MultiHeadAttentionWrapper.Forward</c> returned.</param>
    /// <param name="tokens">Token labels, or null.</param>
    /// <param name="sequence">Which sequence of the batch (default 0).</param>
    /// <param name="title">Title of the figure, or null.</param>
    /// <example><code>Plot.Heatmaps(mha.Forward(SampleData.Batch()), SampleData.Tokens)</code></example>
    public static Figure Heatmaps(MultiHeadAttentionResult result, IReadOnlyList<string>? tokens = null, int sequence = 0, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (sequence < 0 || sequence >= result.Weights.Count)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"sequence must be between 0 and {result.Weights.Count - 1} (the batch has {result.Weights.Count} sequences), but is {sequence}.");
        var heads = result.Weights[sequence];
        return Heatmaps(heads, tokens, Enumerable.Range(0, heads.Count).Select(h => $"head {h}").ToArray(), title);
    }
}
