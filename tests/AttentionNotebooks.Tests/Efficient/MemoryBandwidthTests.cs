using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>The read-bandwidth probe reads every float it is given (its sum proves it) and reports a finite rate.</summary>
[Collection(TimingCollection.Name)]
public sealed class MemoryBandwidthTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(67)]
    [InlineData(100_003)]
    public void Read_sums_every_float_of_the_buffer_and_reports_a_positive_rate(int length)
    {
        var buffer = new float[length];
        for (int i = 0; i < length; i++)
            buffer[i] = i % 7 - 3f;                              // small integers: every partial sum is exact in float32
        double expected = buffer.Sum(x => (double)x);
        var (rate, sum) = MemoryBandwidth.Read(buffer, passes: 2);
        Assert.Equal(expected, sum);
        Assert.True(rate > 0 && double.IsFinite(rate), $"rate {rate}");
    }

    [Fact]
    public void Read_times_its_pass_on_the_thread_clock_so_other_threads_turns_on_the_core_do_not_count()
    {
        var buffer = new float[32 << 20];                                  // 128 MB: one pass of several ms, long enough to be preempted
        buffer.AsSpan().Fill(1);
        using var stop = new CancellationTokenSource();
        var spinners = Enumerable.Range(0, Environment.ProcessorCount + 2)   // more runnable threads than cores
            .Select(_ => new Thread(() => { double x = 1; while (!stop.IsCancellationRequested) x = Math.Sqrt(x + 1); GC.KeepAlive(x); }))
            .ToArray();
        foreach (var spinner in spinners)
            spinner.Start();
        try
        {
            double rate = 0;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            double threadSeconds = ThreadClock.Seconds(() => rate = MemoryBandwidth.Read(buffer, passes: 1).GigabytesPerSecond);
            double wall = watch.Elapsed.TotalSeconds;
            // The pass took at most the call's thread time; timed on the wall clock, shared with the spinners, it would
            // have taken longer and the rate would come out below this bound.
            double bound = buffer.Length * 4.0 / threadSeconds / 1e9;
            Assert.True(rate >= bound,
                $"{rate:F2} GB/s is below {bound:F2} GB/s, the bytes over the call's {threadSeconds * 1e3:F2} ms of thread time (wall {wall * 1e3:F1} ms)");
        }
        finally
        {
            stop.Cancel();
            foreach (var spinner in spinners)
                spinner.Join();
        }
    }

    [Fact]
    public void An_empty_buffer_or_no_pass_is_rejected_by_name()
    {
        Assert.Equal("buffer", Assert.Throws<ArgumentException>(() => MemoryBandwidth.Read([], 1)).ParamName);
        Assert.Equal("passes", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryBandwidth.Read(new float[4], 0)).ParamName);
    }
}
