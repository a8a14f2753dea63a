using NotebookRunner.Core;

// The course command: `dotnet run --project tools/NotebookRunner -- run` (see README.md next to this file).
// Everything happens in NotebookRunner.Core; this only connects it to the console and the exit code.
// `NotebookRunner __kernel-host <socket>` is the hidden mode the runner starts each notebook's kernel in.
if (args is [KernelHost.Mode, var socketPath])
    return await KernelHost.RunAsync(socketPath).ConfigureAwait(false);

// Ctrl+C or a kill: stop the notebooks' kernel processes (and what they started) and remove half-written files.
Console.CancelKeyPress += (_, _) => CourseRunner.Stop();
AppDomain.CurrentDomain.ProcessExit += (_, _) => CourseRunner.Stop();

var output = Console.Out;
try
{
    var layout = RepositoryLayout.TryFind(Environment.CurrentDirectory, AppContext.BaseDirectory);
    var report = await new CourseRunner(output, layout).RunAsync(args).ConfigureAwait(false);
    return report.ExitCode;
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
{
    // For example an executed notebook that cannot be written: one line, not a stack trace.
    output.WriteLine(TerminalText.Escape($"error: {ex.Message}"));
    return ExitCodes.BadInput;
}
finally
{
    output.Flush();
}
