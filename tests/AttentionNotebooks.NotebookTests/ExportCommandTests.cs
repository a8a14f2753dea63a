namespace AttentionNotebooks.NotebookTests;

/// <summary><c>export</c> is a runner command like run, check and build: parsed, dispatched and reported by
/// <see cref="CourseRunner"/>, with its own usage rule (no arguments).</summary>
public sealed class ExportCommandTests
{
    [Fact]
    public void Export_is_parsed_as_a_command_that_builds_nothing()
    {
        var options = RunnerOptions.Parse(["export"]);

        Assert.Equal(RunnerCommand.Export, options.Command);
        Assert.False(options.BuildLibrary);
    }

    [Fact]
    public async Task Export_writes_each_changed_app_names_it_and_counts_them()
    {
        using var clone = TestRepository.TemporaryFolder();
        var layout = TestRepository.FakeRepository(clone.Path);
        File.Copy(TestRepository.Fixture("drifting.ipynb"), Path.Combine(layout.NotebooksDirectory, "drifting.ipynb"));

        var first = await TestRepository.RunAsync(layout, "export");
        var second = await TestRepository.RunAsync(layout, "export");

        Assert.True(first.ExitCode == ExitCodes.Success, first.Text);
        Assert.Equal(["wrote notebooks/apps/drifting.cs", "export: 1 app(s) written, the others were current"], first.Lines);
        Assert.Contains("cell(1);\nConsole.WriteLine(\"stable line\");", File.ReadAllText(Path.Combine(layout.NotebooksDirectory, "apps", "drifting.cs")), StringComparison.Ordinal);
        Assert.True(second.ExitCode == ExitCodes.Success, second.Text);
        Assert.Equal(["export: 0 app(s) written, the others were current"], second.Lines);
    }

    [Theory]
    [InlineData("export notebooks/01.ipynb", "error: export takes no arguments (got notebooks/01.ipynb)")]
    [InlineData("export --help", "error: export takes no arguments (got --help)")]
    [InlineData("export --no-build --timeout 3", "error: export takes no arguments (got --no-build --timeout 3)")]
    public async Task Export_with_arguments_is_a_one_line_usage_error(string commandLine, string expected)
    {
        var run = await TestRepository.RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_outside_the_repository_is_a_one_line_error()
    {
        using var writer = new StringWriter();

        var report = await new CourseRunner(writer, layout: null).RunAsync(["export"]);

        Assert.Equal(ExitCodes.BadInput, report.ExitCode);
        var line = Assert.Single(writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: not inside the course repository", line, StringComparison.Ordinal);
    }
}
