using System.Globalization;

namespace AttentionNotebooks.NotebookTests;

/// <summary>Every process a cell starts ends with its notebook (issue #20, item 2).</summary>
public sealed class ProcessGroupTests
{
    /// <summary>A unique sleep time that names the processes the test's notebook starts.</summary>
    private static readonly string Seconds = "40." + Random.Shared.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture);

    /// <summary>The cell of starts-a-process.ipynb (in the shared passing run): it starts a process that would write
    /// late.txt beside the notebook after 40 s, and prints "started".</summary>
    internal static string StartsAProcess { get; } =
        $"System.Diagnostics.Process.Start(\"bash\", new[] {{ \"-c\", \"sleep {Seconds}; echo LATE > late.txt\" }});\nConsole.WriteLine(\"started\");";

    [Fact]
    public async Task A_process_a_succeeding_cell_starts_is_gone_when_its_notebook_ends()
    {
        if (!OperatingSystem.IsLinux())
            return;

        // starts-a-process.ipynb in the shared passing run, where the next notebook runs in the same kernel process.
        var run = await SharedRuns.PassingAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        Assert.Equal("started\n", (string?)System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "starts-a-process.ipynb")))!["cells"]![0]!["outputs"]![0]!["text"]![0]);
        for (int poll = 0; poll < 10 && Running(Seconds).Count > 0; poll++)
            await Task.Delay(300);
        Assert.Empty(Running(Seconds));
        await Task.Delay(2000);
        Assert.False(File.Exists(Path.Combine(SharedRuns.PassingNotebooks, "late.txt")));
        Assert.Empty(Running(Seconds));
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
