using System.Text;

namespace NotebookRunner.Core;

/// <summary>
/// The first and the last bytes written to a stream, as text: a quarter of <c>capacity</c> from the start, then up to
/// <c>capacity</c> of the end (whole chunks as they were appended), with <c>...</c> between them when bytes were
/// dropped. What the runtime prints when a kernel process dies may come first ("Stack overflow.") or last, after
/// whatever the cells printed.
/// </summary>
/// <param name="capacity">How many bytes of the end to keep (a quarter of it is kept of the start too).</param>
internal sealed class StreamTail(int capacity)
{
    private readonly Lock _gate = new();
    private readonly List<byte> _head = [];
    private readonly Queue<byte[]> _chunks = new();
    private int _length;
    private bool _dropped;

    /// <summary>What was kept, decoded as UTF-8: the head, then (after <c>\n...\n</c> if bytes were dropped) the tail.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                var head = Encoding.UTF8.GetString(_head.ToArray());
                var tail = Encoding.UTF8.GetString(_chunks.SelectMany(c => c).ToArray());
                return _dropped ? head + "\n...\n" + tail : head + tail;
            }
        }
    }

    /// <summary>Keeps <paramref name="bytes"/> (the next bytes read from the stream) as far as the capacity allows.</summary>
    /// <param name="bytes">The bytes, in the order the stream gave them.</param>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            int toHead = Math.Min(bytes.Length, capacity / 4 - _head.Count);
            if (toHead > 0)
            {
                _head.AddRange(bytes[..toHead]);
                bytes = bytes[toHead..];
            }

            if (bytes.IsEmpty)
                return;
            _chunks.Enqueue(bytes.ToArray());
            _length += bytes.Length;
            while (_length - _chunks.Peek().Length >= capacity)
            {
                _length -= _chunks.Dequeue().Length;
                _dropped = true;
            }
        }
    }
}
