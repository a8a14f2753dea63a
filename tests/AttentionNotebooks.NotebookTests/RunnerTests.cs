using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The runner on small fixture notebooks (Fixtures/): what it prints, its exit code, what it writes. Most tests read
/// their notebook's part of a run shared with other tests (<see cref="SharedRuns"/>): a kernel process costs seconds of
/// CPU to start, a fresh kernel in a process that ran a notebook to the end far less.
/// </summary>
public sealed class RunnerTests
{
    [Fact]
    public async Task A_passing_notebook_exits_zero_and_prints_a_line_per_code_cell_and_a_summary()
    {
        // Every notebook of the shared run passes; the summary's name column is as wide as the longest name.
        var run = await SharedRuns.PassingAsync();
        var nameWidth = run.Report.Notebooks.Max(n => n.DisplayName.Length);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        Assert.Equal(NotebookOutcome.Passed, SharedRuns.Report(run, "passing.ipynb").Outcome);
        Assert.Contains(run.Lines, l => l.StartsWith("ok  passing.ipynb  cell 2  ", StringComparison.Ordinal) && l.EndsWith("  Console.WriteLine(\"to stdout\");", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("ok  passing.ipynb  cell 3  ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("notebook".PadRight(nameWidth) + "  cells  seconds  result", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("passing.ipynb".PadRight(nameWidth) + "    3/3 ", StringComparison.Ordinal) && l.EndsWith("  ok", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_executed_notebook_stores_streams_displays_and_results_as_nbformat_outputs()
    {
        var run = await SharedRuns.PassingAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "passing.ipynb")))!["cells"]!.AsArray();
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
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "passing.ipynb")))!["metadata"]!;
        Assert.Equal(".net-csharp", (string?)metadata["kernelspec"]!["name"]);
        Assert.Equal("""{"codemirror_mode":"text/x-csharp","file_extension":".cs","mimetype":"text/x-csharp","name":"C#","pygments_lexer":"csharp"}""", metadata["language_info"]!.ToJsonString());
    }

    [Fact]
    public async Task Running_a_notebook_twice_writes_identical_files()
    {
        // Two runs, each the first notebook of a new kernel process: passing.ipynb in the shared passing run, and
        // passing-again.ipynb, a copy of it, in the shared failing run, right after a failed notebook.
        var one = await SharedRuns.PassingAsync();
        var two = await SharedRuns.FailingAsync();

        Assert.True(one.ExitCode == ExitCodes.Success, one.Text);
        Assert.True(SharedRuns.Report(two, "passing-again.ipynb").Outcome == NotebookOutcome.Passed, two.Text);
        Assert.Equal(File.ReadAllBytes(TestRepository.Fixture("passing.ipynb")), File.ReadAllBytes(Path.Combine(SharedRuns.FailingNotebooks, "passing-again.ipynb")));
        var a = File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "passing.ipynb"));
        var b = File.ReadAllText(Path.Combine(SharedRuns.FailingOutput, "passing-again.ipynb"));

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
        // The shared check also checks drifting.ipynb and compiler-warning.ipynb, which drift, and compile-error.ipynb,
        // which fails: passing.ipynb's own outcome is what passes.
        var run = await SharedRuns.CheckAsync();

        var passing = run.Report.Notebooks.Single(n => n.DisplayName == "passing.ipynb");
        Assert.True(passing.Outcome == NotebookOutcome.Passed, run.Text);
        Assert.Contains(run.Lines, l => l.StartsWith("passing.ipynb ", StringComparison.Ordinal) && l.EndsWith("  ok", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("ok  passing.ipynb  cell 4  ", StringComparison.Ordinal) && l.EndsWith("(output not compared)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_time_magic_command_shows_the_wall_time_as_in_VS_Code()
    {
        var run = await SharedRuns.PassingAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var timed = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "passing.ipynb")))!["cells"]![3]!["outputs"]!.AsArray();
        Assert.Equal("stream", (string?)timed[0]!["output_type"]);
        Assert.Matches("^Wall time: [0-9.]+ms$", (string?)timed[1]!["data"]!["text/plain"]![0]);
    }

    [Fact]
    public async Task A_throwing_cell_stops_the_notebook_and_names_the_cell()
    {
        // throwing.ipynb's part of the shared failing run.
        var run = await SharedRuns.FailingAsync();

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Failed, SharedRuns.Report(run, "throwing.ipynb").Outcome);
        Assert.Contains("FAILED throwing.ipynb cell 2: throw new InvalidOperationException(\"boom from cell 2\");", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("System.InvalidOperationException: boom from cell 2", StringComparison.Ordinal));
        Assert.DoesNotContain(SharedRuns.LinesOf(run, "throwing.ipynb"), l => l.Contains("cell 3", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("throwing.ipynb ", StringComparison.Ordinal) && l.EndsWith("FAILED in cell 2", StringComparison.Ordinal));

        // The executed copy is written anyway: the error as an output, the cell after it not run.
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.FailingOutput, "throwing.ipynb")))!["cells"]!.AsArray();
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
        // compile-error.ipynb's part of the shared check (it fails as in a run: check runs cells as run does).
        var run = await SharedRuns.CheckAsync();

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Failed, SharedRuns.Report(run, "compile-error.ipynb").Outcome);
        Assert.Contains("FAILED compile-error.ipynb cell 2: int number = \"not a number\";", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("error CS0029: Cannot implicitly convert type 'string' to 'int'", StringComparison.Ordinal));
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.CheckOutput, "compile-error.ipynb")))!["cells"]!.AsArray();
        var error = cells[1]!["outputs"]!.AsArray().Single()!;
        Assert.Equal("error", (string?)error["output_type"]);
        Assert.Contains("CS0029", (string?)error["evalue"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compiler_warning_is_stored_as_the_stderr_stream_Jupyter_shows_and_check_sees_it()
    {
        // compiler-warning.ipynb's parts of the shared passing run and the shared check.
        var run = await SharedRuns.PassingAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var cells = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "compiler-warning.ipynb")))!["cells"]!.AsArray();
        var outputs = cells[1]!["outputs"]!.AsArray();
        Assert.Equal(["stdout", "stderr"], outputs.Select(o => (string?)o!["name"]));
        Assert.Equal("ran\n", string.Concat(outputs[0]!["text"]!.AsArray().Select(t => (string?)t)));
        // What the .NET kernel sends Jupyter for a submission's diagnostics: a line break, each one, a blank line.
        Assert.Equal("\n(1,14): warning CS0162: Unreachable code detected\n\n", string.Concat(outputs[1]!["text"]!.AsArray().Select(t => (string?)t)));

        // The fixture's committed outputs lack the warning (as the runner stored them before): check reports the drift.
        var check = await SharedRuns.CheckAsync();

        Assert.Equal(ExitCodes.NotebookFailed, check.ExitCode);
        Assert.Equal(NotebookOutcome.Drifted, SharedRuns.Report(check, "compiler-warning.ipynb").Outcome);
        Assert.Contains(check.Lines, l => l.StartsWith("DRIFT compiler-warning.ipynb cell 2", StringComparison.Ordinal));
        Assert.Contains(check.Lines, l => l.Contains("warning CS0162", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Check_fails_on_drifted_output_and_shows_a_line_diff_naming_notebook_and_cell()
    {
        // The shared check runs passing.ipynb first, which passes: the failure is drifting.ipynb's (and
        // compiler-warning.ipynb's, checked in A_compiler_warning_is_stored_as_the_stderr_stream_Jupyter_shows_and_check_sees_it).
        var run = await SharedRuns.CheckAsync();

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
        // made small (60,000 bytes: 10,000 control characters of 6 bytes each) so the test stays cheap: big.ipynb and
        // after-big.ipynb in the shared passing run, which has that budget.
        var run = await SharedRuns.PassingAsync();

        Assert.Equal(60_000, SharedRuns.PassingMaxStoredBytesPerCell);
        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        var outputs = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "big.ipynb")))!["cells"]![0]!["outputs"]!.AsArray();
        Assert.Equal(new string('\u0001', 10_000), string.Concat(outputs[0]!["text"]!.AsArray().Select(t => (string?)t)));
        Assert.Equal("stderr", (string?)outputs[1]!["name"]);
        Assert.Equal(OutputCollector.CutNote(190_000, 60_000), string.Concat(outputs[1]!["text"]!.AsArray().Select(t => (string?)t)));
        Assert.InRange(new FileInfo(Path.Combine(SharedRuns.PassingOutput, "big.ipynb")).Length, 60_000, 61_000);
        Assert.Equal(["big.ipynb", "after-big.ipynb"], run.Report.Notebooks.Select(n => n.DisplayName).SkipWhile(n => n != "big.ipynb"));
        Assert.Equal("next", (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(SharedRuns.PassingOutput, "after-big.ipynb")))!["cells"]![0]!["outputs"]![0]!["text"]![0]);
    }

    [Fact]
    public async Task A_notebook_that_cannot_be_written_fails_alone_and_the_summary_and_the_next_notebook_follow()
    {
        // Whatever goes wrong while one executed notebook is written (here: no memory left for its text) fails that
        // notebook only, with a line that says so, and leaves no temporary file behind: unwritable.ipynb and
        // after-unwritable.ipynb, the first two notebooks of the shared failing run.
        var run = await SharedRuns.FailingAsync();
        var report = run.Report;
        var output = SharedRuns.FailingOutput;

        var text = run.Text;
        Assert.True(report.ExitCode == ExitCodes.NotebookFailed, text);
        Assert.Contains($"FAILED unwritable.ipynb: the executed notebook could not be written to {Path.Combine(output, "unwritable.ipynb")} (OutOfMemoryException: Out of memory.)", text, StringComparison.Ordinal);
        Assert.Equal(["unwritable.ipynb", "after-unwritable.ipynb"], report.Notebooks.Take(2).Select(n => n.DisplayName));
        Assert.Equal([NotebookOutcome.Failed, NotebookOutcome.Passed], report.Notebooks.Take(2).Select(n => n.Outcome));
        int passed = report.Notebooks.Count(n => n.Outcome == NotebookOutcome.Passed);
        Assert.Contains($"{passed} ok, {report.Notebooks.Count - passed} failed", text, StringComparison.Ordinal);

        // Every other notebook's executed copy, and nothing else (no temporary file).
        Assert.Equal(
            report.Notebooks.Select(n => n.DisplayName).Where(n => n != "unwritable.ipynb").Order(StringComparer.Ordinal),
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_does_not_compare_outputs()
    {
        // drifting.ipynb in the shared passing run, which exits zero.
        var run = await SharedRuns.PassingAsync();

        Assert.True(run.ExitCode == ExitCodes.Success, run.Text);
        Assert.Equal(NotebookOutcome.Passed, SharedRuns.Report(run, "drifting.ipynb").Outcome);
        Assert.DoesNotContain(SharedRuns.LinesOf(run, "drifting.ipynb"), l => l.StartsWith("DRIFT", StringComparison.Ordinal));
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

    [Fact]
    public async Task With_in_place_a_failed_notebook_keeps_its_committed_file_and_its_executed_copy_goes_to_artifacts()
    {
        // failed/throwing.ipynb in the shared in-place run (the default timeout, 300 s).
        var (run, layout) = await SharedRuns.InPlaceAsync();

        Assert.Equal(NotebookOutcome.Failed, SharedRuns.Report(run, "failed/throwing.ipynb").Outcome);
        AssertKeptCommittedFile(run, layout, "failed/throwing.ipynb", "FAILED in cell 2");
    }

    [Fact]
    public async Task With_in_place_a_timed_out_notebook_keeps_its_committed_file_and_its_executed_copy_goes_to_artifacts()
    {
        // A run of its own: its timeout (0.5 s) is too short for other notebooks' cells.
        using var clone = TestRepository.TemporaryFolder();
        var layout = TestRepository.FakeRepository(clone.Path);
        var notebook = Path.Combine(layout.NotebooksDirectory, "slow.ipynb");
        File.Copy(TestRepository.Fixture("slow.ipynb"), notebook);

        var run = await TestRepository.RunAsync(layout, "run", "--no-build", "--in-place", "--timeout", "0.5", notebook);

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        AssertKeptCommittedFile(run, layout, "slow.ipynb", "FAILED in cell 1 (timed out)");
    }

    // The notebook (a copy of the fixture of the same name, below notebooks/) failed: it is unchanged and alone in
    // its folder, its executed copy (ending with the error) is in artifacts/notebooks/, and the summary says so.
    private static void AssertKeptCommittedFile(Transcript run, RepositoryLayout layout, string name, string result)
    {
        var notebook = Path.Combine(layout.NotebooksDirectory, name);
        Assert.Equal(File.ReadAllBytes(TestRepository.Fixture(Path.GetFileName(name))), File.ReadAllBytes(notebook));
        Assert.Equal([notebook], Directory.GetFiles(Path.GetDirectoryName(notebook)!));
        var copy = Path.Combine(layout.ExecutedNotebooksDirectory, name);
        Assert.Equal("error", (string?)JsonNode.Parse(File.ReadAllText(copy))!["cells"]!.AsArray()
            .SelectMany(c => c!["outputs"]!.AsArray()).Last()!["output_type"]);
        Assert.Contains(run.Lines, l => l.StartsWith(name + " ", StringComparison.Ordinal) && l.EndsWith(result, StringComparison.Ordinal));
        Assert.Contains($"not written back: notebooks/{name} failed, so it is unchanged; its executed copy is artifacts/notebooks/{name}", run.Lines);
    }

    [Fact]
    public async Task With_in_place_a_passing_notebook_is_replaced_and_no_temporary_file_is_left()
    {
        // passing/drifting.ipynb in the shared in-place run.
        var (run, layout) = await SharedRuns.InPlaceAsync();
        var notebook = Path.Combine(layout.NotebooksDirectory, "passing", "drifting.ipynb");

        Assert.True(SharedRuns.Report(run, "passing/drifting.ipynb").Outcome == NotebookOutcome.Passed, run.Text);
        Assert.Contains("what the code prints now", File.ReadAllText(notebook), StringComparison.Ordinal);
        Assert.Equal([notebook], Directory.GetFiles(Path.GetDirectoryName(notebook)!, "*", SearchOption.AllDirectories));
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("not written back: notebooks/passing/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_in_place_a_notebook_edited_while_it_runs_is_not_overwritten_and_the_executed_one_goes_beside_it()
    {
        // edited/edited.ipynb in the shared in-place run: its cell appends a line break to it.
        var (run, layout) = await SharedRuns.InPlaceAsync();
        var notebook = Path.Combine(layout.NotebooksDirectory, "edited", "edited.ipynb");

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Failed, SharedRuns.Report(run, "edited/edited.ipynb").Outcome);
        Assert.Equal(SharedRuns.EditedNotebook + "\n", File.ReadAllText(notebook));
        var beside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(notebook)!, "edited.ipynb.executed-*.ipynb"));
        Assert.Contains("saved", File.ReadAllText(beside), StringComparison.Ordinal);
        Assert.Contains(run.Lines, l => l.StartsWith("FAILED edited/edited.ipynb: it changed on disk while it ran, so it was not overwritten; the executed notebook is ", StringComparison.Ordinal) && l.EndsWith(beside, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_in_place_a_symlinked_notebook_is_written_through_to_its_target_and_the_link_stays()
    {
        if (OperatingSystem.IsWindows())
            return;

        // link/link.ipynb, a link to link/real/real.ipynb, in the shared in-place run.
        var (run, layout) = await SharedRuns.InPlaceAsync();
        var folder = Path.Combine(layout.NotebooksDirectory, "link");
        var real = Path.Combine(folder, "real", "real.ipynb");
        var link = Path.Combine(folder, "link.ipynb");

        Assert.True(SharedRuns.Report(run, "link/link.ipynb").Outcome == NotebookOutcome.Passed, run.Text);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Contains("through the link", File.ReadAllText(real), StringComparison.Ordinal);
        Assert.Equal([link, real], Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
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
