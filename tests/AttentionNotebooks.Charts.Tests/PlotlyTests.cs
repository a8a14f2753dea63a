using System.Text.Json;
using AttentionNotebooks.Charts.Plotly;

namespace AttentionNotebooks.Charts.Tests;

public sealed class PlotlyTests
{
    private static Matrix<float> Weights() => SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;

    /// <summary>The data and layout JSON that the chart's script passes to Plotly.newPlot.</summary>
    private static (JsonElement Data, JsonElement Layout) Parse(string html) => PlotlyJson.Parse(html);

    [Fact]
    public void A_heatmap_becomes_a_plotly_heatmap_with_token_ticks_and_a_value_in_every_cell()
    {
        var (data, layout) = Parse(Plot.Heatmap(Weights(), SampleData.Tokens, "Weights").ToHtml());
        var trace = data[0];
        Assert.Equal("heatmap", trace.GetProperty("type").GetString());
        Assert.Equal(6, trace.GetProperty("z").GetArrayLength());
        Assert.Equal(0.2379, trace.GetProperty("z")[1][1].GetDouble(), 4);
        Assert.Equal(SampleData.Tokens, layout.GetProperty("xaxis").GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("reversed", layout.GetProperty("yaxis").GetProperty("autorange").GetString());
        Assert.Equal(36, layout.GetProperty("annotations").GetArrayLength());
    }

    [Fact]
    public void Masked_cells_become_gaps_instead_of_invalid_json()
    {
        var (data, _) = Parse(Plot.Heatmap(CausalMask.FillAboveDiagonal(Weights()), SampleData.Tokens).ToHtml());
        Assert.Equal(JsonValueKind.Null, data[0].GetProperty("z")[0][1].ValueKind);
    }

    [Fact]
    public void A_grid_of_heatmaps_gets_one_axis_pair_per_panel()
    {
        var heads = new MultiHeadAttention(3, 4, 6, 0f, 4, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
        var (data, layout) = Parse(Plot.Heatmaps(heads, SampleData.Tokens).ToHtml());
        Assert.Equal(4, data.GetArrayLength());
        Assert.Equal("x4", data[3].GetProperty("xaxis").GetString());
        Assert.True(layout.TryGetProperty("xaxis4", out _));
        Assert.True(layout.TryGetProperty("yaxis3", out _));
    }

    [Fact]
    public void Hostile_labels_cannot_end_the_script_and_are_entities_for_plotly()
    {
        string html = Plot.Heatmap(Weights(), ["</script>", "a&b", "<|endoftext|>", "d", "e", "f"]).ToHtml();
        int scriptStart = html.IndexOf("<script", StringComparison.Ordinal);
        Assert.Equal(html.IndexOf("</script>", StringComparison.Ordinal), html.LastIndexOf("</script>", StringComparison.Ordinal));
        Assert.True(html.IndexOf("</script>", StringComparison.Ordinal) > scriptStart);
        var (_, layout) = Parse(html);
        Assert.Equal(["&lt;/script&gt;", "a&amp;b", "&lt;|endoftext|&gt;", "d", "e", "f"],
            layout.GetProperty("xaxis").GetProperty("ticktext").EnumerateArray().Select(t => t.GetString()!));
    }

    [Fact]
    public void The_chart_id_and_html_are_the_same_on_every_run()
    {
        var a = Plot.Heatmap(Weights(), SampleData.Tokens).ToPlotly();
        var b = Plot.Heatmap(Weights(), SampleData.Tokens).ToPlotly();
        Assert.Equal(a.Id, b.Id);
        Assert.StartsWith("an-plotly-", a.Id);
        Assert.Equal(PlotlyHtml.Render(a), PlotlyHtml.Render(b));
        Assert.NotEqual(a.Id, Plot.Heatmap(SampleData.Inputs()).ToPlotly().Id);
    }

    [Fact]
    public void The_html_carries_the_embedded_plotly_js_and_no_cdn_address()
    {
        string html = Plot.Bar(Weights().Row(1), SampleData.Tokens).ToHtml();
        Assert.StartsWith("<div id=\"an-plotly-", html);
        Assert.Contains(PlotlyScript.Loader(), html);   // the one plotly.js, 2.35.3, so a saved page draws offline
        Assert.Contains("Plotly.newPlot(", html);
        string around = html.Replace(PlotlyScript.Source, "", StringComparison.Ordinal);   // the bundle's own defaults name map servers
        Assert.DoesNotContain("http", around, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", around, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("requirejs", around, StringComparison.Ordinal);
        Assert.Equal(1, html.Split("<script", StringSplitOptions.None).Length - 1);
    }

    [Fact]
    public void Plotly_html_without_plotly_js_draws_with_the_pages_plotly_or_waits_for_the_loader()
    {
        var chart = Plot.Bar(Weights().Row(1), SampleData.Tokens).ToPlotly();
        string html = PlotlyHtml.Render(chart);
        Assert.DoesNotContain(PlotlyScript.Source, html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"document.addEventListener('{PlotlyScript.ReadyEvent}'", html);
        Assert.Equal(PlotlyHtml.Render(chart, includePlotly: true), html.Replace("})();\n</script>", PlotlyScript.Loader() + "})();\n</script>", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_kind_of_figure_has_a_plotly_form_with_valid_json()
    {
        var context = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Context.Row(1);
        Figure[] figures =
        [
            Plot.QueryWeights(Weights(), 1, SampleData.Tokens),
            Plot.Scatter2D(SampleData.Inputs(), SampleData.Tokens, context, "z(2)"),
            Plot.Scatter3D(SampleData.Inputs(), SampleData.Tokens, context, "z(2)"),
            Plot.Line([Series.Of("a", new[] { 1, 10, 100 }, new[] { 1.0, 2.0, 4.0 })], logX: true),
        ];
        string[] types = ["bar", "scatter", "scatter3d", "scatter"];
        for (int k = 0; k < figures.Length; k++)
        {
            var (data, _) = Parse(figures[k].ToHtml());
            Assert.Equal(types[k], data[0].GetProperty("type").GetString());
        }
    }

    [Fact]
    public void Plotly_cuts_long_labels_but_keeps_them_whole_in_the_hover_text()
    {
        string label = new('k', 10_000);
        string[] tokens = [.. SampleData.Tokens];
        tokens[0] = label;
        var (data, layout) = Parse(Plot.Heatmap(Weights(), tokens, new string('T', 100_000)).ToHtml());
        Assert.Equal(new string('k', 39) + "…", layout.GetProperty("xaxis").GetProperty("ticktext")[0].GetString());
        Assert.Equal(new string('T', 79) + "…", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.StartsWith(label + " → ", data[0].GetProperty("text")[0][0].GetString());
    }

    [Fact]
    public void Plotly_keeps_subnormal_heatmap_values_apart_and_draws_the_whole_double_range()
    {
        float e = float.Epsilon;
        var (data, _) = Parse(Plot.Heatmap(Matrix<float>.Build.DenseOfArray(new[,] { { e, 2 * e }, { 3 * e, 4 * e } })).ToHtml());
        var z = data[0].GetProperty("z").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(v => v.GetDouble()).ToList();
        Assert.Equal([(double)e, 2.0 * e, 3.0 * e, 4.0 * e], z.Select(v => (double)(float)v));
        var (line, _) = Parse(Plot.Line(new double[] { -1.7e308, 1.7e308 }, new double[] { 1, 2 }).ToHtml());
        Assert.Equal([-1.7e308, 1.7e308], line[0].GetProperty("x").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public void Plotly_weights_run_from_0_to_1_and_masked_cells_are_gaps_over_the_masked_grey_saying_masked()
    {
        var causal = new CausalAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, generator: new TorchGenerator(123)).Forward(SampleData.Batch()).Weights[0];
        var (data, layout) = Parse(Plot.Weights(causal, SampleData.Tokens, causal: true).ToHtml());
        var trace = data[0];
        Assert.Equal(0, trace.GetProperty("zmin").GetDouble());
        Assert.Equal(1, trace.GetProperty("zmax").GetDouble());
        Assert.Equal("attention weight", trace.GetProperty("colorbar").GetProperty("title").GetString());
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
            {
                Assert.Equal(j > i, trace.GetProperty("z")[i][j].ValueKind == JsonValueKind.Null);
                Assert.Equal(j > i, trace.GetProperty("text")[i][j].GetString()!.EndsWith(": masked (0)", StringComparison.Ordinal));
            }
        Assert.Equal("#e5e7eb", layout.GetProperty("plot_bgcolor").GetString());
        var (auto, _) = Parse(Plot.Heatmap(causal, SampleData.Tokens).ToHtml());
        Assert.Equal(JsonValueKind.Number, auto[0].GetProperty("z")[0][1].ValueKind);
        Assert.Equal("auto range", auto[0].GetProperty("colorbar").GetProperty("title").GetString());
    }

    [Fact]
    public void A_plotly_log_bar_chart_has_a_log_axis_value_labels_placed_in_decades_and_a_legend_for_the_highlight()
    {
        var values = Vector<float>.Build.DenseOfArray([1813.2f, 1058.6f, 1.5f, 2.7f]);
        var (data, layout) = Parse(Plot.Bar(values, ["a", "b", "c", "d"], highlight: 3, logScale: true, highlightLabel: "the baseline").ToHtml());
        Assert.Equal("log", layout.GetProperty("yaxis").GetProperty("type").GetString());
        Assert.Equal(2, data.GetArrayLength());
        Assert.False(data[0].GetProperty("showlegend").GetBoolean());
        Assert.Equal([0, 1, 2], data[0].GetProperty("x").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal("the baseline", data[1].GetProperty("name").GetString());
        Assert.Equal(3, data[1].GetProperty("x")[0].GetInt32());
        Assert.All(data.EnumerateArray(), bar => Assert.Equal("none", bar.GetProperty("textposition").GetString()));   // hover texts are not printed in the bars
        Assert.True(layout.GetProperty("showlegend").GetBoolean());
        var annotations = layout.GetProperty("annotations");
        Assert.Equal(Math.Log10(1813.2f), annotations[0].GetProperty("y").GetDouble(), 5);
        Assert.Equal("2.700", annotations[3].GetProperty("text").GetString());
    }

    [Fact]
    public void A_plotly_line_chart_over_a_few_lengths_is_ticked_at_them()
    {
        int[] lengths = [256, 512, 1024, 2048];
        var (_, layout) = Parse(Plot.Line([Series.Of("m", lengths, lengths.Select(n => n / 10.0))], logX: true, logY: true).ToHtml());
        var x = layout.GetProperty("xaxis");
        Assert.Equal([256.0, 512, 1024, 2048], x.GetProperty("tickvals").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(["256", "512", "1024", "2048"], x.GetProperty("ticktext").EnumerateArray().Select(v => v.GetString()!));
    }
}
