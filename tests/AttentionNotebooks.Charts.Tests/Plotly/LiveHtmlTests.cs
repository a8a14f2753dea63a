using System.Text.RegularExpressions;
using AttentionNotebooks.Charts.Plotly;

namespace AttentionNotebooks.Charts.Tests.Plotly;

public sealed class LiveHtmlTests
{
    private static readonly Matrix<float> Weights = Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 0f }, { 0.4f, 0.6f } });

    public static TheoryData<string> Figures => ["heatmap", "grid", "headview", "bar", "line", "scatter", "scatter3d"];

    private static Figure Make(string kind, string title) => kind switch
    {
        "heatmap" => Plot.Weights(Weights, ["a", "b"], title),
        "grid" => Plot.Heatmaps([Weights, Weights], ["a", "b"], ["head 0", "head 1"], title),
        "headview" => Plot.HeadView([[Weights, Weights.Transpose()]], ["a", "b"], 0, 1, title),
        "bar" => Plot.Bar(Vector<float>.Build.DenseOfArray([0.25f, 0.75f]), ["a", "b"], title),
        "line" => Plot.Line([new Series("x]; var layout", [0.0, 1.0], [1.0, 2.0])], title),
        "scatter" => Plot.Scatter2D(Matrix<float>.Build.DenseOfArray(new float[,] { { 0f, 1f }, { 2f, 3f } }), ["a", "b"], title: title),
        _ => Plot.Scatter3D(Matrix<float>.Build.DenseOfArray(new float[,] { { 0f, 1f, 2f }, { 2f, 3f, 4f } }), ["a", "b"], title: title),
    };

    [Theory]
    [MemberData(nameof(Figures))]
    public void The_live_script_draws_the_same_data_and_layout_as_XPlots_own_script(string kind)
    {
        var figure = Make(kind, "Weights");
        var (id, data, layout) = figure.PlotlyParts();
        string xplot = Regex.Replace(figure.ToPlotly().GetPlottingJS().Trim(), @"\s*\n\s*", "\n");
        Assert.Equal($"var data = {data};\nvar layout = {layout};\nPlotly.newPlot('{id}', data, layout);", xplot);
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Any_title_or_trace_name_is_data_even_one_that_reads_like_the_script(string kind)
    {
        const string title = "How Plotly.newPlot(div, data) works ]; var layout = </script>";
        string html = LiveHtml.Render(Make(kind, title));
        Assert.Single(Regex.Matches(html, @"Plotly\.newPlot\('an-plotly-[0-9a-f]+', data, layout\)"));
        Assert.Contains("drawing = Plotly.newPlot('an-plotly-", html, StringComparison.Ordinal);
        Assert.Contains("How Plotly.newPlot(div, data) works ]; var layout", html, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(html, "</script>"));
    }

    [Fact]
    public void A_plotly_chart_is_described_by_its_trace_objects_whatever_their_names()
    {
        var chart = Make("line", "t").ToPlotly();
        Assert.Equal($"Plotly chart (scatter), {chart.Width}x{chart.Height}", PlotlyData.Describe(chart));
        Assert.Equal($"Plotly chart (heatmap, heatmap), {Make("grid", "t").Width}x{Make("grid", "t").Height}", PlotlyData.Describe(Make("grid", "t").ToPlotly()));
        Assert.StartsWith("Plotly chart (no traces), ", PlotlyData.Describe(new XPlot.Plotly.PlotlyChart()));
    }
}
