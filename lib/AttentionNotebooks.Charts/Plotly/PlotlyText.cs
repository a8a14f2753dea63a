namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// Text for Plotly titles, tick labels, hover texts and annotations. Plotly reads a subset of HTML in these strings
/// (<c>&lt;b&gt;</c>, <c>&lt;br&gt;</c>, entities), so a token such as <c>&lt;|endoftext|&gt;</c> is written with
/// entities, which Plotly decodes back to the original characters.
/// </summary>
internal static class PlotlyText
{
    public static string Escape(string text) =>
        Labels.Printable(text)
            .Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal);
}
