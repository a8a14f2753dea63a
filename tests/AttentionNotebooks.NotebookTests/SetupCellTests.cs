namespace AttentionNotebooks.NotebookTests;

/// <summary>The setup cell (notebooks/setup.csx) when the library is not built: a message with the command to run.</summary>
public sealed class SetupCellTests
{
    [Fact]
    public async Task Without_a_built_library_the_setup_cell_fails_with_the_command_that_builds_it()
    {
        // A copy of the repository's notebooks/ with no artifacts/lib/: what a fresh clone opened in VS Code sees.
        using var clone = TestRepository.TemporaryFolder();
        var marker = Path.Combine(clone.Path, RepositoryLayout.MarkerPath);
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        File.WriteAllText(marker, "<Project />");
        var notebooks = Path.Combine(clone.Path, "notebooks");
        Directory.CreateDirectory(notebooks);
        File.Copy(Path.Combine(TestRepository.Layout.NotebooksDirectory, "setup.csx"), Path.Combine(notebooks, "setup.csx"));
        File.Copy(TestRepository.CourseNotebook("00-why-attention.ipynb"), Path.Combine(notebooks, "00-why-attention.ipynb"));

        var run = await TestRepository.RunAsync(new RepositoryLayout(clone.Path), "run", "--no-build");

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Contains(run.Lines, l => l.StartsWith("FAILED 00-why-attention.ipynb cell 1: ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.Contains("The course library is not built yet", StringComparison.Ordinal)
                                        && l.Contains($"cd \"{clone.Path}\" && {LibraryBuilder.BuildCommand}", StringComparison.Ordinal));
    }

    [Fact]
    public void The_setup_cell_in_the_readme_loads_the_pinned_packages_and_initializes_the_notebook_support()
    {
        var cell = CourseNotebookTests.SetupCellFromReadme();

        Assert.Contains("#r \"nuget: MathNet.Numerics, 5.0.0\"", cell, StringComparison.Ordinal);
        Assert.Contains("#r \"nuget: XPlot.Plotly, 4.1.0\"", cell, StringComparison.Ordinal);
        Assert.Contains("#load \"setup.csx\"", cell, StringComparison.Ordinal);
        Assert.EndsWith("AttentionNotebooks.Interactive.NotebookSetup.Initialize();", cell, StringComparison.Ordinal);
    }
}
