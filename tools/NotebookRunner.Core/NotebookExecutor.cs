using System.Diagnostics;

namespace NotebookRunner.Core;

/// <summary>
/// Runs a notebook's code cells in order in a fresh C# kernel whose working directory is the notebook's folder (as
/// VS Code does), stopping at the first cell that fails or times out. The kernel host's state is process-wide
/// (working directory, console, formatters), so notebooks run one at a time even if called concurrently.
/// </summary>
public sealed class NotebookExecutor
{
    /// <summary>The default time a single cell may take.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromSeconds(300);

    private static readonly SemaphoreSlim OneNotebookAtATime = new(1, 1);

    /// <summary>Creates an executor.</summary>
    /// <param name="cellTimeout">The time each cell may take; a cell that takes longer fails.</param>
    public NotebookExecutor(TimeSpan cellTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cellTimeout, TimeSpan.Zero);
        CellTimeout = cellTimeout;
    }

    /// <summary>The time each cell may take.</summary>
    public TimeSpan CellTimeout { get; }

    /// <summary>Runs the notebook.</summary>
    /// <param name="notebook">The notebook to run.</param>
    /// <param name="onCellFinished">Called after each code cell, for progress output.</param>
    /// <returns>The outputs of every cell that ran.</returns>
    public async Task<NotebookExecution> ExecuteAsync(NotebookDocument notebook, Action<CellExecution>? onCellFinished = null)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        await OneNotebookAtATime.WaitAsync().ConfigureAwait(false);
        var previousDirectory = Environment.CurrentDirectory;
        try
        {
            Environment.CurrentDirectory = Path.GetDirectoryName(notebook.Path)!;
            var total = Stopwatch.StartNew();
            var cells = new List<CellExecution>();
            using (var session = KernelSession.Start())
            {
                foreach (var cell in notebook.CodeCells)
                {
                    var watch = Stopwatch.StartNew();
                    var (status, outputs, error) = await session.RunAsync(cell.Source, CellTimeout).ConfigureAwait(false);
                    var execution = new CellExecution(cell, cells.Count + 1, watch.Elapsed, status, outputs, error);
                    cells.Add(execution);
                    onCellFinished?.Invoke(execution);
                    if (status != CellStatus.Succeeded)
                        break;
                }
            }

            return new NotebookExecution(notebook, cells, total.Elapsed);
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            OneNotebookAtATime.Release();
        }
    }
}
