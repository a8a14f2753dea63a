using System.Diagnostics;
using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>
/// The thread clock counts the calling thread's own processor time: its spinning, not its sleeping, and not what another
/// thread of the process does meanwhile (which the process clock counts).
/// </summary>
[Collection(TimingCollection.Name)]
public sealed class ThreadClockTests
{
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    /// <summary>Spins on the calling thread until its own clock has advanced by <paramref name="duration"/>.</summary>
    private static void SpinFor(TimeSpan duration)
    {
        var until = ThreadClock.Now + duration;
        double x = 1;
        while (ThreadClock.Now < until)
            x = Math.Sqrt(x + 1);
        GC.KeepAlive(x);
    }

    [Fact]
    public void Another_threads_work_is_counted_by_the_process_clock_and_not_by_the_thread_clock()
    {
        using var self = Process.GetCurrentProcess();
        var processBefore = self.TotalProcessorTime;
        var threadBefore = ThreadClock.Now;
        var worker = new Thread(() => SpinFor(TimeSpan.FromMilliseconds(300)));
        worker.Start();
        worker.Join();                                                   // blocked: no processor time on this thread
        var threadSpent = ThreadClock.Now - threadBefore;
        self.Refresh();
        var processSpent = self.TotalProcessorTime - processBefore;
        Assert.True(threadSpent < Slack, $"this thread's clock advanced {threadSpent.TotalMilliseconds} ms while it waited");
        Assert.True(processSpent >= TimeSpan.FromMilliseconds(300) - Slack,
            $"the process clock advanced only {processSpent.TotalMilliseconds} ms while a thread spun for 300 ms of its own clock");
    }

    [Fact]
    public void Sleeping_does_not_advance_the_thread_clock()
    {
        var wall = Stopwatch.StartNew();
        double seconds = ThreadClock.Seconds(() => Thread.Sleep(300));
        Assert.True(wall.Elapsed >= TimeSpan.FromMilliseconds(290), $"slept {wall.Elapsed.TotalMilliseconds} ms");
        Assert.True(seconds < Slack.TotalSeconds, $"{seconds * 1e3} ms of processor time for a 300 ms sleep");
    }

    [Fact]
    public void Seconds_counts_the_spinning_of_the_calling_thread_and_never_more_than_the_wall_time()
    {
        using var self = Process.GetCurrentProcess();
        var processBefore = self.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        double seconds = ThreadClock.Seconds(() => SpinFor(TimeSpan.FromMilliseconds(200)));
        var elapsed = wall.Elapsed;
        self.Refresh();
        var processSpent = self.TotalProcessorTime - processBefore;
        Assert.InRange(seconds, 0.2, elapsed.TotalSeconds);
        Assert.True(processSpent >= TimeSpan.FromMilliseconds(200) - Slack,
            $"the process clock advanced {processSpent.TotalMilliseconds} ms while this thread's advanced {seconds * 1e3} ms");
    }

    [Fact]
    public void FastestRate_gives_a_thread_counters_counts_per_wall_second()
    {
        // The thread clock's own 100 ns ticks advance 10⁷ times per second of spinning: the fastest of 50 windows of 1 ms,
        // one of which at least the other processes of a busy machine leave alone, finds that.
        double rate = ThreadClock.FastestRate(() => ThreadClock.Now.Ticks, windows: 50, TimeSpan.FromMilliseconds(1));
        Assert.InRange(rate, 0.95e7, 1.0002e7);                        // never above: a window's thread time is within its wall time (± a 100 ns tick)
    }

    [Fact]
    public void FastestRate_of_a_counter_that_never_advances_is_an_error_not_a_zero_rate()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ThreadClock.FastestRate(() => 42, windows: 2, TimeSpan.FromMilliseconds(1)));
        Assert.Contains("did not advance in 2 spins of 1 ms", error.Message);
    }

    [Fact]
    public void Seconds_rejects_a_null_action_by_name() =>
        Assert.Equal("run", Assert.Throws<ArgumentNullException>(() => ThreadClock.Seconds(null!)).ParamName);
}
