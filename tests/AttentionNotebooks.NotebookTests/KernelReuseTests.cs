using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// A kernel process whose notebook ran to the end runs the next notebook in a fresh kernel, in that notebook's folder;
/// after a failure the next notebook gets a new process; <c>--process-per-notebook</c> gives every notebook its own.
/// </summary>
public sealed class KernelReuseTests
{
    [Fact]
    public async Task The_next_notebook_gets_a_fresh_kernel_in_its_own_folder_in_the_same_process()
    {
        using var root = TestRepository.TemporaryFolder();
        var first = Write(root.Path, "a", "first.ipynb", "var leaked = 42;\nConsole.WriteLine($\"pid {Environment.ProcessId}\");");
        var second = Write(root.Path, "b", "second.ipynb",
            "Console.WriteLine($\"pid {Environment.ProcessId}\");\nConsole.WriteLine($\"folder {Environment.CurrentDirectory}\");",
            "leaked");
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, first, second);

        var (pidA, _) = Printed(output.File("first.ipynb"));
        var (pidB, folderB) = Printed(output.File("second.ipynb"));
        Assert.Equal(pidA, pidB);
        Assert.Equal(Path.GetFullPath(Path.Combine(root.Path, "b")), Path.GetFullPath(folderB!));
        // A variable of the first notebook does not exist in the second: its kernel is new.
        Assert.Contains(run.Lines, l => l.StartsWith("FAILED second.ipynb cell 2", StringComparison.Ordinal));
        Assert.Contains("CS0103", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_failed_notebook_the_next_one_gets_a_new_process()
    {
        using var root = TestRepository.TemporaryFolder();
        var failing = Write(root.Path, "a", "failing.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");", "throw new Exception(\"boom\");");
        var next = Write(root.Path, "a", "next.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");");
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, failing, next);

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.NotEqual(Printed(output.File("failing.ipynb")).Pid, Printed(output.File("next.ipynb")).Pid);
    }

    [Fact]
    public async Task With_process_per_notebook_every_notebook_gets_a_new_process()
    {
        using var root = TestRepository.TemporaryFolder();
        var first = Write(root.Path, "a", "one.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");");
        var second = Write(root.Path, "a", "two.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");");
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--process-per-notebook", "--output", output.Path, first, second);

        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.NotEqual(Printed(output.File("one.ipynb")).Pid, Printed(output.File("two.ipynb")).Pid);
    }

    // A notebook of C# code cells (the shape VS Code writes), in folder/name below root.
    private static string Write(string root, string folder, string name, params string[] cells)
    {
        var template = JsonNode.Parse(File.ReadAllText(TestRepository.Fixture("passing.ipynb")))!.AsObject();
        var codeCell = template["cells"]!.AsArray().First(c => (string?)c!["cell_type"] == "code")!;
        var list = new JsonArray();
        for (int i = 0; i < cells.Length; i++)
        {
            var cell = codeCell.DeepClone().AsObject();
            cell["id"] = $"c{i + 1}";
            cell["execution_count"] = null;
            cell["outputs"] = new JsonArray();
            cell["source"] = new JsonArray(cells[i]);
            list.Add(cell);
        }

        template["cells"] = list;
        var directory = Path.Combine(root, folder);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, template.ToJsonString());
        return path;
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
