using AttentionNotebooks.Charts;
using AttentionNotebooks.Charts.Plotly;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using XPlot.Plotly;

namespace AttentionNotebooks.Interactive;

/// <summary>What the first cell of every course notebook calls after loading the library.</summary>
/// <remarks>
/// <para>What each value displays as, after <see cref="Initialize()"/> (a stored notebook output holds every MIME type listed):</para>
/// <list type="table">
/// <listheader><term>Value</term><description>Outputs</description></listheader>
/// <item><term><c>Matrix&lt;float&gt;</c>, <c>Vector&lt;float&gt;</c></term>
/// <description><c>text/plain</c>: <see cref="MatrixText"/> (PyTorch's layout, what the drift check compares);
/// <c>text/html</c>: <see cref="MatrixHtml"/> table with numbered rows and columns.</description></item>
/// <item><term><see cref="LabelledMatrix"/>, <see cref="LabelledVector"/> (<c>weights.WithTokens(SampleData.Tokens)</c>)</term>
/// <description><c>text/plain</c>: the labelled table; <c>text/html</c>: a table with the labels.</description></item>
/// <item><term><see cref="AttentionResult"/>, <see cref="BatchAttentionResult"/>, <see cref="MultiHeadAttentionResult"/></term>
/// <description><c>text/plain</c> and <c>text/html</c>: each matrix under a heading with its shape.</description></item>
/// <item><term><see cref="Figure"/> (<c>Plot.Heatmap(...)</c>)</term>
/// <description><c>image/svg+xml</c>: the static SVG, which GitHub, VS Code and Jupyter all show; <c>text/plain</c>:
/// its one-line description with a digest of the SVG. In a live session only (not under tools/NotebookRunner, which
/// writes the committed outputs) also <c>text/html</c>: <see cref="LiveHtml"/>, a script that draws the interactive
/// Plotly chart, or shows the SVG when Plotly cannot draw (both carried gzip-compressed, so that a saved notebook stays
/// small), drawn by the plotly.js embedded in the charts library (<see cref="PlotlyScript"/>,
/// sent once by <see cref="Initialize()"/> in the setup cell and at once replaced there by <see cref="PlotlyPlaceholder"/>,
/// so that a saved notebook does not hold it). Committed outputs hold no HTML: GitHub runs no scripts
/// and prefers HTML over SVG.</description></item>
/// <item><term><see cref="PlotlyChart"/></term>
/// <description><c>text/html</c>: <see cref="PlotlyHtml"/> (uses <c>window.Plotly</c>, else waits for the embedded
/// plotly.js, which in a live session the setup cell sends; no CDN), with an element id derived from
/// the chart's content so stored outputs do not change between runs; <c>text/plain</c>: the trace types.</description></item>
/// </list>
/// </remarks>
public static class NotebookSetup
{
    private const string Plain = "text/plain";
    private const string Html = "text/html";
    private const string Svg = "image/svg+xml";

    private static readonly Lock Gate = new();
    private static CourseFormatter[]? s_formatters;
    private static bool s_liveCharts;
    private static bool s_plotlySent;

    /// <summary>
    /// What the setup cell's plotly.js output is replaced by as soon as it was sent (an HTML comment: a front end
    /// shows nothing), and so what a saved notebook holds in its place.
    /// </summary>
    public const string PlotlyPlaceholder =
        "<!-- plotly.js " + PlotlyScript.Version + " for this session's live charts was sent here and replaced by this comment: saved notebooks do not store it -->";

    /// <summary>
    /// The environment variable tools/NotebookRunner sets to <c>1</c> for the kernel processes it starts (the runner
    /// writes the committed outputs, so there charts stay SVG and text only); VS Code and Jupyter do not set it.
    /// </summary>
    public const string RunnerVariable = "ATTENTION_NOTEBOOKS_RUNNER";

    /// <summary>
    /// Registers the course's formatters and preferred MIME types with .NET Interactive (see the remarks for what each
    /// type displays as). Charts are live unless the kernel runs under tools/NotebookRunner (the environment variable
    /// <see cref="RunnerVariable"/> is <c>1</c>), where the committed outputs stay SVG and text only.
    /// Safe to call more than once: it registers again only if the formatters were removed (e.g. by <c>Formatter.ResetToDefault()</c>).
    /// With live charts, inside a kernel (the setup cell), it also sends plotly.js to the front end once (see <see cref="Initialize(bool)"/>).
    /// </summary>
    public static void Initialize() => Initialize(liveCharts: !UnderNotebookRunner());

    /// <summary>As <see cref="Initialize()"/>, with the chart mode chosen by the caller.</summary>
    /// <param name="liveCharts">
    /// True: a <see cref="Figure"/> also displays as <c>text/html</c> (<see cref="LiveHtml"/>). Inside a kernel the call
    /// then displays <see cref="LiveHtml.PlotlyLoader"/> (the embedded plotly.js, about 4.6 MB; the browser runs it and
    /// so defines <c>window.Plotly</c>) and at once updates that display to <see cref="PlotlyPlaceholder"/>: the front
    /// end has run the script, and the notebook it saves holds only the placeholder. Outside a kernel the next chart
    /// carries plotly.js instead. False: only <c>image/svg+xml</c> and <c>text/plain</c>, what committed notebooks store.
    /// </param>
    public static void Initialize(bool liveCharts)
    {
        lock (Gate)
        {
            s_liveCharts = liveCharts;
            s_plotlySent = false;
            s_formatters ??= CreateFormatters();
            var registered = Formatter.RegisteredFormatters(includeDefaults: false).ToHashSet();
            if (!s_formatters.All(registered.Contains))
            {
                foreach (var formatter in s_formatters)
                    Formatter.Register(formatter);
                foreach (var type in new[]
                         {
                             typeof(Matrix<float>), typeof(Vector<float>), typeof(LabelledMatrix), typeof(LabelledVector),
                             typeof(AttentionResult), typeof(BatchAttentionResult), typeof(MultiHeadAttentionResult), typeof(PlotlyChart),
                         })
                    Formatter.SetPreferredMimeTypesFor(type, Html, Plain);
            }
            if (liveCharts)
                Formatter.SetPreferredMimeTypesFor(typeof(Figure), Html, Svg, Plain);
            else
                Formatter.SetPreferredMimeTypesFor(typeof(Figure), Svg, Plain);
        }

        if (liveCharts && KernelInvocationContext.Current is { } context)
            SendPlotly(context);
    }

    /// <summary>
    /// Displays plotly.js in the current cell and replaces that display by <see cref="PlotlyPlaceholder"/> (one value
    /// id, so Jupyter and VS Code update the same output in place); charts after it then carry none.
    /// </summary>
    private static void SendPlotly(KernelInvocationContext context)
    {
        // A new id per call: VS Code Polyglot Notebooks treats a display whose id it has seen before in the notebook as
        // an update of that (by then cleared) output, so a re-run setup cell would show nothing with a fixed id.
        string valueId = "an-plotly-" + Guid.NewGuid().ToString("N");
        context.Publish(new DisplayedValueProduced(
            PlotlyScript.Version, context.Command, [new FormattedValue(Html, LiveHtml.PlotlyLoader())], valueId));
        context.Publish(new DisplayedValueUpdated(
            PlotlyScript.Version, valueId, context.Command, [new FormattedValue(Html, PlotlyPlaceholder)]));
        lock (Gate)
            s_plotlySent = true;
    }

    /// <summary>True if tools/NotebookRunner started this kernel (it sets <see cref="RunnerVariable"/> to <c>1</c>).</summary>
    private static bool UnderNotebookRunner() => Environment.GetEnvironmentVariable(RunnerVariable) == "1";

    /// <summary>The live HTML of a figure; the first chart after <see cref="Initialize(bool)"/> carries plotly.js.</summary>
    private static string FigureHtml(Figure figure) => LiveHtml.Render(figure, includePlotly: TakePlotly());

    /// <summary>
    /// A Plotly chart's HTML; in a live session the first chart after <see cref="Initialize(bool)"/> carries the
    /// embedded plotly.js (<see cref="PlotlyHtml"/> uses <c>window.Plotly</c> when it exists, else waits for it).
    /// </summary>
    private static string PlotlyChartHtml(PlotlyChart chart)
    {
        string html = PlotlyHtml.Render(chart, StableId(chart));
        bool live;
        lock (Gate)
            live = s_liveCharts;
        return live && TakePlotly() ? LiveHtml.PlotlyLoader() + "\n" + html : html;
    }

    /// <summary>True once after <see cref="Initialize(bool)"/>: whether this output is the one to carry plotly.js.</summary>
    private static bool TakePlotly()
    {
        lock (Gate)
        {
            bool take = !s_plotlySent;
            s_plotlySent = true;
            return take;
        }
    }

    // text/plain is Show.Text, what the exported apps print too: one definition of a value's text.
    private static CourseFormatter[] CreateFormatters() =>
    [
        new(typeof(Matrix<float>), Plain, Show.Text),
        new(typeof(Matrix<float>), Html, o => MatrixHtml.Format((Matrix<float>)o)),
        new(typeof(Vector<float>), Plain, Show.Text),
        new(typeof(Vector<float>), Html, o => MatrixHtml.Format((Vector<float>)o)),
        new(typeof(LabelledMatrix), Plain, Show.Text),
        new(typeof(LabelledMatrix), Html, o => MatrixHtml.Format((LabelledMatrix)o)),
        new(typeof(LabelledVector), Plain, Show.Text),
        new(typeof(LabelledVector), Html, o => MatrixHtml.Format((LabelledVector)o)),
        new(typeof(AttentionResult), Plain, Show.Text),
        new(typeof(AttentionResult), Html, o => MatrixHtml.Format((AttentionResult)o)),
        new(typeof(BatchAttentionResult), Plain, Show.Text),
        new(typeof(BatchAttentionResult), Html, o => MatrixHtml.Format((BatchAttentionResult)o)),
        new(typeof(MultiHeadAttentionResult), Plain, Show.Text),
        new(typeof(MultiHeadAttentionResult), Html, o => MatrixHtml.Format((MultiHeadAttentionResult)o)),
        new(typeof(Figure), Svg, o => ((Figure)o).ToSvg()),
        new(typeof(Figure), Plain, Show.Text),
        new(typeof(Figure), Html, o => FigureHtml((Figure)o)),
        new(typeof(PlotlyChart), Html, o => PlotlyChartHtml((PlotlyChart)o)),
        new(typeof(PlotlyChart), Plain, o => PlotlyData.Describe((PlotlyChart)o)),
    ];

    /// <summary>
    /// The chart's id if it was chosen deliberately (as <see cref="Figure.ToPlotly"/> does); otherwise, for XPlot's
    /// random GUIDs, an id derived from the chart's content, so a stored output is the same on every run.
    /// </summary>
    private static string? StableId(PlotlyChart chart)
    {
        if (!Guid.TryParse(chart.Id, out _))
            return null;
        string content = chart.GetPlottingJS().Replace(chart.Id, "", StringComparison.Ordinal);
        return PlotlyId.For(content);
    }
}
