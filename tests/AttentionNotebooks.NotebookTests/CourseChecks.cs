namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The two long checks of the course, run at the same time once the library is built: `check` of every notebook
/// (<see cref="CourseNotebookTests"/>, one kernel process, about one core) and the build and run of every app
/// (<see cref="AppExportTests"/>, <see cref="AppRuns"/>). <see cref="TestOrder"/> starts them in the background when
/// the run begins, if their tests are in it; those tests (one collection, run last) then only read the results, and
/// the runner's own tests run one by one meanwhile.
/// </summary>
internal static class CourseChecks
{
    /// <summary>The test collection of the tests that read these checks' results (run last; see <see cref="TestOrder"/>).</summary>
    public const string Collection = "Course checks: every notebook checked, every app built and run";

    private static readonly Lazy<Task<(Transcript Notebooks, IReadOnlyDictionary<string, AppRun> Apps)>> Both = new(() => Task.Run(RunAsync));

    /// <summary>Starts the checks in the background, if they have not started yet.</summary>
    public static void Start() => _ = Both.Value;

    /// <summary>Completes when the checks are done, if they were started (at once if not); never throws.</summary>
    public static async Task IdleAsync()
    {
        if (!Both.IsValueCreated)
            return;
        try
        {
            await Both.Value;
        }
        catch (Exception)
        {
            // Their own tests report a failure.
        }
    }

    /// <summary>The transcript of <c>check</c> over every course notebook (executed copies in artifacts/notebooks/).</summary>
    public static async Task<Transcript> NotebooksAsync() => (await Both.Value).Notebooks;

    /// <summary>What the app of the course notebook <paramref name="notebookName"/> (a path below notebooks/) printed.</summary>
    public static async Task<AppRun> AppAsync(string notebookName) => (await Both.Value).Apps[TestRepository.CourseNotebook(notebookName)];

    private static async Task<(Transcript, IReadOnlyDictionary<string, AppRun>)> RunAsync()
    {
        // The apps' Release builds share the library projects' obj/ (their restore) with this build: it goes first, alone.
        await TestRepository.EnsureLibraryBuiltAsync();
        var notebooks = Task.Run(() => TestRepository.RunAsync("check", "--no-build"));
        var apps = Task.Run(() => AppRuns.RunAllAsync(TestRepository.Layout.DefaultNotebooks()));
        return (await notebooks, await apps);
    }
}
