namespace NotebookRunner.Core;

/// <summary>The runner's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Every notebook ran (and, for check, matched its committed outputs).</summary>
    public const int Success = 0;

    /// <summary>A notebook failed, timed out or (check) drifted from its committed outputs.</summary>
    public const int NotebookFailed = 1;

    /// <summary>Bad command line, or a path that is not a runnable C# notebook.</summary>
    public const int BadInput = 2;

    /// <summary>Building the course library failed.</summary>
    public const int BuildFailed = 3;
}

/// <summary>How one notebook ended.</summary>
public enum NotebookOutcome
{
    /// <summary>Every code cell ran (and, for check, matched).</summary>
    Passed,

    /// <summary>A cell failed to compile, threw, timed out or killed its kernel (execution stopped there), or the
    /// executed notebook could not be written.</summary>
    Failed,

    /// <summary>Every cell ran, but (check) some cells' text outputs differ from the committed ones.</summary>
    Drifted,
}

/// <summary>What happened to one notebook.</summary>
/// <param name="DisplayName">The notebook's name in messages (its path below notebooks/).</param>
/// <param name="Execution">The cells that ran and their outputs.</param>
/// <param name="Outcome">Passed, failed or drifted.</param>
/// <param name="DriftedCells">The numbers of the cells whose outputs drifted (check only).</param>
/// <param name="ExecutedPath">Where the executed notebook was written (with <c>--in-place</c>, the notebook itself
/// if it passed, its copy in artifacts/notebooks/ if it failed).</param>
public sealed record NotebookReport(
    string DisplayName,
    NotebookExecution Execution,
    NotebookOutcome Outcome,
    IReadOnlyList<int> DriftedCells,
    string ExecutedPath)
{
    /// <summary>With <c>--in-place</c>: the notebook failed, so the committed file was left as it was.</summary>
    public bool KeptCommittedFile { get; init; }

    /// <summary>Why the executed notebook could not be written, or null.</summary>
    public string? WriteError { get; init; }
}

/// <summary>The result of a runner command.</summary>
/// <param name="ExitCode">The process exit code (see <see cref="ExitCodes"/>).</param>
/// <param name="Notebooks">One report per notebook executed.</param>
public sealed record CourseReport(int ExitCode, IReadOnlyList<NotebookReport> Notebooks);
