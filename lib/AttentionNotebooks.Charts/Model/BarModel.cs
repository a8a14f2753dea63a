using System.Globalization;
using AttentionNotebooks.Charts.Layout;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Charts;

/// <summary>
/// A bar chart as both renderers show it: a bar per value, labelled below and with its value above; one bar may be
/// highlighted (and is then named in a legend); a linear axis from 0 or a logarithmic one.
/// </summary>
/// <param name="Values">The heights, finite (positive on a logarithmic axis).</param>
/// <param name="Labels">One printable label per bar.</param>
/// <param name="Highlight">Index of the highlighted bar, or null.</param>
/// <param name="HighlightLabel">The legend entry of the highlighted bar, or null when none is highlighted.</param>
/// <param name="XTitle">Title under the labels, or null.</param>
/// <param name="YTitle">Title of the value axis, or null.</param>
/// <param name="Log">Whether the value axis is logarithmic.</param>
/// <param name="Slot">The narrowest width of a bar's slot in SVG pixels, to which the value texts are fitted.</param>
/// <param name="Decimals">Decimals of the value texts on a linear axis (on a log axis, whether there are any); null for none.</param>
/// <param name="ValueTexts">The text above each bar, or null for none.</param>
/// <param name="HoverTexts">What hovering each bar says: <c>label: value</c>.</param>
/// <param name="Colors">The fill of each bar: the highlight colour for the highlighted one.</param>
internal sealed record BarModel(IReadOnlyList<float> Values, IReadOnlyList<string> Labels, int? Highlight, string? HighlightLabel, string? XTitle, string? YTitle, bool Log,
    double Slot, int? Decimals, IReadOnlyList<string?> ValueTexts, IReadOnlyList<string> HoverTexts, IReadOnlyList<string> Colors) : ChartModel
{
    /// <summary>Font size of the value texts (and tick labels).</summary>
    public const double ValueFont = 11;

    /// <summary>Checks the values and labels and describes the bars; every bad input fails here, not when drawn.</summary>
    /// <param name="values">The heights.</param>
    /// <param name="labels">One label per bar, or null for 0, 1, ….</param>
    /// <param name="highlight">Index of the highlighted bar, or null.</param>
    /// <param name="xTitle">Title under the labels, or null.</param>
    /// <param name="yTitle">Title of the value axis, or null.</param>
    /// <param name="name">How errors name the values, e.g. <c>values</c>.</param>
    /// <param name="log">A logarithmic value axis: every value must be positive.</param>
    /// <param name="highlightLabel">The legend entry of the highlighted bar; null gives <c>highlighted</c>.</param>
    public static BarModel Create(Vector<float> values, IReadOnlyList<string>? labels, int? highlight, string? xTitle, string? yTitle, string name,
        bool log = false, string? highlightLabel = null)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Count == 0)
            throw new ArgumentException($"{name} is empty: a bar chart needs at least one value.", name);
        for (int i = 0; i < values.Count; i++)
            if (!float.IsFinite(values[i]))
                throw new ArgumentException($"{name} ({values.Count} values) contains {values[i].ToString(CultureInfo.InvariantCulture)} at index {i}: a bar needs a finite value.", name);
        AttentionNotebooks.Labels.Validate(values, labels, name);
        if (log)
            for (int i = 0; i < values.Count; i++)
                if (!(values[i] > 0))
                    throw new ArgumentException($"{name}[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}: a logarithmic bar chart needs positive values (use logScale: false for zero or negative ones).", name);
        if (highlight is int h && (h < 0 || h >= values.Count))
            throw new ArgumentOutOfRangeException(nameof(highlight), h, $"highlight must be between 0 and {values.Count - 1} ({name} has {values.Count} values), but is {h}.");
        if (highlight is null && highlightLabel is not null)
            throw new ArgumentException($"highlightLabel is \"{ChartText.Display(highlightLabel, ChartText.LabelLength)}\" but no bar is highlighted: give highlight too, or no label.", nameof(highlightLabel));
        float[] v = values.ToArray();
        string[] names = (labels ?? Enumerable.Range(0, values.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()).Select(AttentionNotebooks.Labels.Printable).ToArray();
        double slot = v.Length <= 12 ? 64 : v.Length <= 24 ? 36 : Math.Max(8, 720.0 / v.Length);
        int? decimals = ChooseDecimals(v, slot, log);
        return new BarModel(v, names, highlight, highlight is null ? null : string.IsNullOrEmpty(highlightLabel) ? "highlighted" : highlightLabel,
            string.IsNullOrEmpty(xTitle) ? null : xTitle, string.IsNullOrEmpty(yTitle) ? null : yTitle, log, slot, decimals,
            v.Select((_, i) => ValueText(v, i, slot, log, decimals)).ToArray(),
            v.Select((x, i) => $"{names[i]}: {MatrixText.FormatNumber(x)}").ToArray(),
            v.Select((_, i) => i == highlight ? Palette.Highlight : Palette.Primary).ToArray());
    }

    public override string Kind => "bar";

    public override string Describe() => $"{Values.Count} values";

    /// <summary>Whether bar i is the highlighted one.</summary>
    public bool IsHighlighted(int i) => i == Highlight;

    /// <summary>
    /// The text above bar i: on a linear axis with the shared <paramref name="decimals"/>; on a logarithmic one, where
    /// values span decades, each with 4 significant digits (3 when bars are narrow), so that 1.5 and 1813 are both
    /// readable. Null for none.
    /// </summary>
    private static string? ValueText(float[] values, int i, double slot, bool log, int? decimals)
    {
        if (decimals is not int d)
            return null;
        return log ? MatrixText.FormatNumber(values[i], LogDecimals(values[i], slot)) : MatrixText.FormatNumber(values[i], d);
    }

    /// <summary>Decimals of a value on a logarithmic axis: 4 significant digits (3 when bars are narrow), at most 4 decimals.</summary>
    private static int LogDecimals(float value, double slot)
    {
        int significant = slot >= 56 ? 4 : 3;
        int digits = (int)Math.Floor(Math.Log10(value)) + 1;
        return Math.Clamp(significant - digits, 0, 4);
    }

    /// <summary>
    /// Decimals of the value labels: 4 (like the matrices) for values below 10, such as attention weights; fewer for
    /// large values (timings), so that a label keeps about five significant digits; fewer still when bars are narrow;
    /// none when a label would be wider than two bars (3.4e38 has 39 digits).
    /// </summary>
    private static int? ChooseDecimals(float[] values, double slot, bool log)
    {
        int? bySlot = slot >= 56 ? 4 : slot >= 30 ? 2 : null;
        if (log && bySlot is not null)
        {
            // Per-value decimals (ValueText); a label wider than two bars (3.4e38) means none at all.
            for (int i = 0; i < values.Length; i++)
            {
                string text = MatrixText.FormatNumber(values[i], LogDecimals(values[i], slot));
                if (TextMetrics.Width(text, ValueFont) > 2 * slot)
                    return null;
            }
            return bySlot;
        }
        double largest = values.Select(v => Math.Abs((double)v)).DefaultIfEmpty(0).Max();
        int byMagnitude = largest < 10 ? 4 : Math.Max(0, 5 - ((int)Math.Floor(Math.Log10(largest)) + 1));
        if (bySlot is not int d)
            return null;
        int decimals = Math.Min(d, byMagnitude);
        return values.Any(v => TextMetrics.Width(MatrixText.FormatNumber(v, decimals), ValueFont) > 2 * slot) ? null : decimals;
    }
}
