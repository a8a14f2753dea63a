using NotebookRunner.Core;

// The course command: `dotnet run --project tools/NotebookRunner -- run` (see README.md next to this file).
// Everything happens in NotebookRunner.Core; this only connects it to the console and the exit code.
var output = Console.Out;
var layout = RepositoryLayout.TryFind(Environment.CurrentDirectory, AppContext.BaseDirectory);
var report = await new CourseRunner(output, layout).RunAsync(args).ConfigureAwait(false);
output.Flush();
return report.ExitCode;
