using System.Globalization;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// Text for Plotly titles, tick labels, hover texts and annotations. Plotly reads a subset of HTML in these strings
/// (<c>&lt;b&gt;</c>, <c>&lt;br&gt;</c>, a few entities: <c>&amp;amp;</c>, <c>&amp;lt;</c>, <c>&amp;gt;</c>, numeric ones; not <c>&amp;quot;</c>), so a token such as <c>&lt;|endoftext|&gt;</c> is written with
/// entities, which Plotly decodes back to the original characters. Texts drawn on the chart are shortened as in the
/// SVG (<see cref="ChartText"/>); hover texts keep the full text.
/// </summary>
internal static class PlotlyText
{
    public static string Escape(string text) =>
        Labels.Printable(text)
            .Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);   // not '"': plotly.js decodes no &quot; (it would show as is), and outside a tag a quote is plain text

    /// <summary>A tick or point label: at most <see cref="ChartText.LabelLength"/> characters, escaped.</summary>
    public static string Label(string text) => Escape(ChartText.Display(text, ChartText.LabelLength));

    /// <summary>An axis title or legend entry: at most <see cref="ChartText.AxisTitleLength"/> characters, escaped.</summary>
    public static string AxisTitle(string text) => Escape(ChartText.Display(text, ChartText.AxisTitleLength));

    /// <summary>A chart title: at most <see cref="ChartText.TitleLength"/> characters, escaped.</summary>
    public static string Title(string text) => Escape(ChartText.Display(text, ChartText.TitleLength));

    /// <summary>A text as plotly.js shows it (to measure it): the entities <see cref="Escape"/> wrote turned back into characters.</summary>
    public static string Shown(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    /// <summary>
    /// A value for the chart's data: 6 decimals, or 6 significant digits below 0.001 so that small values (down
    /// to float's 1e-45) keep their differences instead of all becoming 0.
    /// </summary>
    public static double Number(double value) =>
        value == 0 || Math.Abs(value) >= 1e-3 || !double.IsFinite(value)
            ? Math.Round(value, 6)
            : double.Parse(value.ToString("G6", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
