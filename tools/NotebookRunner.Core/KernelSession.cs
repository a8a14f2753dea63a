using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace NotebookRunner.Core;

/// <summary>How one cell's execution ended.</summary>
public enum CellStatus
{
    /// <summary>The cell compiled and ran to completion.</summary>
    Succeeded,

    /// <summary>The cell failed to compile or threw.</summary>
    Failed,

    /// <summary>The cell ran longer than the per-cell timeout.</summary>
    TimedOut,
}

/// <summary>
/// A fresh C# kernel set up like the one VS Code Polyglot Notebooks starts (C# with <c>#r "nuget:..."</c>,
/// kernel helpers such as <c>display</c>, HTML as the default display format and plain text for strings).
/// </summary>
internal sealed partial class KernelSession : IDisposable
{
    private readonly CompositeKernel _kernel;
    private readonly Dictionary<string, string> _guidMap = new(StringComparer.OrdinalIgnoreCase);
    private bool _abandoned;

    private KernelSession(CompositeKernel kernel) => _kernel = kernel;

    public static KernelSession Start()
    {
        // Formatters are process-wide: forget what an earlier notebook registered, then set what VS Code sets.
        Formatter.ResetToDefault();
        var csharp = new CSharpKernel()
            .UseKernelHelpers()
            .UseWho()
            .UseValueSharing();
        var kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = csharp.Name;
        csharp.UseNugetDirective((k, references) => OnPackagesResolvedAsync(kernel, k, references));
        kernel.AddDirective(new KernelActionDirective("#!time") { Description = "Shows the cell's wall time" }, TimeCell);
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        return new KernelSession(kernel);
    }

    public async Task<(CellStatus Status, IReadOnlyList<NotebookOutput> Outputs, string? Error)> RunAsync(string code, TimeSpan timeout)
    {
        var collector = new OutputCollector(NormalizeGuids);
        using var subscription = _kernel.KernelEvents.Subscribe(new EventObserver(collector.Add));
        var submission = _kernel.SendAsync(new SubmitCode(code, "csharp"));
        var finished = await Task.WhenAny(submission, Task.Delay(timeout)).ConfigureAwait(false);
        if (finished != submission)
        {
            _abandoned = true;
            _ = _kernel.SendAsync(new Cancel());
            var message = $"The cell did not finish within {Seconds(timeout)} s (the timeout per cell; change it with --timeout <seconds>).";
            collector.AddError("TimeoutError", message);
            return (CellStatus.TimedOut, collector.Outputs, message);
        }

        try
        {
            await submission.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            collector.AddError(ex.GetType().FullName ?? "Error", ex.Message);
            return (CellStatus.Failed, collector.Outputs, ex.Message);
        }

        return collector.Failure is { } failure
            ? (CellStatus.Failed, collector.Outputs, failure)
            : (CellStatus.Succeeded, collector.Outputs, null);
    }

    public void Dispose()
    {
        // A kernel whose cell timed out may still be running that cell: do not wait long for it.
        var disposal = Task.Run(_kernel.Dispose);
        disposal.Wait(_abandoned ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(30));
    }

    // #!time, as in VS Code: a plain-text display of the cell's wall time when it completes.
    private static Task TimeCell(KernelCommand command, KernelInvocationContext context)
    {
        var watch = Stopwatch.StartNew();
        context.OnComplete(completed =>
        {
            var milliseconds = watch.Elapsed.TotalMilliseconds.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
            completed.Publish(new DisplayedValueProduced(
                watch.Elapsed,
                completed.Command,
                [new FormattedValue(PlainTextFormatter.MimeType, $"Wall time: {milliseconds}ms")]));
        });
        return Task.CompletedTask;
    }

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task OnPackagesResolvedAsync(CompositeKernel root, CSharpKernel kernel, IReadOnlyList<ResolvedPackageReference> references)
    {
        kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));

        // Packages may carry a kernel extension (interactive-extensions/dotnet/*.dll); VS Code loads those too.
        foreach (var reference in references)
        {
            if (string.IsNullOrEmpty(reference.PackageRoot))
                continue;
            var extensionDirectory = Path.Combine(reference.PackageRoot, "interactive-extensions", "dotnet");
            if (!Directory.Exists(extensionDirectory))
                continue;
            foreach (var dll in Directory.GetFiles(extensionDirectory, "*.dll").Order(StringComparer.Ordinal))
            {
                var assembly = Assembly.LoadFrom(dll);
                var extensionTypes = assembly.GetExportedTypes()
                    .Where(t => typeof(IKernelExtension).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
                    .Where(t => t.GetConstructor(Type.EmptyTypes) is not null);
                foreach (var type in extensionTypes)
                    await ((IKernelExtension)Activator.CreateInstance(type)!).OnLoadAsync(root).ConfigureAwait(false);
            }
        }
    }

    // Formatters (chart libraries in particular) put random GUIDs into HTML element ids. Replace each distinct GUID
    // with a counter-based one, the same replacement everywhere in the notebook, so re-running gives identical files.
    private string NormalizeGuids(string text) => GuidPattern().Replace(text, match =>
    {
        if (!_guidMap.TryGetValue(match.Value, out var replacement))
        {
            var counter = (_guidMap.Count + 1).ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
            replacement = match.Value.Contains('-', StringComparison.Ordinal)
                ? $"00000000-0000-4000-8000-{counter}"
                : $"0000000000004000800{counter[1..]}0";
            _guidMap[match.Value] = replacement;
        }

        return replacement;
    });

    [GeneratedRegex("(?<![0-9a-fA-F-])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-f]{32})(?![0-9a-fA-F-])")]
    private static partial Regex GuidPattern();

    private sealed class EventObserver(Action<KernelEvent> onNext) : IObserver<KernelEvent>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(KernelEvent value) => onNext(value);
    }

    /// <summary>Turns kernel events into notebook outputs, in order, collapsing display updates by value id.</summary>
    private sealed class OutputCollector(Func<string, string> normalize)
    {
        private readonly object _gate = new();
        private readonly List<NotebookOutput> _outputs = [];
        private readonly Dictionary<string, int> _displayIndexByValueId = new(StringComparer.Ordinal);

        public string? Failure { get; private set; }

        public IReadOnlyList<NotebookOutput> Outputs
        {
            get
            {
                lock (_gate)
                    return _outputs.ToArray();
            }
        }

        public void Add(KernelEvent kernelEvent)
        {
            lock (_gate)
            {
                switch (kernelEvent)
                {
                    case StandardOutputValueProduced stdout:
                        AddStream("stdout", stdout.FormattedValues);
                        break;
                    case StandardErrorValueProduced stderr:
                        AddStream("stderr", stderr.FormattedValues);
                        break;
                    case ReturnValueProduced result when result.FormattedValues.Count > 0:
                        _outputs.Add(NotebookOutput.Result(Data(result.FormattedValues)));
                        break;
                    case DisplayedValueUpdated update when update.ValueId is not null
                                                          && _displayIndexByValueId.TryGetValue(update.ValueId, out var index):
                        _outputs[index] = NotebookOutput.Display(Data(update.FormattedValues));
                        break;
                    case DisplayedValueUpdated update:
                        AddDisplay(update.ValueId, update.FormattedValues);
                        break;
                    case DisplayedValueProduced displayed:
                        AddDisplay(displayed.ValueId, displayed.FormattedValues);
                        break;
                    case ErrorProduced error:
                        AddErrorLocked("Error", error.Message);
                        break;
                    case CommandFailed failed:
                        var name = failed.Exception switch
                        {
                            null => "Error",
                            CodeSubmissionCompilationErrorException => "CompilationError",
                            var ex => ex.GetType().FullName ?? "Error",
                        };
                        AddErrorLocked(name, failed.Message);
                        Failure ??= failed.Message;
                        break;
                }
            }
        }

        public void AddError(string name, string message)
        {
            lock (_gate)
                AddErrorLocked(name, message);
        }

        private void AddErrorLocked(string name, string message)
        {
            if (_outputs.Any(o => o.Kind == NotebookOutputKind.Error && o.Text == message))
                return;
            _outputs.Add(NotebookOutput.Error(name, message));
        }

        private void AddStream(string name, IReadOnlyCollection<FormattedValue> values)
        {
            var text = values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value
                       ?? string.Concat(values.Select(v => v.Value));
            if (_outputs.Count > 0 && _outputs[^1] is { Kind: NotebookOutputKind.Stream } last && last.StreamName == name)
                _outputs[^1] = NotebookOutput.Stream(name, last.Text + text);
            else
                _outputs.Add(NotebookOutput.Stream(name, text));
        }

        private void AddDisplay(string? valueId, IReadOnlyCollection<FormattedValue> values)
        {
            if (valueId is not null)
                _displayIndexByValueId[valueId] = _outputs.Count;
            _outputs.Add(NotebookOutput.Display(Data(values)));
        }

        private List<KeyValuePair<string, string>> Data(IReadOnlyCollection<FormattedValue> values) =>
            values.Select(v => new KeyValuePair<string, string>(
                    v.MimeType,
                    v.MimeType == PlainTextFormatter.MimeType ? v.Value : normalize(v.Value)))
                .ToList();
    }
}
