namespace NotebookRunner.Core;

/// <summary>
/// Why a kernel process died, told from its exit code and the start and end of its stderr (<see cref="StreamTail"/>):
/// a stack overflow, an unhandled exception, <c>Environment.FailFast</c>, a signal, or the cell's own
/// <c>Environment.Exit</c>.
/// </summary>
internal static class KernelDeath
{
    /// <summary>Says why a kernel process ended, from its exit code and what the runtime printed on stderr.</summary>
    public static string Describe(int exitCode, string stderr)
    {
        var code = $"exit code {exitCode}";
        if (stderr.Contains("Stack overflow.", StringComparison.Ordinal))
            return $"{code}, stack overflow";
        if (LineAfter(stderr, "Unhandled exception.") is { } exception)
            return $"{code}, unhandled exception: {exception}";
        if (LineAfter(stderr, "Process terminated.") is { } failFast)
            return $"{code}, Environment.FailFast: {failFast}";
        if (!OperatingSystem.IsWindows() && exitCode > 128 && exitCode < 128 + 32)
            return $"{code}, killed by signal {exitCode - 128}{SignalName(exitCode - 128)}";
        return $"{code}, exit: the cell's code ended the process, e.g. with Environment.Exit";
    }

    private static string SignalName(int signal) => signal switch
    {
        6 => " (SIGABRT)",
        9 => " (SIGKILL; out of memory?)",
        11 => " (SIGSEGV)",
        15 => " (SIGTERM)",
        _ => string.Empty,
    };

    // The rest of the line the marker starts, or the next non-empty line if it is empty ("Process terminated.\n<message>").
    private static string? LineAfter(string text, string marker)
    {
        int start = text.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
            return null;
        var rest = text[(start + marker.Length)..].Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return rest.Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? string.Empty;
    }

    /// <summary>What the runtime printed when the process died: from the first line that says what happened, a few
    /// lines (or the last lines when none does), each on a line of its own after a newline; empty if it printed nothing.</summary>
    public static string Detail(string stderr)
    {
        var lines = stderr.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
        int first = lines.FindIndex(l => l.StartsWith("Stack overflow.", StringComparison.Ordinal)
                                         || l.StartsWith("Unhandled exception.", StringComparison.Ordinal)
                                         || l.StartsWith("Process terminated.", StringComparison.Ordinal));
        var shown = (first < 0 ? lines.TakeLast(10) : lines.Skip(first).Take(20)).Where(l => l.Length > 0).ToList();
        return shown.Count == 0 ? string.Empty : "\n" + string.Join('\n', shown);
    }
}
