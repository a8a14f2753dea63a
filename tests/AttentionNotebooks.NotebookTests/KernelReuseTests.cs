using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// A kernel process whose notebook ran to the end runs the next notebook in a fresh kernel, in that notebook's folder;
/// after a failure the next notebook gets a new process; <c>--process-per-notebook</c> gives every notebook its own.
/// The first two tests read their notebooks' part of the shared failing run (<see cref="SharedRuns.FailingAsync"/>).
/// </summary>
public sealed class KernelReuseTests
{
    [Fact]
    public async Task The_next_notebook_gets_a_fresh_kernel_in_its_own_folder_in_the_same_process()
    {
        // a/first.ipynb, then b/second.ipynb, one after the other in the shared failing run.
        var run = await SharedRuns.FailingAsync();
        var output = SharedRuns.FailingOutput;

        Assert.Equal(["a/first.ipynb", "b/second.ipynb"], Consecutive(run, "first.ipynb", "second.ipynb").Select(n => Relative(n.Execution.Notebook.Path)));
        Assert.Equal(NotebookOutcome.Passed, SharedRuns.Report(run, "first.ipynb").Outcome);
        var (pidA, _) = Printed(Path.Combine(output, "first.ipynb"));
        var (pidB, folderB) = Printed(Path.Combine(output, "second.ipynb"));
        Assert.Equal(pidA, pidB);
        Assert.Equal(Path.GetFullPath(Path.Combine(SharedRuns.FailingNotebooks, "b")), Path.GetFullPath(folderB!));
        // A variable of the first notebook does not exist in the second: its kernel is new.
        Assert.Contains(run.Lines, l => l.StartsWith("FAILED second.ipynb cell 2", StringComparison.Ordinal));
        var error = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "second.ipynb")))!["cells"]![1]!["outputs"]!.AsArray().Single()!;
        Assert.Contains("CS0103", (string?)error["evalue"], StringComparison.Ordinal);
        Assert.Contains("CS0103", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_failed_notebook_the_next_one_gets_a_new_process()
    {
        // a/failing.ipynb, then a/next.ipynb, one after the other in the shared failing run.
        var run = await SharedRuns.FailingAsync();
        var output = SharedRuns.FailingOutput;

        Assert.Equal(["a/failing.ipynb", "a/next.ipynb"], Consecutive(run, "failing.ipynb", "next.ipynb").Select(n => Relative(n.Execution.Notebook.Path)));
        Assert.Equal(NotebookOutcome.Failed, SharedRuns.Report(run, "failing.ipynb").Outcome);
        Assert.NotEqual(Printed(Path.Combine(output, "failing.ipynb")).Pid, Printed(Path.Combine(output, "next.ipynb")).Pid);
    }

    // The reports of two notebooks that ran one right after the other (fails if they did not).
    private static NotebookReport[] Consecutive(Transcript run, string first, string second)
    {
        var names = run.Report.Notebooks.Select(n => n.DisplayName).ToList();
        int index = names.IndexOf(first);
        Assert.True(index >= 0 && index + 1 < names.Count && names[index + 1] == second, string.Join(", ", names));
        return [run.Report.Notebooks[index], run.Report.Notebooks[index + 1]];
    }

    private static string Relative(string path) =>
        Path.GetRelativePath(SharedRuns.FailingNotebooks, path).Replace(Path.DirectorySeparatorChar, '/');

    [Fact]
    public async Task With_process_per_notebook_every_notebook_gets_a_new_process()
    {
        using var root = TestRepository.TemporaryFolder();
        var first = SharedRuns.WriteNotebook(root.Path, "a", "one.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");");
        var second = SharedRuns.WriteNotebook(root.Path, "a", "two.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");");
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--process-per-notebook", "--output", output.Path, first, second);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.NotEqual(Printed(output.File("one.ipynb")).Pid, Printed(output.File("two.ipynb")).Pid);
    }

    // What the notebook's first cell printed: its kernel's process id and (if printed) working directory.
    private static (int Pid, string? Folder) Printed(string executed)
    {
        var outputs = JsonNode.Parse(File.ReadAllText(executed))!["cells"]![0]!["outputs"]!.AsArray();
        var text = string.Concat(outputs.Where(o => (string?)o!["output_type"] == "stream")
            .SelectMany(o => o!["text"]!.AsArray().Select(t => (string?)t)));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int pid = int.Parse(lines.Single(l => l.StartsWith("pid ", StringComparison.Ordinal))[4..], System.Globalization.CultureInfo.InvariantCulture);
        var folder = lines.FirstOrDefault(l => l.StartsWith("folder ", StringComparison.Ordinal))?[7..];
        return (pid, folder);
    }
}
