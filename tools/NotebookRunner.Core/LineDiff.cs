using System.Globalization;

namespace NotebookRunner.Core;

/// <summary>
/// A bounded line diff for people. The first line counts what differs; then each hunk starts with
/// <c>@@ committed line N, now line M</c> and shows lines only in the expected text as "- ", lines only in the actual
/// text as "+ ", and unchanged context lines as "  ". At most <see cref="MaxShownLines"/> diff lines are shown (a last
/// line says how many more there are). The common head and tail are skipped, and the rest is compared with Myers'
/// O(ND) algorithm, stopped after <see cref="MaxEdits"/> differing lines: beyond that the diff says so and shows where
/// the differences start. Time O((N + M) × D), memory O(N + M + D²), D ≤ <see cref="MaxEdits"/>. A line longer than
/// <see cref="MaxShownLineLength"/> characters is shown cut, with the count of the rest.
/// </summary>
public static class LineDiff
{
    /// <summary>The most differing lines (removed plus added) the diff looks for.</summary>
    public const int MaxEdits = 1000;

    /// <summary>The most diff lines shown (hunk headers, changes and context), after the counting line.</summary>
    public const int MaxShownLines = 60;

    /// <summary>The most characters of one line shown (the rest is counted).</summary>
    public const int MaxShownLineLength = 500;

    // When there are too many differences: how many lines of each side are shown where they start.
    private const int FirstDifferenceLines = 10;

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

        // The common head and tail: only the part between them can differ.
        int head = 0;
        while (head < expected.Count && head < actual.Count && Same(expected[head], actual[head]))
            head++;
        if (head == expected.Count && head == actual.Count)
            return [];
        int tail = 0;
        while (tail < expected.Count - head && tail < actual.Count - head
               && Same(expected[expected.Count - 1 - tail], actual[actual.Count - 1 - tail]))
            tail++;

        var middle = Myers(expected, head, expected.Count - tail, actual, head, actual.Count - tail, MaxEdits);
        return middle is null
            ? TooManyDifferences(expected, actual, head, context)
            : Hunks(expected, actual, head, tail, middle, context);
    }

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);

    // Myers' greedy diff of a[aStart..aEnd) and b[bStart..bEnd): the edit script ('-' removes a line of a, '+' adds
    // one of b, ' ' keeps one), or null when more than maxEdits lines differ. V[k] is the furthest x on diagonal k;
    // the V of each step d (2d + 1 entries) is kept to walk the path back.
    private static List<char>? Myers(IReadOnlyList<string> a, int aStart, int aEnd, IReadOnlyList<string> b, int bStart, int bEnd, int maxEdits)
    {
        int n = aEnd - aStart, m = bEnd - bStart;
        int max = Math.Min(n + m, maxEdits);
        var v = new int[2 * max + 3];
        int offset = max + 1;
        var trace = new List<int[]>();
        for (int d = 0; d <= max; d++)
        {
            for (int k = -d; k <= d; k += 2)
            {
                int x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])
                    ? v[offset + k + 1]
                    : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && Same(a[aStart + x], b[bStart + y]))
                {
                    x++;
                    y++;
                }

                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    trace.Add(v[(offset - d)..(offset + d + 1)]);
                    return Backtrack(trace, n, m);
                }
            }

            trace.Add(v[(offset - d)..(offset + d + 1)]);
        }

        return null;
    }

    // Walks the kept V arrays back from (n, m) to (0, 0) and returns the edit script in order.
    private static List<char> Backtrack(List<int[]> trace, int n, int m)
    {
        var script = new List<char>(n + m);
        int x = n, y = m;
        for (int d = trace.Count - 1; d > 0; d--)
        {
            var previous = trace[d - 1]; // entries for k = -(d-1) .. d-1, at index k + d - 1
            int k = x - y;
            bool down = k == -d || (k != d && previous[k - 1 + d - 1] < previous[k + 1 + d - 1]);
            int previousK = down ? k + 1 : k - 1;
            int previousX = previous[previousK + d - 1];
            int previousY = previousX - previousK;
            while (x > previousX && y > previousY)
            {
                script.Add(' ');
                x--;
                y--;
            }

            script.Add(down ? '+' : '-');
            x = previousX;
            y = previousY;
        }

        while (x > 0 && y > 0)
        {
            script.Add(' ');
            x--;
            y--;
        }

        script.Reverse();
        return script;
    }

    // The counting line, then hunks of changes with their context, at most MaxShownLines lines.
    private static List<string> Hunks(IReadOnlyList<string> a, IReadOnlyList<string> b, int head, int tail, List<char> middle, int context)
    {
        // The script over every line: the head and tail are kept lines around the middle's script.
        char Op(int i) => i < head || i >= head + middle.Count ? ' ' : middle[i - head];
        int length = head + middle.Count + tail;
        var changes = Enumerable.Range(head, middle.Count).Where(i => Op(i) != ' ').ToList();

        // Hunks: runs of changes less than 2 × context kept lines apart, with `context` kept lines around them.
        var hunks = new List<(int Start, int End)>();
        foreach (var change in changes)
        {
            if (hunks.Count > 0 && change - context <= hunks[^1].End)
                hunks[^1] = (hunks[^1].Start, Math.Min(length, change + 1 + context));
            else
                hunks.Add((Math.Max(0, change - context), Math.Min(length, change + 1 + context)));
        }

        var lines = new List<string> { Counts(changes.Count(i => Op(i) == '-'), changes.Count(i => Op(i) == '+'), a.Count, b.Count) };
        int shown = 0, shownChanges = 0, x = 0, y = 0, position = 0;
        foreach (var (start, end) in hunks)
        {
            if (shown + 2 > MaxShownLines)
                break;
            for (; position < start; position++)
                Advance(Op(position), ref x, ref y);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"@@ committed line {x + 1:N0}, now line {y + 1:N0}"));
            shown++;
            for (; position < end && shown < MaxShownLines; position++, shown++)
            {
                var op = Op(position);
                lines.Add(op switch { '-' => $"- {Shown(a[x])}", '+' => $"+ {Shown(b[y])}", _ => $"  {Shown(a[x])}" });
                shownChanges += op == ' ' ? 0 : 1;
                Advance(op, ref x, ref y);
            }
        }

        if (shownChanges < changes.Count)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"... {changes.Count - shownChanges:N0} more removed or added lines not shown (at most {MaxShownLines} diff lines are)"));
        }

        return lines;
    }

    private static string Shown(string line) => line.Length <= MaxShownLineLength
        ? line
        : string.Create(CultureInfo.InvariantCulture, $"{line.AsSpan(0, MaxShownLineLength)}... ({line.Length - MaxShownLineLength:N0} more characters)");

    private static void Advance(char op, ref int x, ref int y)
    {
        if (op != '+')
            x++;
        if (op != '-')
            y++;
    }

    private static string Counts(int removed, int added, int expected, int actual) => string.Create(
        CultureInfo.InvariantCulture,
        $"{removed:N0} {(removed == 1 ? "line" : "lines")} removed, {added:N0} added ({expected:N0} lines committed, {actual:N0} now)");

    // More than MaxEdits lines differ: say so, and show where the differences start.
    private static List<string> TooManyDifferences(IReadOnlyList<string> a, IReadOnlyList<string> b, int head, int context)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"more than {MaxEdits:N0} lines removed or added ({a.Count:N0} lines committed, {b.Count:N0} now); where they start:"),
            string.Create(CultureInfo.InvariantCulture, $"@@ committed line {head + 1 - Math.Min(head, context):N0}, now line {head + 1 - Math.Min(head, context):N0}"),
        };
        for (int i = Math.Max(0, head - context); i < head; i++)
            lines.Add($"  {Shown(a[i])}");
        for (int i = head; i < Math.Min(a.Count, head + FirstDifferenceLines); i++)
            lines.Add($"- {Shown(a[i])}");
        for (int i = head; i < Math.Min(b.Count, head + FirstDifferenceLines); i++)
            lines.Add($"+ {Shown(b[i])}");
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"... the first {FirstDifferenceLines} differing lines of each side shown"));
        return lines;
    }
}
