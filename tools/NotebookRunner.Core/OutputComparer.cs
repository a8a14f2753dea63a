namespace NotebookRunner.Core;

/// <summary>
/// Compares a cell's outputs with the committed ones the way <c>check</c> does: only text is compared — streams
/// (stdout, stderr) and the <c>text/plain</c> representation of displayed values and results. HTML, SVG and images,
/// errors, and outputs that have no text/plain representation are not compared. Consecutive stream outputs are
/// merged first, and a final newline does not matter.
/// </summary>
public static class OutputComparer
{
    /// <summary>Turns outputs into the lines that are compared: a header per output ([stdout], [stderr],
    /// [text/plain]) followed by its text's lines.</summary>
    /// <param name="outputs">A cell's outputs.</param>
    /// <returns>The comparable lines.</returns>
    public static IReadOnlyList<string> ComparableLines(IEnumerable<NotebookOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var merged = new List<(string Header, string Text)>();
        foreach (var output in outputs)
        {
            if (output.ComparableText is not { } text)
                continue;
            var header = output.Kind == NotebookOutputKind.Stream ? $"[{output.StreamName}]" : "[text/plain]";
            if (output.Kind == NotebookOutputKind.Stream && merged.Count > 0 && merged[^1].Header == header)
                merged[^1] = (header, merged[^1].Text + text);
            else
                merged.Add((header, text));
        }

        var lines = new List<string>();
        foreach (var (header, text) in merged)
        {
            lines.Add(header);
            var body = text.Replace("\r\n", "\n", StringComparison.Ordinal);
            if (body.EndsWith('\n'))
                body = body[..^1];
            lines.AddRange(body.Split('\n'));
        }

        return lines;
    }

    /// <summary>Compares committed outputs with new ones.</summary>
    /// <param name="committed">The outputs stored in the notebook.</param>
    /// <param name="actual">The outputs the cell produced now.</param>
    /// <returns>The diff lines (see <see cref="LineDiff"/>); empty when the text outputs agree.</returns>
    public static IReadOnlyList<string> Diff(IEnumerable<NotebookOutput> committed, IEnumerable<NotebookOutput> actual) =>
        LineDiff.Compare(ComparableLines(committed), ComparableLines(actual));
}
