using System.Text;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The notebooks as .NET file-based apps (notebooks/apps/, written by `export`): the committed apps are what a fresh
/// export writes, and each app prints the text outputs committed in its notebook (cells marked
/// "// check: skip-output" excepted), compared cell by cell. The apps are built and run while the notebooks are
/// checked (<see cref="CourseChecks"/>, <see cref="AppRuns"/>).
/// </summary>
[Collection(CourseChecks.Collection)]
public sealed class AppExportTests
{
    public static TheoryData<string> Apps()
    {
        var data = new TheoryData<string>();
        foreach (var (notebook, _, _) in AppExporter.ExportAll(TestRepository.Layout))
            data.Add(TestRepository.Layout.DisplayNameFor(notebook));
        return data;
    }

    [Fact]
    public void Every_committed_app_equals_a_fresh_export_of_its_notebook()
    {
        var exports = AppExporter.ExportAll(TestRepository.Layout);

        Assert.NotEmpty(exports);
        foreach (var (notebook, app, text) in exports)
        {
            Assert.True(File.Exists(app), $"{app} is missing: run `{AppExporter.Command}`");
            var committed = File.ReadAllText(app).Replace("\r\n", "\n", StringComparison.Ordinal);
            var diff = LineDiff.Compare(text.Split('\n'), committed.Split('\n'));
            Assert.True(diff.Count == 0,
                $"{app} is not the export of {notebook}: run `{AppExporter.Command}`\n{string.Join('\n', diff)}");
        }
    }

    [Fact]
    public void Every_app_in_notebooks_apps_has_its_notebook()
    {
        var exported = AppExporter.ExportAll(TestRepository.Layout).Select(e => Path.GetFullPath(e.App)).ToHashSet();
        var apps = Path.Combine(TestRepository.Layout.NotebooksDirectory, "apps");

        var orphans = Directory.GetFiles(apps, "*.cs", SearchOption.AllDirectories).Where(a => !exported.Contains(Path.GetFullPath(a)));

        Assert.Empty(orphans);
    }

    [Theory]
    [MemberData(nameof(Apps))]
    public async Task The_app_prints_the_text_outputs_committed_in_its_notebook(string notebookName)
    {
        var notebookPath = TestRepository.CourseNotebook(notebookName);
        var notebook = NotebookDocument.Load(notebookPath);
        var app = AppExporter.AppPath(TestRepository.Layout, notebookPath);

        var (_, exitCode, stdout, stderr) = await CourseChecks.AppAsync(notebookName);

        Assert.True(exitCode == 0, $"dotnet run {app} exited with {exitCode}:\n{stderr}\n{stdout}");
        var printed = SplitByCell(stdout);
        var failures = new StringBuilder();
        foreach (var cell in notebook.CodeCells.Where(c => !c.SkipsOutputCheck))
        {
            var expected = Lines(ExpectedText(cell));
            var actual = Lines(printed.GetValueOrDefault(cell.Number, ""));
            var diff = LineDiff.Compare(expected, actual);
            if (diff.Count > 0)
                failures.Append($"{notebookName}, cell {cell.Number} ({cell.FirstLine}):\n{string.Join('\n', diff)}\n");
            if (cell.Outputs.LastOrDefault(o => o.Kind == NotebookOutputKind.ExecuteResult)?.Data
                    .FirstOrDefault(d => d.Key == "image/svg+xml").Value is { } committedSvg)
            {
                var svgFile = Path.Combine(Path.GetDirectoryName(app)!, $"{Path.GetFileNameWithoutExtension(app)}.cell{cell.Number}.svg");
                if (!File.Exists(svgFile))
                    failures.Append($"{notebookName}, cell {cell.Number}: the app saved no chart as {svgFile}\n");
                else if (File.ReadAllText(svgFile) != committedSvg)
                    failures.Append($"{notebookName}, cell {cell.Number}: {svgFile} is not the SVG committed in the notebook\n");
            }
        }

        Assert.True(failures.Length == 0, $"The app {app} does not print what its notebook shows:\n{failures}");
        Assert.Equal(notebook.CodeCells.Count(), printed.Count);
    }

    [Fact]
    public async Task Without_the_markers_variable_an_app_prints_exactly_its_cells_text_and_no_marker()
    {
        const string notebookName = "01-simplified-self-attention.ipynb";
        var marked = await CourseChecks.AppAsync(notebookName);

        var (_, exitCode, stdout, stderr) = await AppRuns.RunWithoutMarkersAsync(TestRepository.CourseNotebook(notebookName));

        Assert.True(exitCode == 0, $"{marked.App} exited with {exitCode}:\n{stderr}\n{stdout}");
        var unmarked = string.Concat(marked.Stdout.Split('\n').Where(l => !l.StartsWith(AppExporter.MarkerPrefix, StringComparison.Ordinal)).Select(l => l + "\n"));
        Assert.Equal(unmarked.TrimEnd('\n'), stdout.TrimEnd('\n'));
        Assert.DoesNotContain(AppExporter.MarkerPrefix, stdout, StringComparison.Ordinal);
    }

    /// <summary>A cell's committed text outputs as the app prints them: streams as they are, each text/plain
    /// value on lines of its own.</summary>
    private static string ExpectedText(NotebookCell cell)
    {
        var text = new StringBuilder();
        foreach (var output in cell.Outputs)
        {
            if (output.ComparableText is not { } t)
                continue;
            text.Append(t.Replace("\r\n", "\n", StringComparison.Ordinal));
            if (output.Kind != NotebookOutputKind.Stream && !t.EndsWith('\n'))
                text.Append('\n');
        }

        return text.ToString();
    }

    private static string[] Lines(string text)
    {
        var body = text.EndsWith('\n') ? text[..^1] : text;
        return body.Length == 0 ? [] : body.Split('\n');
    }

    /// <summary>The app's output split at its cell markers: cell number → what it printed.</summary>
    private static Dictionary<int, string> SplitByCell(string stdout)
    {
        var cells = new Dictionary<int, string>();
        int? current = null;
        var text = new StringBuilder();
        foreach (var line in stdout.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (line.StartsWith(AppExporter.MarkerPrefix, StringComparison.Ordinal))
            {
                if (current is { } previous)
                    cells[previous] = text.ToString();
                current = int.Parse(line[AppExporter.MarkerPrefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
                text.Clear();
                continue;
            }

            if (current is not null)
                text.Append(line).Append('\n');
        }

        if (current is { } last)
            cells[last] = text.ToString().TrimEnd('\n') + "\n";
        return cells;
    }
}
