using System.Text.Json.Nodes;

namespace NotebookRunner.Core;

/// <summary>The kinds of notebook cells.</summary>
public enum NotebookCellKind
{
    /// <summary>A code cell: executed.</summary>
    Code,

    /// <summary>A markdown cell: not executed.</summary>
    Markdown,

    /// <summary>A raw cell: not executed.</summary>
    Raw,
}

/// <summary>One cell of a notebook as committed.</summary>
public sealed class NotebookCell
{
    /// <summary>
    /// The marker that opts a code cell out of <c>check</c>'s output comparison when it starts the cell's first line
    /// (for timings and other machine-dependent output). The cell still runs and must not fail.
    /// </summary>
    public const string SkipOutputMarker = "// check: skip-output";

    internal NotebookCell(int number, NotebookCellKind kind, string source, string kernelName, IReadOnlyList<NotebookOutput> outputs)
    {
        Number = number;
        Kind = kind;
        Source = source;
        KernelName = kernelName;
        Outputs = outputs;
    }

    /// <summary>The cell's 1-based position in the notebook, counting every cell (markdown too).</summary>
    public int Number { get; }

    /// <summary>Whether the cell is code, markdown or raw.</summary>
    public NotebookCellKind Kind { get; }

    /// <summary>The cell's text.</summary>
    public string Source { get; }

    /// <summary>The kernel the cell is written for ("csharp" for every cell the runner executes).</summary>
    public string KernelName { get; }

    /// <summary>The outputs committed in the notebook.</summary>
    public IReadOnlyList<NotebookOutput> Outputs { get; }

    /// <summary>The first non-blank line of the cell, trimmed and shortened to fit a console line.</summary>
    public string FirstLine
    {
        get
        {
            var line = Source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? string.Empty;
            return line.Length <= 72 ? line : line[..69] + "...";
        }
    }

    /// <summary>Whether the cell's first line carries <see cref="SkipOutputMarker"/>.</summary>
    public bool SkipsOutputCheck =>
        Source.Split('\n')[0].TrimStart().StartsWith(SkipOutputMarker, StringComparison.Ordinal);

    internal static NotebookCell FromJson(int number, JsonObject json, string defaultKernel)
    {
        var type = json["cell_type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : string.Empty;
        var kind = type switch
        {
            "code" => NotebookCellKind.Code,
            "markdown" => NotebookCellKind.Markdown,
            _ => NotebookCellKind.Raw,
        };
        var source = JupyterJson.JoinLines(json["source"]).Replace("\r\n", "\n", StringComparison.Ordinal);
        var metadata = json["metadata"] as JsonObject;
        var kernel = ReadString(metadata?["polyglot_notebook"]?["kernelName"])
                     ?? ReadString(metadata?["dotnet_interactive"]?["language"])
                     ?? defaultKernel;
        var outputs = json["outputs"] is JsonArray array
            ? array.OfType<JsonObject>().Select(NotebookOutput.FromJson).ToArray()
            : [];
        return new NotebookCell(number, kind, source, kernel, outputs);
    }

    internal static string? ReadString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
