using System.Text;
using System.Text.Json;
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
        var figure = Make(kind, title);
        string html = LiveHtml.Render(figure);
        Assert.Single(Regex.Matches(html, "</script>"));
        Assert.Single(Regex.Matches(html, @"Plotly\.newPlot\(id, parts\.data, parts\.layout\)"));
        using var chart = JsonDocument.Parse(LiveHtml.Unpack(Packed(html, "chart")));
        var (_, data, layout) = figure.PlotlyParts();
        Assert.Equal(data, chart.RootElement.GetProperty("data").GetRawText());
        Assert.Equal(layout, chart.RootElement.GetProperty("layout").GetRawText());
        Assert.Contains("How Plotly.newPlot(div, data) works ]; var layout", layout, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void The_fallback_svg_is_carried_packed_and_unpacks_to_the_figures_svg(string kind)
    {
        var figure = Make(kind, "Weights");
        string html = LiveHtml.Render(figure);
        Assert.Equal(figure.ToSvg(), LiveHtml.Unpack(Packed(html, "svg")));
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);   // stored once, as the output's image/svg+xml
        // Without scripts the box says what the chart is; the plot element has the chart's id and size.
        Assert.Contains("<div class=\"an-live-svg\">" + System.Net.WebUtility.HtmlEncode(figure.ToString()) + "</div>", html, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"an-live-plot\" id=\"{figure.ToPlotly().Id}\" style=\"display: none; width: {figure.Width}px; height: {figure.Height}px;\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_live_html_is_deterministic()
    {
        Assert.Equal(LiveHtml.Render(Make("headview", "t")), LiveHtml.Render(Make("headview", "t")));
        Assert.Equal(LiveHtml.Pack("any text → ✓"), LiveHtml.Pack("any text → ✓"));
        Assert.Equal("any text → ✓", LiveHtml.Unpack(LiveHtml.Pack("any text → ✓")));
    }

    /// <summary>
    /// Notebook 7's largest chart: two 53x106 panels of weights (every head of a 6-layer, 12-head model over 8 tokens),
    /// 11,236 cells, each with a hover text; its SVG is 1.1 MB. Uncompressed, the live HTML (what a saved notebook stores
    /// besides the SVG) held the SVG again and 0.44 MB of Plotly JSON, 1.4 times the SVG. Packed it stays under a quarter
    /// of the SVG even for random values, which compress worst (about 240 KB: the SVG packed 114 KB, the JSON 124 KB).
    /// </summary>
    [Fact]
    public void The_live_html_of_a_chart_of_eleven_thousand_random_cells_is_under_a_quarter_of_its_svg()
    {
        var random = new Random(7);
        var panels = Enumerable.Range(0, 2)
            .Select(_ => Matrix<float>.Build.Dense(53, 106, (_, _) => (float)random.NextDouble()))
            .ToArray();
        var labels = Enumerable.Range(0, 106).Select(k => $"token {k % 8}").ToArray();
        var figure = Plot.Heatmaps(panels, labels, ["heads 0-5", "heads 6-11"], "6 layers x 12 heads", options: HeatmapOptions.AttentionWeights with { RowLabels = labels[..53] });
        int svg = Encoding.UTF8.GetByteCount(figure.ToSvg());
        int live = Encoding.UTF8.GetByteCount(LiveHtml.Render(figure));
        Assert.True(svg > 1_000_000, $"SVG {svg} bytes");
        Assert.True(live < svg / 4, $"live HTML {live} bytes, SVG {svg} bytes");
    }

    /// <summary>The packed text between <c>var NAME = '</c> and <c>';</c> in the live script.</summary>
    private static string Packed(string html, string name) =>
        Regex.Match(html, $@"\n  var {name} = '([A-Za-z0-9+/=]+)';\n").Groups[1].Value;

    [Fact]
    public void A_plotly_chart_is_described_by_its_trace_objects_whatever_their_names()
    {
        var chart = Make("line", "t").ToPlotly();
        Assert.Equal($"Plotly chart (scatter), {chart.Width}x{chart.Height}", PlotlyData.Describe(chart));
        Assert.Equal($"Plotly chart (heatmap, heatmap), {Make("grid", "t").Width}x{Make("grid", "t").Height}", PlotlyData.Describe(Make("grid", "t").ToPlotly()));
        Assert.StartsWith("Plotly chart (no traces), ", PlotlyData.Describe(new XPlot.Plotly.PlotlyChart()));
    }
}
