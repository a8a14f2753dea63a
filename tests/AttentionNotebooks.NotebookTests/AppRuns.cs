using System.Diagnostics;

namespace AttentionNotebooks.NotebookTests;

/// <summary>What one app printed: its exit code, stdout (with the cell markers) and stderr.</summary>
internal sealed record AppRun(string App, int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Builds and runs every exported app (notebooks/apps/) as a reader's <c>dotnet run</c> does — <c>dotnet build</c> of
/// the app, which builds the course library it references, then the program that build made (it names it: its
/// <c>TargetPath</c>), run by <c>dotnet</c> as <c>dotnet run --no-build</c> would run it, without a second start of
/// the SDK's command line (1.2-1.7 s of CPU per app, measured on notebook 00's) — with the cell markers on. The builds
/// go one at a time (each also checks the shared library projects, which two builds must not write at once), and so
/// do the runs (the notebook check runs beside them: two cores are busy, not more); each app runs once its build is
/// done, while the next one builds. They build in Release, as the library the notebooks load is built; a reader's plain
/// <c>dotnet run</c> builds Debug, which Directory.Build.props compiles optimised too, and prints the same text.
/// </summary>
internal static class AppRuns
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim OneRunAtATime = new(1, 1);

    /// <summary>Builds and runs every app of <paramref name="notebooks"/> (paths of course notebooks), the longest
    /// first; the result maps each notebook's path to its app's run.</summary>
    public static async Task<IReadOnlyDictionary<string, AppRun>> RunAllAsync(IReadOnlyList<string> notebooks)
    {
        var runs = new List<Task<(string Notebook, AppRun Run)>>();
        foreach (var notebook in notebooks.OrderByDescending(n => Path.GetFileName(n), StringComparer.Ordinal))
        {
            var app = AppExporter.AppPath(TestRepository.Layout, notebook);
            foreach (var stale in Directory.GetFiles(Path.GetDirectoryName(app)!, Path.GetFileNameWithoutExtension(app) + ".cell*.svg"))
                File.Delete(stale);

            // The build target, then the value of TargetPath, which is all the build prints (-v quiet) when it succeeds.
            var build = await DotnetAsync(["build", app, "-c", Configuration, "--nologo", "-v", "quiet", "-t:Build", "-getProperty:TargetPath"], app, markers: false);
            var program = build.Stdout.Trim();
            runs.Add(build.ExitCode != 0 || !program.EndsWith(".dll", StringComparison.Ordinal) || !File.Exists(program)
                ? Task.FromResult((notebook, build with { ExitCode = build.ExitCode == 0 ? -1 : build.ExitCode, Stdout = $"dotnet build {app} failed, or named no program:\n{build.Stdout}" }))
                : RunAsync(notebook, app, program));
            Programs[notebook] = program;
        }

        return (await Task.WhenAll(runs)).ToDictionary(r => r.Notebook, r => r.Run);

        static async Task<(string, AppRun)> RunAsync(string notebook, string app, string program)
        {
            await OneRunAtATime.WaitAsync();
            try
            {
                return (notebook, await DotnetAsync([program], app, markers: true));
            }
            finally
            {
                OneRunAtATime.Release();
            }
        }
    }

    /// <summary>Runs an app that <see cref="RunAllAsync"/> has built, without the cell markers.</summary>
    public static Task<AppRun> RunWithoutMarkersAsync(string notebook) =>
        DotnetAsync([Programs[notebook]], AppExporter.AppPath(TestRepository.Layout, notebook), markers: false);

    private const string Configuration = "Release";

    // The program each notebook's app build made (its TargetPath), by the notebook's path.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Programs = new();

    private static async Task<AppRun> DotnetAsync(string[] arguments, string app, bool markers)
    {
        var start = new ProcessStartInfo(LibraryBuilder.DotnetExecutable())
        {
            WorkingDirectory = TestRepository.Layout.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (markers)
            start.Environment[AppExporter.MarkersVariable] = "1";
        else
            start.Environment.Remove(AppExporter.MarkersVariable);

        // `dotnet test` passes MSBuild settings meant for its own build.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet {string.Join(' ', arguments)}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new AppRun(app, -1, await stdout, $"dotnet {string.Join(' ', arguments)} took more than {Timeout.TotalMinutes} minutes\n{await stderr}");
        }

        return new AppRun(app, process.ExitCode, await stdout, await stderr);
    }
}
