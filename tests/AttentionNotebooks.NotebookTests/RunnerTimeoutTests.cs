using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The per-cell timeout: a short one (4 s) that the notebook after the slow one must stay within in a new kernel
/// process, so the test runs in <see cref="Alone"/>, once the course checks are done: a kernel started beside them
/// could take longer than that.
/// </summary>
[Collection(Alone.Name)]
public sealed class RunnerTimeoutTests : AloneTest
{
    [Fact]
    public async Task A_cell_that_exceeds_the_timeout_fails_like_a_throwing_cell_and_the_next_notebook_still_runs()
    {
        using var output = TestRepository.TemporaryFolder();

        // 4 s: long enough for a fresh kernel's first cell on a busy 2-core machine, far below the slow cell's 20 s.
        var run = await TestRepository.RunAsync(
            "run", "--no-build", "--timeout", "4", "--output", output.Path,
            TestRepository.Fixture("slow.ipynb"), TestRepository.Fixture("throwing.ipynb"));

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Contains("FAILED slow.ipynb cell 1: await Task.Delay(TimeSpan.FromSeconds(20));", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("did not finish within 4 s", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("slow.ipynb ", StringComparison.Ordinal) && l.EndsWith("FAILED in cell 1 (timed out)", StringComparison.Ordinal));
        var slow = JsonNode.Parse(File.ReadAllText(output.File("slow.ipynb")))!["cells"]!.AsArray();
        Assert.Equal("error", (string?)slow[0]!["outputs"]![0]!["output_type"]);
        Assert.Empty(slow[1]!["outputs"]!.AsArray());

        // The next notebook runs in a fresh kernel: its first cell is execution 1 and prints normally.
        Assert.Contains(run.Lines, l => l.StartsWith("ok  throwing.ipynb  cell 1  ", StringComparison.Ordinal));
        var next = JsonNode.Parse(File.ReadAllText(output.File("throwing.ipynb")))!["cells"]!.AsArray();
        Assert.Equal(1, (int?)next[0]!["execution_count"]);
        Assert.Equal(["cell 1 ran\n"], next[0]!["outputs"]![0]!["text"]!.AsArray().Select(t => (string?)t));
    }
}
