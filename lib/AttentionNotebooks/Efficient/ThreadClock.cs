using System.Diagnostics;
using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The processor time of the calling thread alone: what a step on one thread costs, without the turns other programs
/// take on its core and without the work of the process's other threads (the runtime recompiling hot methods in the
/// background, a garbage collection, a notebook kernel's own bookkeeping), which <c>Process.TotalProcessorTime</c> adds in.
/// Waiting for memory counts; waiting for a lock, a sleep or input does not.
/// </summary>
/// <remarks>
/// Linux and macOS: <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>, to the nanosecond. Windows: <c>QueryThreadCycleTime</c>,
/// the timestamp-counter cycles the thread has run, divided by the counter's rate, measured once per process
/// (<see cref="FastestRate"/>); <c>GetThreadTimes</c>, the obvious call, counts in the scheduler's ticks of about
/// 15.6 ms, far coarser than one decode step. <see cref="FlashAttention.Decode"/> with one degree of parallelism runs on
/// the calling thread, so this clock times it whole.
/// </remarks>
public static partial class ThreadClock
{
    private const int LinuxThreadClock = 3;   // CLOCK_THREAD_CPUTIME_ID in Linux's <time.h>
    private const int MacThreadClock = 16;    // CLOCK_THREAD_CPUTIME_ID in macOS's <time.h>

    /// <summary>The processor time the calling thread has used since it started.</summary>
    /// <exception cref="PlatformNotSupportedException">The operating system is none of Linux, macOS and Windows, or a 32-bit process runs on Linux or macOS.</exception>
    /// <exception cref="InvalidOperationException">The system call failed (its error number is in the message).</exception>
    public static TimeSpan Now
    {
        get
        {
            if (OperatingSystem.IsWindows())
                return TimeSpan.FromSeconds(WindowsCycles() / WindowsCyclesPerSecond.Value);
            int clock = OperatingSystem.IsLinux() ? LinuxThreadClock
                : OperatingSystem.IsMacOS() ? MacThreadClock
                : throw new PlatformNotSupportedException($"ThreadClock knows Linux, macOS and Windows, not {RuntimeInformation.OSDescription}.");
            if (!Environment.Is64BitProcess)
                throw new PlatformNotSupportedException($"ThreadClock reads the 64-bit struct timespec; this is a 32-bit process on {RuntimeInformation.OSDescription}.");
            if (ClockGetTime(clock, out var time) != 0)
                throw new InvalidOperationException($"clock_gettime({clock}) failed with error {Marshal.GetLastPInvokeError()}.");
            return TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100);
        }
    }

    /// <summary>Runs <paramref name="run"/> on the calling thread and returns the processor seconds it took on it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="run"/> is null.</exception>
    public static double Seconds(Action run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var before = Now;
        run();
        return (Now - before).TotalSeconds;
    }

    /// <summary>Timestamp-counter cycles per second on Windows, measured on first use.</summary>
    private static readonly Lazy<double> WindowsCyclesPerSecond = new(() => FastestRate(WindowsCycles, windows: 50, TimeSpan.FromMilliseconds(1)));

    /// <summary>
    /// The rate of <paramref name="counter"/>, a count that advances only while the calling thread runs, in counts per
    /// second of the wall clock: the fastest of <paramref name="windows"/> spins of <paramref name="window"/> each.
    /// Another program taking the core during a spin stops the count but not the wall clock, so it can only lower a
    /// window's rate; the fastest window is the least disturbed.
    /// </summary>
    internal static double FastestRate(Func<long> counter, int windows, TimeSpan window)
    {
        double best = 0;
        counter();                                                          // the first call may compile the counter: not in a window
        for (int w = 0; w < windows; w++)
        {
            // The counter's reads nest inside the wall clock's, so a window counts no time outside it: no rate above the true one.
            long start = Stopwatch.GetTimestamp(), count = counter();
            while (Stopwatch.GetElapsedTime(start) < window)
            {
            }
            long counted = counter() - count, ticks = Stopwatch.GetTimestamp() - start;
            best = Math.Max(best, counted / (ticks / (double)Stopwatch.Frequency));
        }
        if (!(best > 0))
            throw new InvalidOperationException($"The thread's counter did not advance in {windows} spins of {window.TotalMilliseconds} ms.");
        return best;
    }

    private static long WindowsCycles()
    {
        if (!QueryThreadCycleTime(GetCurrentThread(), out ulong cycles))
            throw new InvalidOperationException($"QueryThreadCycleTime failed with error {Marshal.GetLastPInvokeError()}.");
        return (long)cycles;
    }

    /// <summary>struct timespec on 64-bit Linux and macOS: seconds and nanoseconds, both 64-bit.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool QueryThreadCycleTime(IntPtr thread, out ulong cycles);

    [LibraryImport("kernel32.dll")]
    private static partial IntPtr GetCurrentThread();
}
