using System.Text;

namespace NotebookRunner.Core;

/// <summary>
/// The messages between the runner and a kernel host process (<see cref="KernelHost"/>), over a Unix domain socket
/// of their own — never over the child's stdout or stderr, which the notebook's code can write to. Each message is
/// a type byte followed by its fields (.NET <see cref="BinaryWriter"/> encoding: length-prefixed UTF-8 strings).
/// The runner sends <see cref="Run"/>; the host answers with output messages and then <see cref="CellDone"/>.
/// Between notebooks the runner may send <see cref="Reset"/>; the host answers <see cref="Ready"/> again.
/// </summary>
internal static class KernelProtocol
{
    /// <summary>runner → host: run a cell (string code).</summary>
    public const byte Run = 1;

    /// <summary>runner → host: end the current kernel and start a fresh one in another folder (string working
    /// directory), for the next notebook; the host answers <see cref="Ready"/>.</summary>
    public const byte Reset = 2;

    /// <summary>host → runner: the kernel is created and waits for cells.</summary>
    public const byte Ready = 10;

    /// <summary>host → runner: stream text (string name, string text).</summary>
    public const byte Stream = 11;

    /// <summary>host → runner: a displayed value (optional value id, data).</summary>
    public const byte Display = 12;

    /// <summary>host → runner: an update of a displayed value (optional value id, data).</summary>
    public const byte Update = 13;

    /// <summary>host → runner: the cell's result (data).</summary>
    public const byte Result = 14;

    /// <summary>host → runner: an error (string name, string message, bool fails the cell).</summary>
    public const byte Error = 15;

    /// <summary>host → runner: the cell finished (bool failed, string failure message if failed).</summary>
    public const byte CellDone = 16;

    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    public static void WriteOptional(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
            writer.Write(text);
    }

    public static string? ReadOptional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    public static void WriteData(BinaryWriter writer, IReadOnlyCollection<KeyValuePair<string, string>> data)
    {
        writer.Write(data.Count);
        foreach (var (mime, value) in data)
        {
            writer.Write(mime);
            writer.Write(value);
        }
    }

    public static List<KeyValuePair<string, string>> ReadData(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 10_000)
            throw new InvalidDataException($"A kernel message claims {count} MIME types.");
        var data = new List<KeyValuePair<string, string>>(count);
        for (int i = 0; i < count; i++)
            data.Add(new(reader.ReadString(), reader.ReadString()));
        return data;
    }
}
