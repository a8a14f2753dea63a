using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotebookRunner.Core;

/// <summary>
/// Writes a course notebook as a .NET 10 file-based app (<c>dotnet run notebooks/apps/NN-name.cs</c>): markdown cells
/// as <c>//</c> comments, the setup cell as a <c>#:project</c> directive and its usings, code cells in order, each
/// preceded by <c>cell(n);</c> (the app's own function that prints the marker line <c>##app-cell n</c> when
/// <see cref="MarkersVariable"/> is <c>1</c>, so a test can compare the app's output cell by cell), each
/// cell's trailing expression (no semicolon, which the notebook displays) printed with <c>Show.Value</c> (a chart
/// also saved as an SVG file beside the app), and
/// <c>display(x)</c> as a local function that does the same. What a script allows and a program does not is
/// rewritten: <c>using</c> directives of later cells move to the top, type declarations to the end,
/// <c>#r</c>/<c>#!</c>/<c>#load</c> lines are dropped, and a top-level variable declared again in a later cell (or
/// named like a variable of a nested block) is renamed (see <see cref="TopLevelRenamer"/>; the app's header lists them).
/// </summary>
public static class AppExporter
{
    /// <summary>The command that writes the apps (named in each app's header).</summary>
    public const string Command = "dotnet run --project tools/NotebookRunner -- export";

    /// <summary>The environment variable that makes an app print <see cref="MarkerPrefix"/> and the cell's number on a
    /// line of its own before each cell's output (only when it is <c>1</c>).</summary>
    public const string MarkersVariable = "ATTENTION_APP_CELL_MARKERS";

    /// <summary>The start of the line an app prints before cell n when <see cref="MarkersVariable"/> is <c>1</c>:
    /// <c>##app-cell n</c> (n counts every cell of the notebook from 1, markdown included).</summary>
    public const string MarkerPrefix = "##app-cell ";

    private static readonly CSharpParseOptions ScriptOptions =
        new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Script);

    /// <summary>Where the app of <paramref name="notebookPath"/> goes: notebooks/apps/ plus the notebook's path below
    /// notebooks/, with <c>.cs</c> (notebooks/solutions/x.ipynb → notebooks/apps/solutions/x.cs).</summary>
    /// <param name="layout">The repository.</param>
    /// <param name="notebookPath">The notebook's path (below notebooks/).</param>
    /// <returns>The app's path.</returns>
    public static string AppPath(RepositoryLayout layout, string notebookPath)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentException.ThrowIfNullOrEmpty(notebookPath);
        var relative = Path.GetRelativePath(layout.NotebooksDirectory, Path.GetFullPath(notebookPath));
        return Path.Combine(layout.NotebooksDirectory, "apps", Path.ChangeExtension(relative, ".cs"));
    }

    /// <summary>The notebooks exported: notebooks/*.ipynb, then notebooks/solutions/*.ipynb (their apps go to
    /// notebooks/apps/ and notebooks/apps/solutions/).</summary>
    /// <param name="layout">The repository.</param>
    /// <returns>Each notebook's path, its app's path and the app's text.</returns>
    public static IReadOnlyList<(string Notebook, string App, string Text)> ExportAll(RepositoryLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var notebooks = layout.DefaultNotebooks();
        var charts = Path.Combine(layout.Root, "lib", "AttentionNotebooks.Charts", "AttentionNotebooks.Charts.csproj");
        var apps = new List<(string, string, string)>();
        foreach (var notebook in notebooks)
        {
            var app = AppPath(layout, notebook);
            var project = Path.GetRelativePath(Path.GetDirectoryName(app)!, charts).Replace(Path.DirectorySeparatorChar, '/');
            var name = Path.GetRelativePath(layout.Root, notebook).Replace(Path.DirectorySeparatorChar, '/');
            var appName = Path.GetRelativePath(layout.Root, app).Replace(Path.DirectorySeparatorChar, '/');
            apps.Add((notebook, app, Export(NotebookDocument.Load(notebook), project, name, appName)));
        }

        return apps;
    }

    /// <summary>Writes every app of <see cref="ExportAll"/> (only files whose text changed are written).</summary>
    /// <param name="layout">The repository.</param>
    /// <param name="output">Where to report each app written.</param>
    /// <returns>The number of apps written.</returns>
    public static int WriteAll(RepositoryLayout layout, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int written = 0;
        foreach (var (_, app, text) in ExportAll(layout))
        {
            if (File.Exists(app) && File.ReadAllText(app) == text)
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(app)!);
            AtomicFile.WriteAllText(app, text);
            output.WriteLine(TerminalText.Escape($"wrote {Path.GetRelativePath(layout.Root, app).Replace(Path.DirectorySeparatorChar, '/')}"));
            written++;
        }

        return written;
    }

    /// <summary>The app's text for <paramref name="notebook"/>.</summary>
    /// <param name="notebook">The notebook.</param>
    /// <param name="libraryProject">The <c>#:project</c> path of the course's chart library, relative to the app
    /// (e.g. <c>../../lib/AttentionNotebooks.Charts/AttentionNotebooks.Charts.csproj</c>).</param>
    /// <param name="notebookName">The notebook's repository-relative path, for the header.</param>
    /// <returns>The app's source, with <c>\n</c> line ends.</returns>
    /// <exception cref="NotebookInputException">A code cell is not C#.</exception>
    /// <param name="appName">The app's repository-relative path, for the header.</param>
    public static string Export(NotebookDocument notebook, string libraryProject, string notebookName, string appName)
    {
        ArgumentNullException.ThrowIfNull(notebook);
        ArgumentException.ThrowIfNullOrEmpty(libraryProject);
        ArgumentException.ThrowIfNullOrEmpty(notebookName);
        ArgumentException.ThrowIfNullOrEmpty(appName);

        var usings = new List<string>();
        var body = new StringBuilder();
        var types = new StringBuilder();
        bool usesDisplay = false;
        bool usesShow = false;
        bool setupSeen = false;

        // The code cells as C# first (notebook-only directives dropped), so that conflicting top-level names can be renamed.
        var code = new List<(int Number, string Source)>();
        foreach (var cell in notebook.Cells.Where(c => c.Kind == NotebookCellKind.Code))
        {
            if (!IsCSharp(cell.KernelName))
            {
                throw new NotebookInputException(
                    $"{notebook.FileName}: cell {cell.Number} is {cell.KernelName}, not C#; only C# cells can be exported");
            }

            var source = string.Join('\n', cell.Source.Split('\n').Select(DropDirective));
            if (!setupSeen && source.Contains("NotebookSetup.Initialize()", StringComparison.Ordinal))
            {
                setupSeen = true;
                source = string.Join('\n', source.Split('\n').Where(l => !l.Contains("NotebookSetup.Initialize()", StringComparison.Ordinal)));
            }

            code.Add((cell.Number, source));
        }

        var (renamed, renames) = TopLevelRenamer.Apply(code);
        var sources = code.Select((c, k) => (c.Number, Source: renamed[k])).ToDictionary(c => c.Number, c => c.Source);
        foreach (var cell in notebook.Cells)
        {
            if (cell.Kind != NotebookCellKind.Code)
            {
                body.Append('\n');
                AppendComment(body, cell.Source.TrimEnd(LineTerminatorCharacters));
                continue;
            }

            var cellCode = Rewrite(sources[cell.Number], cell.Number, usings, types);
            usesShow |= cellCode.Contains("show(", StringComparison.Ordinal);
            usesDisplay |= cellCode.Contains("display(", StringComparison.Ordinal);
            body.Append('\n').Append($"cell({cell.Number});").Append('\n');
            if (cellCode.Length > 0)
                body.Append(cellCode).Append('\n');
        }

        var app = new StringBuilder();
        app.Append($"#:project {libraryProject}\n");
        // Notebook 7's pretrained model is a library of its own beside the charts: reference it where the notebook uses it.
        if (usings.Contains("using AttentionNotebooks.Pretrained;"))
            app.Append($"#:project {libraryProject.Replace("AttentionNotebooks.Charts", "AttentionNotebooks.Pretrained", StringComparison.Ordinal)}\n");
        AppendComment(app, $"{notebookName} as a .NET file-based app, written by `{Command}`; do not edit: edit the notebook and export again.");
        AppendComment(app, $"Run it with: dotnet run {appName} (see README).");
        if (renames.Count > 0)
        {
            app.Append("// Renamed here, because a program's top-level statements are one scope while each notebook cell is its own:\n");
            foreach (var r in renames)
                app.Append($"//   cell {r.Cell}: {r.Name} → {r.NewName}\n");
        }

        foreach (var directive in usings.Distinct(StringComparer.Ordinal))
            app.Append(directive).Append('\n');
        app.Append('\n').Append("// cell(N) marks where the notebook's cell N starts; it prints nothing unless ")
            .Append(MarkersVariable).Append("=1\n");
        app.Append("// (set by the test that compares this app's output with its notebook's, cell by cell).\n");
        app.Append("static void cell(int number)\n{\n");
        app.Append("    if (Environment.GetEnvironmentVariable(\"").Append(MarkersVariable).Append("\") == \"1\")\n");
        app.Append("        Console.WriteLine($\"").Append(MarkerPrefix).Append("{number}\");\n");
        app.Append("}\n");
        if (usesDisplay)
        {
            app.Append('\n').Append("// What a notebook's display(x) shows as text.\n");
            app.Append("static void display(object? value) => Show.Value(value);\n");
        }

        if (usesShow)
        {
            var svgName = Path.GetFileNameWithoutExtension(appName) + ".cell{0}.svg";
            app.Append('\n').Append("// What a notebook shows for the value a cell ends with: its text; a chart is also saved as an SVG file\n");
            AppendComment(app, $"beside this app, {svgName.Replace("{0}", "N", StringComparison.Ordinal)} for cell N (not committed: see .gitignore).");
            app.Append("static void show(int cellNumber, object? cellValue)\n{\n");
            app.Append("    Show.Value(cellValue);\n");
            app.Append("    if (cellValue is AttentionNotebooks.Charts.Figure chart && AppContext.GetData(\"EntryPointFileDirectoryPath\") is string appFolder)\n");
            app.Append($"        File.WriteAllText(Path.Combine(appFolder, $\"{svgName.Replace("{0}", "{cellNumber}", StringComparison.Ordinal)}\"), chart.ToSvg());\n");
            app.Append("}\n");
        }

        app.Append(body);
        if (types.Length > 0)
            app.Append("\n// Type declarations of the cells (a program declares them after its statements).\n").Append(types);
        return app.ToString();
    }

    // Every sequence that ends a line in C# (ECMA-334 "new-line"): a comment must end at none of them but its own, or
    // the text after it would be code.
    private static readonly string[] LineTerminators = ["\r\n", "\n", "\r", "\u0085", "\u2028", "\u2029"];
    private static readonly char[] LineTerminatorCharacters = ['\n', '\r', '\u0085', '\u2028', '\u2029'];

    /// <summary>Appends <paramref name="text"/> as <c>//</c> comments, one per line, split at every C# line
    /// terminator (CR LF, LF, CR, U+0085, U+2028, U+2029), each ended with <c>\n</c>; an empty line is <c>//</c>.</summary>
    private static void AppendComment(StringBuilder app, string text)
    {
        foreach (var line in text.Split(LineTerminators, StringSplitOptions.None))
            app.Append(line.Length == 0 ? "//" : "// " + line).Append('\n');
    }

    private static bool IsCSharp(string kernel) =>
        kernel is "csharp" or "C#" or "c#" or ".net-csharp" or "";

    /// <summary>Blanks the notebook-only directive lines (<c>#r</c>, <c>#!</c>, <c>#load</c>).</summary>
    private static string DropDirective(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("#r ", StringComparison.Ordinal) || trimmed.StartsWith("#!", StringComparison.Ordinal)
               || trimmed.StartsWith("#load ", StringComparison.Ordinal)
            ? string.Empty
            : line;
    }

    /// <summary>
    /// The cell's statements as program text: its usings are added to <paramref name="usings"/> and its type
    /// declarations to <paramref name="types"/> (both removed from the text), and a trailing expression is wrapped
    /// in <c>show(cellNumber, ...)</c> (the app's function that prints it and saves a chart as SVG).
    /// </summary>
    internal static string Rewrite(string source, int cellNumber, List<string> usings, StringBuilder types)
    {
        var tree = CSharpSyntaxTree.ParseText(source, ScriptOptions);
        var root = (CompilationUnitSyntax)tree.GetRoot();
        var edits = new List<(TextSpanLike Span, string Replacement)>();

        foreach (var directive in root.Usings)
        {
            usings.Add(directive.ToString().Trim());
            edits.Add((new(directive.FullSpan.Start, directive.FullSpan.End), ""));
        }

        foreach (var member in root.Members)
        {
            if (member is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax)
            {
                types.Append('\n').Append(member.ToFullString().Trim('\n')).Append('\n');
                edits.Add((new(member.FullSpan.Start, member.FullSpan.End), ""));
            }
        }

        if (root.Members.LastOrDefault() is GlobalStatementSyntax { Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } statement })
        {
            var expression = statement.Expression;
            edits.Add((new(expression.Span.Start, expression.Span.End), $"show({cellNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {expression});"));
        }

        var text = new StringBuilder(source);
        foreach (var (span, replacement) in edits.OrderByDescending(e => e.Span.Start))
        {
            text.Remove(span.Start, span.End - span.Start);
            text.Insert(span.Start, replacement);
        }

        return text.ToString().Trim('\n');
    }

    private readonly record struct TextSpanLike(int Start, int End);
}
