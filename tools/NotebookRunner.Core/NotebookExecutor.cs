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
/// kills its kernel. Kernels run in a kernel host process apart from the runner's (see <see cref="KernelHost"/>) whose
/// working directory is the notebook's folder, as VS Code and Jupyter do, so nothing a cell does can take the runner
/// down. A host whose notebook ran to the end runs the next notebook in a fresh kernel (the compiler stays warm, which
/// a new process would pay for again: about 3 s of CPU per notebook); after a failure, a timeout or a death the next
/// notebook gets a new process. With <c>processPerNotebook</c> every notebook gets a new process.
/// <see cref="Prepare"/> starts a notebook's kernel, and runs its first cell, ahead of time.
/// </summary>
public sealed class NotebookExecutor : IDisposable
{
    /// <summary>The default time a single cell may take.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromSeconds(300);

    // Creating the kernel takes a second or two; a host that has not said it is ready after this is stuck.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Lock _gate = new();
    private readonly List<Started> _prepared = [];
    private KernelProcess? _idle;

    /// <summary>Creates an executor.</summary>
    /// <param name="cellTimeout">The time each cell may take; a cell that takes longer fails.</param>
    /// <param name="processPerNotebook">True to start a new kernel process for every notebook; false (the default) to
    /// hand a process whose notebook ran to the end to the next notebook, with a fresh kernel (see
    /// <see cref="KernelProcess.ResetAsync"/>), and to start a new one only after a failure, a timeout or a death.</param>
    public NotebookExecutor(TimeSpan cellTimeout, bool processPerNotebook = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cellTimeout, TimeSpan.Zero);
        CellTimeout = cellTimeout;
        ProcessPerNotebook = processPerNotebook;
    }

    /// <summary>The time each cell may take.</summary>
    public TimeSpan CellTimeout { get; }

    /// <summary>Whether every notebook gets a kernel process of its own (see the constructor).</summary>
    public bool ProcessPerNotebook { get; }

    /// <summary>What one cell may store (see <see cref="OutputCollector.MaxStoredBytes"/>; tests make it small).</summary>
    internal long MaxStoredBytesPerCell { get; init; } = OutputCollector.MaxStoredBytes;

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
        bool reusable = false;
        try
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

            // Only a process whose notebook ran to the end serves the next one; after a failure it is discarded.
            reusable = !ProcessPerNotebook && startError is null && cells.All(c => c.Status == CellStatus.Succeeded);
        }
        finally
        {
            if (reusable)
            {
                // Whatever the notebook's cells started ends with it, even though its process serves the next one.
                started.Kernel.EndNotebookProcesses();
                Interlocked.Exchange(ref _idle, started.Kernel)?.Dispose();
            }
            else
                started.Kernel.Dispose();
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

        Interlocked.Exchange(ref _idle, null)?.Dispose();
    }

    private Started Start(NotebookDocument notebook)
    {
        var idle = Interlocked.Exchange(ref _idle, null);
        var kernel = idle ?? KernelProcess.Start(FolderOf(notebook));
        var started = new Started(notebook, kernel, new GuidNormalizer());
        started.FirstCell = StartAsync(started, reset: idle is not null);
        return started;
    }

    // Waits for the kernel (a fresh one in a reused process, or a new process), then runs the notebook's first code cell.
    private async Task<(string? StartError, CellResult? First)> StartAsync(Started started, bool reset)
    {
        var error = reset
            ? await started.Kernel.ResetAsync(FolderOf(started.Notebook), StartTimeout).ConfigureAwait(false)
            : await started.Kernel.WaitUntilReadyAsync(StartTimeout).ConfigureAwait(false);
        if (error is not null)
            return (error, null);
        var first = started.Notebook.CodeCells.FirstOrDefault();
        return (null, first is null ? null : await RunAsync(started, first).ConfigureAwait(false));
    }

    private async Task<CellResult> RunAsync(Started started, NotebookCell cell)
    {
        var watch = Stopwatch.StartNew();
        var (status, outputs, error) = await started.Kernel.RunAsync(cell.Source, CellTimeout, started.Normalizer, MaxStoredBytesPerCell).ConfigureAwait(false);
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
