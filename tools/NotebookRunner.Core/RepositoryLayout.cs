namespace NotebookRunner.Core;

/// <summary>Where things are in the course repository.</summary>
public sealed class RepositoryLayout
{
    /// <summary>A file that only the course repository's root has (relative to the root); used to find it.</summary>
    public const string MarkerPath = "lib/AttentionNotebooks.Interactive/AttentionNotebooks.Interactive.csproj";

    /// <summary>Creates the layout of the repository rooted at <paramref name="root"/>.</summary>
    /// <param name="root">The repository's root directory.</param>
    public RepositoryLayout(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The repository's root directory.</summary>
    public string Root { get; }

    /// <summary>notebooks/: the course notebooks (and solutions/ below it).</summary>
    public string NotebooksDirectory => Path.Combine(Root, "notebooks");

    /// <summary>The project whose build output the setup cell loads (it references the core library).</summary>
    public string InteractiveProject => Path.Combine(Root, MarkerPath);

    /// <summary>artifacts/lib/: where the course library is built for the notebooks to load.</summary>
    public string LibraryOutputDirectory => Path.Combine(Root, "artifacts", "lib");

    /// <summary>artifacts/notebooks/: where executed notebooks are written (mirroring notebooks/).</summary>
    public string ExecutedNotebooksDirectory => Path.Combine(Root, "artifacts", "notebooks");

    /// <summary>Finds the repository containing the first of the given directories that lies inside one.</summary>
    /// <param name="startDirectories">Directories to search upwards from, in order.</param>
    /// <returns>The layout, or null when none of the directories is inside the course repository.</returns>
    public static RepositoryLayout? TryFind(params string[] startDirectories)
    {
        ArgumentNullException.ThrowIfNull(startDirectories);
        foreach (var start in startDirectories)
        {
            for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, MarkerPath)))
                    return new RepositoryLayout(dir.FullName);
            }
        }

        return null;
    }

    /// <summary>The notebooks <c>run</c> and <c>check</c> take by default: notebooks/*.ipynb, then
    /// notebooks/solutions/*.ipynb, each in name order.</summary>
    public IReadOnlyList<string> DefaultNotebooks()
    {
        var solutions = Path.Combine(NotebooksDirectory, "solutions");
        return NotebooksIn(NotebooksDirectory).Concat(NotebooksIn(solutions)).ToArray();
    }

    /// <summary>The .ipynb files directly in a directory, in ordinal name order (none if it does not exist).</summary>
    /// <param name="directory">The directory.</param>
    public static IEnumerable<string> NotebooksIn(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        return Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.ipynb").Order(StringComparer.Ordinal)
            : [];
    }

    /// <summary>The notebook's name for messages: its path below notebooks/ (for example
    /// solutions/03-causal-attention.ipynb), or its file name when it is elsewhere.</summary>
    /// <param name="notebookPath">The notebook's path.</param>
    public string DisplayNameFor(string notebookPath) => RelativeToNotebooks(notebookPath) ?? Path.GetFileName(notebookPath);

    /// <summary>Where the executed copy of a notebook goes below <paramref name="outputDirectory"/>: the same path
    /// as below notebooks/, or the file name for a notebook elsewhere.</summary>
    /// <param name="notebookPath">The notebook's path.</param>
    /// <param name="outputDirectory">The output directory (for example <see cref="ExecutedNotebooksDirectory"/>).</param>
    public string ExecutedPathFor(string notebookPath, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        return Path.Combine(outputDirectory, RelativeToNotebooks(notebookPath) ?? Path.GetFileName(notebookPath));
    }

    private string? RelativeToNotebooks(string notebookPath)
    {
        ArgumentNullException.ThrowIfNull(notebookPath);
        var relative = Path.GetRelativePath(NotebooksDirectory, Path.GetFullPath(notebookPath));
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? null
            : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
