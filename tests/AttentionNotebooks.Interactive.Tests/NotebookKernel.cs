using AttentionNotebooks.Charts;
using AttentionNotebooks.Interactive;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace AttentionNotebooks.Interactive.Tests;

/// <summary>
/// A C# kernel set up as a course notebook is: the defaults VS Code uses (HTML by default, plain text for strings),
/// the course assemblies referenced, and the usings of the setup cell. Shared by the tests of one class, because
/// formatters are process-wide and a kernel takes seconds to start.
/// </summary>
public sealed class NotebookKernel : IDisposable
{
    private readonly CompositeKernel _kernel;

    public NotebookKernel()
    {
        Formatter.ResetToDefault();
        var csharp = new CSharpKernel().UseKernelHelpers().UseValueSharing();
        _kernel = new CompositeKernel { csharp };
        _kernel.DefaultKernelName = csharp.Name;
        Formatter.DefaultMimeType = HtmlFormatter.MimeType;
        Formatter.SetPreferredMimeTypesFor(typeof(string), PlainTextFormatter.MimeType);
        csharp.AddAssemblyReferences(
        [
            typeof(SampleData).Assembly.Location,
            typeof(Figure).Assembly.Location,
            typeof(NotebookSetup).Assembly.Location,
            typeof(Matrix<float>).Assembly.Location,
            typeof(XPlot.Plotly.PlotlyChart).Assembly.Location,
        ]);
        var setup = Run("""
            using AttentionNotebooks;
            using AttentionNotebooks.Charts;
            using MathNet.Numerics.LinearAlgebra;
            """).GetAwaiter().GetResult();
        if (setup.Failure is not null)
            throw new InvalidOperationException("The setup cell failed: " + setup.Failure);
    }

    /// <summary>
    /// Submits one cell and collects what it displayed and returned: the outputs as a front end keeps them (an update
    /// replaces the output with its value id) and every display and update in the order the front end got them.
    /// </summary>
    public async Task<CellResult> Run(string code)
    {
        var result = await _kernel.SendAsync(new SubmitCode(code));
        var outputs = new List<IReadOnlyDictionary<string, string>>();
        var outputIds = new List<string?>();
        var sent = new List<(string? ValueId, bool Update, IReadOnlyDictionary<string, string> Data)>();
        string? failure = null;
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case DisplayedValueUpdated update:
                    var updated = update.FormattedValues.ToDictionary(v => v.MimeType, v => v.Value);
                    sent.Add((update.ValueId, true, updated));
                    int index = outputIds.IndexOf(update.ValueId);
                    if (index >= 0)
                        outputs[index] = updated;
                    break;
                case DisplayEvent display when e is DisplayedValueProduced or ReturnValueProduced:
                    var data = display.FormattedValues.ToDictionary(v => v.MimeType, v => v.Value);
                    sent.Add((display.ValueId, false, data));
                    outputs.Add(data);
                    outputIds.Add(display.ValueId);
                    break;
                case CommandFailed failed:
                    failure = failed.Message;
                    break;
            }
        }
        return new CellResult(outputs, failure, sent);
    }

    public void Dispose()
    {
        _kernel.Dispose();
        Formatter.ResetToDefault();
    }
}

/// <summary>
/// The outputs of one cell as a front end keeps them, each a map from MIME type to content; the error if it failed;
/// and every display and update as sent, in order.
/// </summary>
public sealed record CellResult(
    IReadOnlyList<IReadOnlyDictionary<string, string>> Outputs,
    string? Failure,
    IReadOnlyList<(string? ValueId, bool Update, IReadOnlyDictionary<string, string> Data)> Sent)
{
    /// <summary>The only output, after checking that the cell succeeded and produced exactly one.</summary>
    public IReadOnlyDictionary<string, string> Single()
    {
        Assert.Null(Failure);
        return Assert.Single(Outputs);
    }
}
