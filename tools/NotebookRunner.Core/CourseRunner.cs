namespace NotebookRunner.Core;

/// <summary>
/// The runner's commands (run, check, build, export) as a library: the console app and the tests call this. What it
/// has to say goes to the given writer, in the words of <see cref="ConsoleReport"/>; bad input gives a one-line error,
/// never a stack trace.
/// </summary>
public sealed class CourseRunner
{
    private readonly ConsoleReport _report;
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
        _report = new ConsoleReport(output, layout);
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
            _report.Error($"{ex.Message} (see --help)");
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
            _report.Usage();
            return new CourseReport(ExitCodes.Success, []);
        }

        if (_layout is null && (options.Command == RunnerCommand.Export || options.BuildLibrary || options.Paths.Count == 0
                                || (options.OutputDirectory is null && !options.InPlace)))
        {
            _report.Error($"not inside the course repository (no {RepositoryLayout.MarkerPath} above {Environment.CurrentDirectory}); run from the repository");
            return new CourseReport(ExitCodes.BadInput, []);
        }

        if (options.Command == RunnerCommand.Build)
            return new CourseReport(await BuildAsync().ConfigureAwait(false) ? ExitCodes.Success : ExitCodes.BuildFailed, []);
        if (options.Command == RunnerCommand.Export)
            return Export();

        var notebooks = LoadNotebooks(options.Paths);
        if (notebooks is null)
            return new CourseReport(ExitCodes.BadInput, []);

        if (!OutputsCanBeWritten(notebooks, options))
            return new CourseReport(ExitCodes.BadInput, []);

        if (options.BuildLibrary && !await BuildAsync().ConfigureAwait(false))
            return new CourseReport(ExitCodes.BuildFailed, []);

        var reports = new List<NotebookReport>();
        using (var executor = new NotebookExecutor(options.CellTimeout, options.ProcessPerNotebook) { MaxStoredBytesPerCell = MaxStoredBytesPerCell })
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

        _report.Summary(reports, options);
        var exitCode = reports.All(r => r.Outcome == NotebookOutcome.Passed) ? ExitCodes.Success : ExitCodes.NotebookFailed;
        return new CourseReport(exitCode, reports);
    }

    private async Task<bool> BuildAsync()
    {
        var result = await LibraryBuilder.BuildAsync(_layout!).ConfigureAwait(false);
        _report.LibraryBuilt(result);
        return result.Succeeded;
    }

    // Every notebook of notebooks/ as a file-based app in notebooks/apps/ (AppExporter names each app it writes).
    private CourseReport Export()
    {
        try
        {
            var written = AppExporter.WriteAll(_layout!, _out);
            _report.Exported(written);
            return new CourseReport(ExitCodes.Success, []);
        }
        catch (NotebookInputException ex)
        {
            _report.Error(ex.Message);
            return new CourseReport(ExitCodes.BadInput, []);
        }
    }

    private List<NotebookDocument>? LoadNotebooks(IReadOnlyList<string> paths)
    {
        var files = new List<string>();
        if (paths.Count == 0)
        {
            files.AddRange(_layout!.DefaultNotebooks());
            if (files.Count == 0)
            {
                _report.Error($"no notebooks in {_layout.NotebooksDirectory}");
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
                    _report.Error($"{path}: a folder with no .ipynb files");
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
                _report.Error(ex.Message);
                failed = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _report.Error($"{file}: cannot be read ({ex.Message})");
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
                _report.Error($"executed notebooks cannot be written to {folder} ({reason}); nothing was run");
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
            if (options.InPlace && !keptCommitted && notebook.ChangedOnDisk())
            {
                // Edited while it ran (as an editor would warn): the edit stays, the executed notebook goes beside it.
                var beside = $"{notebook.Path}.executed-{DateTime.UtcNow:yyyyMMdd'T'HHmmss'Z'}.ipynb";
                AtomicFile.Write(beside, writer => execution.WriteExecutedJson(writer, options.RedrawPngs), onlyIfChanged: false, BeforeRename);
                writeError = $"it changed on disk while it ran, so it was not overwritten; the executed notebook is {beside}";
                _report.NotWrittenBack(name, writeError);
                executedPath = beside;
            }
            else
            {
                // A symbolic link is written through: its final target is replaced atomically, the link stays.
                var target = options.InPlace && !keptCommitted ? FinalTarget(executedPath) : executedPath;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                AtomicFile.Write(target, writer => execution.WriteExecutedJson(writer, options.RedrawPngs), onlyIfChanged: true, BeforeRename);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever went wrong writing this notebook (a full disk, no memory left for its text) fails this
            // notebook only: the half-written file is gone, the summary is printed and the next notebook runs.
            writeError = ex is IOException or UnauthorizedAccessException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            _report.NotWritten(name, executedPath, writeError);
        }

        var outcome = !execution.Succeeded || writeError is not null ? NotebookOutcome.Failed
            : drifted.Count > 0 ? NotebookOutcome.Drifted
            : NotebookOutcome.Passed;
        if (outcome == NotebookOutcome.Drifted)
            _report.HowToAccept(notebook.Path);

        return new NotebookReport(name, execution, outcome, drifted, executedPath)
        {
            KeptCommittedFile = keptCommitted,
            WriteError = writeError,
        };
    }

    // Says how the cell went; under check, a drifted cell (its figures' digests, their PNGs, then its text outputs) is recorded.
    private void ReportCell(string name, CellExecution cell, RunnerOptions options, List<int> drifted)
    {
        if (cell.Status is CellStatus.Failed or CellStatus.TimedOut or CellStatus.KernelDied)
        {
            _report.CellFailed(name, cell);
            return;
        }

        var check = options.Command == RunnerCommand.Check;
        if (check && FigureDigests.Mismatches(cell.Cell.Outputs) is { Count: > 0 } figures)
        {
            drifted.Add(cell.Cell.Number);
            _report.FigureDrifted(name, cell, figures);
            return;
        }

        if (check && FigurePngs.Problems(cell.Cell.Outputs) is { Count: > 0 } pngs)
        {
            drifted.Add(cell.Cell.Number);
            _report.PngDrifted(name, cell, pngs);
            return;
        }

        if (check && !cell.Cell.SkipsOutputCheck && OutputComparer.Diff(cell.Cell.Outputs, cell.Outputs) is { Count: > 0 } diff)
        {
            drifted.Add(cell.Cell.Number);
            _report.TextDrifted(name, cell, diff);
            return;
        }

        _report.CellPassed(name, cell, notCompared: check && cell.Cell.SkipsOutputCheck);
    }

    // The file a path names after following every symbolic link (the path itself when it is none).
    private static string FinalTarget(string path) =>
        File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;

    /// <summary>What one cell may store (see <see cref="OutputCollector.MaxStoredBytes"/>; tests make it small).</summary>
    internal long MaxStoredBytesPerCell { get; init; } = OutputCollector.MaxStoredBytes;

    /// <summary>For tests: runs when an executed notebook's temporary file is complete, before it is renamed.</summary>
    internal Action<string>? BeforeRename { get; init; }
}
