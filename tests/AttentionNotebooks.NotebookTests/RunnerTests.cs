using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The runner on small fixture notebooks (Fixtures/): what it prints, its exit code, what it writes. The tests that
/// only read what a plain `run` of passing.ipynb, or a `check` of passing.ipynb and drifting.ipynb, printed and wrote
/// share one run of each (<see cref="SharedRuns"/>): a kernel process costs seconds of CPU to start, and those runs are
/// the same for all of them.
/// </summary>
public sealed class RunnerTests(SharedRuns shared) : IClassFixture<SharedRuns>
{
    [Fact]
    public async Task A_passing_notebook_exits_zero_and_prints_a_line_per_code_cell_and_a_summary()
    {
        var run = await shared.RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        Assert.Contains(run.Lines, l => l.StartsWith("ok  passing.ipynb  cell 2  ", StringComparison.Ordinal) && l.EndsWith("  Console.WriteLine(\"to stdout\");", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("ok  passing.ipynb  cell 3  ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("notebook ", StringComparison.Ordinal) && l.EndsWith("  cells  seconds  result", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("passing.ipynb    3/3 ", StringComparison.Ordinal) && l.EndsWith("  ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_executed_notebook_stores_streams_displays_and_results_as_nbformat_outputs()
    {
        var run = await shared.RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var cells = JsonNode.Parse(File.ReadAllText(shared.RunOutput.File("passing.ipynb")))!["cells"]!.AsArray();
        var streams = cells[1]!["outputs"]!.AsArray();
        Assert.Equal(["stdout", "stderr", "stdout"], streams.Select(o => (string?)o!["name"]));
        Assert.Equal(["to stdout\n"], streams[0]!["text"]!.AsArray().Select(t => (string?)t));

        var displays = cells[2]!["outputs"]!.AsArray();
        Assert.Equal(["display_data", "display_data", "execute_result"], displays.Select(o => (string?)o!["output_type"]));
        Assert.Equal("a displayed string", (string?)displays[0]!["data"]!["text/plain"]![0]);
        Assert.NotNull(displays[1]!["data"]!["text/html"]);
        Assert.Equal("the answer is 42", (string?)displays[2]!["data"]!["text/plain"]![0]);
        Assert.Equal(2, (int?)displays[2]!["execution_count"]);
        Assert.Equal([1, 2, 3], cells.Skip(1).Select(c => (int?)c!["execution_count"]));

        // Metadata and cell ids come through unchanged, but for language_info (the fixture's is VS Code's
        // "polyglot-notebook"): C#, as the .NET kernel reports it to Jupyter.
        Assert.Equal(["intro", "streams", "displays", "skipped"], cells.Select(c => (string?)c!["id"]));
        Assert.Equal("csharp", (string?)cells[1]!["metadata"]!["polyglot_notebook"]!["kernelName"]);
        var metadata = JsonNode.Parse(File.ReadAllText(shared.RunOutput.File("passing.ipynb")))!["metadata"]!;
        Assert.Equal(".net-csharp", (string?)metadata["kernelspec"]!["name"]);
        Assert.Equal("""{"codemirror_mode":"text/x-csharp","file_extension":".cs","mimetype":"text/x-csharp","name":"C#","pygments_lexer":"csharp"}""", metadata["language_info"]!.ToJsonString());
    }

    [Fact]
    public async Task Running_a_notebook_twice_writes_identical_files()
    {
        // The first run is the shared one; the second is a run of its own.
        using var second = TestRepository.TemporaryFolder();

        var one = await shared.RunAsync();
        var two = await TestRepository.RunAsync("run", "--no-build", "--output", second.Path, TestRepository.Fixture("passing.ipynb"));

        Assert.True(one.ExitCode == ExitCodes.Success && two.ExitCode == ExitCodes.Success, one.Text + two.Text);
        var a = File.ReadAllText(shared.RunOutput.File("passing.ipynb"));
        var b = File.ReadAllText(second.File("passing.ipynb"));

        // Only the skip-output cell prints something that changes (the time, #!time's wall time); random GUIDs in
        // HTML are normalized.
        static string WithoutTicks(string json) => System.Text.RegularExpressions.Regex.Replace(
            json, "\"\\d{15,}\\\\n\"|Wall time: [0-9.]+ms", "TIME");
        Assert.Equal(WithoutTicks(a), WithoutTicks(b));
        Assert.Contains("00000000-0000-4000-8000-000000000001", a, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_passes_when_text_outputs_match_and_ignores_cells_marked_skip_output()
    {
        // The shared check also checks drifting.ipynb, which drifts: passing.ipynb's own outcome is what passes.
        var run = await shared.CheckAsync();

        var passing = run.Report.Notebooks.Single(n => n.DisplayName == "passing.ipynb");
        Assert.True(passing.Outcome == NotebookOutcome.Passed, run.Text);
        Assert.Contains(run.Lines, l => l.StartsWith("passing.ipynb ", StringComparison.Ordinal) && l.EndsWith("  ok", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("ok  passing.ipynb  cell 4  ", StringComparison.Ordinal) && l.EndsWith("(output not compared)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_time_magic_command_shows_the_wall_time_as_in_VS_Code()
    {
        var run = await shared.RunAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var timed = JsonNode.Parse(File.ReadAllText(shared.RunOutput.File("passing.ipynb")))!["cells"]![3]!["outputs"]!.AsArray();
        Assert.Equal("stream", (string?)timed[0]!["output_type"]);
        Assert.Matches("^Wall time: [0-9.]+ms$", (string?)timed[1]!["data"]!["text/plain"]![0]);
    }

    [Fact]
    public async Task A_throwing_cell_stops_the_notebook_and_names_the_cell()
    {
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, TestRepository.Fixture("throwing.ipynb"));

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Contains("FAILED throwing.ipynb cell 2: throw new InvalidOperationException(\"boom from cell 2\");", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("System.InvalidOperationException: boom from cell 2", StringComparison.Ordinal));
        Assert.DoesNotContain(run.Lines, l => l.Contains("cell 3", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("throwing.ipynb ", StringComparison.Ordinal) && l.EndsWith("FAILED in cell 2", StringComparison.Ordinal));

        // The executed copy is written anyway: the error as an output, the cell after it not run.
        var cells = JsonNode.Parse(File.ReadAllText(output.File("throwing.ipynb")))!["cells"]!.AsArray();
        var error = cells[1]!["outputs"]!.AsArray().Single()!;
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Equal("System.InvalidOperationException", (string?)error["ename"]);
        Assert.Contains("boom from cell 2", (string?)error["evalue"], StringComparison.Ordinal);
        Assert.NotEmpty(error["traceback"]!.AsArray());
        Assert.Empty(cells[2]!["outputs"]!.AsArray());
        Assert.Null(cells[2]!["execution_count"]);
    }

    [Fact]
    public async Task A_cell_that_does_not_compile_reports_the_compiler_diagnostic()
    {
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, TestRepository.Fixture("compile-error.ipynb"));

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Contains("FAILED compile-error.ipynb cell 2: int number = \"not a number\";", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("error CS0029: Cannot implicitly convert type 'string' to 'int'", StringComparison.Ordinal));
        var cells = JsonNode.Parse(File.ReadAllText(output.File("compile-error.ipynb")))!["cells"]!.AsArray();
        var error = cells[1]!["outputs"]!.AsArray().Single()!;
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Contains("CS0029", (string?)error["evalue"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compiler_warning_is_stored_as_the_stderr_stream_Jupyter_shows_and_check_sees_it()
    {
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, TestRepository.Fixture("compiler-warning.ipynb"));

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var cells = JsonNode.Parse(File.ReadAllText(output.File("compiler-warning.ipynb")))!["cells"]!.AsArray();
        var outputs = cells[1]!["outputs"]!.AsArray();
        Assert.Equal(["stdout", "stderr"], outputs.Select(o => (string?)o!["name"]));
        Assert.Equal("ran\n", string.Concat(outputs[0]!["text"]!.AsArray().Select(t => (string?)t)));
        // What the .NET kernel sends Jupyter for a submission's diagnostics: a line break, each one, a blank line.
        Assert.Equal("\n(1,14): warning CS0162: Unreachable code detected\n\n", string.Concat(outputs[1]!["text"]!.AsArray().Select(t => (string?)t)));

        // The fixture's committed outputs lack the warning (as the runner stored them before): check reports the drift.
        var check = await TestRepository.RunAsync("check", "--no-build", "--output", output.Path, TestRepository.Fixture("compiler-warning.ipynb"));

        Assert.Equal(ExitCodes.NotebookFailed, check.ExitCode);
        Assert.Contains(check.Lines, l => l.StartsWith("DRIFT compiler-warning.ipynb cell 2", StringComparison.Ordinal));
        Assert.Contains(check.Lines, l => l.Contains("warning CS0162", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_fails_on_drifted_output_and_shows_a_line_diff_naming_notebook_and_cell()
    {
        // The shared check runs passing.ipynb first, which passes: the failure is drifting.ipynb's.
        var run = await shared.CheckAsync();

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Drifted, run.Report.Notebooks.Single(n => n.DisplayName == "drifting.ipynb").Outcome);
        Assert.Contains("DRIFT drifting.ipynb cell 1: Console.WriteLine(\"stable line\");", run.Lines);
        Assert.Contains("      stable line", run.Lines);
        Assert.Contains("    - what was committed", run.Lines);
        Assert.Contains("    + what the code prints now", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith("drifting.ipynb ", StringComparison.Ordinal) && l.EndsWith("DRIFT in cell 1", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.Contains("run --in-place", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cell_that_prints_more_than_a_cell_may_store_is_cut_with_a_note_and_the_next_notebook_still_runs()
    {
        // The issue's cell printed 185,000,000 control characters and took the runner down; here the cell's budget is
        // made small (60,000 bytes: 10,000 control characters of 6 bytes each) so the test stays cheap.
        using var folder = TestRepository.TemporaryFolder();
        using var output = TestRepository.TemporaryFolder();
        var big = folder.File("big.ipynb");
        var next = folder.File("next.ipynb");
        File.WriteAllText(big, TestRepository.OneCellNotebook("Console.Write(new string('\\u0001', 200_000));"));
        File.WriteAllText(next, TestRepository.OneCellNotebook("Console.Write(\"next\");"));
        using var writer = new StringWriter();

        var report = await new CourseRunner(writer, TestRepository.Layout) { MaxStoredBytesPerCell = 60_000 }
            .RunAsync(["run", "--no-build", "--output", output.Path, big, next]);

        Assert.True(report.ExitCode == ExitCodes.Success, writer.ToString());
        var outputs = JsonNode.Parse(File.ReadAllText(output.File("big.ipynb")))!["cells"]![0]!["outputs"]!.AsArray();
        Assert.Equal(new string('\u0001', 10_000), string.Concat(outputs[0]!["text"]!.AsArray().Select(t => (string?)t)));
        Assert.Equal("stderr", (string?)outputs[1]!["name"]);
        Assert.Equal(OutputCollector.CutNote(190_000, 60_000), string.Concat(outputs[1]!["text"]!.AsArray().Select(t => (string?)t)));
        Assert.InRange(new FileInfo(output.File("big.ipynb")).Length, 60_000, 61_000);
        Assert.Equal("next", (string?)JsonNode.Parse(File.ReadAllText(output.File("next.ipynb")))!["cells"]![0]!["outputs"]![0]!["text"]![0]);
    }

    [Fact]
    public async Task A_notebook_that_cannot_be_written_fails_alone_and_the_summary_and_the_next_notebook_follow()
    {
        // Whatever goes wrong while one executed notebook is written (here: no memory left for its text) fails that
        // notebook only, with a line that says so, and leaves no temporary file behind.
        using var folder = TestRepository.TemporaryFolder();
        using var output = TestRepository.TemporaryFolder();
        var first = folder.File("first.ipynb");
        var next = folder.File("next.ipynb");
        File.WriteAllText(first, TestRepository.OneCellNotebook("Console.Write(\"first\");"));
        File.WriteAllText(next, TestRepository.OneCellNotebook("Console.Write(\"next\");"));
        using var writer = new StringWriter();
        var runner = new CourseRunner(writer, TestRepository.Layout)
        {
            BeforeRename = temporary =>
            {
                if (Path.GetFileName(temporary).StartsWith(".first.ipynb.", StringComparison.Ordinal))
                    throw new OutOfMemoryException("Out of memory.");
            },
        };

        var report = await runner.RunAsync(["run", "--no-build", "--output", output.Path, first, next]);

        var text = writer.ToString();
        Assert.True(report.ExitCode == ExitCodes.NotebookFailed, text);
        Assert.Contains($"FAILED first.ipynb: the executed notebook could not be written to {output.File("first.ipynb")} (OutOfMemoryException: Out of memory.)", text, StringComparison.Ordinal);
        Assert.Equal([NotebookOutcome.Failed, NotebookOutcome.Passed], report.Notebooks.Select(n => n.Outcome));
        Assert.Contains("1 ok, 1 failed", text, StringComparison.Ordinal);
        Assert.Equal([output.File("next.ipynb")], Directory.GetFiles(output.Path));
    }

    [Fact]
    public async Task Run_does_not_compare_outputs()
    {
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", output.Path, TestRepository.Fixture("drifting.ipynb"));

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
    }

    [Theory]
    [InlineData("42", "has a number as its \"source\"")]
    [InlineData("{\"code\": \"x\"}", "has an object as its \"source\"")]
    [InlineData("null", "has null as its \"source\"")]
    [InlineData("[\"Console.WriteLine(1);\\n\", 7]", "has a number as item 2 of its \"source\" list")]
    public async Task A_cell_whose_source_is_not_text_is_bad_input_named_by_notebook_and_cell(string source, string problem)
    {
        // Before, such a cell ran as something else than it says (a number's digits, or nothing) and passed.
        using var folder = TestRepository.TemporaryFolder();
        var notebook = folder.File("odd.ipynb");
        var json = JsonNode.Parse(TestRepository.OneCellNotebook("Console.WriteLine(1);"))!;
        json["cells"]![0]!["source"] = JsonNode.Parse(source);
        File.WriteAllText(notebook, json.ToJsonString());

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", folder.Path, notebook);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal([$"error: {notebook}: cell 1 {problem}; a cell's \"source\" must be a string or a list of strings"], run.Lines);
    }

    [Theory]
    [InlineData("invalid-json.ipynb", "invalid-json.ipynb: not valid JSON")]
    [InlineData("not-a-notebook.txt", "not-a-notebook.txt: not a notebook (expected a .ipynb file)")]
    [InlineData("json-but-not-a-notebook.ipynb", "json-but-not-a-notebook.ipynb: not a Jupyter notebook (no \"cells\" list)")]
    [InlineData("fsharp-cell.ipynb", "fsharp-cell.ipynb: cell 2 is a 'fsharp' cell; the runner executes C# cells only")]
    [InlineData("missing.ipynb", "missing.ipynb: no such file")]
    public async Task Bad_input_gives_a_one_line_error_and_a_non_zero_exit_code(string fixture, string expected)
    {
        using var output = TestRepository.TemporaryFolder();

        var run = await TestRepository.RunAsync("check", "--no-build", "--output", output.Path, TestRepository.Fixture(fixture));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(output.Path));
    }

    [Theory]
    [InlineData("fifo", "x.ipynb: not a regular file (a FIFO); the runner reads regular files only")]
    [InlineData("link-to-dev-zero", "x.ipynb: not a regular file (a character device); the runner reads regular files only")]
    [InlineData("too-large", "x.ipynb: 104,857,601 bytes, above the runner's limit of 104,857,600 bytes (100 MiB) for a notebook file")]
    public async Task A_notebook_that_is_not_a_regular_file_or_too_large_is_refused_in_one_line_without_reading_it(string kind, string expected)
    {
        if (OperatingSystem.IsWindows())
            return;
        using var folder = TestRepository.TemporaryFolder();
        using var output = TestRepository.TemporaryFolder();
        var notebook = folder.File("x.ipynb");
        switch (kind)
        {
            case "fifo":
                using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [notebook]))
                    await mkfifo.WaitForExitAsync();
                break;
            case "link-to-dev-zero":
                File.CreateSymbolicLink(notebook, "/dev/zero");
                break;
            default:
                using (var sparse = File.Create(notebook))
                    sparse.SetLength(NotebookFileReader.MaxBytes + 1);
                break;
        }

        // Before: the FIFO hung the runner and /dev/zero grew its memory until it was killed.
        var run = await TestRepository.RunAsync("check", "--no-build", "--output", output.Path, notebook).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.EndsWith(expected, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explode")]
    [InlineData("run --timeout soon")]
    [InlineData("check --in-place")]
    [InlineData("run --frobnicate")]
    public async Task A_bad_command_line_gives_a_one_line_error(string commandLine)
    {
        var run = await TestRepository.RunAsync(commandLine.Split(' '));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("throwing.ipynb", "300", "FAILED in cell 2")]
    [InlineData("slow.ipynb", "0.5", "FAILED in cell 1 (timed out)")]
    public async Task With_in_place_a_failed_notebook_keeps_its_committed_file_and_its_executed_copy_goes_to_artifacts(
        string fixture, string timeout, string result)
    {
        using var clone = TestRepository.TemporaryFolder();
        var layout = TestRepository.FakeRepository(clone.Path);
        var notebook = Path.Combine(layout.NotebooksDirectory, fixture);
        File.Copy(TestRepository.Fixture(fixture), notebook);
        var committed = File.ReadAllBytes(notebook);

        var run = await TestRepository.RunAsync(layout, "run", "--no-build", "--in-place", "--timeout", timeout, notebook);

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(committed, File.ReadAllBytes(notebook));
        Assert.Equal([notebook], Directory.GetFiles(layout.NotebooksDirectory));
        var copy = Path.Combine(layout.ExecutedNotebooksDirectory, fixture);
        Assert.Equal("error", (string?)JsonNode.Parse(File.ReadAllText(copy))!["cells"]!.AsArray()
            .SelectMany(c => c!["outputs"]!.AsArray()).Last()!["output_type"]);
        Assert.Contains(run.Lines, l => l.StartsWith(fixture + " ", StringComparison.Ordinal) && l.EndsWith(result, StringComparison.Ordinal));
        Assert.Contains($"not written back: notebooks/{fixture} failed, so it is unchanged; its executed copy is artifacts/notebooks/{fixture}", run.Lines);
    }

    [Fact]
    public async Task With_in_place_a_passing_notebook_is_replaced_and_no_temporary_file_is_left()
    {
        using var clone = TestRepository.TemporaryFolder();
        var layout = TestRepository.FakeRepository(clone.Path);
        var notebook = Path.Combine(layout.NotebooksDirectory, "drifting.ipynb");
        File.Copy(TestRepository.Fixture("drifting.ipynb"), notebook);

        var run = await TestRepository.RunAsync(layout, "run", "--no-build", "--in-place", notebook);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        Assert.Contains("what the code prints now", File.ReadAllText(notebook), StringComparison.Ordinal);
        Assert.Equal([notebook], Directory.GetFiles(layout.NotebooksDirectory, "*", SearchOption.AllDirectories));
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("not written back", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_in_place_a_notebook_edited_while_it_runs_is_not_overwritten_and_the_executed_one_goes_beside_it()
    {
        using var clone = TestRepository.TemporaryFolder();
        var layout = TestRepository.FakeRepository(clone.Path);
        var notebook = Path.Combine(layout.NotebooksDirectory, "edited.ipynb");
        File.WriteAllText(notebook, TestRepository.OneCellNotebook("System.IO.File.AppendAllText(\"edited.ipynb\", \"\\n\");\nConsole.WriteLine(\"saved\");"));
        var edited = File.ReadAllText(notebook) + "\n";

        var run = await TestRepository.RunAsync(layout, "run", "--no-build", "--in-place", notebook);

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(edited, File.ReadAllText(notebook));
        var beside = Assert.Single(Directory.GetFiles(layout.NotebooksDirectory, "edited.ipynb.executed-*.ipynb"));
        Assert.Contains("saved", File.ReadAllText(beside), StringComparison.Ordinal);
        Assert.Contains(run.Lines, l => l.StartsWith("FAILED edited.ipynb: it changed on disk while it ran, so it was not overwritten; the executed notebook is ", StringComparison.Ordinal) && l.EndsWith(beside, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_in_place_a_symlinked_notebook_is_written_through_to_its_target_and_the_link_stays()
    {
        if (OperatingSystem.IsWindows())
            return;
        using var clone = TestRepository.TemporaryFolder();
        var layout = TestRepository.FakeRepository(clone.Path);
        var real = Path.Combine(layout.NotebooksDirectory, "real", "real.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        File.WriteAllText(real, TestRepository.OneCellNotebook("Console.WriteLine(\"through the link\");"));
        var link = Path.Combine(layout.NotebooksDirectory, "link.ipynb");
        File.CreateSymbolicLink(link, Path.Combine("real", "real.ipynb"));

        var run = await TestRepository.RunAsync(layout, "run", "--no-build", "--in-place", link);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Contains("through the link", File.ReadAllText(real), StringComparison.Ordinal);
        Assert.Equal([link, real], Directory.GetFiles(layout.NotebooksDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_written_is_an_error_before_anything_runs()
    {
        using var output = TestRepository.TemporaryFolder();

        // A file where the output folder would be: it cannot be created, whoever runs the tests (root included).
        var blocked = output.File("a-file");
        File.WriteAllText(blocked, "not a folder");
        var folder = Path.Combine(blocked, "executed");

        var run = await TestRepository.RunAsync("run", "--no-build", "--output", folder, TestRepository.Fixture("passing.ipynb"), TestRepository.Fixture("throwing.ipynb"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith($"error: executed notebooks cannot be written to {folder} (", line, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was run", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_in_place_the_artifacts_folder_for_failed_notebooks_is_checked_before_anything_runs()
    {
        using var clone = TestRepository.TemporaryFolder();
        var layout = TestRepository.FakeRepository(clone.Path);
        var notebook = Path.Combine(layout.NotebooksDirectory, "passing.ipynb");
        File.Copy(TestRepository.Fixture("passing.ipynb"), notebook);
        Directory.CreateDirectory(Path.GetDirectoryName(layout.ExecutedNotebooksDirectory)!);
        File.WriteAllText(layout.ExecutedNotebooksDirectory, "a file where artifacts/notebooks/ should be");
        var committed = File.ReadAllBytes(notebook);

        var run = await TestRepository.RunAsync(layout, "run", "--no-build", "--in-place", notebook);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var line = Assert.Single(run.Lines);
        Assert.StartsWith($"error: executed notebooks cannot be written to {layout.ExecutedNotebooksDirectory} (", line, StringComparison.Ordinal);
        Assert.Equal(committed, File.ReadAllBytes(notebook));
    }
}
