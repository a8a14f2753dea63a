namespace AttentionNotebooks.Charts.Layout;

/// <summary>Colours shared by the charts.</summary>
internal static class Palette
{
    /// <summary>Series colours, in order, for line charts.</summary>
    public static readonly string[] Series = ["#2563eb", "#f59e0b", "#16a34a", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

    public const string Primary = "#2171b5";
    public const string Highlight = "#f59e0b";
    public const string HighlightStroke = "#b45309";
    public const string Text = "#1e293b";
    public const string MutedText = "#64748b";
    public const string Axis = "#94a3b8";
    public const string Grid = "#e2e8f0";
    public const string Background = "#ffffff";
    public const string FontFamily = "DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif";
}
