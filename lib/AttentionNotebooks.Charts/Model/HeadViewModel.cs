using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Charts;

/// <summary>
/// Every head's attention weights of a model for one text, with one head chosen to be shown (a head view, as bertviz
/// has): the checked weights (<paramref name="Weights"/>[layer][head], each (T, T)), the chosen head as a one-panel
/// weights heatmap (<paramref name="Shown"/>, what the SVG draws), the name of every head in reading order
/// (<paramref name="HeadNames"/>, layer by layer; the live chart's menu), the <c>query → key</c> text of every cell
/// (<paramref name="PairTexts"/>, the hover text before the weight) and the note saying what the static view is
/// (<paramref name="Note"/>).
/// </summary>
/// <param name="Weights">Weights[layer][head]: a copy of the (T, T) weights, every value finite and in [0, 1].</param>
/// <param name="Layer">The layer shown, 0-based.</param>
/// <param name="Head">The head shown, 0-based.</param>
/// <param name="Shown">The chosen head as a weights heatmap on [0, 1], its panel titled with its name.</param>
/// <param name="HeadNames">HeadNames[layer * heads + head]: <c>layer 1, head 8</c> (0-based, as notebook 7 counts).</param>
/// <param name="PairTexts">The cell (i, j)'s <c>query → key</c> text: token i, an arrow, token j.</param>
/// <param name="Note">That a live session picks the head (the SVG writes it where the live chart has its menu).</param>
internal sealed record HeadViewModel(IReadOnlyList<IReadOnlyList<Matrix<float>>> Weights, int Layer, int Head, HeatmapModel Shown,
    IReadOnlyList<string> HeadNames, CellGrid<string> PairTexts, string Note) : ChartModel
{
    /// <summary>
    /// The most weights one head view holds, over all layers and heads: 200,000. The live chart carries every head's
    /// weights (about 7 bytes each in its page), so this keeps a page near 1.4 MB of data besides plotly.js.
    /// </summary>
    public const int MaxValues = 200_000;

    /// <summary>Decimals of the weights in the live chart's data and hover texts: 4, as the course prints weights.</summary>
    public const int LiveDecimals = 4;

    /// <summary>The caller's parameter that errors about the weights name.</summary>
    private const string Parameter = "attention";

    /// <summary>The name of a head, 0-based as notebook 7 counts: <c>layer 1, head 8</c>.</summary>
    public static string HeadName(int layer, int head) => string.Create(CultureInfo.InvariantCulture, $"layer {layer}, head {head}");

    /// <summary>Number of layers.</summary>
    public int Layers => Weights.Count;

    /// <summary>Heads per layer.</summary>
    public int Heads => Weights[0].Count;

    /// <summary>Tokens (the side of every weights matrix).</summary>
    public int Tokens => Weights[0][0].RowCount;

    /// <summary>The shown head's index in <see cref="HeadNames"/>.</summary>
    public int ShownIndex => Layer * Heads + Head;

    public override string Kind => "headview";

    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Layers} layers x {Heads} heads of {Shape.Of(Weights[0][0])} weights, showing {HeadName(Layer, Head)}");

    /// <summary>Checks every head's weights and describes the chosen one.</summary>
    /// <param name="attention">attention[layer][head]: (T, T) weights.</param>
    /// <param name="tokens">T labels, or null to number the tokens.</param>
    /// <param name="layer">The layer shown.</param>
    /// <param name="head">The head shown.</param>
    /// <exception cref="ArgumentNullException">attention, a layer or a matrix is null.</exception>
    /// <exception cref="ArgumentException">
    /// No layers or heads, layers with different numbers of heads, a matrix that is not (T, T) like the first one, a
    /// token count that is not T, more than <see cref="MaxValues"/> weights, or a weight that is not finite or lies
    /// outside [0, 1].
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">The layer or head does not exist.</exception>
    public static HeadViewModel Create(IReadOnlyList<IReadOnlyList<Matrix<float>>> attention, IReadOnlyList<string>? tokens, int layer, int head)
    {
        ArgumentNullException.ThrowIfNull(attention);
        if (attention.Count == 0)
            throw new ArgumentException("attention is empty: a head view needs at least one layer of heads.", nameof(attention));
        int heads = CheckLayers(attention);
        var first = attention[0][0];
        int t = first.RowCount;
        if (t == 0 || first.ColumnCount != t)
            throw new ArgumentException($"attention[0][0] is {Shape.Of(first)}: a head's attention weights are (tokens, tokens), at least 1x1.", nameof(attention));
        for (int l = 0; l < attention.Count; l++)
            for (int h = 0; h < heads; h++)
                if (attention[l][h].RowCount != t || attention[l][h].ColumnCount != t)
                    throw new ArgumentException($"attention[{l}][{h}] is {Shape.Of(attention[l][h])} but attention[0][0] is {Shape.Of(first)}: every head's weights are (tokens, tokens) for the same tokens.", nameof(attention));
        if (tokens is not null && tokens.Count != t)
            throw new ArgumentException($"{tokens.Count} tokens were given but the weights are {Shape.Of(first)}: one token per row and column.", nameof(tokens));
        if (t > HeatmapPanelData.MaxSide)
            throw new ArgumentException($"The weights are {Shape.Of(first)}: a head view draws at most {HeatmapPanelData.MaxSide} tokens; show a shorter text.", nameof(attention));
        CheckSize(attention.Count, heads, t);
        if (layer < 0 || layer >= attention.Count)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"layer must be between 0 and {attention.Count - 1} (attention has {attention.Count} layers), but is {layer}.");
        if (head < 0 || head >= heads)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"head must be between 0 and {heads - 1} (each layer has {heads} heads), but is {head}.");
        var weights = new IReadOnlyList<Matrix<float>>[attention.Count];
        for (int l = 0; l < attention.Count; l++)
        {
            var layerWeights = new Matrix<float>[heads];
            for (int h = 0; h < heads; h++)
            {
                CheckValues(attention[l][h], l, h);
                layerWeights[h] = attention[l][h].Clone();
            }
            weights[l] = layerWeights;
        }
        var options = HeatmapOptions.AttentionWeights with { RowTitle = "query", ColumnTitle = "key" };
        var panel = HeatmapPanelData.Create(weights[layer][head], tokens, options, $"attention[{layer}][{head}]", HeadName(layer, head));
        var shown = HeatmapModel.Create([panel], options, 1, grid: false);
        var names = Enumerable.Range(0, attention.Count).SelectMany(l => Enumerable.Range(0, heads).Select(h => HeadName(l, h))).ToArray();
        var pairs = new CellGrid<string>(t, t, (i, j) => $"{panel.RowLabels[i]} → {panel.ColumnLabels[j]}");
        string note = string.Create(CultureInfo.InvariantCulture,
            $"In a live session, a menu here picks any of the {attention.Count} x {heads} heads.");
        return new HeadViewModel(weights, layer, head, shown, names, pairs, note);
    }

    /// <summary>Throws unless every layer is there and has as many heads as the first, at least one; returns that count.</summary>
    private static int CheckLayers(IReadOnlyList<IReadOnlyList<Matrix<float>>> attention)
    {
        for (int l = 0; l < attention.Count; l++)
        {
            if (attention[l] is null)
                throw new ArgumentNullException(nameof(attention), $"attention[{l}] is null: every layer needs its heads' weights.");
            if (attention[l].Count == 0)
                throw new ArgumentException($"attention[{l}] has no heads: every layer needs at least one.", nameof(attention));
            if (attention[l].Count != attention[0].Count)
                throw new ArgumentException($"attention[{l}] has {attention[l].Count} heads but attention[0] has {attention[0].Count}: every layer needs the same number of heads.", nameof(attention));
            for (int h = 0; h < attention[l].Count; h++)
                if (attention[l][h] is null)
                    throw new ArgumentNullException(nameof(attention), $"attention[{l}][{h}] is null: every head needs its weights.");
        }
        return attention[0].Count;
    }

    /// <summary>Throws if the weights of every head are more than <see cref="MaxValues"/>, naming a selection that fits.</summary>
    private static void CheckSize(int layers, int heads, int t)
    {
        long perHead = (long)t * t, total = layers * heads * perHead;
        if (total <= MaxValues)
            return;
        long layersThatFit = MaxValues / (heads * perHead), headsThatFit = MaxValues / perHead;
        int tokensThatFit = (int)Math.Sqrt(MaxValues / (double)(layers * heads));
        string fewer = layersThatFit >= 1
            ? $"the first {layersThatFit} layers (attention.Take({layersThatFit}).ToList())"
            : $"{headsThatFit} heads of one layer (attention.Take(1).Select(l => l.Take({headsThatFit}).ToList()).ToList())";
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"attention holds {layers} layers x {heads} heads of {t}x{t} weights, {total:N0} values: a head view carries at most {MaxValues:N0} (its live chart holds every head). " +
            $"Show {fewer}, or a text of at most {tokensThatFit} tokens."), Parameter);
    }

    /// <summary>Throws at the first weight that is not finite or lies outside [0, 1] (by more than rounding).</summary>
    private static void CheckValues(Matrix<float> weights, int layer, int head)
    {
        const float slack = 1e-6f;
        for (int i = 0; i < weights.RowCount; i++)
            for (int j = 0; j < weights.ColumnCount; j++)
            {
                float v = weights[i, j];
                if (float.IsFinite(v) && v >= -slack && v <= 1 + slack)
                    continue;
                string where = string.Create(CultureInfo.InvariantCulture, $"attention[{layer}][{head}] ({Shape.Of(weights)}) has {v} at row {i}, column {j}");
                throw new ArgumentException(float.IsFinite(v)
                    ? $"{where}, outside [0, 1]: attention weights are probabilities (after dropout in training mode they are not; run the model with Training = false)."
                    : $"{where}: attention weights are finite.", Parameter);
            }
    }
}
