using System.Text;
using System.Text.RegularExpressions;

namespace NotebookRunner.Core;

/// <summary>
/// Builds a cell's outputs from the kernel host's messages, in order: consecutive writes to the same stream merged
/// (appended to a buffer, so N writes cost O(total length), not O(N × length)), display updates collapsed by value
/// id, duplicate error messages dropped. Safe to call from the thread that reads the host's messages while another
/// reads <see cref="Outputs"/>.
/// </summary>
internal sealed class OutputCollector(GuidNormalizer normalizer)
{
    private readonly Lock _gate = new();
    private readonly List<NotebookOutput> _outputs = [];
    private readonly Dictionary<string, int> _displayIndexByValueId = new(StringComparer.Ordinal);
    private readonly StringBuilder _openStream = new();
    private string? _openStreamName;

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

    /// <summary>The outputs so far.</summary>
    public IReadOnlyList<NotebookOutput> Outputs
    {
        get
        {
            lock (_gate)
            {
                CloseStream();
                return _outputs.ToArray();
            }
        }
    }

    public void AddStream(string name, string text)
    {
        lock (_gate)
        {
            if (_openStreamName != name)
            {
                CloseStream();
                _openStreamName = name;
            }

            _openStream.Append(text);
        }
    }

    public void AddDisplay(string? valueId, IReadOnlyList<KeyValuePair<string, string>> data)
    {
        lock (_gate)
        {
            CloseStream();
            if (valueId is not null)
                _displayIndexByValueId[valueId] = _outputs.Count;
            _outputs.Add(NotebookOutput.Display(Normalize(data)));
        }
    }

    public void UpdateDisplay(string? valueId, IReadOnlyList<KeyValuePair<string, string>> data)
    {
        lock (_gate)
        {
            if (valueId is not null && _displayIndexByValueId.TryGetValue(valueId, out var index))
                _outputs[index] = NotebookOutput.Display(Normalize(data));
            else
                AddDisplay(valueId, data);
        }
    }

    public void AddResult(IReadOnlyList<KeyValuePair<string, string>> data)
    {
        lock (_gate)
        {
            CloseStream();
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
            _outputs.Add(NotebookOutput.Error(name, message));
        }
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
