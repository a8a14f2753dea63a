using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// Each notebook's kernel runs in a process of its own: what a cell does to that process (exit, stack overflow, an
/// exception on a background thread, FailFast, raw writes to its stdout) is reported as that cell's failure, the
/// executed notebook is written up to it, and the next notebook runs.
/// </summary>
[Collection(Alone.Name)]
public sealed class KernelProcessTests(ITestOutputHelper log) : AloneTest
{
    // One run of the notebooks whose kernel dies, after many-lines.ipynb, which passes (so kernel-exit.ipynb runs in
    // its process): each death makes the next notebook start a new process, as it would alone. The timeout (30 s, far
    // above what each cell takes) is many-lines.ipynb's.
    private static readonly TemporaryFolder DeathsOutput = TestRepository.TemporaryFolder();
    private static readonly Lazy<Task<Transcript>> Deaths = new(() => Task.Run(() => TestRepository.RunAsync(
        "run", "--no-build", "--timeout", "30", "--output", DeathsOutput.Path,
        TestRepository.Fixture("many-lines.ipynb"), TestRepository.Fixture("kernel-exit.ipynb"), TestRepository.Fixture("stack-overflow.ipynb"),
        TestRepository.Fixture("background-exception.ipynb"), TestRepository.Fixture("kernel-abuse.ipynb"))));

    static KernelProcessTests() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeathsOutput.Dispose();

    [Fact]
    public async Task A_cell_that_calls_Environment_Exit_fails_its_notebook_and_the_next_notebook_still_runs()
    {
        // kernel-exit.ipynb in the shared run of deaths; the next notebook there is stack-overflow.ipynb.
        var run = await Deaths.Value;
        var output = DeathsOutput;

        // Exit code 1 (a notebook failed), not the cell's 3, which is also the runner's "library build failed".
        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(["many-lines.ipynb", "kernel-exit.ipynb", "stack-overflow.ipynb", "background-exception.ipynb", "kernel-abuse.ipynb"], run.Report.Notebooks.Select(n => n.DisplayName));
        Assert.Contains("FAILED kernel-exit.ipynb cell 2: Console.WriteLine(\"about to exit\");", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("The kernel process died (exit code 3, exit:", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("kernel-exit.ipynb ", StringComparison.Ordinal) && l.EndsWith("FAILED in cell 2 (kernel died)", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("stack-overflow.ipynb ", StringComparison.Ordinal) && l.EndsWith("FAILED in cell 1 (kernel died)", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("5 notebooks in ", StringComparison.Ordinal));

        // The executed notebook holds everything up to the death: cell 1's output, cell 2's output before it exited
        // and the error; cell 3 did not run.
        var cells = Cells(output.File("kernel-exit.ipynb"));
        Assert.Equal(["cell 1 ran\n"], StreamText(cells[0], 0));
        Assert.Equal(["about to exit\n"], StreamText(cells[1], 0));
        var error = cells[1]!["outputs"]![1]!;
        Assert.Equal("KernelDied", (string?)error["ename"]);
        Assert.StartsWith("The kernel process died (exit code 3", (string?)error["evalue"], StringComparison.Ordinal);
        Assert.Null(cells[2]!["execution_count"]);
        Assert.True(File.Exists(output.File("stack-overflow.ipynb")));
    }

    [Fact]
    public async Task A_stack_overflow_is_reported_as_such_on_its_cell()
    {
        // stack-overflow.ipynb in the shared run of deaths, in a new process (after kernel-exit.ipynb's death).
        var run = await Deaths.Value;
        var output = DeathsOutput;

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Failed, Report(run, "stack-overflow.ipynb").Outcome);
        Assert.Contains("FAILED stack-overflow.ipynb cell 1: int Rec(int n) => Rec(n + 1) + 1;", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("The kernel process died (exit code 134, stack overflow)", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("stack-overflow.ipynb ", StringComparison.Ordinal) && l.EndsWith("FAILED in cell 1 (kernel died)", StringComparison.Ordinal));
        var cells = Cells(output.File("stack-overflow.ipynb"));
        Assert.Equal("KernelDied", (string?)cells[0]!["outputs"]![0]!["ename"]);
        Assert.Empty(cells[1]!["outputs"]!.AsArray());
    }

    [Fact]
    public async Task An_exception_on_a_background_thread_is_reported_with_its_message()
    {
        // background-exception.ipynb in the shared run of deaths, in a new process (after stack-overflow.ipynb's death).
        var run = await Deaths.Value;
        var output = DeathsOutput;

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Failed, Report(run, "background-exception.ipynb").Outcome);
        Assert.Contains(run.Lines, l => l.StartsWith("FAILED background-exception.ipynb cell 1: ", StringComparison.Ordinal));
        Assert.Contains(
            run.Lines,
            l => l.Contains("The kernel process died (exit code 134, unhandled exception: System.InvalidOperationException: thrown on a background thread)", StringComparison.Ordinal));
        Assert.True(File.Exists(output.File("background-exception.ipynb")));
    }

    [Fact]
    public async Task Raw_writes_to_the_kernels_stdout_do_not_disturb_the_runner_and_FailFast_is_reported()
    {
        // kernel-abuse.ipynb in the shared run of deaths, in a new process (after background-exception.ipynb's death).
        var run = await Deaths.Value;
        var output = DeathsOutput;

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Failed, Report(run, "kernel-abuse.ipynb").Outcome);
        Assert.DoesNotContain(run.Lines, l => l.Contains("not a protocol message", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("ok  kernel-abuse.ipynb  cell 1  ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("ok  kernel-abuse.ipynb  cell 2  ", StringComparison.Ordinal));
        Assert.Contains("FAILED kernel-abuse.ipynb cell 3: Environment.FailFast(\"failing fast on purpose\");", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("The kernel process died (exit code 134, Environment.FailFast: failing fast on purpose)", StringComparison.Ordinal));

        var cells = Cells(output.File("kernel-abuse.ipynb"));
        Assert.Equal(["cell 1 done\n"], StreamText(cells[0], 0));
        Assert.Equal(["the kernel still talks to the runner\n"], StreamText(cells[1], 0));
        Assert.Single(cells[1]!["outputs"]!.AsArray());
    }

    [Fact]
    public async Task A_timed_out_cells_process_is_killed_and_prints_nothing_afterwards()
    {
        using var output = TestRepository.TemporaryFolder();

        // 10 s: enough for a fresh kernel's first cell on a busy machine; the second cell would spin forever.
        var run = await TestRepository.RunAsync("run", "--no-build", "--timeout", "10", "--output", output.Path, TestRepository.Fixture("spinning.ipynb"));

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Contains(run.Lines, l => l.Contains("did not finish within 10 s", StringComparison.Ordinal) && l.Contains("its kernel process was stopped", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.EndsWith("FAILED in cell 2 (timed out)", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Lines, l => l.Contains("still printing", StringComparison.Ordinal));

        // The cell printed its process id first: that process is gone by the time the runner returns.
        var printed = string.Concat(StreamText(Cells(output.File("spinning.ipynb"))[0], 0));
        var pid = int.Parse(printed.Split('\n')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(Environment.ProcessId, pid);
        Assert.False(IsRunning(pid), $"the kernel process {pid} of the timed-out cell is still running");
    }

    [Fact]
    public async Task A_cell_printing_100k_lines_takes_seconds_not_minutes()
    {
        // many-lines.ipynb, the first notebook of the shared run of deaths, whose timeout is 30 s.
        // Quadratic merging of stream writes took 41 s for 20k lines and over 300 s for 100k; linear takes a few.
        var run = await Deaths.Value;
        var output = DeathsOutput;
        var report = Report(run, "many-lines.ipynb");
        log.WriteLine($"100,000 lines of 99 characters: cell {report.Execution.Cells.Single().Duration.TotalSeconds:0.00} s, notebook {report.Execution.Duration.TotalSeconds:0.00} s");

        Assert.True(report.Outcome == NotebookOutcome.Passed, run.Text);
        var text = StreamText(Cells(output.File("many-lines.ipynb"))[0], 0);
        Assert.Equal(100_000, text.Count);
        Assert.Equal("000000" + new string('.', 93) + "\n", text[0]);
        Assert.Equal("099999" + new string('.', 93) + "\n", text[^1]);
        Assert.All(text.Select((line, i) => (line, i)), p => Assert.Equal(p.i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), p.line![..6]));
    }

    [Fact]
    public async Task Stopping_the_runner_kills_its_kernel_processes_and_a_finished_run_leaves_none()
    {
        using var output = TestRepository.TemporaryFolder();

        var finished = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, TestRepository.Fixture("passing.ipynb"), TestRepository.Fixture("drifting.ipynb"));
        Assert.True(finished.ExitCode == ExitCodes.Success, finished.Text);
        Assert.Empty(KernelHostChildren());

        // What Ctrl+C does (Program.cs calls CourseRunner.Stop): the kernel is killed at once — while it starts or
        // while its cell spins — not after the 120 s timeout, and reported as a death.
        var watch = Stopwatch.StartNew();
        var spinning = TestRepository.RunAsync("run", "--no-build", "--timeout", "120", "--output", output.Path, TestRepository.Fixture("spinning.ipynb"));
        while (KernelHostChildren().Count == 0 && watch.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(100);
        var kernels = KernelHostChildren();
        Assert.NotEmpty(kernels);
        await Task.Delay(TimeSpan.FromSeconds(2));
        CourseRunner.Stop();
        var run = await spinning.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Contains(run.Lines, l => l.Contains("exit code 137, killed by signal 9", StringComparison.Ordinal));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(100), $"the run took {watch.Elapsed}");
        Assert.All(kernels, pid => Assert.False(IsRunning(pid), $"kernel process {pid} still runs"));
        Assert.Empty(KernelHostChildren());
    }

    [Theory]
    [InlineData(3, "", "exit code 3, exit: the cell's code ended the process, e.g. with Environment.Exit")]
    [InlineData(134, "Stack overflow.\nRepeat 1000 times:\n   at Rec(Int32)\n", "exit code 134, stack overflow")]
    [InlineData(134, "Unhandled exception. System.Exception: boom\n   at X()\n", "exit code 134, unhandled exception: System.Exception: boom")]
    [InlineData(134, "Process terminated.\nbye\n   at System.Environment.FailFast(System.String)\n", "exit code 134, Environment.FailFast: bye")]
    [InlineData(137, "", "exit code 137, killed by signal 9 (SIGKILL; out of memory?)")]
    public void The_cause_of_death_comes_from_the_exit_code_and_stderr(int exitCode, string stderr, string expected)
    {
        Assert.Equal(expected, KernelDeath.Describe(exitCode, stderr));
    }

    private static NotebookReport Report(Transcript run, string notebook) => SharedRuns.Report(run, notebook);

    private static JsonArray Cells(string path) => JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray();

    private static List<string?> StreamText(JsonNode? cell, int output) =>
        cell!["outputs"]![output]!["text"]!.AsArray().Select(t => (string?)t).ToList();

    // This process's children that are kernel hosts (Linux: /proc/<pid>/stat has the parent id, cmdline the arguments).
    private static List<int> KernelHostChildren()
    {
        var children = new List<int>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                if (parent == Environment.ProcessId && File.ReadAllText(Path.Combine(directory, "cmdline")).Contains(KernelHost.Mode, StringComparison.Ordinal))
                    children.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
