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

    [Fact]
    public async Task Under_the_runner_the_setup_cell_keeps_a_chart_static_png_svg_and_text_without_html()
    {
        await TestRepository.EnsureLibraryBuiltAsync();

        // Inside the repository (so that setup.csx finds artifacts/lib/), like a course notebook.
        using var folder = TestRepository.NotebookFolderInRepository();
        var notebook = folder.File("chart.ipynb");
        File.WriteAllText(notebook, Notebook(
            CourseNotebookTests.SetupCellFromReadme(),
            "Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, \"Attention weights\")"));

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", folder.File("out"), notebook);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var chart = Outputs(folder.File("out/chart.ipynb"), 1).Single()!;
        // The PNG is the runner's (drawn from the SVG when it writes the notebook); no HTML from the kernel.
        Assert.Equal(["image/png", "image/svg+xml", "text/plain"], chart["data"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private static JsonArray Outputs(string executed, int cell) =>
        JsonNode.Parse(File.ReadAllText(executed))!["cells"]![cell]!["outputs"]!.AsArray();

    /// <summary>A C# notebook (the shape VS Code writes) with one code cell per source.</summary>
    private static string Notebook(params string[] sources) => new JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new JsonObject
        {
            ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
            ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        },
        ["cells"] = new JsonArray(sources.Select((source, i) => (JsonNode)new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["id"] = $"cell{i + 1}",
            ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        }).ToArray()),
    }.ToJsonString();
}
