using System.Collections.Concurrent;

namespace NotebookRunner.Core;

/// <summary>
/// Replaces a file's contents atomically: the text goes to a temporary file in the same folder, which is flushed to
/// disk and then renamed over the target. Whoever reads the target — or stops the writer half-way, with Ctrl+C or a
/// kill — sees either the old file or the new one, never an empty or cut-off one.
/// </summary>
public static class AtomicFile
{
    private static readonly ConcurrentDictionary<string, byte> InFlight = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to <paramref name="path"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="text">Its new contents.</param>
    public static void WriteAllText(string path, string text) => WriteAllText(path, text, beforeRename: null);

    /// <summary>The temporary files being written now (deleted by <see cref="DeleteTemporaryFiles"/>).</summary>
    internal static IReadOnlyCollection<string> TemporaryFiles => InFlight.Keys.ToArray();

    /// <summary>The name of the temporary file for <paramref name="path"/>: hidden, in the same folder (a rename
    /// within one file system is atomic), recognisably the runner's.</summary>
    internal static string TemporaryPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }

    /// <summary>Deletes the temporary files of writes that are under way (when the runner is stopped).</summary>
    public static void DeleteTemporaryFiles()
    {
        foreach (var temporary in InFlight.Keys)
            TryDelete(temporary);
    }

    /// <summary>As <see cref="WriteAllText(string, string)"/>; <paramref name="beforeRename"/> runs when the temporary
    /// file is complete and not yet renamed (tests use it to look at, or interrupt, that moment).</summary>
    internal static void WriteAllText(string path, string text, Action<string>? beforeRename)
    {
        ArgumentNullException.ThrowIfNull(text);
        Write(path, writer => writer.Write(text), onlyIfChanged: false, beforeRename);
    }

    /// <summary>
    /// Writes a file atomically from a writer: <paramref name="content"/> writes the text (UTF-8, no byte order mark)
    /// straight into the temporary file, so no string of the whole text is ever built. With
    /// <paramref name="onlyIfChanged"/>, a file whose bytes are already those is left as it is (its time stamp too).
    /// If <paramref name="content"/> throws, the temporary file is deleted and the old file stays.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="content">Writes the new contents.</param>
    /// <param name="onlyIfChanged">True to leave an identical file untouched.</param>
    /// <param name="beforeRename">Runs when the temporary file is complete and not yet renamed (for tests).</param>
    /// <returns>Whether the file was replaced.</returns>
    internal static bool Write(string path, Action<TextWriter> content, bool onlyIfChanged, Action<string>? beforeRename = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(content);
        var temporary = TemporaryPathFor(path);
        InFlight[temporary] = 0;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var writer = new StreamWriter(stream, KernelProtocol.Utf8, 1 << 16, leaveOpen: true);
                content(writer);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            if (onlyIfChanged && SameBytes(temporary, path))
                return false;
            if (!OperatingSystem.IsWindows() && File.Exists(path))
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
            beforeRename?.Invoke(temporary);
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        finally
        {
            InFlight.TryRemove(temporary, out _);
            TryDelete(temporary);
        }
    }

    // Whether two files hold the same bytes (false when the second does not exist), read a block at a time.
    private static bool SameBytes(string first, string second)
    {
        if (!File.Exists(second))
            return false;
        using var a = new FileStream(first, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        using var b = new FileStream(second, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        if (a.Length != b.Length)
            return false;
        var left = new byte[1 << 16];
        var right = new byte[1 << 16];
        while (true)
        {
            int read = a.ReadAtLeast(left, left.Length, throwOnEndOfStream: false);
            if (read == 0)
                return true;
            if (b.ReadAtLeast(right.AsSpan(0, read), read, throwOnEndOfStream: false) != read || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
                return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do.
        }
    }
}
