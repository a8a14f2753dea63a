using System.Diagnostics;
using System.Text;

namespace NotebookRunner.Core;

/// <summary>The outcome of building the course library.</summary>
/// <param name="Succeeded">Whether the build succeeded.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Output">What the build printed (its errors when it failed).</param>
public sealed record LibraryBuildResult(bool Succeeded, TimeSpan Duration, string Output);

/// <summary>
/// Builds what the notebooks load — lib/AttentionNotebooks.Interactive and the core library it references — in
/// Release into artifacts/lib/, the folder the notebooks' setup cell (notebooks/setup.csx) references.
/// </summary>
public static class LibraryBuilder
{
    /// <summary>The command, run from the repository root, that builds the library (what setup.csx tells a
    /// notebook user to run when artifacts/lib/ is missing).</summary>
    public const string BuildCommand = "dotnet run --project tools/NotebookRunner -- build";

    /// <summary>Runs <c>dotnet build</c> on the library.</summary>
    /// <param name="layout">The repository.</param>
    /// <param name="cancellationToken">Stops waiting (and kills the build) when cancelled.</param>
    /// <returns>Whether it succeeded, and its output.</returns>
    public static async Task<LibraryBuildResult> BuildAsync(RepositoryLayout layout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var start = new ProcessStartInfo(DotnetExecutable())
        {
            WorkingDirectory = layout.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "build", layout.InteractiveProject, "--configuration", "Release", "--output", layout.LibraryOutputDirectory,
                     "--nologo", "--verbosity", "quiet", "-consoleLoggerParameters:NoSummary",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // A runner started by `dotnet run` or `dotnet test` inherits MSBuild settings meant for that build.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
            start.Environment.Remove(name);

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start 'dotnet build'.");
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return new LibraryBuildResult(process.ExitCode == 0, watch.Elapsed, output.ToString().Trim());
    }

    internal static string DotnetExecutable()
    {
        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(hostPath) && File.Exists(hostPath))
            return hostPath;
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            return current;
        return "dotnet";
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder sink)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (sink)
                sink.AppendLine(line);
        }
    }
}
