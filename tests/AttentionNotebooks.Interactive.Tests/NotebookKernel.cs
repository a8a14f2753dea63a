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

    /// <summary>Submits one cell and collects what it displayed and returned.</summary>
    public async Task<CellResult> Run(string code)
    {
        var result = await _kernel.SendAsync(new SubmitCode(code));
        var outputs = new List<IReadOnlyDictionary<string, string>>();
        string? failure = null;
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case DisplayEvent display when e is DisplayedValueProduced or ReturnValueProduced:
                    outputs.Add(display.FormattedValues.ToDictionary(v => v.MimeType, v => v.Value));
                    break;
                case CommandFailed failed:
                    failure = failed.Message;
                    break;
            }
        }
        return new CellResult(outputs, failure);
    }

    public void Dispose()
    {
        _kernel.Dispose();
        Formatter.ResetToDefault();
    }
}

/// <summary>The outputs of one cell, each a map from MIME type to content, and the error if it failed.</summary>
public sealed record CellResult(IReadOnlyList<IReadOnlyDictionary<string, string>> Outputs, string? Failure)
{
    /// <summary>The only output, after checking that the cell succeeded and produced exactly one.</summary>
    public IReadOnlyDictionary<string, string> Single()
    {
        Assert.Null(Failure);
        return Assert.Single(Outputs);
    }
}
