using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The runner tells the kernels it starts that they run under it (<see cref="KernelHost.RunnerVariable"/>), so the
/// course library's setup keeps charts static there (SVG and text: what committed notebooks store), while in VS Code
/// and Jupyter, which do not set it, charts are live (tested in AttentionNotebooks.Interactive.Tests).
/// </summary>
public sealed class RunnerDetectionTests
{
    [Fact]
    public async Task The_runner_sets_its_environment_variable_for_the_kernel_processes_it_starts()
    {
        // variable.ipynb in the shared passing run: its one cell prints the variable.
        var run = await SharedRuns.PassingAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        Assert.Equal(
            $"Console.WriteLine(Environment.GetEnvironmentVariable(\"{KernelHost.RunnerVariable}\"));",
            NotebookDocument.Load(Path.Combine(SharedRuns.PassingNotebooks, "variable.ipynb")).CodeCells.Single().Source);
        Assert.Equal("1\n", Outputs(Path.Combine(SharedRuns.PassingOutput, "variable.ipynb"), 0).Single()!["text"]!.AsArray().Single()!.GetValue<string>());
    }

    /// <summary>The chart cell of <see cref="Under_the_runner_the_setup_cell_keeps_a_chart_static_png_svg_and_text_without_html"/>,
    /// run after the cells of a copy of notebook 01 in <see cref="SharedRuns.FiguresAsync"/> (its output is not
    /// compared: there is no committed one).</summary>
    internal const string ChartCell = "// check: skip-output (no committed output)\nPlot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, \"Attention weights\")";

    [Fact]
    public async Task Under_the_runner_the_setup_cell_keeps_a_chart_static_png_svg_and_text_without_html()
    {
        // A notebook inside the repository (so that setup.csx finds artifacts/lib/), like a course notebook, that
        // starts with the setup cell and ends with ChartCell: the copy of notebook 01 with a stale PNG in the shared
        // figure check (check runs cells as run does; only this notebook's execution is read here).
        var (run, folder) = await SharedRuns.FiguresAsync();
        var report = SharedRuns.Report(run, FigurePngsTests.StalePngNotebook);
        var cells = report.Execution.Notebook.CodeCells.ToList();

        Assert.Equal(CourseNotebookTests.SetupCellFromReadme(), cells[0].Source);
        Assert.Equal(ChartCell, cells[^1].Source);
        Assert.True(report.Execution.Succeeded && report.Execution.Cells.Count == cells.Count, run.Text);
        var chart = Outputs(Path.Combine(folder, "out", FigurePngsTests.StalePngNotebook), cells[^1].Number - 1).Single()!;
        // The PNG is the runner's (drawn from the SVG when it writes the notebook); no HTML from the kernel.
        Assert.Equal(["image/png", "image/svg+xml", "text/plain"], chart["data"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private static JsonArray Outputs(string executed, int cell) =>
        JsonNode.Parse(File.ReadAllText(executed))!["cells"]![cell]!["outputs"]!.AsArray();
}
