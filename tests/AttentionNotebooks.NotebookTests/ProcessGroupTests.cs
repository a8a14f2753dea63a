using System.Globalization;

namespace AttentionNotebooks.NotebookTests;

/// <summary>Every process a cell starts ends with its notebook (issue #20, item 2).</summary>
public sealed class ProcessGroupTests
{
    [Fact]
    public async Task A_process_a_succeeding_cell_starts_is_gone_when_its_notebook_ends()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var folder = TestRepository.TemporaryFolder();
        using var output = TestRepository.TemporaryFolder();

        // A unique sleep time names the processes this test starts.
        var seconds = "40." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);
        var code = $"System.Diagnostics.Process.Start(\"bash\", new[] {{ \"-c\", \"sleep {seconds}; echo LATE > late.txt\" }});\nConsole.WriteLine(\"started\");";
        var notebook = folder.File("starts-a-process.ipynb");
        File.WriteAllText(notebook, TestRepository.OneCellNotebook(code));

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, notebook);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        for (int poll = 0; poll < 10 && Running(seconds).Count > 0; poll++)
            await Task.Delay(300);
        Assert.Empty(Running(seconds));
        await Task.Delay(2000);
        Assert.False(File.Exists(folder.File("late.txt")));
        Assert.Empty(Running(seconds));
    }

    // The command lines of live processes that contain text (zombies have none).
    private static List<string> Running(string text)
    {
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal))
                    found.Add($"{Path.GetFileName(directory)}: {commandLine}");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Not a process, or gone meanwhile.
            }
        }

        return found;
    }
}
