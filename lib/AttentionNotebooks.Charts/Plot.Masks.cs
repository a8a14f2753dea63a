using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Charts;

public static partial class Plot
{
    /// <summary>
    /// A mask as the course draws masked cells: each hidden cell (1) hatched grey, as <see cref="Weights"/> hatches
    /// causal cells, each visible cell (0) white, each cell showing its 0 or 1, and a legend of the two states
    /// (<c>visible (0)</c>, <c>hidden (1)</c>) instead of a colour bar: a mask has two states, not a scale. Labels as
    /// in <see cref="Heatmap"/>.
    /// </summary>
    /// <param name="mask">(queries, keys) matrix of 0 (visible) and 1 (hidden), e.g. <c>AttentionMask.CausalWithPadding(6, 3)</c>.</param>
    /// <param name="tokens">Labels, e.g. <see cref="SampleData.Tokens"/>; null numbers rows and columns 0, 1, ….</param>
    /// <param name="title">Title drawn above the chart, or null.</param>
    /// <param name="options">Explicit labels and axis titles; its range, colour bar, mask and decimals are the mask chart's own.</param>
    /// <exception cref="ArgumentException">
    /// A value is neither 0 nor 1 (<c>mask (6x6) has 0.5 at row 2, column 3: a mask holds 0 (visible) or 1 (hidden).</c>),
    /// or as <see cref="Heatmap"/>.
    /// </exception>
    /// <example><code>Plot.Mask(AttentionMask.CausalWithPadding(tokens: 6, length: 3), paddedTokens, "Causal + key-padding mask")</code></example>
    public static Figure Mask(Matrix<float> mask, IReadOnlyList<string>? tokens = null, string? title = null, HeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        for (int i = 0; i < mask.RowCount; i++)
            for (int j = 0; j < mask.ColumnCount; j++)
                if (mask[i, j] is not (0f or 1f))
                    throw new ArgumentException(
                        $"mask ({Shape.Of(mask)}) has {mask[i, j].ToString(CultureInfo.InvariantCulture)} at row {i}, column {j}: a mask holds 0 (visible) or 1 (hidden).", nameof(mask));
        options = (options ?? new HeatmapOptions()) with
        {
            Range = ColorRange.ZeroToOne, Min = null, Max = null, ColorBarTitle = null, Causal = false, Masked = (i, j) => mask[i, j] == 1f, Decimals = 0,
        };
        var panel = HeatmapPanelData.Create(mask, tokens, options, nameof(mask), null);
        return new Figure(HeatmapModel.Create([panel], options, 1, grid: false, HeatmapScale.Mask), title);
    }

    /// <summary>
    /// Attention weights relative to uniform attention: each weight times the number of keys its query may see (all
    /// keys, or those not masked), so 1 is what uniform attention gives every visible key, 2 twice that, 0.5 half.
    /// Drawn on a diverging scale centred at 1 (blue above, red below, near-white at 1) whose range reaches the value
    /// farthest from 1, the colour bar titled <c>weight × visible keys (1 = uniform)</c>; masked cells hatched. Shows
    /// what the fixed [0, 1] scale of <see cref="Weights"/> hides when the weights are all close to uniform.
    /// </summary>
    /// <param name="weights">(queries, keys) attention weights: finite, in [0, 1], masked cells 0.</param>
    /// <param name="tokens">Labels, e.g. <see cref="SampleData.Tokens"/>; null numbers rows and columns 0, 1, ….</param>
    /// <param name="title">Title drawn above the chart, or null.</param>
    /// <param name="causal">Whether the cells above the diagonal are masked: query i then sees i + 1 keys.</param>
    /// <param name="options">Labels, axis titles, decimals and a further mask (<see cref="HeatmapOptions.Masked"/>); the range and colour bar title are this chart's own.</param>
    /// <exception cref="ArgumentException">
    /// A weight is not finite, outside [0, 1] or a masked cell is not 0 (as <see cref="Weights"/>), or a row has every key masked.
    /// </exception>
    /// <example><code>Plot.WeightsRelativeToUniform(weights, SampleData.Tokens, "Relative to uniform")</code></example>
    public static Figure WeightsRelativeToUniform(Matrix<float> weights, IReadOnlyList<string>? tokens = null, string? title = null, bool causal = false,
        HeatmapOptions? options = null)
    {
        options = RelativeOptions(options, causal);
        var panel = RelativePanel(weights, tokens, options, nameof(weights), null);
        return new Figure(HeatmapModel.Create([panel], options, 1, grid: false, HeatmapScale.DivergingAt(1)), title);
    }

    /// <summary>
    /// Every head's attention weights of one sequence of a multi-head result relative to uniform, as
    /// <see cref="WeightsRelativeToUniform(Matrix{float}, IReadOnlyList{string}?, string?, bool, HeatmapOptions?)"/>,
    /// one panel per head titled <c>head 0</c>, <c>head 1</c>, … on one shared diverging scale; causal by default, as
    /// both multi-head modules of the library are.
    /// </summary>
    /// <param name="result">What <c>MultiHeadAttention.Forward</c> or <c>MultiHeadAttentionWrapper.Forward</c> returned.</param>
    /// <param name="tokens">Token labels, or null.</param>
    /// <param name="sequence">Which sequence of the batch (default 0).</param>
    /// <param name="title">Title of the figure, or null.</param>
    /// <param name="causal">Whether the cells above the diagonal are masked (default true); they must then be 0.</param>
    /// <param name="options">Further settings, as for the one-matrix overload.</param>
    /// <exception cref="ArgumentException">A weight is outside [0, 1] or not finite, or a masked cell is not 0.</exception>
    /// <example><code>Plot.WeightsRelativeToUniform(mha.Forward(SampleData.Batch()), SampleData.Tokens)</code></example>
    public static Figure WeightsRelativeToUniform(MultiHeadAttentionResult result, IReadOnlyList<string>? tokens = null, int sequence = 0, string? title = null,
        bool causal = true, HeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (sequence < 0 || sequence >= result.Weights.Count)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"sequence must be between 0 and {result.Weights.Count - 1} (the batch has {result.Weights.Count} sequences), but is {sequence}.");
        var heads = result.Weights[sequence];
        if (heads is null || heads.Count == 0)
            throw new ArgumentException($"result.Weights[{sequence}] has no heads: a grid of heatmaps needs at least one.", nameof(result));
        options = RelativeOptions(options, causal);
        var panels = new HeatmapPanelData[heads.Count];
        for (int h = 0; h < heads.Count; h++)
            panels[h] = RelativePanel(heads[h], tokens, options, $"result.Weights[{sequence}][{h}]", $"head {h}");
        return new Figure(HeatmapModel.Create(panels, options, null, grid: true, HeatmapScale.DivergingAt(1)), title);
    }

    /// <summary>The colour bar title of <see cref="WeightsRelativeToUniform(Matrix{float}, IReadOnlyList{string}?, string?, bool, HeatmapOptions?)"/>.</summary>
    internal const string RelativeToUniformTitle = "weight × visible keys (1 = uniform)";

    private static HeatmapOptions RelativeOptions(HeatmapOptions? options, bool causal) =>
        (options ?? new HeatmapOptions()) with { Range = null, Min = null, Max = null, ColorBarTitle = RelativeToUniformTitle, Causal = causal || (options?.Causal ?? false) };

    /// <summary>Checks the weights as <see cref="Weights"/> does and returns the panel of weight × (visible keys of its row).</summary>
    private static HeatmapPanelData RelativePanel(Matrix<float> weights, IReadOnlyList<string>? tokens, HeatmapOptions options, string name, string? panelTitle)
    {
        var checkedWeights = HeatmapPanelData.Create(weights, tokens, options with { Range = ColorRange.ZeroToOne }, name, panelTitle);
        CheckWeights(checkedWeights, name.Split('[')[0]);
        ValueRange.For([checkedWeights], options with { Range = ColorRange.ZeroToOne });
        var relative = weights.Clone();
        for (int i = 0; i < weights.RowCount; i++)
        {
            int visible = Enumerable.Range(0, weights.ColumnCount).Count(j => !checkedWeights.IsMarked(i, j));
            if (visible == 0)
                throw new ArgumentException($"{name} ({Shape.Of(weights)}) has every key of row {i} masked: no key is visible, so uniform attention is not defined.", name.Split('[')[0]);
            for (int j = 0; j < weights.ColumnCount; j++)
                relative[i, j] = weights[i, j] * visible;               // masked cells stay 0 and are drawn hatched
        }
        return HeatmapPanelData.Create(relative, tokens, options, name, panelTitle);
    }
}
