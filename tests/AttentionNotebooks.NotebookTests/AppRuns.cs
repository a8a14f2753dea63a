using System.Diagnostics;
using System.Text.Json;

namespace AttentionNotebooks.NotebookTests;

/// <summary>What one app printed: its exit code, stdout (with the cell markers) and stderr; <see cref="Program"/> is
/// the app's built program (null if its build failed).</summary>
internal sealed record AppRun(string App, int ExitCode, string Stdout, string Stderr)
{
    public string? Program { get; init; }
}

/// <summary>
/// Builds and runs every exported app (notebooks/apps/) as the file-based app a reader runs, with the cell markers
/// on. First the course projects the apps reference (<c>#:project</c>) are built, once per configuration, by one
/// <c>dotnet build</c> of a solution that lists them; then each app by <c>dotnet build</c> of the app with
/// <c>--no-dependencies</c> (the SDK's own file-based build, compiled against those projects' outputs; it does not
/// check them again, which took most of each app's build), one at a time; each built app runs (<c>dotnet app.dll</c>,
/// the program <c>dotnet run</c> starts, without the command's own seconds of start-up) while the next one builds, one
/// run at a time. Apps of notebooks with machine-dependent timings (a <c>// check: skip-output</c> cell, notebook 05)
/// build in Release, as README.md tells readers to run them: their timing loops run tens of times slower in Debug and
/// print the same text.
/// </summary>
internal static class AppRuns
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);
    private static readonly SemaphoreSlim OneRunAtATime = new(1, 1);

    /// <summary>Builds and runs every app of <paramref name="notebooks"/> (paths of course notebooks), the longest
    /// first; the result maps each notebook's path to its app's run.</summary>
    public static async Task<IReadOnlyDictionary<string, AppRun>> RunAllAsync(IReadOnlyList<string> notebooks)
    {
        var apps = notebooks
            .OrderByDescending(n => Path.GetFileName(n), StringComparer.Ordinal)
            .Select(n => (Notebook: n, App: AppExporter.AppPath(TestRepository.Layout, n), Configuration: Configuration(n)))
            .ToList();

        // The course projects the apps reference, built once per configuration (a failure fails every app of it).
        var libraries = new Dictionary<string, AppRun>(StringComparer.Ordinal);
        foreach (var group in apps.GroupBy(a => a.Configuration))
            libraries[group.Key] = await BuildReferencedProjectsAsync(group.Select(a => a.App), group.Key);

        var runs = new List<Task<(string Notebook, AppRun Run)>>();
        foreach (var (notebook, app, configuration) in apps)
        {
            foreach (var stale in Directory.GetFiles(Path.GetDirectoryName(app)!, Path.GetFileNameWithoutExtension(app) + ".cell*.svg"))
                File.Delete(stale);

            if (libraries[configuration].ExitCode != 0)
            {
                runs.Add(Task.FromResult((notebook, libraries[configuration] with { App = app })));
                continue;
            }

            var (build, program) = await BuildAsync(app, configuration);
            runs.Add(program is null
                ? Task.FromResult((notebook, build))
                : RunAsync(notebook, app, program));
        }

        return (await Task.WhenAll(runs)).ToDictionary(r => r.Notebook, r => r.Run);

        static async Task<(string, AppRun)> RunAsync(string notebook, string app, string program)
        {
            await OneRunAtATime.WaitAsync();
            try
            {
                return (notebook, await RunProgramAsync(app, program, markers: true));
            }
            finally
            {
                OneRunAtATime.Release();
            }
        }
    }

    /// <summary>Runs an app that <see cref="RunAllAsync"/> has built (<paramref name="marked"/>: its run), without the
    /// cell markers.</summary>
    public static Task<AppRun> RunWithoutMarkersAsync(AppRun marked)
    {
        Assert.True(marked.Program is not null, $"{marked.App} was not built:\n{marked.Stdout}");
        return RunProgramAsync(marked.App, marked.Program, markers: false);
    }

    private static string Configuration(string notebook) =>
        NotebookDocument.Load(notebook).CodeCells.Any(c => c.SkipsOutputCheck) ? "Release" : "Debug";

    // `dotnet build` of a solution (artifacts/test-apps/<configuration>.slnx) listing the projects the apps name in
    // their #:project lines.
    private static async Task<AppRun> BuildReferencedProjectsAsync(IEnumerable<string> apps, string configuration)
    {
        var projects = apps
            .SelectMany(app => File.ReadLines(app)
                .TakeWhile(line => line.StartsWith("#:", StringComparison.Ordinal))
                .Where(line => line.StartsWith("#:project ", StringComparison.Ordinal))
                .Select(line => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(app)!, line["#:project ".Length..].Trim()))))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var folder = Path.Combine(TestRepository.Layout.Root, "artifacts", "test-apps");
        Directory.CreateDirectory(folder);
        var solution = Path.Combine(folder, $"{configuration}.slnx");
        var text = "<Solution>\n" + string.Concat(projects.Select(p => $"  <Project Path=\"{Path.GetRelativePath(folder, p).Replace('\\', '/')}\" />\n")) + "</Solution>\n";
        if (!File.Exists(solution) || File.ReadAllText(solution) != text)
            File.WriteAllText(solution, text);

        var build = await DotnetAsync(["build", solution, "-c", configuration, "--nologo", "-v", "quiet"], markers: false);
        return build.ExitCode == 0 ? build : build with { Stdout = $"dotnet build of the apps' projects ({string.Join(", ", projects)}) in {configuration} failed:\n{build.Stdout}\n{build.Stderr}" };
    }

    // The app's own build; its program is the Build target's result (the SDK puts file-based apps' outputs in a folder
    // of its own). A failed build is built again without -getTargetResult, for its errors as the console shows them.
    private static async Task<(AppRun Build, string? Program)> BuildAsync(string app, string configuration)
    {
        string[] arguments = ["build", app, "-c", configuration, "--nologo", "-v", "quiet", "--no-dependencies"];
        var build = await DotnetAsync([.. arguments, "-getTargetResult:Build"], markers: false);
        if (build.ExitCode == 0 && ProgramOf(build.Stdout) is { } program && File.Exists(program))
            return (build, program);

        var again = await DotnetAsync(arguments, markers: false);
        return (again with { ExitCode = again.ExitCode == 0 ? -1 : again.ExitCode, Stdout = $"dotnet build {app} failed:\n{build.Stdout}\n{again.Stdout}" }, null);
    }

    private static string? ProgramOf(string targetResult)
    {
        try
        {
            using var json = JsonDocument.Parse(targetResult);
            var build = json.RootElement.GetProperty("TargetResults").GetProperty("Build");
            return build.GetProperty("Result").GetString() == "Success" && build.GetProperty("Items") is { ValueKind: JsonValueKind.Array } items && items.GetArrayLength() == 1
                ? items[0].GetProperty("FullPath").GetString()
                : null;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task<AppRun> RunProgramAsync(string app, string program, bool markers) =>
        await DotnetAsync([program], markers, app) with { Program = program };

    private static async Task<AppRun> DotnetAsync(string[] arguments, bool markers, string? app = null)
    {
        app ??= arguments.Length > 1 ? arguments[1] : arguments[0];
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
