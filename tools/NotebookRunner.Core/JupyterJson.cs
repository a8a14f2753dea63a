using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookRunner.Core;

/// <summary>
/// Writes notebook JSON the way VS Code's ipynb serializer does: object keys sorted recursively, the indentation
/// the file already had (one space for new files), <c>JSON.stringify</c> escaping (only quotes, backslashes and
/// control characters are escaped; HTML characters and non-ASCII text are written as they are) and a final newline.
/// </summary>
public static class JupyterJson
{
    /// <summary>The indentation VS Code uses for a notebook it creates.</summary>
    public const string DefaultIndent = " ";

    /// <summary>Finds the indentation unit of a JSON text (the leading whitespace of its first indented line).</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The indentation unit, or <see cref="DefaultIndent"/> when the text has no indented line.</returns>
    public static string DetectIndent(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        foreach (var rawLine in json.Split('\n').Skip(1))
        {
            var line = rawLine.TrimEnd('\r');
            int width = 0;
            while (width < line.Length && (line[width] == ' ' || line[width] == '\t'))
                width++;
            if (width > 0 && width < line.Length)
                return line[..width];
        }

        return DefaultIndent;
    }

    /// <summary>Serializes a JSON tree with sorted keys, the given indentation and a trailing newline.</summary>
    /// <param name="node">The notebook (or any JSON value).</param>
    /// <param name="indent">The indentation unit, for example one or two spaces.</param>
    /// <returns>The text to write to the .ipynb file.</returns>
    public static string Serialize(JsonNode? node, string indent)
    {
        ArgumentNullException.ThrowIfNull(indent);
        var builder = new StringBuilder();
        Write(builder, node, indent, 0);
        builder.Append('\n');
        return builder.ToString();
    }

    /// <summary>Splits text into nbformat's list of lines: every line but the last keeps its "\n".</summary>
    /// <param name="text">The text; "\r\n" is normalized to "\n".</param>
    /// <returns>A JSON array of strings (empty for empty text).</returns>
    public static JsonArray SplitLines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        var array = new JsonArray();
        int start = 0;
        while (start < normalized.Length)
        {
            int end = normalized.IndexOf('\n', start);
            if (end < 0)
            {
                array.Add(normalized[start..]);
                break;
            }

            array.Add(normalized[start..(end + 1)]);
            start = end + 1;
        }

        return array;
    }

    /// <summary>Reads an nbformat multiline string: either a string or a list of strings to concatenate.</summary>
    /// <param name="node">The JSON value (may be null).</param>
    /// <returns>The text, or an empty string for null or non-text values.</returns>
    public static string JoinLines(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonArray array => string.Concat(array.Select(item => item is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty)),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };

    private static void Write(StringBuilder builder, JsonNode? node, string indent, int depth)
    {
        switch (node)
        {
            case null:
                builder.Append("null");
                break;
            case JsonObject obj:
                WriteObject(builder, obj, indent, depth);
                break;
            case JsonArray array:
                WriteArray(builder, array, indent, depth);
                break;
            case JsonValue value:
                WriteValue(builder, value);
                break;
            default:
                throw new InvalidOperationException($"Unexpected JSON node {node.GetType().Name}.");
        }
    }

    private static void WriteObject(StringBuilder builder, JsonObject obj, string indent, int depth)
    {
        if (obj.Count == 0)
        {
            builder.Append("{}");
            return;
        }

        builder.Append('{');
        bool first = true;
        foreach (var (key, value) in obj.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            builder.Append(first ? "\n" : ",\n");
            first = false;
            AppendIndent(builder, indent, depth + 1);
            WriteString(builder, key);
            builder.Append(": ");
            Write(builder, value, indent, depth + 1);
        }

        builder.Append('\n');
        AppendIndent(builder, indent, depth);
        builder.Append('}');
    }

    private static void WriteArray(StringBuilder builder, JsonArray array, string indent, int depth)
    {
        if (array.Count == 0)
        {
            builder.Append("[]");
            return;
        }

        builder.Append('[');
        for (int i = 0; i < array.Count; i++)
        {
            builder.Append(i == 0 ? "\n" : ",\n");
            AppendIndent(builder, indent, depth + 1);
            Write(builder, array[i], indent, depth + 1);
        }

        builder.Append('\n');
        AppendIndent(builder, indent, depth);
        builder.Append(']');
    }

    private static void WriteValue(StringBuilder builder, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(builder, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            case JsonValueKind.Number:
                builder.Append(value.ToJsonString());
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    bool loneSurrogate = char.IsHighSurrogate(c)
                        ? i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])
                        : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
                    if (c < ' ' || loneSurrogate)
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }

    private static void AppendIndent(StringBuilder builder, string indent, int depth)
    {
        for (int i = 0; i < depth; i++)
            builder.Append(indent);
    }
}
