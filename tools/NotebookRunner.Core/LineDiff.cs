namespace NotebookRunner.Core;

/// <summary>A line diff for people: lines only in the expected text start with "- ", lines only in the actual text
/// with "+ ", unchanged context lines with "  "; distant hunks are separated by "  ...".</summary>
public static class LineDiff
{
    private const int MaxCells = 4_000_000;

    /// <summary>Compares two lists of lines.</summary>
    /// <param name="expected">The committed lines.</param>
    /// <param name="actual">The lines produced now.</param>
    /// <param name="context">How many unchanged lines to show around each change.</param>
    /// <returns>The diff lines; empty when the lists are equal.</returns>
    public static IReadOnlyList<string> Compare(IReadOnlyList<string> expected, IReadOnlyList<string> actual, int context = 3)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        if (expected.SequenceEqual(actual, StringComparer.Ordinal))
            return [];

        var script = (long)(expected.Count + 1) * (actual.Count + 1) <= MaxCells
            ? EditScript(expected, actual)
            : expected.Select(l => ('-', l)).Concat(actual.Select(l => ('+', l))).ToList();
        return WithContext(script, context);
    }

    // Longest common subsequence, then walk it to produce the edit script.
    private static List<(char Op, string Line)> EditScript(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (int i = a.Count - 1; i >= 0; i--)
        {
            for (int j = b.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = string.Equals(a[i], b[j], StringComparison.Ordinal)
                    ? lcs[i + 1, j + 1] + 1
                    : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var script = new List<(char, string)>();
        int x = 0, y = 0;
        while (x < a.Count && y < b.Count)
        {
            if (string.Equals(a[x], b[y], StringComparison.Ordinal))
            {
                script.Add((' ', a[x++]));
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                script.Add(('-', a[x++]));
            }
            else
            {
                script.Add(('+', b[y++]));
            }
        }

        while (x < a.Count)
            script.Add(('-', a[x++]));
        while (y < b.Count)
            script.Add(('+', b[y++]));
        return script;
    }

    private static List<string> WithContext(List<(char Op, string Line)> script, int context)
    {
        var keep = new bool[script.Count];
        for (int i = 0; i < script.Count; i++)
        {
            if (script[i].Op == ' ')
                continue;
            for (int k = Math.Max(0, i - context); k <= Math.Min(script.Count - 1, i + context); k++)
                keep[k] = true;
        }

        var lines = new List<string>();
        bool skipped = false;
        for (int i = 0; i < script.Count; i++)
        {
            if (!keep[i])
            {
                skipped = true;
                continue;
            }

            if (skipped && lines.Count > 0)
                lines.Add("  ...");
            skipped = false;
            lines.Add($"{script[i].Op} {script[i].Line}");
        }

        return lines;
    }
}
