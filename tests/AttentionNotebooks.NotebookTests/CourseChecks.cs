namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The two long checks of the course, started together by whichever of their tests comes first, and run at the same
/// time once the library is built: `check` of every notebook (<see cref="CourseNotebookTests"/>, one kernel process,
/// about one core) and the build and run of every app (<see cref="AppExportTests"/>, <see cref="AppRuns"/>). Their
/// tests wait for both, so that no other test (several time their kernels) runs beside them.
/// </summary>
internal static class CourseChecks
{
    private static readonly Lazy<Task<(Transcript Notebooks, IReadOnlyDictionary<string, AppRun> Apps)>> Both = new(() => Task.Run(RunAsync));

    /// <summary>The transcript of <c>check</c> over every course notebook (executed copies in artifacts/notebooks/).</summary>
    public static async Task<Transcript> NotebooksAsync() => (await Both.Value).Notebooks;

    /// <summary>What the app of the course notebook <paramref name="notebookName"/> (a path below notebooks/) printed.</summary>
    public static async Task<AppRun> AppAsync(string notebookName) => (await Both.Value).Apps[TestRepository.CourseNotebook(notebookName)];

    private static async Task<(Transcript, IReadOnlyDictionary<string, AppRun>)> RunAsync()
    {
        // The apps' Release builds share the library's obj/Release with this build: it goes first, alone.
        await TestRepository.EnsureLibraryBuiltAsync();
        var notebooks = Task.Run(() => TestRepository.RunAsync("check", "--no-build"));
        var apps = Task.Run(() => AppRuns.RunAllAsync(TestRepository.Layout.DefaultNotebooks()));
        return (await notebooks, await apps);
    }
}
