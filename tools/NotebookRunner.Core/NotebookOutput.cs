using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookRunner.Core;

/// <summary>The nbformat output types the runner reads and writes.</summary>
public enum NotebookOutputKind
{
    /// <summary>Text written to stdout or stderr (<c>"output_type": "stream"</c>).</summary>
    Stream,

    /// <summary>A value shown with <c>display(...)</c> (<c>"output_type": "display_data"</c>).</summary>
    DisplayData,

    /// <summary>The value of a cell's last expression (<c>"output_type": "execute_result"</c>).</summary>
    ExecuteResult,

    /// <summary>A compile error or an exception (<c>"output_type": "error"</c>).</summary>
    Error,
}

/// <summary>One output of a code cell, as stored in a notebook or produced by running the cell.</summary>
public sealed class NotebookOutput
{
    private readonly JsonObject _metadata;

    private NotebookOutput(
        NotebookOutputKind kind,
        string? streamName,
        string text,
        IReadOnlyList<KeyValuePair<string, string>> data,
        string? errorName,
        IReadOnlyList<string> traceback,
        JsonObject? metadata = null)
    {
        _metadata = metadata is null ? new JsonObject() : (JsonObject)metadata.DeepClone();
        Kind = kind;
        StreamName = streamName;
        Text = text;
        Data = data;
        ErrorName = errorName;
        Traceback = traceback;
    }

    /// <summary>The output type.</summary>
    public NotebookOutputKind Kind { get; }

    /// <summary>"stdout" or "stderr" for a stream; null otherwise.</summary>
    public string? StreamName { get; }

    /// <summary>The stream's text, or the error's message (<c>evalue</c>); empty for display data.</summary>
    public string Text { get; }

    /// <summary>The representations of a displayed value or result, by MIME type, in the order produced.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Data { get; }

    /// <summary>The error's name (<c>ename</c>) for an error output; null otherwise.</summary>
    public string? ErrorName { get; }

    /// <summary>The error's traceback lines for an error output; empty otherwise.</summary>
    public IReadOnlyList<string> Traceback { get; }

    /// <summary>
    /// The output's <c>metadata</c> (a copy), for display data and results: for example the size a front end shows an
    /// <c>image/png</c> at, and the digest of the SVG it was drawn from (<see cref="FigurePngs"/>). Empty otherwise.
    /// </summary>
    public JsonObject Metadata => (JsonObject)_metadata.DeepClone();

    /// <summary>
    /// The text that <c>check</c> compares: a stream's text, or the <c>text/plain</c> representation of a displayed
    /// value or result. Null for outputs that are not compared (HTML/SVG-only values, errors).
    /// </summary>
    public string? ComparableText => Kind switch
    {
        NotebookOutputKind.Stream => Text,
        NotebookOutputKind.DisplayData or NotebookOutputKind.ExecuteResult =>
            Data.FirstOrDefault(pair => pair.Key == "text/plain").Value,
        _ => null,
    };

    /// <summary>Creates a stream output.</summary>
    /// <param name="name">"stdout" or "stderr".</param>
    /// <param name="text">The text written.</param>
    public static NotebookOutput Stream(string name, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(text);
        return new NotebookOutput(NotebookOutputKind.Stream, name, text, [], null, []);
    }

    /// <summary>Creates a display_data output.</summary>
    /// <param name="data">The representations by MIME type.</param>
    /// <param name="metadata">The output's metadata (copied); none when null.</param>
    public static NotebookOutput Display(IEnumerable<KeyValuePair<string, string>> data, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new NotebookOutput(NotebookOutputKind.DisplayData, null, string.Empty, data.ToArray(), null, [], metadata);
    }

    /// <summary>Creates an execute_result output.</summary>
    /// <param name="data">The representations by MIME type.</param>
    /// <param name="metadata">The output's metadata (copied); none when null.</param>
    public static NotebookOutput Result(IEnumerable<KeyValuePair<string, string>> data, JsonObject? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new NotebookOutput(NotebookOutputKind.ExecuteResult, null, string.Empty, data.ToArray(), null, [], metadata);
    }

    /// <summary>This display data or result with other representations and metadata (same kind).</summary>
    /// <param name="data">The representations by MIME type.</param>
    /// <param name="metadata">The output's metadata (copied).</param>
    public NotebookOutput With(IEnumerable<KeyValuePair<string, string>> data, JsonObject metadata)
    {
        if (Kind is not (NotebookOutputKind.DisplayData or NotebookOutputKind.ExecuteResult))
            throw new InvalidOperationException($"a {Kind} output has no representations or metadata to replace");
        return Kind == NotebookOutputKind.DisplayData ? Display(data, metadata) : Result(data, metadata);
    }

    /// <summary>Creates an error output whose traceback is the message's lines.</summary>
    /// <param name="name">The error's name, for example the exception type.</param>
    /// <param name="message">The full message, including a compiler diagnostic or a stack trace.</param>
    public static NotebookOutput Error(string name, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(message);
        var lines = message.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return new NotebookOutput(NotebookOutputKind.Error, null, message, [], name, lines);
    }

    /// <summary>Reads an output from its nbformat JSON. Unknown output types are read as empty display data.</summary>
    /// <param name="json">The output object.</param>
    public static NotebookOutput FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var type = json["output_type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : string.Empty;
        switch (type)
        {
            case "stream":
                var name = json["name"] is JsonValue n && n.TryGetValue<string>(out var streamName) ? streamName : "stdout";
                return Stream(name, JupyterJson.JoinLines(json["text"]));
            case "error":
                var ename = json["ename"] is JsonValue e && e.TryGetValue<string>(out var errorName) && errorName.Length > 0 ? errorName : "Error";
                return Error(ename, JupyterJson.JoinLines(json["evalue"]));
            case "execute_result":
                return Result(ReadData(json["data"]), json["metadata"] as JsonObject);
            default:
                return Display(ReadData(json["data"]), json["metadata"] as JsonObject);
        }
    }

    /// <summary>Writes the output as nbformat JSON, text split into lines the way VS Code stores it.</summary>
    /// <param name="executionCount">The cell's execution count (used by execute_result).</param>
    public JsonObject ToJson(int executionCount)
    {
        switch (Kind)
        {
            case NotebookOutputKind.Stream:
                return new JsonObject
                {
                    ["name"] = StreamName,
                    ["output_type"] = "stream",
                    ["text"] = JupyterJson.SplitLines(Text),
                };
            case NotebookOutputKind.Error:
                return new JsonObject
                {
                    ["ename"] = ErrorName,
                    ["evalue"] = Text,
                    ["output_type"] = "error",
                    ["traceback"] = new JsonArray(Traceback.Select(line => (JsonNode?)JsonValue.Create(line)).ToArray()),
                };
            case NotebookOutputKind.ExecuteResult:
                return new JsonObject
                {
                    ["data"] = WriteData(Data),
                    ["execution_count"] = executionCount,
                    ["metadata"] = Metadata,
                    ["output_type"] = "execute_result",
                };
            default:
                return new JsonObject
                {
                    ["data"] = WriteData(Data),
                    ["metadata"] = Metadata,
                    ["output_type"] = "display_data",
                };
        }
    }

    private static List<KeyValuePair<string, string>> ReadData(JsonNode? node)
    {
        var data = new List<KeyValuePair<string, string>>();
        if (node is not JsonObject obj)
            return data;
        foreach (var (mime, value) in obj)
        {
            var text = value is JsonObject or JsonArray && IsJsonMime(mime)
                ? value.ToJsonString()
                : JupyterJson.JoinLines(value);
            data.Add(new(mime, text));
        }

        return data;
    }

    private static JsonObject WriteData(IReadOnlyList<KeyValuePair<string, string>> data)
    {
        var obj = new JsonObject();
        foreach (var (mime, text) in data)
            obj[mime] = WriteMimeValue(mime, text);
        return obj;
    }

    private static JsonNode? WriteMimeValue(string mime, string text)
    {
        if (mime.StartsWith("text/", StringComparison.Ordinal) || mime == "image/svg+xml")
            return JupyterJson.SplitLines(text);
        if (IsJsonMime(mime))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return text;
    }

    private static bool IsJsonMime(string mime) => mime.Contains("json", StringComparison.OrdinalIgnoreCase);
}
