using System.Globalization;

namespace NotebookRunner.Core;

/// <summary>The runner's commands.</summary>
public enum RunnerCommand
{
    /// <summary>Execute notebooks and write the executed copies.</summary>
    Run,

    /// <summary>Execute notebooks and compare their text outputs with the committed ones.</summary>
    Check,

    /// <summary>Only build the course library into artifacts/lib/.</summary>
    Build,

    /// <summary>Write every notebook of notebooks/ as a .NET file-based app in notebooks/apps/ (takes no arguments).</summary>
    Export,

    /// <summary>Print the usage text.</summary>
    Help,
}

/// <summary>What the runner is asked to do; <see cref="Parse"/> reads it from the command line.</summary>
public sealed class RunnerOptions
{
    /// <summary>The usage text printed by <c>--help</c> and after a usage error.</summary>
    public const string Usage = """
        usage: dotnet run --project tools/NotebookRunner -- <command> [options] [paths...]

        commands:
          run     execute notebooks in order, each in a fresh C# kernel in a kernel process apart from the
                  runner, and write the executed copies to artifacts/notebooks/ (paths: notebooks or folders;
                  default notebooks/*.ipynb, then notebooks/solutions/*.ipynb)
          check   execute notebooks and compare each code cell's text outputs (streams and text/plain) with the
                  committed ones; a cell whose first line is "// check: skip-output" is not compared; each
                  committed figure's SVG must match the sha256 in its text
          build   only build the course library into artifacts/lib/ (what the notebooks' setup cell loads)
          export  write every notebook of notebooks/ as a .NET file-based app, notebooks/apps/NN-name.cs

        options:
          --in-place           run: write the executed notebooks back into notebooks/ (refreshes committed outputs);
                               a notebook that fails keeps its committed file, its copy goes to artifacts/notebooks/
          --timeout <seconds>  time each cell may take (default 300)
          --process-per-notebook
                               a new kernel process for every notebook (by default a process whose notebook ran
                               to the end runs the next one in a fresh kernel; after a failure a new one starts)
          --no-build           do not build the library first
          --redraw-pngs        draw every chart's PNG again (by default a chart whose SVG is the one committed
                               keeps the committed PNG drawn from it; redraw after a change to tools/SvgToPng)
          --output <folder>    where executed notebooks go (default artifacts/notebooks/)
          -h, --help           print this text

        exit codes: 0 all passed, 1 a notebook failed, drifted or could not be written, 2 bad command line or input,
                    3 library build failed, 130 interrupted (Ctrl+C)
        one cell stores at most 32 MiB of output text; the rest is cut, with a note (see tools/NotebookRunner/README.md)
        """;

    /// <summary>The command.</summary>
    public RunnerCommand Command { get; init; } = RunnerCommand.Run;

    /// <summary>Notebook files or folders; empty means the course's notebooks.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>Write executed notebooks back over the originals (run only).</summary>
    public bool InPlace { get; init; }

    /// <summary>The time each cell may take.</summary>
    public TimeSpan CellTimeout { get; init; } = NotebookExecutor.DefaultCellTimeout;

    /// <summary>Start a new kernel process for every notebook instead of reusing one whose notebook ran to the end.</summary>
    public bool ProcessPerNotebook { get; init; }

    /// <summary>Draw every chart's PNG again instead of keeping a committed PNG drawn from the same SVG
    /// (<see cref="FigurePngs.WithPng(NotebookOutput, IReadOnlyList{NotebookOutput})"/>).</summary>
    public bool RedrawPngs { get; init; }

    /// <summary>Build the course library before executing notebooks.</summary>
    public bool BuildLibrary { get; init; } = true;

    /// <summary>Where executed notebooks go; null means artifacts/notebooks/ of the repository.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Reads options from command-line arguments.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <returns>The options.</returns>
    /// <exception cref="RunnerUsageException">The arguments are not valid (one-line message).</exception>
    public static RunnerOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0)
            throw new RunnerUsageException("no command given (run, check, build or export)");
        if (args[0] is "-h" or "--help" or "help")
            return new RunnerOptions { Command = RunnerCommand.Help };

        var command = args[0] switch
        {
            "run" => RunnerCommand.Run,
            "check" => RunnerCommand.Check,
            "build" => RunnerCommand.Build,
            "export" => RunnerCommand.Export,
            var other => throw new RunnerUsageException($"unknown command '{other}' (expected run, check, build or export)"),
        };

        // export writes every notebook's app, always all of them: no paths, no options (not even --help).
        if (command == RunnerCommand.Export)
        {
            return args.Count == 1
                ? new RunnerOptions { Command = command, BuildLibrary = false }
                : throw new RunnerUsageException($"export takes no arguments (got {string.Join(' ', args.Skip(1))})");
        }

        var paths = new List<string>();
        bool inPlace = false, build = true, processPerNotebook = false, redrawPngs = false;
        var timeout = NotebookExecutor.DefaultCellTimeout;
        string? output = null;
        for (int i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    return new RunnerOptions { Command = RunnerCommand.Help };
                case "--in-place":
                    inPlace = true;
                    break;
                case "--no-build":
                    build = false;
                    break;
                case "--process-per-notebook":
                    processPerNotebook = true;
                    break;
                case "--redraw-pngs":
                    redrawPngs = true;
                    break;
                case "--timeout":
                    var seconds = Value(args, ref i);
                    if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) || !(s > 0) || s > 86_400)
                        throw new RunnerUsageException($"--timeout needs a number of seconds between 0 and 86400, not '{seconds}'");
                    timeout = TimeSpan.FromSeconds(s);
                    break;
                case "--output":
                    output = Value(args, ref i);
                    break;
                case var option when option.StartsWith('-'):
                    throw new RunnerUsageException($"unknown option '{option}'");
                default:
                    paths.Add(args[i]);
                    break;
            }
        }

        if (command != RunnerCommand.Run && inPlace)
            throw new RunnerUsageException("--in-place only goes with run (check never changes notebooks)");
        if (command == RunnerCommand.Build && (paths.Count > 0 || output is not null))
            throw new RunnerUsageException("build takes no paths and no --output");
        if (inPlace && output is not null)
            throw new RunnerUsageException("--in-place and --output exclude each other");

        return new RunnerOptions
        {
            Command = command,
            Paths = paths,
            InPlace = inPlace,
            CellTimeout = timeout,
            ProcessPerNotebook = processPerNotebook,
            RedrawPngs = redrawPngs,
            BuildLibrary = build,
            OutputDirectory = output,
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
            throw new RunnerUsageException($"{args[i]} needs a value");
        return args[++i];
    }
}

/// <summary>The command line is not valid; the message is one line, fit to print.</summary>
public sealed class RunnerUsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong.</param>
    public RunnerUsageException(string message)
        : base(message)
    {
    }
}
