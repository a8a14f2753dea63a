using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The course's notebooks as tests: one case per notebook under notebooks/ and notebooks/solutions/. All of them are
/// checked by one `check` run (each notebook in a fresh kernel, compared with its committed text outputs), as the
/// course command runs them, so the kernel host process is started once rather than once per notebook; each case
/// reports its own notebook. The executed copies go to artifacts/notebooks/, which CI uploads. The check runs while
/// the apps are built and run (<see cref="CourseChecks"/>).
/// </summary>
[Collection(CourseChecks.Collection)]
public sealed class CourseNotebookTests
{

    [Theory]
    [MemberData(nameof(TestRepository.CourseNotebooks), MemberType = typeof(TestRepository))]
    public async Task The_notebook_runs_and_its_text_outputs_match_the_committed_ones(string notebook)
    {
        var run = await CourseChecks.NotebooksAsync();

        var report = run.Report.Notebooks.SingleOrDefault(n => n.DisplayName == notebook);
        Assert.True(report is not null, $"check did not run {notebook}:\n{run.Text}");
        Assert.True(report.Outcome == NotebookOutcome.Passed, $"check {notebook}: {report.Outcome} (cells {string.Join(", ", report.DriftedCells)}):\n{run.Text}");
        Assert.True(File.Exists(report.ExecutedPath));
    }

    [Theory]
    [MemberData(nameof(TestRepository.CourseNotebooks), MemberType = typeof(TestRepository))]
    public void The_notebook_starts_with_the_setup_cell_from_the_runner_readme(string notebook)
    {
        var setupCell = SetupCellFromReadme();
        var first = NotebookDocument.Load(TestRepository.CourseNotebook(notebook)).Cells[0];

        Assert.Equal(NotebookCellKind.Code, first.Kind);
        Assert.Equal(setupCell, first.Source);
    }

    [Fact]
    public void The_course_notebooks_have_the_shape_VS_Code_writes()
    {
        foreach (var path in TestRepository.Layout.DefaultNotebooks())
        {
            var text = File.ReadAllText(path);
            var root = JsonNode.Parse(text)!.AsObject();
            Assert.Equal(".net-csharp", (string?)root["metadata"]?["kernelspec"]?["name"]);
            Assert.Equal("csharp", (string?)root["metadata"]?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"]);
            // C#, as the kernel reports it to Jupyter: classic Jupyter finds no CodeMirror mode for "polyglot-notebook".
            Assert.Equal(NotebookDocument.LanguageInfo().ToJsonString(), root["metadata"]?["language_info"]?.ToJsonString());

            // Sorted keys, the file's own indentation, a final newline: what VS Code writes, so saving there is no diff.
            var notebook = NotebookDocument.Load(path);
            Assert.True(notebook.ToJson() == text, $"{path} is not in the canonical form; refresh it with run --in-place");

            // setup.csx's stale-build warning is for interactive kernels only; it must not be committed.
            Assert.DoesNotContain("changed after artifacts/lib/ was built", text, StringComparison.Ordinal);
        }
    }

    /// <summary>The setup cell's text, as documented in tools/NotebookRunner/README.md between the markers.</summary>
    internal static string SetupCellFromReadme()
    {
        var readme = File.ReadAllText(Path.Combine(TestRepository.Layout.Root, "tools", "NotebookRunner", "README.md"));
        const string begin = "<!-- setup-cell:begin -->";
        const string end = "<!-- setup-cell:end -->";
        int start = readme.IndexOf(begin, StringComparison.Ordinal);
        int stop = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "tools/NotebookRunner/README.md must mark the setup cell with setup-cell:begin/end comments");
        var block = readme[(start + begin.Length)..stop].Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n');
        var lines = block.Split('\n');
        Assert.StartsWith("```", lines[0], StringComparison.Ordinal);
        Assert.Equal("```", lines[^1]);
        return string.Join('\n', lines[1..^1]);
    }
}
