using System.Xml.Linq;
using AttentionNotebooks.Charts;
using AttentionNotebooks.Charts.Plotly;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Interactive.Tests;

// One class: the tests share a kernel, and .NET Interactive's formatters are process-wide.
public sealed class NotebookSetupTests(NotebookKernel kernel) : IClassFixture<NotebookKernel>
{
    private const string Plain = "text/plain";
    private const string Html = "text/html";
    private const string Svg = "image/svg+xml";

    // The setup (its own cell: with live charts it sends plotly.js there), then the display.
    private async Task<IReadOnlyDictionary<string, string>> Display(string expression, bool liveCharts = false)
    {
        Assert.Null((await kernel.Run($"AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: {(liveCharts ? "true" : "false")});")).Failure);
        return (await kernel.Run($"display({expression});")).Single();
    }

    private const string Heatmap = "Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, \"Attention weights\")";

    [Fact]
    public async Task A_displayed_matrix_produces_the_PyTorch_style_text_and_an_html_table()
    {
        var output = await Display("SampleData.Inputs()");
        Assert.Equal([Html, Plain], output.Keys.Order());
        Assert.Equal(MatrixText.Format(SampleData.Inputs()), output[Plain]);
        Assert.StartsWith("tensor([[0.4300, 0.1500, 0.8900],", output[Plain]);
        Assert.Equal(18, XElement.Parse(output[Html]).Descendants("td").Count());
    }

    [Fact]
    public async Task A_matrix_returned_as_the_cells_value_is_formatted_the_same_way()
    {
        var result = await kernel.Run("AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: false);\nSimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights");
        var output = result.Single();
        Assert.Equal([Html, Plain], output.Keys.Order());
        Assert.Equal(MatrixText.Format(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights), output[Plain]);
    }

    [Fact]
    public async Task A_vector_and_a_labelled_matrix_show_their_layouts()
    {
        var vector = await Display("SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights.Row(1)");
        Assert.Equal("tensor([0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581])  # shape 6", vector[Plain]);
        Assert.Contains(Html, vector.Keys);
        var labelled = await Display("SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights.WithTokens(SampleData.Tokens)");
        Assert.StartsWith("6x6        Your  journey  starts", labelled[Plain]);
        Assert.Contains("<th style=", labelled[Html]);
        Assert.Contains(">journey</th>", labelled[Html]);
    }

    [Fact]
    public async Task Attention_results_show_every_matrix_under_a_heading()
    {
        var single = await Display("SimplifiedSelfAttention.Forward(SampleData.Inputs())");
        Assert.StartsWith("Context (6x3)\ntensor(", single[Plain]);
        Assert.Equal(2, XElement.Parse(single[Html]).Descendants("table").Count());
        var multi = await Display("new MultiHeadAttention(3, 2, 6, 0f, 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch())");
        Assert.Contains("Weights[1][1] (6x6)", multi[Plain]);
        Assert.Contains(Html, multi.Keys);
        var batch = await Display("new BatchAttentionResult([SampleData.Inputs()], [SampleData.Inputs() * SampleData.Inputs().Transpose()])");
        Assert.Contains("Weights[0] (6x6)", batch[Plain]);
    }

    [Fact]
    public async Task Under_the_notebook_runner_a_figure_is_stored_as_static_svg_with_a_one_line_description()
    {
        var output = await Display(Heatmap, liveCharts: false);
        Assert.Equal([Svg, Plain], output.Keys.Order());
        var svg = XDocument.Parse(output[Svg]).Root!;
        Assert.Equal("svg", svg.Name.LocalName);
        Assert.Equal(36, svg.Descendants().Count(e => e.Attribute("class")?.Value == "cell"));
        var expected = Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, "Attention weights");
        Assert.Equal(expected.ToSvg(), output[Svg]);
        Assert.Equal(expected.ToString(), output[Plain]);
    }

    [Fact]
    public async Task In_a_live_session_a_figure_adds_html_holding_its_svg_packed_and_a_script_drawing_its_plotly_chart()
    {
        var output = await Display(Heatmap, liveCharts: true);
        Assert.Equal([Svg, Html, Plain], output.Keys.Order());
        var expected = Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, "Attention weights");
        Assert.Equal(expected.ToSvg(), output[Svg]);
        Assert.Equal(expected.ToString(), output[Plain]);
        string html = output[Html];
        Assert.Equal(LiveHtml.Render(expected), html);
        string svg = System.Text.RegularExpressions.Regex.Match(html, @"\n  var svg = '([A-Za-z0-9+/=]+)';\n").Groups[1].Value;
        Assert.Equal(expected.ToSvg(), LiveHtml.Unpack(svg));   // the fallback, inflated by the script when Plotly cannot draw
        Assert.Contains($"id=\"{expected.ToPlotly().Id}\"", html);
        Assert.Contains($"var id = '{expected.ToPlotly().Id}';", html);
        Assert.DoesNotContain("plotly.js v", html);   // the setup cell sent plotly.js, not the chart
    }

    [Fact]
    public async Task In_a_live_session_the_setup_sends_plotly_js_once_and_replaces_it_so_a_saved_notebook_does_not_hold_it()
    {
        var setup = await kernel.Run("AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: true);");

        Assert.Null(setup.Failure);
        Assert.Equal(2, setup.Sent.Count);
        var (id, update, data) = setup.Sent[0];
        Assert.False(update);
        Assert.Equal(LiveHtml.PlotlyLoader(), Assert.Single(data, pair => pair.Key == Html).Value);   // the browser runs it
        Assert.Contains("plotly.js v" + PlotlyScript.Version, data[Html]);
        Assert.NotNull(id);
        Assert.Equal((id, true), (setup.Sent[1].ValueId, setup.Sent[1].Update));
        // What the front end keeps, and so saves: the placeholder, under 200 characters.
        var kept = setup.Single();
        Assert.Equal(NotebookSetup.PlotlyPlaceholder, kept[Html]);
        Assert.True(kept[Html].Length < 200, kept[Html]);

        var chart = await kernel.Run($"display({Heatmap});");
        Assert.DoesNotContain("plotly.js v", chart.Single()[Html]);
        Assert.Contains("<div class=\"an-live-svg\">", chart.Single()[Html]);

        var again = await kernel.Run("AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: true);");
        Assert.NotEqual(id, again.Sent[0].ValueId);   // a re-run setup cell shows it again (VS Code keys outputs by id)
        Assert.Empty((await kernel.Run("AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: false);")).Sent);
    }

    [Fact]
    public void The_setup_decides_live_charts_by_whether_the_notebook_runner_set_its_environment_variable()
    {
        var previous = Environment.GetEnvironmentVariable(NotebookSetup.RunnerVariable);
        try
        {
            Environment.SetEnvironmentVariable(NotebookSetup.RunnerVariable, null);   // VS Code, Jupyter: live charts
            NotebookSetup.Initialize();
            Assert.Equal(["text/html", "image/svg+xml", "text/plain"],
                Microsoft.DotNet.Interactive.Formatting.Formatter.GetPreferredMimeTypesFor(typeof(Figure)).ToArray());

            Environment.SetEnvironmentVariable(NotebookSetup.RunnerVariable, "1");    // tools/NotebookRunner: static
            NotebookSetup.Initialize();
            Assert.Equal(["image/svg+xml", "text/plain"],
                Microsoft.DotNet.Interactive.Formatting.Formatter.GetPreferredMimeTypesFor(typeof(Figure)).ToArray());

            Environment.SetEnvironmentVariable(NotebookSetup.RunnerVariable, null);
            NotebookSetup.Initialize(liveCharts: false);
            Assert.Equal(["image/svg+xml", "text/plain"],
                Microsoft.DotNet.Interactive.Formatting.Formatter.GetPreferredMimeTypesFor(typeof(Figure)).ToArray());
        }
        finally
        {
            Environment.SetEnvironmentVariable(NotebookSetup.RunnerVariable, previous);
        }
    }

    [Fact]
    public async Task A_plotly_chart_is_interactive_html_with_an_id_that_does_not_change_between_runs()
    {
        var output = await Display("Plot.QueryWeights(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, 1, SampleData.Tokens).ToPlotly()");
        Assert.Equal([Html, Plain], output.Keys.Order());
        Assert.Contains("Plotly.newPlot('an-plotly-", output[Html]);
        Assert.Equal("Plotly chart (bar, bar), 461x389", output[Plain]);   // the query's own bar is its own trace, named in the legend

        const string raw = "XPlot.Plotly.Chart.Plot(new XPlot.Plotly.Scatter { x = new[] { 1, 2 }, y = new[] { 3, 4 } })";
        var first = await Display(raw);
        var second = await Display(raw);
        Assert.Equal(first[Html], second[Html]);
        Assert.Contains("Plotly.newPlot('an-plotly-", first[Html]);
    }

    [Fact]
    public async Task A_plotly_chart_is_described_by_its_traces_not_by_its_axis_types()
    {
        var output = await Display("Plot.Line([1.0, 10, 100], [1.0, 2, 3], \"t\", \"x\", \"y\").ToPlotly()");

        Assert.Matches(@"^Plotly chart \(scatter\), \d+x\d+$", output[Plain]);   // its axes say "type":"linear" too
    }

    [Fact]
    public async Task In_a_live_session_a_plotly_chart_carries_no_plotly_js_the_setup_sent_it()
    {
        const string chart = "Plot.QueryWeights(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, 1, SampleData.Tokens).ToPlotly()";
        var first = await Display(chart, liveCharts: true);
        Assert.DoesNotContain("plotly.js v", first[Html]);
        var second = await kernel.Run($"display({chart});");
        Assert.Equal(first[Html], second.Single()[Html]);

        var headless = await Display(chart, liveCharts: false);
        Assert.Equal(second.Single()[Html], headless[Html]);   // under the runner: the chart alone, as before
    }

    [Fact]
    public async Task Initializing_twice_or_after_a_reset_keeps_one_output_per_display()
    {
        var twice = await kernel.Run("""
            AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: false);
            AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: false);
            display(SampleData.Inputs());
            """);
        Assert.Equal(MatrixText.Format(SampleData.Inputs()), twice.Single()[Plain]);

        var afterReset = await kernel.Run("""
            Microsoft.DotNet.Interactive.Formatting.Formatter.ResetToDefault();
            AttentionNotebooks.Interactive.NotebookSetup.Initialize(liveCharts: false);
            display(SampleData.Inputs());
            """);
        Assert.Equal(MatrixText.Format(SampleData.Inputs()), afterReset.Single()[Plain]);
        Assert.Contains(Html, afterReset.Single().Keys);
    }

    [Fact]
    public void Other_types_keep_their_default_formatting()
    {
        NotebookSetup.Initialize();
        Assert.DoesNotContain("tensor", Microsoft.DotNet.Interactive.Formatting.Formatter.ToDisplayString(new[] { 1.5f, 2f }, Plain));
        Assert.Equal(MatrixText.Format(Matrix<float>.Build.Dense(2, 2, 1f)),
            Microsoft.DotNet.Interactive.Formatting.Formatter.ToDisplayString(Matrix<float>.Build.Dense(2, 2, 1f), Plain));
    }

    [Fact]
    public async Task A_live_figure_whose_title_reads_like_the_plotting_script_draws_and_the_next_one_still_does()
    {
        const string hostile = "Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, \"How Plotly.newPlot(div, data) works\")";
        var first = await Display(hostile, liveCharts: true);
        Assert.DoesNotContain("plotly.js v", first[Html]);
        var expected = Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, "How Plotly.newPlot(div, data) works");
        Assert.Equal(LiveHtml.Render(expected), first[Html]);   // the title is data in the packed chart, the script is the same
        var second = (await kernel.Run($"display({Heatmap});")).Single();
        Assert.Equal(LiveHtml.Render(Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, "Attention weights")), second[Html]);
        Assert.Contains("return Plotly.newPlot(id, parts.data, parts.layout);", second[Html]);
        Assert.DoesNotContain("plotly.js v", second[Html]);
    }

    [Fact]
    public async Task A_trace_named_like_the_script_is_described_by_its_type()
    {
        var output = await Display("Plot.Line(new[] { new Series(\"x]; var layout\", new double[] { 0, 1 }, new double[] { 1, 2 }) }).ToPlotly()");
        Assert.Matches(@"^Plotly chart \(scatter\), \d+x\d+$", output[Plain]);
    }
}
