using System.Globalization;

namespace NotebookRunner.Core;

/// <summary>
/// The runner's commands (run, check, build) as a library: the console app and the tests call this. Everything it
/// has to say goes to the given writer; bad input gives a one-line error, never a stack trace.
/// </summary>
public sealed class CourseRunner
{
    private const int MaxErrorLines = 25;
    private readonly TextWriter _out;
    private readonly RepositoryLayout? _layout;

    /// <summary>Creates a runner.</summary>
    /// <param name="output">Where progress, errors and the summary go.</param>
    /// <param name="layout">The course repository (for default paths, the library build and artifacts/); may be
    /// null when every path and the output directory are given and the library is not built.</param>
    public CourseRunner(TextWriter output, RepositoryLayout? layout)
    {
        ArgumentNullException.ThrowIfNull(output);
        _out = output;
        _layout = layout;
    }

    /// <summary>
    /// Stops what runners of this process have under way, for Ctrl+C and process exit: kills the notebooks' kernel
    /// processes (with whatever they started) and deletes half-written temporary files, so a committed notebook is
    /// left as it was.
    /// </summary>
    public static void Stop()
    {
        KernelProcess.KillAll();
        AtomicFile.DeleteTemporaryFiles();
    }

    /// <summary>Parses the command line and runs the command.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>The report; its exit code is the process's.</returns>
    public async Task<CourseReport> RunAsync(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        RunnerOptions options;
        try
        {
            options = RunnerOptions.Parse(args);
        }
        catch (RunnerUsageException ex)
        {
            _out.WriteLine($"error: {ex.Message} (see --help)");
            return new CourseReport(ExitCodes.BadInput, []);
        }

        return await RunAsync(options).ConfigureAwait(false);
    }

    /// <summary>Runs a command.</summary>
    /// <param name="options">What to do.</param>
    /// <returns>The report; its exit code is the process's.</returns>
    public async Task<CourseReport> RunAsync(RunnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Command == RunnerCommand.Help)
        {
            _out.WriteLine(RunnerOptions.Usage);
            return new CourseReport(ExitCodes.Success, []);
        }

        if (_layout is null && (options.BuildLibrary || options.Paths.Count == 0 || (options.OutputDirectory is null && !options.InPlace)))
        {
            _out.WriteLine($"error: not inside the course repository (no {RepositoryLayout.MarkerPath} above {Environment.CurrentDirectory}); run from the repository");
            return new CourseReport(ExitCodes.BadInput, []);
        }

        if (options.Command == RunnerCommand.Build)
            return new CourseReport(await BuildAsync().ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.BuildFailed, []);

        var notebooks = LoadNotebooks(options.Paths);
        if (notebooks is null)
            return new CourseReport(ExitCodes.BadInput, []);

        if (!OutputsCanBeWritten(notebooks, options))
            return new CourseReport(ExitCodes.BadInput, []);

        if (options.BuildLibrary && !await BuildAsync().ConfigureAwait(false))
            return new CourseReport(ExitCodes.BuildFailed, []);

        var reports = new List<NotebookReport>();
        using (var executor = new NotebookExecutor(options.CellTimeout, options.ProcessPerNotebook))
        {
            // With a process per notebook, each notebook's kernel process starts while the notebook before it runs;
            // otherwise the next notebook reuses the process of the one before (when it ran to the end).
            executor.Prepare(notebooks[0]);
            for (int i = 0; i < notebooks.Count; i++)
            {
                if (options.ProcessPerNotebook && i + 1 < notebooks.Count)
                    executor.Prepare(notebooks[i + 1]);
                reports.Add(await RunNotebookAsync(executor, notebooks[i], options).ConfigureAwait(false));
            }
        }

        WriteSummary(reports, options);
        var exitCode = reports.All(r => r.Outcome == NotebookOutcome.Passed) ? ExitCodes.Success : ExitCodes.NotebookFailed;
        return new CourseReport(exitCode, reports);
    }

    private async Task<bool> BuildAsync()
    {
        var layout = _layout!;
        var result = await LibraryBuilder.BuildAsync(layout).ConfigureAwait(false);
        var target = Path.GetRelativePath(layout.Root, layout.LibraryOutputDirectory).Replace('\\', '/');
        if (result.Succeeded)
        {
            _out.WriteLine($"built  lib/ -> {target}/  {Seconds(result.Duration)} s");
            return true;
        }

        _out.WriteLine($"FAILED building the course library into {target}/ (dotnet build {RepositoryLayout.MarkerPath}):");
        foreach (var line in result.Output.Split('\n'))
            _out.WriteLine($"    {line.TrimEnd()}");
        return false;
    }

    private List<NotebookDocument>? LoadNotebooks(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        if (paths.Count == 0)
        {
            files.AddRange(_layout!.DefaultNotebooks());
            if (files.Count == 0)
            {
                _out.WriteLine($"error: no notebooks in {_layout.NotebooksDirectory}");
                return null;
            }
        }

        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var inFolder = RepositoryLayout.NotebooksIn(path).ToArray();
                if (inFolder.Length == 0)
                {
                    _out.WriteLine($"error: {path}: a folder with no .ipynb files");
                    return null;
                }

                files.AddRange(inFolder);
            }
            else
            {
                files.Add(path);
            }
        }

        var notebooks = new List<NotebookDocument>();
        var failed = false;
        foreach (var file in files)
        {
            try
            {
                notebooks.Add(NotebookDocument.Load(file));
            }
            catch (NotebookInputException ex)
            {
                _out.WriteLine($"error: {ex.Message}");
                failed = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _out.WriteLine($"error: {file}: cannot be read ({ex.Message})");
                failed = true;
            }
        }

        return failed ? null : notebooks;
    }

    // Every folder an executed notebook may go to must take a file: found out before anything runs, not after.
    private bool OutputsCanBeWritten(IReadOnlyList<NotebookDocument> notebooks, RunnerOptions options)
    {
        var folders = new List<string>();
        foreach (var notebook in notebooks)
        {
            if (options.InPlace)
                folders.Add(Path.GetDirectoryName(notebook.Path)!);
            folders.Add(Path.GetDirectoryName(ArtifactPathFor(notebook, options))!);
        }

        foreach (var folder in folders.Distinct(StringComparer.Ordinal))
        {
            if (CannotWriteTo(folder) is { } reason)
            {
                _out.WriteLine($"error: executed notebooks cannot be written to {folder} ({reason}); nothing was run");
                return false;
            }
        }

        return true;
    }

    // Why no file can be created in the folder (or, if it does not exist yet, in the folder that would hold it),
    // or null if one can. Creates nothing that stays.
    private static string? CannotWriteTo(string folder)
    {
        var existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing))
                return $"{existing} is a file, not a folder";
            existing = Path.GetDirectoryName(existing);
            if (existing is null)
                return "no part of the path exists";
        }

        try
        {
            var probe = AtomicFile.TemporaryPathFor(Path.Combine(existing, "write-check"));
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return ex.Message;
        }
    }

    // Where the executed copy goes when not in place (and, with --in-place, when the notebook failed).
    private string ArtifactPathFor(NotebookDocument notebook, RunnerOptions options)
    {
        var layout = _layout ?? new RepositoryLayout(Path.GetDirectoryName(notebook.Path)!);
        return layout.ExecutedPathFor(notebook.Path, options.OutputDirectory ?? layout.ExecutedNotebooksDirectory);
    }

    private async Task<NotebookReport> RunNotebookAsync(NotebookExecutor executor, NotebookDocument notebook, RunnerOptions options)
    {
        var name = _layout?.DisplayNameFor(notebook.Path) ?? notebook.FileName;
        var drifted = new List<int>();
        var execution = await executor.ExecuteAsync(notebook, cell => ReportCell(name, cell, options, drifted)).ConfigureAwait(false);

        // --in-place replaces the committed notebook only with a complete run; a failed one goes to artifacts/.
        var keptCommitted = options.InPlace && !execution.Succeeded;
        var executedPath = options.InPlace && !keptCommitted ? notebook.Path : ArtifactPathFor(notebook, options);
        string? writeError = null;
        try
        {
            WriteIfChanged(executedPath, execution.ToExecutedJson());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            writeError = ex.Message;
            _out.WriteLine($"FAILED {name}: the executed notebook could not be written to {executedPath} ({ex.Message})");
        }

        var outcome = !execution.Succeeded || writeError is not null ? NotebookOutcome.Failed
            : drifted.Count > 0 ? NotebookOutcome.Drifted
            : NotebookOutcome.Passed;
        if (outcome == NotebookOutcome.Drifted)
        {
            var shownPath = _layout is null ? notebook.Path : Path.GetRelativePath(_layout.Root, notebook.Path).Replace('\\', '/');
            _out.WriteLine($"    to accept the new outputs: dotnet run --project tools/NotebookRunner -- run --in-place {shownPath}");
        }

        return new NotebookReport(name, execution, outcome, drifted, executedPath)
        {
            KeptCommittedFile = keptCommitted,
            WriteError = writeError,
        };
    }

    private void ReportCell(string name, CellExecution cell, RunnerOptions options, List<int> drifted)
    {
        var header = $"{name} cell {cell.Cell.Number}";
        switch (cell.Status)
        {
            case CellStatus.Failed:
            case CellStatus.TimedOut:
            case CellStatus.KernelDied:
                _out.WriteLine($"FAILED {header}: {cell.Cell.FirstLine}");
                foreach (var line in ErrorLines(cell.Error ?? string.Empty))
                    _out.WriteLine($"    {line}");
                return;
        }

        if (options.Command == RunnerCommand.Check && FigureDigests.Mismatches(cell.Cell.Outputs) is { Count: > 0 } figures)
        {
            drifted.Add(cell.Cell.Number);
            _out.WriteLine($"DRIFT {header}: {cell.Cell.FirstLine}");
            _out.WriteLine("    a committed figure's SVG does not match the sha256 in its text (edited by hand, or only partly refreshed):");
            foreach (var line in figures)
                _out.WriteLine($"      {line}");
            return;
        }

        if (options.Command == RunnerCommand.Check && !cell.Cell.SkipsOutputCheck)
        {
            var diff = OutputComparer.Diff(cell.Cell.Outputs, cell.Outputs);
            if (diff.Count > 0)
            {
                drifted.Add(cell.Cell.Number);
                _out.WriteLine($"DRIFT {header}: {cell.Cell.FirstLine}");
                _out.WriteLine("    text outputs differ from the committed ones (- committed, + now):");
                foreach (var line in diff)
                    _out.WriteLine($"    {line}");
                return;
            }
        }

        var skip = options.Command == RunnerCommand.Check && cell.Cell.SkipsOutputCheck ? "  (output not compared)" : string.Empty;
        _out.WriteLine($"ok  {name}  cell {cell.Cell.Number}  {Seconds(cell.Duration)} s  {cell.Cell.FirstLine}{skip}");
    }

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

    private void WriteSummary(IReadOnlyList<NotebookReport> reports, RunnerOptions options)
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
        _out.WriteLine();
        _out.WriteLine($"{"notebook".PadRight(nameWidth)}  {"cells".PadLeft(cellsWidth)}  {"seconds".PadLeft(secondsWidth)}  result");
        foreach (var row in rows)
            _out.WriteLine($"{row.Name.PadRight(nameWidth)}  {row.Cells.PadLeft(cellsWidth)}  {row.Seconds.PadLeft(secondsWidth)}  {row.Result}");

        int passed = reports.Count(r => r.Outcome == NotebookOutcome.Passed);
        int notPassed = reports.Count - passed;
        var total = Seconds(TimeSpan.FromTicks(reports.Sum(r => r.Execution.Duration.Ticks)));
        _out.WriteLine($"{reports.Count} notebook{(reports.Count == 1 ? "" : "s")} in {total} s: {passed} ok, {notPassed} {(options.Command == RunnerCommand.Check ? "failed or drifted" : "failed")}");
        if (!options.InPlace)
        {
            var folder = options.OutputDirectory ?? _layout!.ExecutedNotebooksDirectory;
            _out.WriteLine($"executed notebooks: {Shown(folder)}/");
        }

        foreach (var kept in reports.Where(r => r.KeptCommittedFile))
            _out.WriteLine($"not written back: {Shown(kept.Execution.Notebook.Path)} failed, so it is unchanged; its executed copy is {Shown(kept.ExecutedPath)}");
    }

    // A path relative to the repository when it is inside it.
    private string Shown(string path)
    {
        var relative = _layout is null ? null : Path.GetRelativePath(_layout.Root, path).Replace('\\', '/');
        return relative is null || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static void WriteIfChanged(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) && File.ReadAllText(path) == text)
            return;
        AtomicFile.WriteAllText(path, text);
    }

    private static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
}
