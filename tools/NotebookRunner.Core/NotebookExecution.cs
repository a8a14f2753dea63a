namespace NotebookRunner.Core;

/// <summary>What running one code cell produced.</summary>
public sealed class CellExecution
{
    internal CellExecution(NotebookCell cell, int executionCount, TimeSpan duration, CellStatus status, IReadOnlyList<NotebookOutput> outputs, string? error)
    {
        Cell = cell;
        ExecutionCount = executionCount;
        Duration = duration;
        Status = status;
        Outputs = outputs;
        Error = error;
    }

    /// <summary>The cell that ran.</summary>
    public NotebookCell Cell { get; }

    /// <summary>The cell's execution count (1 for the first code cell run in the kernel, and so on).</summary>
    public int ExecutionCount { get; }

    /// <summary>The wall time the cell took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Whether the cell succeeded, failed or timed out.</summary>
    public CellStatus Status { get; }

    /// <summary>The outputs in order, with display updates collapsed and consecutive stream writes merged.</summary>
    public IReadOnlyList<NotebookOutput> Outputs { get; }

    /// <summary>For a failed or timed-out cell, the error (the compiler diagnostic, or the exception with its stack
    /// trace); null otherwise.</summary>
    public string? Error { get; }
}

/// <summary>The result of running a notebook's code cells in order in a fresh kernel.</summary>
public sealed class NotebookExecution
{
    internal NotebookExecution(NotebookDocument notebook, IReadOnlyList<CellExecution> cells, TimeSpan duration)
    {
        Notebook = notebook;
        Cells = cells;
        Duration = duration;
    }

    /// <summary>The notebook that ran.</summary>
    public NotebookDocument Notebook { get; }

    /// <summary>The code cells that ran, in order; the last one is the failure if the notebook failed.</summary>
    public IReadOnlyList<CellExecution> Cells { get; }

    /// <summary>The wall time of the whole notebook, kernel start included.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The cell that failed or timed out (execution stopped there); null if every cell succeeded.</summary>
    public CellExecution? FailedCell => Cells.FirstOrDefault(c => c.Status != CellStatus.Succeeded);

    /// <summary>Whether every code cell ran and succeeded.</summary>
    public bool Succeeded => FailedCell is null;

    /// <summary>The executed notebook's text: the original with the new outputs and execution counts, each chart's
    /// SVG with a PNG drawn from it (<see cref="FigurePngs"/>).</summary>
    /// <param name="redrawPngs">Draw every PNG; otherwise a chart whose SVG is the committed one keeps the committed
    /// PNG (<see cref="FigurePngs.WithPng(NotebookOutput, IReadOnlyList{NotebookOutput})"/>).</param>
    public string ToExecutedJson(bool redrawPngs = false) => Notebook.ToExecutedJson(Executed(redrawPngs));

    /// <summary>Writes the executed notebook's text to <paramref name="writer"/>, piece by piece (see
    /// <see cref="NotebookDocument.WriteExecutedJson"/>).</summary>
    /// <param name="writer">Where the text goes.</param>
    /// <param name="redrawPngs">As for <see cref="ToExecutedJson"/>.</param>
    public void WriteExecutedJson(TextWriter writer, bool redrawPngs = false) => Notebook.WriteExecutedJson(writer, Executed(redrawPngs));

    // The outputs as written: each chart's SVG with the PNG drawn from it (FigurePngs), or the committed PNG of the same
    // cell drawn from the same SVG.
    private Dictionary<int, (int ExecutionCount, IReadOnlyList<NotebookOutput> Outputs)> Executed(bool redrawPngs) =>
        Cells.ToDictionary(c => c.Cell.Number, c => (c.ExecutionCount,
            (IReadOnlyList<NotebookOutput>)c.Outputs.Select(o => redrawPngs ? FigurePngs.WithPng(o) : FigurePngs.WithPng(o, c.Cell.Outputs)).ToArray()));
}
