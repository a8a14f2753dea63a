using System.Globalization;

namespace NotebookRunner.Core;

/// <summary>
/// What the runner's commands print: one line per code cell (<c>ok</c>, <c>FAILED</c> with the error, <c>DRIFT</c> with
/// the diff), the library build, one-line errors, and the summary table after the notebooks. <see cref="CourseRunner"/>
/// decides what happened; this class only says it, always in the same words (the runner tests check them).
/// </summary>
internal sealed class ConsoleReport
{
    private const int MaxErrorLines = 25;
    private readonly TextWriter _out;
    private readonly RepositoryLayout? _layout;

    /// <summary>Creates a report that writes to <paramref name="output"/>.</summary>
    /// <param name="output">Where every line goes.</param>
    /// <param name="layout">The repository, to show paths relative to it; null outside one.</param>
    public ConsoleReport(TextWriter output, RepositoryLayout? layout)
    {
        ArgumentNullException.ThrowIfNull(output);
        _out = output;
        _layout = layout;
    }

    /// <summary>Writes a one-line error: <c>error: </c> and <paramref name="message"/>.</summary>
    public void Error(string message) => Line($"error: {message}");

    /// <summary>Writes the usage text (<c>--help</c>).</summary>
    public void Usage() => _out.WriteLine(RunnerOptions.Usage);

    // Every other line goes through here: its control characters are escaped (TerminalText), so no text a notebook,
    // a cell or a file name holds can move the cursor or rewrite a line already printed.
    private void Line(string text) => _out.WriteLine(TerminalText.Escape(text));

    private void Line() => _out.WriteLine();

    /// <summary>Writes how the library build went: one line when it succeeded, else the build's output indented.</summary>
    public void LibraryBuilt(LibraryBuildResult result)
    {
        var target = Path.GetRelativePath(_layout!.Root, _layout.LibraryOutputDirectory).Replace('\\', '/');
        if (result.Succeeded)
        {
            Line($"built  lib/ -> {target}/  {Seconds(result.Duration)} s");
            return;
        }

        Line($"FAILED building the course library into {target}/ (dotnet build {RepositoryLayout.MarkerPath}):");
        foreach (var line in result.Output.Split('\n'))
            Line($"    {line.TrimEnd()}");
    }

    /// <summary>Writes the line of a cell that failed, timed out or killed its kernel, and its error below it.</summary>
    public void CellFailed(string notebook, CellExecution cell)
    {
        Line($"FAILED {Header(notebook, cell)}: {cell.Cell.FirstLine}");
        foreach (var line in ErrorLines(cell.Error ?? string.Empty))
            Line($"    {line}");
    }

    /// <summary>Writes the line of a cell whose committed figures do not match their digests, one line per figure.</summary>
    public void FigureDrifted(string notebook, CellExecution cell, IReadOnlyList<string> mismatches)
    {
        Line($"DRIFT {Header(notebook, cell)}: {cell.Cell.FirstLine}");
        Line("    a committed figure's SVG does not match the sha256 in its text (edited by hand, or only partly refreshed):");
        foreach (var line in mismatches)
            Line($"      {line}");
    }

    /// <summary>Writes the line of a cell whose stored PNGs were not drawn from the SVGs beside them, and why.</summary>
    public void PngDrifted(string notebook, CellExecution cell, IReadOnlyList<string> problems)
    {
        Line($"DRIFT {Header(notebook, cell)}: {cell.Cell.FirstLine}");
        Line("    a committed figure's PNG was not drawn from the SVG beside it (missing or stale; re-run the notebook):");
        foreach (var line in problems)
            Line($"      {line}");
    }

    /// <summary>Writes the line of a cell whose text outputs drifted, and the line diff (- committed, + now).</summary>
    public void TextDrifted(string notebook, CellExecution cell, IReadOnlyList<string> diff)
    {
        Line($"DRIFT {Header(notebook, cell)}: {cell.Cell.FirstLine}");
        Line("    text outputs differ from the committed ones (- committed, + now):");
        foreach (var line in diff)
            Line($"    {line}");
    }

    /// <summary>Writes the line of a cell that ran (and matched, or was not compared).</summary>
    public void CellPassed(string notebook, CellExecution cell, bool notCompared)
    {
        var skip = notCompared ? "  (output not compared)" : string.Empty;
        Line($"ok  {notebook}  cell {cell.Cell.Number}  {Seconds(cell.Duration)} s  {cell.Cell.FirstLine}{skip}");
    }

    /// <summary>Writes the command that accepts a drifted notebook's new outputs.</summary>
    public void HowToAccept(string notebookPath)
    {
        var shownPath = _layout is null ? notebookPath : Path.GetRelativePath(_layout.Root, notebookPath).Replace('\\', '/');
        Line($"    to accept the new outputs: dotnet run --project tools/NotebookRunner -- run --in-place {shownPath}");
    }

    /// <summary>Writes that an executed notebook could not be written.</summary>
    public void NotWritten(string notebook, string path, string reason) =>
        Line($"FAILED {notebook}: the executed notebook could not be written to {path} ({reason})");

    /// <summary>Writes that <c>--in-place</c> did not write a notebook back, and why (<paramref name="reason"/>).</summary>
    public void NotWrittenBack(string notebook, string reason) => Line($"FAILED {notebook}: {reason}");

    /// <summary>Writes how many apps <c>export</c> wrote (it names each one as it writes it).</summary>
    public void Exported(int written) => Line($"export: {written} app(s) written, the others were current");

    /// <summary>
    /// Writes the summary after the notebooks: a blank line, a table (notebook, cells run/code cells, seconds,
    /// result), the totals, where the executed notebooks are, and which notebooks <c>--in-place</c> left unchanged.
    /// </summary>
    public void Summary(IReadOnlyList<NotebookReport> reports, RunnerOptions options)
    {
        var rows = reports.Select(r => (
            Name: r.DisplayName,
            Cells: $"{r.Execution.Cells.Count}/{r.Execution.Notebook.CodeCells.Count()}",
            Seconds: Seconds(r.Execution.Duration),
            Result: r.Outcome switch
            {
                NotebookOutcome.Passed => "ok",
                NotebookOutcome.Drifted => $"DRIFT in cell{(r.DriftedCells.Count > 1 ? "s" : "")} {string.Join(", ", r.DriftedCells)}",
                _ when r.Execution.FailedCell is null => "FAILED: not written",
                _ => $"FAILED in cell {r.Execution.FailedCell.Cell.Number}{r.Execution.FailedCell.Status switch
                {
                    CellStatus.TimedOut => " (timed out)",
                    CellStatus.KernelDied => " (kernel died)",
                    _ => "",
                }}",
            })).ToList();

        int nameWidth = Math.Max("notebook".Length, rows.Max(r => r.Name.Length));
        int cellsWidth = Math.Max("cells".Length, rows.Max(r => r.Cells.Length));
        int secondsWidth = Math.Max("seconds".Length, rows.Max(r => r.Seconds.Length));
        Line();
        Line($"{"notebook".PadRight(nameWidth)}  {"cells".PadLeft(cellsWidth)}  {"seconds".PadLeft(secondsWidth)}  result");
        foreach (var row in rows)
            Line($"{row.Name.PadRight(nameWidth)}  {row.Cells.PadLeft(cellsWidth)}  {row.Seconds.PadLeft(secondsWidth)}  {row.Result}");

        int passed = reports.Count(r => r.Outcome == NotebookOutcome.Passed);
        int notPassed = reports.Count - passed;
        var total = Seconds(TimeSpan.FromTicks(reports.Sum(r => r.Execution.Duration.Ticks)));
        Line($"{reports.Count} notebook{(reports.Count == 1 ? "" : "s")} in {total} s: {passed} ok, {notPassed} {(options.Command == RunnerCommand.Check ? "failed or drifted" : "failed")}");
        if (!options.InPlace)
        {
            var folder = options.OutputDirectory ?? _layout!.ExecutedNotebooksDirectory;
            Line($"executed notebooks: {Shown(folder)}/");
        }

        foreach (var kept in reports.Where(r => r.KeptCommittedFile))
            Line($"not written back: {Shown(kept.Execution.Notebook.Path)} failed, so it is unchanged; its executed copy is {Shown(kept.ExecutedPath)}");
    }

    private static string Header(string notebook, CellExecution cell) => $"{notebook} cell {cell.Cell.Number}";

    // The compiler diagnostics or the exception, without the scripting engine's own stack frames.
    private static IEnumerable<string> ErrorLines(string error)
    {
        var lines = error.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n')
            .Where(l => !l.TrimStart().StartsWith("--- End of stack trace", StringComparison.Ordinal))
            .Where(l => !l.TrimStart().StartsWith("at Microsoft.CodeAnalysis.", StringComparison.Ordinal))
            .Where(l => !l.TrimStart().StartsWith("at Microsoft.DotNet.Interactive.", StringComparison.Ordinal))
            .Where(l => l.Trim().Length > 0)
            .ToList();
        return lines.Count <= MaxErrorLines ? lines : lines.Take(MaxErrorLines).Append($"... ({lines.Count - MaxErrorLines} more lines)");
    }

    // A path relative to the repository when it is inside it.
    private string Shown(string path)
    {
        var relative = _layout is null ? null : Path.GetRelativePath(_layout.Root, path).Replace('\\', '/');
        return relative is null || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
