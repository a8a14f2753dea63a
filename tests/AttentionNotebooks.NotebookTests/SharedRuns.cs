namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// Runner runs that several tests of <see cref="RunnerTests"/> read and none changes, each started by the first test
/// that needs it and run once for the class (each run starts a kernel process, seconds of CPU): a `run` of
/// Fixtures/passing.ipynb alone (its transcript's columns are as wide as its own name), and a `check` of
/// passing.ipynb then drifting.ipynb (passing.ipynb first, in a new kernel process as it would be alone; each
/// notebook's outcome and lines are its own).
/// </summary>
public sealed class SharedRuns : IDisposable
{
    private readonly Lazy<Task<Transcript>> _run;
    private readonly Lazy<Task<Transcript>> _check;

    public SharedRuns()
    {
        _run = new(() => TestRepository.RunAsync("run", "--no-build", "--output", RunOutput.Path, TestRepository.Fixture("passing.ipynb")));
        _check = new(() => TestRepository.RunAsync("check", "--no-build", "--output", CheckOutput.Path, TestRepository.Fixture("passing.ipynb"), TestRepository.Fixture("drifting.ipynb")));
    }

    /// <summary>Where the shared `run` writes the executed notebooks.</summary>
    internal TemporaryFolder RunOutput { get; } = TestRepository.TemporaryFolder();

    /// <summary>Where the shared `check` writes the executed notebooks.</summary>
    internal TemporaryFolder CheckOutput { get; } = TestRepository.TemporaryFolder();

    /// <summary>`run --no-build --output <see cref="RunOutput"/> passing.ipynb`.</summary>
    internal Task<Transcript> RunAsync() => _run.Value;

    /// <summary>`check --no-build --output <see cref="CheckOutput"/> passing.ipynb drifting.ipynb`.</summary>
    internal Task<Transcript> CheckAsync() => _check.Value;

    public void Dispose()
    {
        RunOutput.Dispose();
        CheckOutput.Dispose();
    }
}
