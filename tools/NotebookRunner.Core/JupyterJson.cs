using System.Globalization;
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

    // "\u0000" ... "\u001f", made once (a cell may print millions of control characters).
    private static readonly string[] ControlEscapes =
        Enumerable.Range(0, 32).Select(c => "\\u" + c.ToString("x4", CultureInfo.InvariantCulture)).ToArray();

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
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Serialize(writer, node, indent);
        return writer.ToString();
    }

    /// <summary>Writes a JSON tree with sorted keys, the given indentation and a trailing newline to a writer, piece
    /// by piece: no string of the whole text is built, so a notebook of any size can be written to a file.</summary>
    /// <param name="writer">Where the text goes (for the executed notebook: the temporary file's writer).</param>
    /// <param name="node">The notebook (or any JSON value).</param>
    /// <param name="indent">The indentation unit, for example one or two spaces.</param>
    public static void Serialize(TextWriter writer, JsonNode? node, string indent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(indent);
        Write(writer, node, indent, 0);
        writer.Write('\n');
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

    private static void Write(TextWriter builder, JsonNode? node, string indent, int depth)
    {
        switch (node)
        {
            case null:
                builder.Write("null");
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

    private static void WriteObject(TextWriter builder, JsonObject obj, string indent, int depth)
    {
        if (obj.Count == 0)
        {
            builder.Write("{}");
            return;
        }

        builder.Write('{');
        bool first = true;
        foreach (var (key, value) in obj.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            builder.Write(first ? "\n" : ",\n");
            first = false;
            AppendIndent(builder, indent, depth + 1);
            WriteString(builder, key);
            builder.Write(": ");
            Write(builder, value, indent, depth + 1);
        }

        builder.Write('\n');
        AppendIndent(builder, indent, depth);
        builder.Write('}');
    }

    private static void WriteArray(TextWriter builder, JsonArray array, string indent, int depth)
    {
        if (array.Count == 0)
        {
            builder.Write("[]");
            return;
        }

        builder.Write('[');
        for (int i = 0; i < array.Count; i++)
        {
            builder.Write(i == 0 ? "\n" : ",\n");
            AppendIndent(builder, indent, depth + 1);
            Write(builder, array[i], indent, depth + 1);
        }

        builder.Write('\n');
        AppendIndent(builder, indent, depth);
        builder.Write(']');
    }

    private static void WriteValue(TextWriter builder, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(builder, value.GetValue<string>());
                break;
            case JsonValueKind.True:
                builder.Write("true");
                break;
            case JsonValueKind.False:
                builder.Write("false");
                break;
            case JsonValueKind.Number:
                builder.Write(value.ToJsonString());
                break;
            default:
                builder.Write("null");
                break;
        }
    }

    // Runs of characters that need no escape are written as one span each.
    private static void WriteString(TextWriter builder, string text)
    {
        builder.Write('"');
        int run = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (Escape(text, i) is not { } escape)
                continue;
            builder.Write(text.AsSpan(run, i - run));
            builder.Write(escape);
            run = i + 1;
        }

        builder.Write(text.AsSpan(run));
        builder.Write('"');
    }

    // The escape JSON.stringify writes for the character at i, or null when it is written as it is.
    private static string? Escape(string text, int i)
    {
        char c = text[i];
        switch (c)
        {
            case '"': return "\\\"";
            case '\\': return "\\\\";
            case '\b': return "\\b";
            case '\f': return "\\f";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
        }

        bool loneSurrogate = char.IsHighSurrogate(c)
            ? i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1])
            : char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(text[i - 1]));
        return c < ' ' ? ControlEscapes[c]
            : loneSurrogate ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)
            : null;
    }

    private static void AppendIndent(TextWriter builder, string indent, int depth)
    {
        for (int i = 0; i < depth; i++)
            builder.Write(indent);
    }
}
