using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// Runner runs that tests of several classes read and none changes, each started by the first test that needs it and
/// run once per test run. A kernel process costs about 6 s of CPU to start; a fresh kernel in a process whose notebook
/// ran to the end costs a fraction of that. So the tests that only read what a small notebook printed, wrote or made
/// the runner say share one runner invocation over all their notebooks, and each reads its own notebook's lines,
/// outcome and executed copy. A notebook that fails makes the next one start a new process, as it would alone.
/// <list type="bullet">
/// <item><see cref="PassingAsync"/>: a <c>run</c> in which every notebook passes, in one kernel process.</item>
/// <item><see cref="FailingAsync"/>: a <c>run</c> of notebooks that fail, each failure followed by the notebook that
/// needs a new process.</item>
/// <item><see cref="CheckAsync"/>: a <c>check</c> of passing.ipynb, drifting.ipynb, compiler-warning.ipynb and
/// compile-error.ipynb.</item>
/// <item><see cref="InPlaceAsync"/>: a <c>run --in-place</c> in a repository of its own.</item>
/// <item><see cref="FiguresAsync"/>: a <c>check</c> of two copies of notebook 01 inside the repository, one with an
/// SVG edited, one with a stale PNG and a chart cell after its cells.</item>
/// </list>
/// Each notebook has a name of its own in its run (executed copies are named after their notebooks). The folders are
/// deleted when the test process ends.
/// </summary>
internal static class SharedRuns
{
    /// <summary>What a cell may store in <see cref="PassingAsync"/>: 60,000 bytes, so that big.ipynb's 200,000
    /// control characters (6 bytes each when stored) are cut cheaply; every other notebook there stores far less.</summary>
    public const long PassingMaxStoredBytesPerCell = 60_000;

    private static readonly Lazy<Task<Transcript>> Passing = new(() => Task.Run(RunPassingAsync));
    private static readonly Lazy<Task<Transcript>> Failing = new(() => Task.Run(RunFailingAsync));
    private static readonly Lazy<Task<Transcript>> Check = new(() => Task.Run(RunCheckAsync));
    private static readonly Lazy<Task<(Transcript Run, RepositoryLayout Layout)>> InPlace = new(() => Task.Run(RunInPlaceAsync));
    private static readonly Lazy<Task<(Transcript Run, string Folder)>> Figures = new(() => Task.Run(RunFiguresAsync));
    private static readonly Lazy<TemporaryFolder> FiguresFolder = new(TestRepository.NotebookFolderInRepository);

    static SharedRuns() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        Root.Dispose();
        if (FiguresFolder.IsValueCreated)
            FiguresFolder.Value.Dispose();
    };

    private static TemporaryFolder Root { get; } = TestRepository.TemporaryFolder();

    /// <summary>Where the notebooks of <see cref="PassingAsync"/> that are written for it are.</summary>
    public static string PassingNotebooks => Path.Combine(Root.Path, "passing-notebooks");

    /// <summary>Where <see cref="PassingAsync"/> writes the executed notebooks.</summary>
    public static string PassingOutput => Path.Combine(Root.Path, "passing-output");

    /// <summary>Where the notebooks of <see cref="FailingAsync"/> that are written for it are (KernelReuseTests'
    /// in a/ and b/ below it).</summary>
    public static string FailingNotebooks => Path.Combine(Root.Path, "failing-notebooks");

    /// <summary>Where <see cref="FailingAsync"/> writes the executed notebooks.</summary>
    public static string FailingOutput => Path.Combine(Root.Path, "failing-output");

    /// <summary>Where <see cref="CheckAsync"/> writes the executed notebooks.</summary>
    public static string CheckOutput => Path.Combine(Root.Path, "check-output");

    /// <summary>The text of edited/edited.ipynb in <see cref="InPlaceAsync"/> before it runs (its cell appends a line
    /// break to it).</summary>
    public static readonly string EditedNotebook =
        TestRepository.OneCellNotebook("System.IO.File.AppendAllText(\"edited.ipynb\", \"\\n\");\nConsole.WriteLine(\"saved\");");

    /// <summary>The name of the notebook in <see cref="FailingAsync"/> whose executed copy cannot be written.</summary>
    public const string Unwritable = "unwritable.ipynb";

    /// <summary>
    /// <c>run --no-build --output <see cref="PassingOutput"/></c>, each cell storing at most
    /// <see cref="PassingMaxStoredBytesPerCell"/>, of: passing.ipynb (first, in a new kernel process),
    /// drifting.ipynb, compiler-warning.ipynb, variable.ipynb (prints the runner's environment variable),
    /// starts-a-process.ipynb (its cell starts a process that would outlive it), big.ipynb (a cell that prints more
    /// than it may store) and after-big.ipynb. Every one passes: the run exits zero.
    /// </summary>
    public static Task<Transcript> PassingAsync() => Passing.Value;

    /// <summary>
    /// <c>run --no-build --output <see cref="FailingOutput"/></c> of, in this order (a bar where a failure makes the next
    /// notebook start a new kernel process): unwritable.ipynb (its executed copy cannot be written: "no memory"),
    /// after-unwritable.ipynb, a/first.ipynb, b/second.ipynb (fails: uses first's variable) | passing-again.ipynb (a
    /// copy of passing.ipynb, first in its process as in a run of its own), a/failing.ipynb (throws) | a/next.ipynb,
    /// throwing.ipynb.
    /// </summary>
    public static Task<Transcript> FailingAsync() => Failing.Value;

    /// <summary><c>check --no-build --output <see cref="CheckOutput"/></c> of passing.ipynb (first, in a new kernel
    /// process as it would be alone), drifting.ipynb, compiler-warning.ipynb (both drift) and compile-error.ipynb
    /// (fails, last); each notebook's outcome and lines are its own.</summary>
    public static Task<Transcript> CheckAsync() => Check.Value;

    /// <summary>
    /// <c>run --no-build --in-place</c> in a repository of its own (<see cref="TestRepository.FakeRepository"/>), each
    /// notebook in a folder of its own below notebooks/: passing/drifting.ipynb (passes), edited/edited.ipynb (its cell
    /// appends a line to it), link/link.ipynb (a symbolic link to link/real/real.ipynb) and failed/throwing.ipynb.
    /// </summary>
    public static Task<(Transcript Run, RepositoryLayout Layout)> InPlaceAsync() => InPlace.Value;

    /// <summary>
    /// <c>check --no-build --output Folder/out</c>, in a folder inside the repository (Folder, with a copy of
    /// notebooks/setup.csx, so that the setup cell loads the course library as a course notebook's does), of two
    /// copies of notebook 01: <see cref="FigureDigestsTests.EditedSvgNotebook"/> (the first figure's SVG edited) and
    /// <see cref="FigurePngsTests.StalePngNotebook"/> (the first PNG's recorded digest changed, and
    /// <see cref="RunnerDetectionTests.ChartCell"/> after its cells). Both drift, each in its one changed cell; the
    /// second runs in the kernel process of the first, in a fresh kernel.
    /// </summary>
    public static Task<(Transcript Run, string Folder)> FiguresAsync() => Figures.Value;

    /// <summary>The lines of <paramref name="run"/> that name <paramref name="notebook"/> (its display name).</summary>
    public static string[] LinesOf(Transcript run, string notebook) =>
        run.Lines.Where(l => l.Contains(notebook, StringComparison.Ordinal)).ToArray();

    /// <summary>The report of <paramref name="notebook"/> (its display name) in <paramref name="run"/>.</summary>
    public static NotebookReport Report(Transcript run, string notebook) =>
        run.Report.Notebooks.SingleOrDefault(n => n.DisplayName == notebook)
        ?? throw new InvalidOperationException($"{notebook} is not in the run:\n{run.Text}");

    /// <summary>A notebook of C# code cells (the shape VS Code writes, from passing.ipynb), in folder/name below root.</summary>
    public static string WriteNotebook(string root, string folder, string name, params string[] cells)
    {
        var template = JsonNode.Parse(File.ReadAllText(TestRepository.Fixture("passing.ipynb")))!.AsObject();
        var codeCell = template["cells"]!.AsArray().First(c => (string?)c!["cell_type"] == "code")!;
        var list = new JsonArray();
        for (int i = 0; i < cells.Length; i++)
        {
            var cell = codeCell.DeepClone().AsObject();
            cell["id"] = $"c{i + 1}";
            cell["execution_count"] = null;
            cell["outputs"] = new JsonArray();
            cell["source"] = new JsonArray(cells[i]);
            list.Add(cell);
        }

        template["cells"] = list;
        var directory = Path.Combine(root, folder);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, template.ToJsonString());
        return path;
    }

    private static async Task<Transcript> RunPassingAsync()
    {
        var folder = PassingNotebooks;
        Directory.CreateDirectory(folder);
        var variable = Path.Combine(folder, "variable.ipynb");
        File.WriteAllText(variable, TestRepository.OneCellNotebook($"Console.WriteLine(Environment.GetEnvironmentVariable(\"{KernelHost.RunnerVariable}\"));"));
        var process = Path.Combine(folder, "starts-a-process.ipynb");
        File.WriteAllText(process, TestRepository.OneCellNotebook(ProcessGroupTests.StartsAProcess));
        var big = Path.Combine(folder, "big.ipynb");
        File.WriteAllText(big, TestRepository.OneCellNotebook("Console.Write(new string('\\u0001', 200_000));"));
        var afterBig = Path.Combine(folder, "after-big.ipynb");
        File.WriteAllText(afterBig, TestRepository.OneCellNotebook("Console.Write(\"next\");"));

        return await TestRepository.RunAsync(
            writer => new CourseRunner(writer, TestRepository.Layout) { MaxStoredBytesPerCell = PassingMaxStoredBytesPerCell },
            "run", "--no-build", "--output", PassingOutput,
            TestRepository.Fixture("passing.ipynb"), TestRepository.Fixture("drifting.ipynb"), TestRepository.Fixture("compiler-warning.ipynb"),
            variable, process, big, afterBig);
    }

    private static async Task<Transcript> RunFailingAsync()
    {
        var root = FailingNotebooks;
        var unwritable = Path.Combine(root, Unwritable);
        var afterUnwritable = Path.Combine(root, "after-unwritable.ipynb");
        Directory.CreateDirectory(root);
        File.WriteAllText(unwritable, TestRepository.OneCellNotebook("Console.Write(\"first\");"));
        File.WriteAllText(afterUnwritable, TestRepository.OneCellNotebook("Console.Write(\"next\");"));
        var first = WriteNotebook(root, "a", "first.ipynb", "var leaked = 42;\nConsole.WriteLine($\"pid {Environment.ProcessId}\");");
        var second = WriteNotebook(root, "b", "second.ipynb",
            "Console.WriteLine($\"pid {Environment.ProcessId}\");\nConsole.WriteLine($\"folder {Environment.CurrentDirectory}\");",
            "leaked");
        var again = Path.Combine(root, "passing-again.ipynb");
        File.Copy(TestRepository.Fixture("passing.ipynb"), again);
        var failing = WriteNotebook(root, "a", "failing.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");", "throw new Exception(\"boom\");");
        var next = WriteNotebook(root, "a", "next.ipynb", "Console.WriteLine($\"pid {Environment.ProcessId}\");");

        // Whatever goes wrong while one executed notebook is written (here: no memory left for its text).
        return await TestRepository.RunAsync(
            writer => new CourseRunner(writer, TestRepository.Layout)
            {
                BeforeRename = temporary =>
                {
                    if (Path.GetFileName(temporary).StartsWith($".{Unwritable}.", StringComparison.Ordinal))
                        throw new OutOfMemoryException("Out of memory.");
                },
            },
            "run", "--no-build", "--output", FailingOutput,
            unwritable, afterUnwritable, first, second, again, failing, next, TestRepository.Fixture("throwing.ipynb"));
    }

    private static Task<Transcript> RunCheckAsync() => TestRepository.RunAsync(
        "check", "--no-build", "--output", CheckOutput,
        TestRepository.Fixture("passing.ipynb"), TestRepository.Fixture("drifting.ipynb"), TestRepository.Fixture("compiler-warning.ipynb"),
        TestRepository.Fixture("compile-error.ipynb"));

    private static async Task<(Transcript, string)> RunFiguresAsync()
    {
        await TestRepository.EnsureLibraryBuiltAsync();
        var folder = FiguresFolder.Value;
        var svg = folder.File(FigureDigestsTests.EditedSvgNotebook);
        FigureDigestsTests.WriteNotebookWithAnEditedSvg(svg);
        var png = folder.File(FigurePngsTests.StalePngNotebook);
        FigurePngsTests.WriteNotebookWithAStalePng(png, RunnerDetectionTests.ChartCell);
        var run = await TestRepository.RunAsync("check", "--no-build", "--output", folder.File("out"), svg, png);
        return (run, folder.Path);
    }

    private static async Task<(Transcript, RepositoryLayout)> RunInPlaceAsync()
    {
        var layout = TestRepository.FakeRepository(Path.Combine(Root.Path, "in-place"));
        var notebooks = layout.NotebooksDirectory;

        var passing = Path.Combine(notebooks, "passing", "drifting.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(passing)!);
        File.Copy(TestRepository.Fixture("drifting.ipynb"), passing);

        var edited = Path.Combine(notebooks, "edited", "edited.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(edited)!);
        File.WriteAllText(edited, EditedNotebook);

        var real = Path.Combine(notebooks, "link", "real", "real.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        File.WriteAllText(real, TestRepository.OneCellNotebook("Console.WriteLine(\"through the link\");"));
        var link = Path.Combine(notebooks, "link", "link.ipynb");
        if (!OperatingSystem.IsWindows())
            File.CreateSymbolicLink(link, Path.Combine("real", "real.ipynb"));
        else
            File.Copy(real, link);

        var throwing = Path.Combine(notebooks, "failed", "throwing.ipynb");
        Directory.CreateDirectory(Path.GetDirectoryName(throwing)!);
        File.Copy(TestRepository.Fixture("throwing.ipynb"), throwing);

        var run = await TestRepository.RunAsync(layout, "run", "--no-build", "--in-place", passing, edited, link, throwing);
        return (run, layout);
    }
}
