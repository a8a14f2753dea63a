using System.Globalization;
using System.Text.Json;
using AttentionNotebooks.Charts.Layout;
using AttentionNotebooks.Charts.Plotly;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>
/// The head view: every layer's and head's weights checked up front, the chosen head drawn as SVG, and a live chart
/// whose menu carries every head's weights.
/// </summary>
public sealed class HeadViewTests
{
    /// <summary>6 layers x 12 heads (as notebook 7's model has) of non-causal weights over the sample's 6 tokens, one seed per layer.</summary>
    private static readonly IReadOnlyList<IReadOnlyList<Matrix<float>>> SixByTwelve = Attention(6, 12);

    private static IReadOnlyList<IReadOnlyList<Matrix<float>>> Attention(int layers, int heads)
    {
        var x = SampleData.Inputs() * 4f;
        return Enumerable.Range(0, layers)
            .Select(l => new MultiHeadAttention(3, heads, 6, 0f, heads, generator: new TorchGenerator(100 + (ulong)l)).Forward([x], [x]).Weights[0])
            .ToArray();
    }

    /// <summary>A copy of <see cref="SixByTwelve"/> with head (layer, head) replaced by <paramref name="weights"/>.</summary>
    private static IReadOnlyList<IReadOnlyList<Matrix<float>>> With(int layer, int head, Matrix<float> weights) =>
        SixByTwelve.Select((heads, l) => (IReadOnlyList<Matrix<float>>)heads.Select((w, h) => l == layer && h == head ? weights : w).ToArray()).ToArray();

    private static string Message(Exception e) => e.Message.Split(" (Parameter '")[0];

    /// <summary>Asserts that a live chart's z holds <paramref name="expected"/> rounded to 4 decimals (so within 0.5e-4 of it).</summary>
    private static void AssertLiveWeights(JsonElement z, Matrix<float> expected)
    {
        Assert.Equal(expected.RowCount, z.GetArrayLength());
        for (int i = 0; i < expected.RowCount; i++)
        {
            Assert.Equal(expected.ColumnCount, z[i].GetArrayLength());
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                double v = z[i][j].GetDouble();
                Assert.True(Math.Abs(v - expected[i, j]) <= 0.5e-4 + 1e-7, $"z[{i}][{j}] is {v}, the weight is {expected[i, j]}");
                Assert.Equal(Math.Round(v, 4), v);
            }
        }
    }

    [Fact]
    public void The_svg_draws_the_chosen_head_as_the_weights_heatmap_does_titled_with_its_name_under_the_note_on_the_live_menu()
    {
        var weights = SixByTwelve[2][4];
        var root = SvgAssert.ParseBounded(Plot.HeadView(SixByTwelve, SampleData.Tokens, layer: 2, head: 4, title: "Head view"));
        var values = SvgAssert.Texts(root, "value");
        var fills = SvgAssert.WithClass(root, "cell").Select(c => c.Attribute("fill")!.Value).ToList();
        Assert.Equal(36, values.Count);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
            {
                Assert.Equal(weights[i, j].ToString("F4", CultureInfo.InvariantCulture), values[i * 6 + j]);
                Assert.Equal(ColorScale.At(weights[i, j]), fills[i * 6 + j]);
            }
        var alone = SvgAssert.Parse(Plot.Weights(weights, SampleData.Tokens));
        Assert.Equal(SvgAssert.Texts(alone, "value"), values);
        Assert.Equal(["layer 2, head 4"], SvgAssert.Texts(root, "panel-title"));
        Assert.Equal(["In a live session, a menu here picks any of the 6 x 12 heads."], SvgAssert.Texts(root, "note"));
        Assert.Equal(SampleData.Tokens, SvgAssert.Texts(root, "row-label"));
        Assert.Equal(SampleData.Tokens, SvgAssert.Texts(root, "column-label"));
        Assert.Equal(["query", "key"], SvgAssert.Texts(root, "axis-title").OrderByDescending(t => t).ToList());
        Assert.Equal(["attention weight"], SvgAssert.Texts(root, "colorbar-title"));
        Assert.Equal(["Head view"], SvgAssert.Texts(root, "title"));
    }

    [Fact]
    public void Another_head_draws_other_values_and_without_tokens_the_rows_and_columns_are_numbered()
    {
        var a = SvgAssert.Parse(Plot.HeadView(SixByTwelve, SampleData.Tokens, 0, 0));
        var b = SvgAssert.Parse(Plot.HeadView(SixByTwelve, SampleData.Tokens, 5, 11));
        Assert.NotEqual(SvgAssert.Texts(a, "value"), SvgAssert.Texts(b, "value"));
        Assert.Equal(SixByTwelve[5][11][3, 2].ToString("F4", CultureInfo.InvariantCulture), SvgAssert.Texts(b, "value")[3 * 6 + 2]);
        var numbered = SvgAssert.Parse(Plot.HeadView(SixByTwelve));
        Assert.Equal(["0", "1", "2", "3", "4", "5"], SvgAssert.Texts(numbered, "row-label"));
        Assert.Equal(["layer 0, head 0"], SvgAssert.Texts(numbered, "panel-title"));
    }

    [Fact]
    public void The_live_chart_is_one_heatmap_of_the_chosen_head_and_a_menu_of_72_heads_each_carrying_its_weights_to_4_decimals()
    {
        var (data, layout) = PlotlyJson.Parse(Plot.HeadView(SixByTwelve, SampleData.Tokens, layer: 1, head: 8));
        Assert.Equal(1, data.GetArrayLength());
        Assert.Equal("heatmap", data[0].GetProperty("type").GetString());
        AssertLiveWeights(data[0].GetProperty("z"), SixByTwelve[1][8]);
        Assert.Equal(0, data[0].GetProperty("zmin").GetDouble());
        Assert.Equal(1, data[0].GetProperty("zmax").GetDouble());
        var menu = layout.GetProperty("updatemenus").EnumerateArray().Single();
        Assert.Equal("dropdown", menu.GetProperty("type").GetString());
        Assert.Equal(1 * 12 + 8, menu.GetProperty("active").GetInt32());
        var buttons = menu.GetProperty("buttons").EnumerateArray().ToArray();
        Assert.Equal(72, buttons.Length);
        for (int k = 0; k < 72; k++)
        {
            int l = k / 12, h = k % 12;
            Assert.Equal($"layer {l}, head {h}", buttons[k].GetProperty("label").GetString());
            Assert.Equal("restyle", buttons[k].GetProperty("method").GetString());
            var args = buttons[k].GetProperty("args");
            AssertLiveWeights(args[0].GetProperty("z").EnumerateArray().Single(), SixByTwelve[l][h]);
            Assert.Equal([0], args[1].EnumerateArray().Select(e => e.GetInt32()));
        }
        Assert.False(layout.TryGetProperty("title", out _));
        Assert.Equal(SampleData.Tokens, PlotlyJson.Strings(layout.GetProperty("xaxis").GetProperty("ticktext")));
        Assert.Equal(SampleData.Tokens, PlotlyJson.Strings(layout.GetProperty("yaxis").GetProperty("ticktext")));
    }

    [Fact]
    public void The_live_title_is_in_the_top_left_corner_as_in_the_svg_above_the_menu()
    {
        var (_, layout) = PlotlyJson.Parse(Plot.HeadView(SixByTwelve, SampleData.Tokens, title: "Heads </script>"));
        var title = layout.GetProperty("title");
        Assert.Equal("Heads &lt;/script&gt;", title.GetProperty("text").GetString());
        Assert.Equal(("container", "left", 0.0), (title.GetProperty("xref").GetString(), title.GetProperty("xanchor").GetString(), title.GetProperty("x").GetDouble()));
        Assert.Equal(("container", "top", 1.0), (title.GetProperty("yref").GetString(), title.GetProperty("yanchor").GetString(), title.GetProperty("y").GetDouble()));
        var menu = layout.GetProperty("updatemenus")[0];
        Assert.Equal("bottom", menu.GetProperty("yanchor").GetString());
        Assert.True(layout.GetProperty("margin").GetProperty("t").GetDouble() > menu.GetProperty("pad").GetProperty("b").GetDouble() + 34);
    }

    [Fact]
    public void Hovering_a_live_cell_shows_query_key_and_the_weight_and_the_cells_show_the_weight_whichever_head_is_chosen()
    {
        string[] tokens = ["<b>", "a&b", "c", "d", "e", "f"];
        var (data, _) = PlotlyJson.Parse(Plot.HeadView(SixByTwelve, tokens, 3, 3));
        var texts = data[0].GetProperty("text");
        for (int i = 0; i < 6; i++)
            Assert.Equal(tokens.Select(key => $"{tokens[i]} → {key}"), PlotlyJson.Strings(texts[i]));
        Assert.Equal("&lt;b&gt; → a&amp;b", texts[0][1].GetString());
        Assert.Equal("%{text}: %{z:.4f}<extra></extra>", data[0].GetProperty("hovertemplate").GetString());
        Assert.Equal("%{z:.4f}", data[0].GetProperty("texttemplate").GetString());
    }

    [Fact]
    public void The_text_description_names_layers_heads_shape_and_the_shown_head_and_the_plotly_chart_its_one_heatmap()
    {
        var figure = Plot.HeadView(SixByTwelve, SampleData.Tokens, 1, 8, "Heads");
        Assert.Equal("headview", figure.Kind);
        Assert.Matches(@"^headview of 6 layers x 12 heads of 6x6 weights, showing layer 1, head 8 ""Heads"" \(\d+x\d+ SVG, sha256 [0-9a-f]{10}\)$", figure.ToString());
        Assert.EndsWith(FigureDigest.Text(figure.Width, figure.Height, figure.ToSvg()), figure.ToString(), StringComparison.Ordinal);
        Assert.NotEqual(figure.ToString(), Plot.HeadView(SixByTwelve, SampleData.Tokens, 1, 9, "Heads").ToString().Replace("head 9", "head 8", StringComparison.Ordinal));
        Assert.Equal($"Plotly chart (heatmap), {figure.Width}x{figure.Height}", PlotlyData.Describe(figure.ToPlotly()));
    }

    [Fact]
    public void Missing_ragged_or_misshapen_weights_are_refused_naming_the_layer_and_head()
    {
        Assert.Equal("attention", Assert.Throws<ArgumentNullException>(() => Plot.HeadView(null!)).ParamName);
        Assert.StartsWith("attention is empty", Message(Assert.Throws<ArgumentException>(() => Plot.HeadView([]))));
        var noHeads = SixByTwelve.Take(2).Append(Array.Empty<Matrix<float>>()).ToArray();
        Assert.StartsWith("attention[2] has no heads", Message(Assert.Throws<ArgumentException>(() => Plot.HeadView(noHeads))));
        var ragged = SixByTwelve.Select((heads, l) => l == 3 ? heads.Take(11).ToArray() : heads).ToArray();
        var e = Assert.Throws<ArgumentException>(() => Plot.HeadView(ragged));
        Assert.Equal("attention[3] has 11 heads but attention[0] has 12: every layer needs the same number of heads.", Message(e));
        Assert.Equal("attention", e.ParamName);
        Assert.Contains("attention[0][2] is null", Assert.Throws<ArgumentNullException>(() => Plot.HeadView(With(0, 2, null!))).Message, StringComparison.Ordinal);
        Assert.Equal("attention[4][7] is 5x6 but attention[0][0] is 6x6: every head's weights are (tokens, tokens) for the same tokens.",
            Message(Assert.Throws<ArgumentException>(() => Plot.HeadView(With(4, 7, SixByTwelve[4][7].SubMatrix(0, 5, 0, 6))))));
        Assert.StartsWith("attention[0][0] is 6x5: a head's attention weights are (tokens, tokens)",
            Message(Assert.Throws<ArgumentException>(() => Plot.HeadView(With(0, 0, SixByTwelve[0][0].SubMatrix(0, 6, 0, 5))))));
        e = Assert.Throws<ArgumentException>(() => Plot.HeadView(SixByTwelve, SampleData.Tokens.Take(5).ToArray()));
        Assert.Equal("5 tokens were given but the weights are 6x6: one token per row and column.", Message(e));
        Assert.Equal("tokens", e.ParamName);
    }

    [Fact]
    public void A_layer_or_head_that_does_not_exist_is_refused_with_the_range()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Plot.HeadView(SixByTwelve, layer: 6));
        Assert.Equal("layer", e.ParamName);
        Assert.StartsWith("layer must be between 0 and 5 (attention has 6 layers), but is 6.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Plot.HeadView(SixByTwelve, head: -1));
        Assert.Equal("head", e.ParamName);
        Assert.StartsWith("head must be between 0 and 11 (each layer has 12 heads), but is -1.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_weight_that_is_not_finite_or_outside_0_to_1_is_refused_naming_layer_head_row_and_column()
    {
        var nan = SixByTwelve[2][3].Clone();
        nan[4, 1] = float.NaN;
        Assert.Equal("attention[2][3] (6x6) has NaN at row 4, column 1: attention weights are finite.",
            Message(Assert.Throws<ArgumentException>(() => Plot.HeadView(With(2, 3, nan)))));
        var big = SixByTwelve[5][11].Clone();
        big[0, 0] = 1.5f;
        Assert.StartsWith("attention[5][11] (6x6) has 1.5 at row 0, column 0, outside [0, 1]: attention weights are probabilities",
            Message(Assert.Throws<ArgumentException>(() => Plot.HeadView(With(5, 11, big)))));
        var infinite = SixByTwelve[0][0].Clone();
        infinite[5, 5] = float.NegativeInfinity;
        Assert.StartsWith("attention[0][0] (6x6) has -Infinity at row 5, column 5: attention weights are finite.",
            Message(Assert.Throws<ArgumentException>(() => Plot.HeadView(With(0, 0, infinite), layer: 3))));
    }

    [Fact]
    public void More_than_200000_weights_are_refused_with_a_selection_that_fits_and_that_selection_is_drawn()
    {
        IReadOnlyList<IReadOnlyList<Matrix<float>>> Uniform(int layers, int heads, int t)
        {
            var uniform = Matrix<float>.Build.Dense(t, t, 1f / t);
            return Enumerable.Range(0, layers).Select(_ => (IReadOnlyList<Matrix<float>>)Enumerable.Repeat(uniform, heads).ToArray()).ToArray();
        }
        var attention = Uniform(6, 12, 60);
        var e = Assert.Throws<ArgumentException>(() => Plot.HeadView(attention));
        Assert.Equal("attention holds 6 layers x 12 heads of 60x60 weights, 259,200 values: a head view carries at most 200,000 (its live chart holds every head). " +
                     "Show the first 4 layers (attention.Take(4).ToList()), or a text of at most 52 tokens.", Message(e));
        Assert.Equal("attention", e.ParamName);
        Assert.Equal("headview", Plot.HeadView(attention.Take(4).ToList()).Kind);
        Assert.Equal("headview", Plot.HeadView(Uniform(6, 12, 52)).Kind);
        Assert.Throws<ArgumentException>(() => Plot.HeadView(Uniform(6, 12, 53)));

        var wide = Uniform(1, 12, 140);
        Assert.Contains("Show 10 heads of one layer (attention.Take(1).Select(l => l.Take(10).ToList()).ToList()), or a text of at most 129 tokens.",
            Message(Assert.Throws<ArgumentException>(() => Plot.HeadView(wide))), StringComparison.Ordinal);
        Assert.Equal("headview", Plot.HeadView(wide.Take(1).Select(l => l.Take(10).ToList()).ToList()).Kind);
    }
}
