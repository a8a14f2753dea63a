using System.Globalization;
using System.Runtime.InteropServices;

namespace NotebookRunner.Core;

/// <summary>
/// A kernel host's process group (POSIX): the host makes itself the leader of a new group as it starts
/// (<see cref="BecomeLeader"/>), so every process a cell starts — and what those start, even after their parent
/// ended — is in the group whose id is the host's process id, and the runner can end them all when the notebook ends
/// (<see cref="KillMembersExcept"/> while the host serves the next notebook, <see cref="Kill"/> when it goes).
/// A process that leaves the group on purpose (<c>setsid</c>) is beyond reach. Nothing happens on Windows.
/// </summary>
internal static class ProcessGroup
{
    private const int SigKill = 9;

    /// <summary>Makes the calling process the leader of a new process group (its id is the process id).</summary>
    public static void BecomeLeader()
    {
        if (OperatingSystem.IsWindows())
            return;
        _ = SetProcessGroup(0, 0);
    }

    /// <summary>Sends SIGKILL to every process of the group <paramref name="groupId"/> (the leader included).</summary>
    public static void Kill(int groupId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(groupId, 1);
        if (OperatingSystem.IsWindows())
            return;
        _ = SendSignal(-groupId, SigKill); // ESRCH when no process is left: nothing to do.
    }

    /// <summary>
    /// Sends SIGKILL to every process of the group <paramref name="groupId"/> but <paramref name="keep"/> (Linux:
    /// found in /proc; elsewhere nothing is killed until the whole group is, with <see cref="Kill"/>).
    /// </summary>
    /// <returns>How many processes were signalled.</returns>
    public static int KillMembersExcept(int groupId, int keep)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(groupId, 1);
        if (!OperatingSystem.IsLinux())
            return 0;

        int killed = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == keep)
                continue;
            if (GroupOf(directory) == groupId && SendSignal(pid, SigKill) == 0)
                killed++;
        }

        return killed;
    }

    // The process group in /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces and parentheses.
    private static int? GroupOf(string processDirectory)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(processDirectory, "stat"));
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 2 && int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var group) ? group : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // Gone meanwhile.
        }
    }

    [DllImport("libc", EntryPoint = "setpgid", SetLastError = true)]
    private static extern int SetProcessGroup(int pid, int groupId);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
