using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace NotebookRunner.Core;

/// <summary>
/// Reads a notebook file's text, accepting regular files only (a symbolic link is followed to its target) of at most
/// <see cref="MaxBytes"/> bytes: a FIFO, a device such as <c>/dev/zero</c>, a socket or an oversized file is refused
/// with a one-line <see cref="NotebookInputException"/> before any byte is read, so nothing hangs and memory stays bounded.
/// </summary>
internal static class NotebookFileReader
{
    /// <summary>The largest notebook file the runner reads: 100 MiB (104,857,600 bytes). The course's largest is
    /// under 1 MB; a notebook with a 50 MB stored image still runs.</summary>
    public const long MaxBytes = 100L * 1024 * 1024;

    /// <summary>The file's text (UTF-8).</summary>
    /// <param name="fullPath">The notebook's full path; it exists.</param>
    /// <param name="shownPath">The path to name in the message.</param>
    /// <returns>The text.</returns>
    /// <exception cref="NotebookInputException">Not a regular file, or larger than <see cref="MaxBytes"/>.</exception>
    public static string ReadText(string fullPath, string shownPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullPath);
        ArgumentNullException.ThrowIfNull(shownPath);
        var kind = FileKind(fullPath);
        if (kind is not null)
            throw new NotebookInputException($"{shownPath}: not a regular file ({kind}); the runner reads regular files only");

        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length > MaxBytes)
            throw new NotebookInputException(TooLarge(shownPath, $"{stream.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes"));

        // Read at most one byte more than the limit, in case the file grew after its length was taken.
        var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            bytes.Write(buffer, 0, read);
            if (bytes.Length > MaxBytes)
                throw new NotebookInputException(TooLarge(shownPath, $"more than {MaxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes"));
        }

        bytes.Position = 0;
        using var reader = new StreamReader(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static string TooLarge(string shownPath, string size) =>
        $"{shownPath}: {size}, above the runner's limit of {MaxBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (100 MiB) for a notebook file";

    // What a non-regular file is ("a FIFO", "a character device", ...), or null for a regular file. On Unix it asks
    // stat(2) (following links) through the runtime's own native shim, whose file-type bits are the same on every
    // platform; elsewhere every file that is not a directory counts as regular.
    private static string? FileKind(string fullPath)
    {
        if (OperatingSystem.IsWindows())
            return null;

        // FileStatus in libSystem.Native: int Flags, int Mode, ... (a generous buffer: only Mode is read).
        var status = new byte[512];
        if (SystemNativeStat(fullPath, status) != 0)
            return null; // Let the read report it (e.g. removed meanwhile).

        int mode = BitConverter.ToInt32(status, 4) & 0xF000;
        return mode switch
        {
            0x8000 => null,
            0x1000 => "a FIFO",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            0x4000 => "a directory",
            _ => $"file type 0x{mode:X4}",
        };
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, SetLastError = true)]
    private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
