using System.Diagnostics;

namespace NotebookRunner.Core;

/// <summary>How one cell's execution ended.</summary>
public enum CellStatus
{
    /// <summary>The cell compiled and ran to completion.</summary>
    Succeeded,

    /// <summary>The cell failed to compile or threw.</summary>
    Failed,

    /// <summary>The cell ran longer than the per-cell timeout (its kernel process was killed).</summary>
    TimedOut,

    /// <summary>The kernel process died while the cell ran (<c>Environment.Exit</c>, a stack overflow, an unhandled
    /// exception on a background thread, a crash), or could not start.</summary>
    KernelDied,
}

/// <summary>
/// Runs a notebook's code cells in order in a fresh C# kernel, stopping at the first cell that fails, times out or
/// kills its kernel. Each notebook's kernel runs in a process of its own (see <see cref="KernelHost"/>) whose working
/// directory is the notebook's folder, as VS Code and Jupyter do, so nothing a cell does can take the runner down or
/// leak into the next notebook. <see cref="Prepare"/> starts the next notebook's kernel, and runs its first cell,
/// ahead of time.
/// </summary>
public sealed class NotebookExecutor : IDisposable
{
    /// <summary>The default time a single cell may take.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromSeconds(300);

    // Creating the kernel takes a second or two; a host that has not said it is ready after this is stuck.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Lock _gate = new();
    private readonly List<Started> _prepared = [];

    /// <summary>Creates an executor.</summary>
    /// <param name="cellTimeout">The time each cell may take; a cell that takes longer fails.</param>
    public NotebookExecutor(TimeSpan cellTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cellTimeout, TimeSpan.Zero);
        CellTimeout = cellTimeout;
    }

    /// <summary>The time each cell may take.</summary>
    public TimeSpan CellTimeout { get; }

    /// <summary>
    /// Starts the kernel process for a notebook that will run next and runs its first code cell (the setup cell,
    /// which loads packages and the library: the part of a notebook that costs most in a fresh process), so that
    /// both are done, or under way, when <see cref="ExecuteAsync"/> gets there. The kernel is killed if never used.
    /// Each notebook has a process of its own, so running its first cell early changes nothing it computes.
    /// </summary>
    /// <param name="notebook">The notebook.</param>
    public void Prepare(NotebookDocument notebook)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var started = Start(notebook);
        lock (_gate)
            _prepared.Add(started);
    }

    /// <summary>Runs the notebook.</summary>
    /// <param name="notebook">The notebook to run.</param>
    /// <param name="onCellFinished">Called after each code cell, for progress output.</param>
    /// <returns>The outputs of every cell that ran.</returns>
    public async Task<NotebookExecution> ExecuteAsync(NotebookDocument notebook, Action<CellExecution>? onCellFinished = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        var total = Stopwatch.StartNew();
        var cells = new List<CellExecution>();
        var started = TakePrepared(notebook) ?? Start(notebook);
        using (started.Kernel)
        {
            var (startError, first) = await started.FirstCell.ConfigureAwait(false);
            foreach (var cell in notebook.CodeCells)
            {
                var watch = Stopwatch.StartNew();
                var result = startError is not null
                    ? new CellResult(CellStatus.KernelDied, [NotebookOutput.Error("KernelDied", startError)], startError, TimeSpan.Zero)
                    : cells.Count == 0 && first is not null
                        ? first
                        : await RunAsync(started, cell).ConfigureAwait(false);
                var execution = new CellExecution(cell, cells.Count + 1, result.Duration, result.Status, result.Outputs, result.Error);
                cells.Add(execution);
                onCellFinished?.Invoke(execution);
                if (result.Status != CellStatus.Succeeded)
                    break;
            }
        }

        return new NotebookExecution(notebook, cells, total.Elapsed);
    }

    /// <summary>Kills kernel processes started by <see cref="Prepare"/> and not used.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var started in _prepared)
                started.Kernel.Dispose();
            _prepared.Clear();
        }
    }

    private Started Start(NotebookDocument notebook)
    {
        var kernel = KernelProcess.Start(FolderOf(notebook));
        var started = new Started(notebook, kernel, new GuidNormalizer());
        started.FirstCell = StartAsync(started);
        return started;
    }

    // Waits for the kernel, then runs the notebook's first code cell.
    private async Task<(string? StartError, CellResult? First)> StartAsync(Started started)
    {
        var error = await started.Kernel.WaitUntilReadyAsync(StartTimeout).ConfigureAwait(false);
        if (error is not null)
            return (error, null);
        var first = started.Notebook.CodeCells.FirstOrDefault();
        return (null, first is null ? null : await RunAsync(started, first).ConfigureAwait(false));
    }

    private async Task<CellResult> RunAsync(Started started, NotebookCell cell)
    {
        var watch = Stopwatch.StartNew();
        var (status, outputs, error) = await started.Kernel.RunAsync(cell.Source, CellTimeout, started.Normalizer).ConfigureAwait(false);
        return new CellResult(status, outputs, error, watch.Elapsed);
    }

    private Started? TakePrepared(NotebookDocument notebook)
    {
        lock (_gate)
        {
            var index = _prepared.FindIndex(p => ReferenceEquals(p.Notebook, notebook));
            if (index < 0)
                return null;
            var started = _prepared[index];
            _prepared.RemoveAt(index);
            return started;
        }
    }

    private sealed record CellResult(CellStatus Status, IReadOnlyList<NotebookOutput> Outputs, string? Error, TimeSpan Duration);

    // A notebook's kernel process and the task that starts it and runs the notebook's first code cell.
    private sealed class Started(NotebookDocument notebook, KernelProcess kernel, GuidNormalizer normalizer)
    {
        public NotebookDocument Notebook { get; } = notebook;

        public KernelProcess Kernel { get; } = kernel;

        public GuidNormalizer Normalizer { get; } = normalizer;

        public Task<(string? StartError, CellResult? First)> FirstCell { get; set; } = null!;
    }

    private static string FolderOf(NotebookDocument notebook) => Path.GetDirectoryName(notebook.Path)!;
}
