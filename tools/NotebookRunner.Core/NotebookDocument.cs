using System.Text.Json;
using System.Text.Json.Nodes;

namespace NotebookRunner.Core;

/// <summary>
/// A Jupyter notebook (nbformat 4) read from disk. The JSON tree is kept whole so that writing the executed
/// notebook preserves its metadata, cell ids, cell sources and indentation; only outputs and execution counts change.
/// </summary>
public sealed class NotebookDocument
{
    private static readonly HashSet<string> CSharpKernelNames = new(StringComparer.OrdinalIgnoreCase) { "csharp", "c#" };

    // Kernel selectors (#!name) of .NET Interactive's other kernels: a cell that switches to one is not C#.
    private static readonly HashSet<string> OtherKernelNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "fsharp", "f#", "pwsh", "powershell", "javascript", "js", "html", "mermaid", "sql", "kql", "http",
        "value", "markdown", "md", "python", "r", "vscode", "webview",
    };

    private NotebookDocument(string path, JsonObject root, string indent, IReadOnlyList<NotebookCell> cells)
    {
        Path = path;
        Root = root;
        Indent = indent;
        Cells = cells;
    }

    /// <summary>The notebook's full path.</summary>
    public string Path { get; }

    /// <summary>The notebook's file name.</summary>
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>The indentation the file uses (kept when the executed notebook is written).</summary>
    public string Indent { get; }

    /// <summary>The SHA-256 of the file's text as <see cref="Load"/> read it (null when parsed from text), so that
    /// <c>run --in-place</c> can tell whether the file changed on disk meanwhile.</summary>
    internal byte[]? LoadedTextHash { get; private set; }

    /// <summary>Whether the file's text differs from what <see cref="Load"/> read (false when not loaded from a file).</summary>
    internal bool ChangedOnDisk()
    {
        if (LoadedTextHash is null)
            return false;
        try
        {
            return !HashOf(NotebookFileReader.ReadText(Path, FileName)).AsSpan().SequenceEqual(LoadedTextHash);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotebookInputException)
        {
            return true; // Removed, replaced by something else, or grown too large: not what was read.
        }
    }

    private static byte[] HashOf(string text) => System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The notebook's cells in order.</summary>
    public IReadOnlyList<NotebookCell> Cells { get; }

    /// <summary>The code cells, in order.</summary>
    public IEnumerable<NotebookCell> CodeCells => Cells.Where(cell => cell.Kind == NotebookCellKind.Code);

    internal JsonObject Root { get; }

    /// <summary>
    /// Reads and validates a notebook: the file must exist, end in .ipynb, be a regular file (or a link to one) of at
    /// most <see cref="NotebookFileReader.MaxBytes"/> bytes, hold nbformat 4 JSON, and every code cell must be C#.
    /// </summary>
    /// <param name="path">The notebook's path.</param>
    /// <returns>The parsed notebook.</returns>
    /// <exception cref="NotebookInputException">The path is not a runnable C# notebook (one-line message).</exception>
    public static NotebookDocument Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
            throw new NotebookInputException($"{path}: is a directory, not a notebook (expected a .ipynb file)");
        if (!File.Exists(fullPath))
            throw new NotebookInputException($"{path}: no such file");
        if (!fullPath.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase))
            throw new NotebookInputException($"{path}: not a notebook (expected a .ipynb file)");
        var text = NotebookFileReader.ReadText(fullPath, path);
        var notebook = Parse(text, fullPath, path);
        notebook.LoadedTextHash = HashOf(text);
        return notebook;
    }

    /// <summary>Parses and validates notebook JSON.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="fullPath">The notebook's full path.</param>
    /// <param name="displayPath">The path to name in error messages.</param>
    /// <returns>The parsed notebook.</returns>
    /// <exception cref="NotebookInputException">The text is not a runnable C# notebook (one-line message).</exception>
    public static NotebookDocument Parse(string json, string fullPath, string displayPath)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrWhiteSpace(fullPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayPath);

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
            throw new NotebookInputException($"{displayPath}: not valid JSON{where}", ex);
        }

        if (node is not JsonObject root || root["cells"] is not JsonArray cellsJson)
            throw new NotebookInputException($"{displayPath}: not a Jupyter notebook (no \"cells\" list)");
        if (root["nbformat"] is not JsonValue format || !format.TryGetValue<int>(out var major) || major != 4)
            throw new NotebookInputException($"{displayPath}: not an nbformat 4 notebook (\"nbformat\" must be 4)");

        var metadata = root["metadata"] as JsonObject;
        var defaultKernel = NotebookCell.ReadString(metadata?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"])
                            ?? NotebookCell.ReadString(metadata?["kernelspec"]?["language"])
                            ?? "csharp";

        var cells = new List<NotebookCell>();
        for (int i = 0; i < cellsJson.Count; i++)
        {
            if (cellsJson[i] is not JsonObject cellJson)
                throw new NotebookInputException($"{displayPath}: cell {i + 1} is not a JSON object");
            if (SourceProblem(cellJson) is { } problem)
                throw new NotebookInputException($"{displayPath}: cell {i + 1} {problem}; a cell's \"source\" must be a string or a list of strings");
            var cell = NotebookCell.FromJson(i + 1, cellJson, defaultKernel);
            if (cell.Kind == NotebookCellKind.Code)
                EnsureCSharp(cell, displayPath);
            cells.Add(cell);
        }

        return new NotebookDocument(fullPath, root, JupyterJson.DetectIndent(json), cells);
    }

    /// <summary>Serializes the notebook as VS Code would (sorted keys, same indentation, final newline).</summary>
    public string ToJson() => JupyterJson.Serialize(Root, Indent);

    /// <summary>
    /// Creates the executed notebook: a copy of this one whose code cells carry the given outputs and execution
    /// counts. Code cells without an entry (not reached because an earlier cell failed) get no outputs and a null
    /// execution count. Everything else — metadata, cell ids, sources — is kept, except <c>language_info</c>, which
    /// is written as <see cref="LanguageInfo"/>.
    /// </summary>
    /// <param name="executed">Outputs and execution count by cell number.</param>
    /// <returns>The notebook text to write.</returns>
    public string ToExecutedJson(IReadOnlyDictionary<int, (int ExecutionCount, IReadOnlyList<NotebookOutput> Outputs)> executed)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        WriteExecutedJson(writer, executed);
        return writer.ToString();
    }

    /// <summary>As <see cref="ToExecutedJson"/>, written to <paramref name="writer"/> piece by piece, without building
    /// the whole text as one string (a notebook's text may exceed the largest string .NET can hold).</summary>
    /// <param name="writer">Where the notebook text goes.</param>
    /// <param name="executed">Outputs and execution count by cell number.</param>
    public void WriteExecutedJson(TextWriter writer, IReadOnlyDictionary<int, (int ExecutionCount, IReadOnlyList<NotebookOutput> Outputs)> executed)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(executed);
        var copy = (JsonObject)Root.DeepClone();
        if (copy["metadata"] is JsonObject metadata)
            metadata["language_info"] = LanguageInfo();
        var cellsJson = (JsonArray)copy["cells"]!;
        foreach (var cell in CodeCells)
        {
            var cellJson = (JsonObject)cellsJson[cell.Number - 1]!;
            if (executed.TryGetValue(cell.Number, out var run))
            {
                cellJson["execution_count"] = run.ExecutionCount;
                cellJson["outputs"] = new JsonArray(run.Outputs.Select(o => (JsonNode?)o.ToJson(run.ExecutionCount)).ToArray());
            }
            else
            {
                cellJson["execution_count"] = null;
                cellJson["outputs"] = new JsonArray();
            }
        }

        JupyterJson.Serialize(writer, copy, Indent);
    }

    /// <summary>
    /// The notebook metadata's <c>language_info</c> the runner writes: what the .NET kernel's Jupyter side reports
    /// for C# (its kernel_info reply, without the C# version) and a <c>codemirror_mode</c>, so that classic Jupyter and
    /// JupyterLab highlight C# before the kernel has started (<c>"polyglot-notebook"</c>, what VS Code writes, names no
    /// CodeMirror mode: classic Jupyter asks for codemirror/mode/polyglot-notebook.js and gets a 404). VS Code Polyglot
    /// Notebooks does not read it: it takes the kernel from <c>kernelspec</c> and <c>polyglot_notebook</c>, and each
    /// cell's language from its <c>vscode.languageId</c>; when it runs a cell it merges <c>{"name":
    /// "polyglot-notebook"}</c> into it, which keeps the other keys, so <c>codemirror_mode</c> still names C# there.
    /// </summary>
    public static JsonObject LanguageInfo() => new()
    {
        ["codemirror_mode"] = "text/x-csharp",
        ["file_extension"] = ".cs",
        ["mimetype"] = "text/x-csharp",
        ["name"] = "C#",
        ["pygments_lexer"] = "csharp",
    };

    // What is wrong with a cell's "source" (a number, an object, a list holding something else than strings), or
    // null when it is a string or a list of strings (or missing: an empty cell).
    private static string? SourceProblem(JsonObject cell)
    {
        if (!cell.TryGetPropertyValue("source", out var source))
            return null;
        if (source is JsonArray lines)
        {
            for (int i = 0; i < lines.Count; i++)
            {
                if (Kind(lines[i]) != JsonValueKind.String)
                    return $"has {Described(lines[i])} as item {i + 1} of its \"source\" list";
            }

            return null;
        }

        return Kind(source) == JsonValueKind.String ? null : $"has {Described(source)} as its \"source\"";
    }

    private static JsonValueKind Kind(JsonNode? node) => node?.GetValueKind() ?? JsonValueKind.Null;

    private static string Described(JsonNode? node) => Kind(node) switch
    {
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        _ => "a string",
    };

    private static void EnsureCSharp(NotebookCell cell, string displayPath)
    {
        if (!CSharpKernelNames.Contains(cell.KernelName))
        {
            throw new NotebookInputException(
                $"{displayPath}: cell {cell.Number} is a '{cell.KernelName}' cell; the runner executes C# cells only");
        }

        foreach (var line in cell.Source.Split('\n'))
        {
            var trimmed = line.Trim();
            if (!trimmed.StartsWith("#!", StringComparison.Ordinal))
                continue;
            var selector = trimmed[2..].Split(' ', 2)[0];
            if (OtherKernelNames.Contains(selector))
            {
                throw new NotebookInputException(
                    $"{displayPath}: cell {cell.Number} switches to the '{selector}' kernel (#!{selector}); the runner executes C# cells only");
            }
        }
    }
}
