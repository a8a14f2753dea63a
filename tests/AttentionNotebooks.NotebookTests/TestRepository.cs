namespace AttentionNotebooks.NotebookTests;

/// <summary>The course repository these tests run in, its fixtures, and a way to run the runner's commands.</summary>
internal static class TestRepository
{
    public static RepositoryLayout Layout { get; } =
        RepositoryLayout.TryFind(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"The tests must run inside the course repository ({AppContext.BaseDirectory}).");

    private static readonly Lazy<Task<LibraryBuildResult>> LibraryBuild = new(() => LibraryBuilder.BuildAsync(Layout));

    /// <summary>The course notebooks, as paths below notebooks/ (e.g. solutions/03-causal-attention.ipynb).</summary>
    public static TheoryData<string> CourseNotebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Layout.DefaultNotebooks())
            data.Add(Layout.DisplayNameFor(path));
        return data;
    }

    public static string CourseNotebook(string name) => Path.Combine(Layout.NotebooksDirectory, name);

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>Builds the course library into artifacts/lib/ once per test run (what the setup cell loads).</summary>
    public static async Task EnsureLibraryBuiltAsync()
    {
        var result = await LibraryBuild.Value;
        Assert.True(result.Succeeded, $"Building the course library failed:\n{result.Output}");
    }

    /// <summary>Runs a runner command line, capturing what it prints.</summary>
    public static async Task<Transcript> RunAsync(params string[] args) => await RunAsync(Layout, args);

    public static Task<Transcript> RunAsync(RepositoryLayout layout, params string[] args) =>
        RunAsync(writer => new CourseRunner(writer, layout), args);

    /// <summary>Runs a runner command line with a runner made by <paramref name="runner"/> (given the writer that
    /// captures what it prints), for tests that set its test-only properties.</summary>
    public static async Task<Transcript> RunAsync(Func<TextWriter, CourseRunner> runner, params string[] args)
    {
        // A run that does not build the library uses the one built for this test run (whichever test comes first).
        if (args.Contains("--no-build"))
            await EnsureLibraryBuiltAsync();
        using var writer = new StringWriter();
        var report = await runner(writer).RunAsync(args);
        return new Transcript(report, writer.ToString());
    }

    /// <summary>Makes <paramref name="root"/> look like the course repository (the marker file and an empty
    /// notebooks/), for tests that write into notebooks/ or artifacts/.</summary>
    public static RepositoryLayout FakeRepository(string root)
    {
        var marker = Path.Combine(root, RepositoryLayout.MarkerPath);
        Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        File.WriteAllText(marker, "<Project />");
        var layout = new RepositoryLayout(root);
        Directory.CreateDirectory(layout.NotebooksDirectory);
        return layout;
    }

    /// <summary>A temporary folder for executed notebooks, deleted at the end of the test.</summary>
    /// <summary>The JSON of a notebook with one C# code cell holding <paramref name="code"/>, no outputs.</summary>
    public static string OneCellNotebook(string code) => new System.Text.Json.Nodes.JsonObject
    {
        ["nbformat"] = 4,
        ["nbformat_minor"] = 5,
        ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
        ["cells"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["cell_type"] = "code",
            ["metadata"] = new System.Text.Json.Nodes.JsonObject(),
            ["source"] = code,
            ["outputs"] = new System.Text.Json.Nodes.JsonArray(),
            ["execution_count"] = null,
        }),
    }.ToJsonString();

    public static TemporaryFolder TemporaryFolder() => new();

    /// <summary>A temporary folder inside the repository (artifacts/test-notebooks/), holding a copy of
    /// notebooks/setup.csx, so that a notebook written there loads the course library as a course notebook does.</summary>
    public static TemporaryFolder NotebookFolderInRepository()
    {
        var folder = new TemporaryFolder(System.IO.Path.Combine(Layout.Root, "artifacts", "test-notebooks"));
        File.Copy(System.IO.Path.Combine(Layout.NotebooksDirectory, "setup.csx"), folder.File("setup.csx"));
        return folder;
    }
}

internal sealed record Transcript(CourseReport Report, string Text)
{
    public int ExitCode => Report.ExitCode;

    public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
}

internal sealed class TemporaryFolder : IDisposable
{
    public TemporaryFolder()
        : this(System.IO.Path.GetTempPath())
    {
    }

    public TemporaryFolder(string parent)
    {
        Path = System.IO.Path.Combine(parent, "notebook-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
