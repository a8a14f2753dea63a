namespace AttentionNotebooks.Charts.Layout;

/// <summary>
/// Estimated width of text in a sans-serif font, without measuring a real font: deterministic, and generous enough
/// that labels laid out with it do not collide in common fonts (DejaVu Sans, Segoe UI, Helvetica, Arial).
/// </summary>
internal static class TextMetrics
{
    /// <summary>The estimated width in pixels of <paramref name="text"/> at <paramref name="fontSize"/> px.</summary>
    public static double Width(string text, double fontSize, bool bold = false)
    {
        double em = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsLowSurrogate(c))
                continue;
            em += c switch
            {
                'i' or 'l' or 'j' or '|' or '!' or '.' or ',' or ':' or ';' or '\'' or 'I' => 0.3,
                'f' or 't' or 'r' or ' ' or '(' or ')' or '[' or ']' or '-' or '"' => 0.4,
                'm' or 'w' or 'M' or 'W' or '@' or '%' => 0.9,
                >= 'A' and <= 'Z' => 0.7,
                >= '0' and <= '9' => 0.62,
                _ when char.IsHighSurrogate(c) || c >= '\u2E80' => 1.0,
                _ => 0.6,
            };
        }
        return em * fontSize * (bold ? 1.08 : 1.0);
    }
}
