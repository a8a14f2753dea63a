using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The processor time of the calling thread alone: what a step on one thread costs, without the turns other programs
/// take on its core and without the work of the process's other threads (the runtime recompiling hot methods in the
/// background, a garbage collection, a notebook kernel's own bookkeeping), which <c>Process.TotalProcessorTime</c> adds in.
/// Waiting for memory counts; waiting for a lock, a sleep or input does not.
/// </summary>
/// <remarks>
/// Linux and macOS: <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>; Windows: <c>GetThreadTimes</c> (kernel + user time,
/// counted in the scheduler's ticks there, so of the order of 15 ms resolution). <see cref="FlashAttention.Decode"/>
/// with one degree of parallelism runs on the calling thread, so this clock times it whole.
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
            {
                if (!GetThreadTimes(GetCurrentThread(), out _, out _, out long kernel, out long user))
                    throw new InvalidOperationException($"GetThreadTimes failed with error {Marshal.GetLastPInvokeError()}.");
                return TimeSpan.FromTicks(kernel + user);                   // both in 100 ns units, like TimeSpan's ticks
            }
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
    private static partial bool GetThreadTimes(IntPtr thread, out long creation, out long exit, out long kernel, out long user);

    [LibraryImport("kernel32.dll")]
    private static partial IntPtr GetCurrentThread();
}
