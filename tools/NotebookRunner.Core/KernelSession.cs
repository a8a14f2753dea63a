using System.Diagnostics;
using System.Reflection;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;
using DiagnosticSeverity = Microsoft.CodeAnalysis.DiagnosticSeverity;

namespace NotebookRunner.Core;

/// <summary>
/// A fresh C# kernel set up like the one VS Code Polyglot Notebooks starts (C# with <c>#r "nuget:..."</c>,
/// kernel helpers such as <c>display</c>, HTML as the default display format and plain text for strings). It lives
/// in a kernel host process (<see cref="KernelHost"/>), one per notebook, and forwards what each cell produces to
/// the runner as it happens.
/// </summary>
internal sealed class KernelSession : IDisposable
{
    private readonly CompositeKernel _kernel;

    private KernelSession(CompositeKernel kernel) => _kernel = kernel;

    /// <summary>
    /// The first submission in a process JIT-compiles the C# compiler's and the kernel's code (a second or more of
    /// CPU). Doing it in a throwaway kernel before the host says it is ready moves that cost out of the notebook's
    /// first cell — and, for a host started ahead of time, into the time the notebook before it runs.
    /// </summary>
    public static async Task WarmUpAsync()
    {
        using var kernel = new CSharpKernel().UseKernelHelpers();
        await kernel.SendAsync(new SubmitCode("var warmUp = new[] { 1, 2, 3 }.Sum();\nConsole.Write(\"\");\nwarmUp")).ConfigureAwait(false);
    }

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

    /// <summary>Runs a cell, sending its outputs to the runner as the kernel produces them.</summary>
    /// <returns>Why the cell failed, or null if it succeeded.</returns>
    public async Task<string?> RunAsync(string code, KernelHostWriter writer)
    {
        var forwarder = new EventForwarder(writer);
        using (_kernel.KernelEvents.Subscribe(forwarder))
        {
            try
            {
                await _kernel.SendAsync(new SubmitCode(code, "csharp")).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                forwarder.Fail(ex.GetType().FullName ?? "Error", ex.Message);
            }
        }

        return forwarder.Failure;
    }

    public void Dispose() => _kernel.Dispose();

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

    /// <summary>Turns kernel events into protocol messages, in order.</summary>
    private sealed class EventForwarder(KernelHostWriter writer) : IObserver<KernelEvent>
    {
        private readonly Lock _gate = new();

        public string? Failure { get; private set; }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(KernelEvent value)
        {
            switch (value)
            {
                case StandardOutputValueProduced stdout:
                    writer.Stream("stdout", StreamText(stdout.FormattedValues));
                    break;
                case StandardErrorValueProduced stderr:
                    writer.Stream("stderr", StreamText(stderr.FormattedValues));
                    break;
                case ReturnValueProduced result when result.FormattedValues.Count > 0:
                    writer.Data(KernelProtocol.Result, null, Data(result.FormattedValues));
                    break;
                case DisplayedValueUpdated update:
                    writer.Data(KernelProtocol.Update, update.ValueId, Data(update.FormattedValues));
                    break;
                case DisplayedValueProduced displayed:
                    writer.Data(KernelProtocol.Display, displayed.ValueId, Data(displayed.FormattedValues));
                    break;
                case DiagnosticsProduced diagnostics when WarningsText(diagnostics) is { } warnings:
                    writer.Stream("stderr", warnings);
                    break;
                case ErrorProduced error:
                    writer.Error("Error", error.Message, fails: false);
                    break;
                case CommandFailed failed:
                    var name = failed.Exception switch
                    {
                        null => "Error",
                        CodeSubmissionCompilationErrorException => "CompilationError",
                        var ex => ex.GetType().FullName ?? "Error",
                    };
                    Fail(name, failed.Message);
                    break;
            }
        }

        public void Fail(string name, string message)
        {
            lock (_gate)
                Failure ??= message;
            writer.Error(name, message, fails: true);
        }

        /// <summary>
        /// The compiler's warnings and infos for a submission as Jupyter shows them (the kernel's
        /// ExecuteRequestHandler writes every formatted diagnostic to stderr: a line break, the diagnostics separated
        /// by blank lines, a blank line), or null if there are none. Errors are left out: they fail the cell, and its
        /// error output already carries them. VS Code shows diagnostics as squiggles in the editor, not as outputs,
        /// so Jupyter's form is the one a saved notebook can hold.
        /// </summary>
        internal static string? WarningsText(DiagnosticsProduced diagnostics)
        {
            var shown = diagnostics.Diagnostics
                .Zip(diagnostics.FormattedDiagnostics)
                .Where(pair => pair.First.Severity != DiagnosticSeverity.Error)
                .Select(pair => pair.Second.Value)
                .ToArray();
            return shown.Length == 0 ? null : "\n" + string.Join("\n\n", shown) + "\n\n";
        }

        private static string StreamText(IReadOnlyCollection<FormattedValue> values) =>
            values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value
            ?? string.Concat(values.Select(v => v.Value));

        private static List<KeyValuePair<string, string>> Data(IReadOnlyCollection<FormattedValue> values) =>
            values.Select(v => new KeyValuePair<string, string>(v.MimeType, v.Value)).ToList();
    }
}
