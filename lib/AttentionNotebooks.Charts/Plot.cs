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
    /// ±∞ (masked scores) and the cells that <see cref="HeatmapOptions.Causal"/> or <see cref="HeatmapOptions.Masked"/>
    /// mark are drawn hatched grey and named in the legend. The colour range is the data's unless
    /// <see cref="HeatmapOptions.Range"/> fixes it; the colour bar then says <c>auto range</c>. For attention weights,
    /// <see cref="Weights"/> fixes the range to [0, 1].
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
        return new Figure(HeatmapModel.Create([panel], options, 1, grid: false), title);
    }

    /// <summary>
    /// A heatmap of attention weights, which are probabilities: the colour range is fixed to [0, 1] (so that charts of
    /// different weights compare: near-uniform weights look pale, not contrasted), the colour bar is titled
    /// <c>attention weight</c>, and with <paramref name="causal"/> the cells above the diagonal are drawn hatched as
    /// masked instead of coloured like real zeros. Otherwise as <see cref="Heatmap"/>.
    /// </summary>
    /// <param name="weights">(queries, keys) attention weights: every value finite, in [0, 1] (unless <paramref name="options"/> sets another range).</param>
    /// <param name="tokens">Labels, e.g. <see cref="SampleData.Tokens"/>; null numbers rows and columns 0, 1, ….</param>
    /// <param name="title">Title drawn above the chart, or null.</param>
    /// <param name="causal">Whether the weights are causal: the cells above the diagonal (key after query) are masked, and must be 0.</param>
    /// <param name="options">Further settings; null for <see cref="HeatmapOptions.AttentionWeights"/>. Its range and colour bar title are used as given (a null range is the data's).</param>
    /// <exception cref="ArgumentException">
    /// A value is not finite, lies outside the range (<c>weights (6x6) has 2 at row 3, column 1, outside the colour range
    /// [0, 1] …</c>, e.g. weights after dropout, scaled by 1/(1 − p)), a masked cell is not 0, or as <see cref="Heatmap"/>.
    /// </exception>
    /// <example><code>Plot.Weights(causalWeights, SampleData.Tokens, "Causal attention weights", causal: true)</code></example>
    public static Figure Weights(Matrix<float> weights, IReadOnlyList<string>? tokens = null, string? title = null, bool causal = false, HeatmapOptions? options = null)
    {
        options ??= HeatmapOptions.AttentionWeights;
        if (causal)
            options = options with { Causal = true };
        var panel = HeatmapPanelData.Create(weights, tokens, options, nameof(weights), null);
        CheckWeights(panel, nameof(weights));
        return new Figure(HeatmapModel.Create([panel], options, 1, grid: false), title);
    }

    /// <summary>Throws unless every value is finite and every masked cell is 0, as attention weights are.</summary>
    private static void CheckWeights(HeatmapPanelData panel, string parameter)
    {
        for (int i = 0; i < panel.Rows; i++)
            for (int j = 0; j < panel.Columns; j++)
            {
                float v = panel.Values[i, j];
                string where = $"{panel.Name} ({Shape.Of(panel.Values)}) has {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} at row {i}, column {j}";
                if (!float.IsFinite(v))
                    throw new ArgumentException($"{where}: attention weights are finite (plot masked scores with Plot.Heatmap).", parameter);
                if (panel.IsMarked(i, j) && v != 0)
                    throw new ArgumentException($"{where}, a masked cell: masked attention weights are 0 (are these causal weights? pass causal: false if not).", parameter);
            }
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
        return new Figure(HeatmapModel.Create(panels, options, columns, grid: true), title);
    }

    /// <summary>
    /// Every head's attention weights for one sequence of a multi-head result, one heatmap per head titled
    /// <c>head 0</c>, <c>head 1</c>, …, compared on one fixed colour scale [0, 1] (the weights are probabilities), the
    /// colour bar titled <c>attention weight</c>, and the cells above the diagonal drawn hatched as masked, as both
    /// multi-head modules of the library are causal.
    /// </summary>
    /// <param name="result">What <c>MultiHeadAttention.Forward</c> or <c>MultiHeadAttentionWrapper.Forward</c> returned.</param>
    /// <param name="tokens">Token labels, or null.</param>
    /// <param name="sequence">Which sequence of the batch (default 0).</param>
    /// <param name="title">Title of the figure, or null.</param>
    /// <param name="causal">Whether the cells above the diagonal are masked (default true); they must then be 0.</param>
    /// <param name="options">Further settings; null for <see cref="HeatmapOptions.AttentionWeights"/>.</param>
    /// <exception cref="ArgumentException">A weight is outside [0, 1] (e.g. after dropout in training mode) or not finite, or a masked cell is not 0.</exception>
    /// <example><code>Plot.Heatmaps(mha.Forward(SampleData.Batch()), SampleData.Tokens)</code></example>
    public static Figure Heatmaps(MultiHeadAttentionResult result, IReadOnlyList<string>? tokens = null, int sequence = 0, string? title = null,
        bool causal = true, HeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (sequence < 0 || sequence >= result.Weights.Count)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"sequence must be between 0 and {result.Weights.Count - 1} (the batch has {result.Weights.Count} sequences), but is {sequence}.");
        var heads = result.Weights[sequence];
        options ??= HeatmapOptions.AttentionWeights;
        if (causal)
            options = options with { Causal = true };
        if (heads is null || heads.Count == 0)
            throw new ArgumentException($"result.Weights[{sequence}] has no heads: a grid of heatmaps needs at least one.", nameof(result));
        var panels = new HeatmapPanelData[heads.Count];
        for (int h = 0; h < heads.Count; h++)
        {
            panels[h] = HeatmapPanelData.Create(heads[h], tokens, options, $"result.Weights[{sequence}][{h}]", $"head {h}");
            CheckWeights(panels[h], nameof(result));
        }
        return new Figure(HeatmapModel.Create(panels, options, null, grid: true), title);
    }
}
