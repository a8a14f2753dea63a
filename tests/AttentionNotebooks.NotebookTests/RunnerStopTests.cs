using System.Diagnostics;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// Stopping the runner (Ctrl+C) kills the kernel processes of every runner in the process, and the test counts every
/// kernel host the test process has: it runs alone, after the tests that run in parallel (<see cref="Alone"/>).
/// </summary>
[Collection(Alone.Name)]
public sealed class RunnerStopTests
{
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
        Assert.All(kernels, pid => Assert.False(KernelProcessTests.IsRunning(pid), $"kernel process {pid} still runs"));
        Assert.Empty(KernelHostChildren());
    }

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

}
