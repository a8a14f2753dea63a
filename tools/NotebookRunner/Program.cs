using NotebookRunner.Core;

// The course command: `dotnet run --project tools/NotebookRunner -- run` (see README.md next to this file).
// Everything happens in NotebookRunner.Core; this only connects it to the console and the exit code.
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
    output.WriteLine($"error: {ex.Message}");
    return ExitCodes.BadInput;
}
finally
{
    output.Flush();
}
