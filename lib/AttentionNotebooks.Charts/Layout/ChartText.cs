using System.Globalization;

namespace AttentionNotebooks.Charts.Layout;

/// <summary>
/// How much of a text a chart draws. Longer texts are cut after whole characters (grapheme clusters, so a surrogate
/// pair or an accent is never split) and end in "…"; the SVG keeps the full text in a <c>&lt;title&gt;</c> tooltip.
/// Layout measures the shortened text, so a 10,000-character label cannot make a chart 200,000 pixels wide.
/// </summary>
internal static class ChartText
{
    /// <summary>Characters of a tick, row, column, bar or point label: 40.</summary>
    public const int LabelLength = 40;

    /// <summary>Characters of an axis title, a legend entry or a panel title: 60.</summary>
    public const int AxisTitleLength = 60;

    /// <summary>Characters of a chart's title: 80.</summary>
    public const int TitleLength = 80;

    /// <summary>Throws if a label is null, naming it as the caller does, e.g. <c>tokens[2] is null</c>.</summary>
    /// <param name="labels">The labels, or null for none.</param>
    /// <param name="name">How the message names them, e.g. <c>options.RowLabels</c>.</param>
    /// <param name="parameter">The caller's parameter holding them.</param>
    public static void CheckNotNull(IReadOnlyList<string>? labels, string name, string parameter)
    {
        if (labels is null)
            return;
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] is null)
                throw new ArgumentException($"{name}[{i}] is null: every label must be a string (use \"\" for an empty one).", parameter);
    }

    /// <summary>
    /// The text as drawn: printable (<see cref="Labels.Printable"/>) and at most <paramref name="maxLength"/>
    /// characters, the last of them "…" when it was cut.
    /// </summary>
    public static string Display(string text, int maxLength) => Shorten(Labels.Printable(text), maxLength);

    /// <summary><paramref name="text"/> itself if it has at most <paramref name="maxLength"/> characters, otherwise its first maxLength − 1 and "…".</summary>
    public static string Shorten(string text, int maxLength)
    {
        if (text.Length <= maxLength)
            return text;
        int end = 0, cut = 0;
        for (int count = 0; end < text.Length; count++)
        {
            if (count == maxLength - 1)
                cut = end;
            if (count == maxLength)
                return text[..cut] + "…";
            end += StringInfo.GetNextTextElementLength(text.AsSpan(end));
        }
        return text;
    }
}
