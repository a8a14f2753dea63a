using System.Text;
using System.Text.RegularExpressions;

namespace NotebookRunner.Core;

/// <summary>
/// Builds a cell's outputs from the kernel host's messages, in order: consecutive writes to the same stream merged
/// (appended to a buffer, so N writes cost O(total length), not O(N × length)), display updates collapsed by value
/// id, duplicate error messages dropped. A cell stores at most <see cref="MaxStoredBytes"/> of output text (as
/// <see cref="StoredSize"/> counts it); what comes beyond is cut, and the outputs end with a note saying how many
/// characters were cut. Safe to call from the thread that reads the host's messages while another reads
/// <see cref="Outputs"/>.
/// </summary>
internal sealed class OutputCollector(GuidNormalizer normalizer, long maxStoredBytes = OutputCollector.MaxStoredBytes)
{
    /// <summary>What one cell may store: 32 MiB (33,554,432 bytes) of output text as written in the notebook file.</summary>
    public const long MaxStoredBytes = 32L * 1024 * 1024;

    /// <summary>The characters of an error's text that are kept even when the cell's budget is spent, so that a
    /// failure always says what it was.</summary>
    public const int ErrorTextKept = 1000;

    private readonly Lock _gate = new();
    private readonly List<NotebookOutput> _outputs = [];
    private readonly Dictionary<string, int> _displayIndexByValueId = new(StringComparer.Ordinal);
    private readonly Dictionary<int, long> _displaySizeByIndex = [];
    private readonly StringBuilder _openStream = new();
    private string? _openStreamName;
    private long _stored;
    private long _cut;

    /// <summary>Why the cell failed (its first failure), or null.</summary>
    public string? Failure
    {
        get
        {
            lock (_gate)
                return field;
        }

        private set;
    }

    /// <summary>How many characters of output were cut because the cell's budget was spent.</summary>
    public long CutCharacters
    {
        get
        {
            lock (_gate)
                return _cut;
        }
    }

    /// <summary>The outputs so far (ending with the note on what was cut, if anything was).</summary>
    public IReadOnlyList<NotebookOutput> Outputs
    {
        get
        {
            lock (_gate)
            {
                CloseStream();
                if (_cut == 0)
                    return _outputs.ToArray();
                return [.. _outputs, NotebookOutput.Stream("stderr", CutNote(_cut, maxStoredBytes))];
            }
        }
    }

    /// <summary>The note that ends a cell's outputs when some were cut.</summary>
    public static string CutNote(long cutCharacters, long maxStoredBytes) => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"[runner: {cutCharacters:N0} more characters of this cell's output were cut: a cell stores at most {maxStoredBytes:N0} bytes of output text, see tools/NotebookRunner/README.md]\n");

    public void AddStream(string name, string text) => AddStream(name, text.AsSpan());

    public void AddStream(string name, ReadOnlySpan<char> text)
    {
        lock (_gate)
        {
            // Once something was cut, the rest is cut too: no gaps in what is kept.
            long size = 0;
            var kept = _cut > 0 ? 0 : Fit(text, maxStoredBytes - _stored, out size);
            _stored += size;
            _cut += text.Length - kept;
            if (kept == 0)
                return;
            if (_openStreamName != name)
            {
                CloseStream();
                _openStreamName = name;
            }

            _openStream.Append(text[..kept]);
        }
    }

    public void AddDisplay(string? valueId, IReadOnlyList<KeyValuePair<string, string>> data)
    {
        lock (_gate)
        {
            CloseStream();
            if (!Charge(data, freed: 0, out var size))
                return;
            if (valueId is not null)
                _displayIndexByValueId[valueId] = _outputs.Count;
            _displaySizeByIndex[_outputs.Count] = size;
            _outputs.Add(NotebookOutput.Display(Normalize(data)));
        }
    }

    public void UpdateDisplay(string? valueId, IReadOnlyList<KeyValuePair<string, string>> data)
    {
        lock (_gate)
        {
            if (valueId is not null && _displayIndexByValueId.TryGetValue(valueId, out var index))
            {
                if (!Charge(data, _displaySizeByIndex[index], out var size))
                    return;
                _displaySizeByIndex[index] = size;
                _outputs[index] = NotebookOutput.Display(Normalize(data));
            }
            else
            {
                AddDisplay(valueId, data);
            }
        }
    }

    public void AddResult(IReadOnlyList<KeyValuePair<string, string>> data)
    {
        lock (_gate)
        {
            CloseStream();
            if (Charge(data, freed: 0, out _))
                _outputs.Add(NotebookOutput.Result(Normalize(data)));
        }
    }

    /// <summary>Adds an error output (once per message).</summary>
    /// <param name="name">The error's name.</param>
    /// <param name="message">The message.</param>
    /// <param name="fails">Whether the error fails the cell.</param>
    public void AddError(string name, string message, bool fails)
    {
        lock (_gate)
        {
            CloseStream();
            if (fails)
                Failure ??= message;
            if (_outputs.Any(o => o.Kind == NotebookOutputKind.Error && o.Text == message))
                return;
            var kept = Fit(message, Math.Max(maxStoredBytes - _stored, 0), out var size);
            if (kept < Math.Min(message.Length, ErrorTextKept))
            {
                kept = Math.Min(message.Length, ErrorTextKept);
                if (kept < message.Length && char.IsHighSurrogate(message[kept - 1]))
                    kept--;
                size = StoredSize.Of(message.AsSpan(0, kept));
            }

            _stored += size;
            _cut += message.Length - kept;
            _outputs.Add(NotebookOutput.Error(name, kept == message.Length ? message : message[..kept]));
        }
    }

    // Charges a displayed value's size (less what the value it replaces had) to the budget; a value that does not fit
    // whole is not stored (cut markup would be worse than none), and its characters count as cut.
    private bool Charge(IReadOnlyList<KeyValuePair<string, string>> data, long freed, out long size)
    {
        size = data.Sum(pair => StoredSize.Of(pair.Key) + StoredSize.Of(pair.Value));
        if (_cut > 0 || _stored - freed + size > maxStoredBytes)
        {
            _cut += data.Sum(pair => (long)pair.Value.Length);
            return false;
        }

        _stored += size - freed;
        return true;
    }

    // How many characters of text fit in the budget (never splitting a surrogate pair), and their size.
    private static int Fit(ReadOnlySpan<char> text, long budget, out long size)
    {
        size = 0;
        int kept = 0;
        while (kept < text.Length)
        {
            var cost = StoredSize.Of(text[kept]);
            if (size + cost > budget)
                break;
            size += cost;
            kept++;
        }

        if (kept > 0 && kept < text.Length && char.IsHighSurrogate(text[kept - 1]))
        {
            kept--;
            size -= StoredSize.Of(text[kept]);
        }

        return kept;
    }

    private void CloseStream()
    {
        if (_openStreamName is null)
            return;
        if (_outputs.Count > 0 && _outputs[^1] is { Kind: NotebookOutputKind.Stream } last && last.StreamName == _openStreamName)
            _outputs[^1] = NotebookOutput.Stream(_openStreamName, last.Text + _openStream.ToString());
        else
            _outputs.Add(NotebookOutput.Stream(_openStreamName, _openStream.ToString()));
        _openStream.Clear();
        _openStreamName = null;
    }

    private List<KeyValuePair<string, string>> Normalize(IReadOnlyList<KeyValuePair<string, string>> data) =>
        data.Select(pair => new KeyValuePair<string, string>(
                pair.Key,
                pair.Key == "text/plain" ? pair.Value : normalizer.Normalize(pair.Value)))
            .ToList();
}

/// <summary>
/// How many bytes output text takes in the notebook file, counted per character: its UTF-8 bytes (1 to 3; a
/// surrogate pair 4), an escaped quote or backslash 2, a control character 6 (<c>\u0001</c>; 2 for \b \f \r \t) and a line
/// break <see cref="LineBreak"/> (its <c>\n</c> and the quotes, comma, newline and indentation around the next line).
/// </summary>
internal static class StoredSize
{
    /// <summary>What a line break counts.</summary>
    public const int LineBreak = 16;

    public static long Of(ReadOnlySpan<char> text)
    {
        long size = 0;
        foreach (var c in text)
            size += Of(c);
        return size;
    }

    public static int Of(char c) => c switch
    {
        '\n' => LineBreak,
        '"' or '\\' or '\b' or '\f' or '\r' or '\t' => 2,
        < ' ' => 6,
        < (char)0x80 => 1,
        < (char)0x800 => 2,
        _ when char.IsSurrogate(c) => 2,
        _ => 3,
    };
}

/// <summary>
/// Formatters (chart libraries in particular) put random GUIDs into HTML element ids. This replaces each distinct
/// GUID with a counter-based one, the same replacement everywhere in the notebook, so re-running gives identical
/// files. One per notebook.
/// </summary>
internal sealed partial class GuidNormalizer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _map = new(StringComparer.OrdinalIgnoreCase);

    public string Normalize(string text) => GuidPattern().Replace(text, match =>
    {
        lock (_gate)
        {
            if (!_map.TryGetValue(match.Value, out var replacement))
            {
                var counter = (_map.Count + 1).ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
                replacement = match.Value.Contains('-', StringComparison.Ordinal)
                    ? $"00000000-0000-4000-8000-{counter}"
                    : $"0000000000004000800{counter[1..]}0";
                _map[match.Value] = replacement;
            }

            return replacement;
        }
    });

    [GeneratedRegex("(?<![0-9a-fA-F-])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{32})(?![0-9a-fA-F-])")]
    private static partial Regex GuidPattern();
}
