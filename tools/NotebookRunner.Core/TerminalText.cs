using System.Globalization;
using System.Text;

namespace NotebookRunner.Core;

/// <summary>
/// Makes text safe to print on a terminal: every character that moves the cursor, erases, starts an escape sequence,
/// ends a line or reorders text is replaced by a visible escape, so a cell's source, an exception's message or a file
/// name cannot overwrite a <c>FAILED</c> line with a fake <c>ok</c>. CR is <c>\r</c>, LF <c>\n</c>, ESC <c>\e</c>,
/// NUL <c>\0</c>, backspace <c>\b</c>; other C0 controls, DEL, C1 controls (U+0080–U+009F), U+2028, U+2029 and the
/// bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) become <c>\u001b</c>-style escapes. Tab and
/// all other text are unchanged (a backslash is not doubled, so ordinary source lines print as they are).
/// </summary>
public static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/> with its terminal control characters escaped (one printed line: a line terminator in it
    /// is escaped too).
    /// </summary>
    /// <param name="text">Any text.</param>
    /// <returns>The same text when it has none; otherwise a copy with each one replaced by its escape.</returns>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int first = IndexOfControl(text);
        if (first < 0)
            return text;

        var escaped = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (int i = first; i < text.Length; i++)
        {
            char c = text[i];
            if (!IsControl(c))
            {
                escaped.Append(c);
                continue;
            }

            escaped.Append(c switch
            {
                '\r' => @"\r",
                '\n' => @"\n",
                '\u001b' => @"\e",
                '\0' => @"\0",
                '\b' => @"\b",
                _ => @"\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
        }

        return escaped.ToString();
    }

    private static int IndexOfControl(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (IsControl(text[i]))
                return i;
        }

        return -1;
    }

    private static bool IsControl(char c) =>
        (c < ' ' && c != '\t')
        || (c >= '\u007f' && c <= '\u009f')
        || c is '\u2028' or '\u2029'
        || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
}
