using System.Globalization;
using CsCheck;

namespace AttentionNotebooks.Charts.Tests;

public sealed class HeatmapTests
{
    private static Matrix<float> Weights() => SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;

    [Fact]
    public void The_svg_is_a_standalone_document_with_namespace_size_and_viewBox()
    {
        var figure = Plot.Heatmap(Weights(), SampleData.Tokens, "Attention weights");
        string svg = figure.ToSvg();
        Assert.StartsWith("<svg ", svg);
        Assert.Contains("xmlns=\"http://www.w3.org/2000/svg\"", svg);
        var root = SvgAssert.Parse(svg);
        Assert.Equal(figure.Width.ToString(CultureInfo.InvariantCulture), root.Attribute("width")!.Value);
        Assert.Equal($"0 0 {figure.Width} {figure.Height}", root.Attribute("viewBox")!.Value);
        Assert.Equal("Attention weights", root.Element(SvgAssert.Ns + "title")!.Value);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(6, 6)]
    [InlineData(12, 12)]
    [InlineData(64, 64)]
    public void There_is_one_rect_per_matrix_entry_in_row_major_order(int rows, int columns)
    {
        var m = new TorchGenerator(7).Uniform(rows, columns, 0f, 1f);
        var cells = SvgAssert.WithClass(SvgAssert.Parse(Plot.Heatmap(m)), "cell");
        Assert.Equal(rows * columns, cells.Count);
        Assert.All(cells, c => Assert.Equal("rect", c.Name.LocalName));
        for (int k = 1; k < cells.Count; k++)
        {
            double y0 = SvgAssert.Number(cells[k - 1], "y"), y1 = SvgAssert.Number(cells[k], "y");
            double x0 = SvgAssert.Number(cells[k - 1], "x"), x1 = SvgAssert.Number(cells[k], "x");
            Assert.True(k % columns == 0 ? y1 > y0 : y1 == y0 && x1 > x0, $"cell {k} is out of row-major order");
        }
    }

    [Fact]
    public void Larger_values_always_get_darker_colours()
    {
        Gen.Select(Gen.Int[1, 10], Gen.Int[1, 10], Gen.ULong).Sample((rows, columns, seed) =>
        {
            var m = new TorchGenerator(seed).Uniform(rows, columns, -3f, 3f);
            var cells = SvgAssert.WithClass(SvgAssert.Parse(Plot.Heatmap(m)), "cell");
            var pairs = cells.Select((c, k) => (Value: m[k / columns, k % columns], Luminance: SvgAssert.Luminance(c.Attribute("fill")!.Value)))
                .OrderBy(p => p.Value).ToList();
            for (int k = 1; k < pairs.Count; k++)
                Assert.True(pairs[k].Luminance <= pairs[k - 1].Luminance + 1e-12,
                    $"{pairs[k].Value} is drawn lighter than the smaller {pairs[k - 1].Value}");
            Assert.True(pairs[0].Luminance > pairs[^1].Luminance || pairs.Count == 1 || pairs[0].Value == pairs[^1].Value);
        }, iter: 60);
    }

    [Fact]
    public void Every_cell_of_a_small_matrix_shows_its_value_with_4_decimals()
    {
        var weights = Weights();
        var values = SvgAssert.Texts(SvgAssert.Parse(Plot.Heatmap(weights, SampleData.Tokens)), "value");
        Assert.Equal(36, values.Count);
        Assert.Equal("0.2379", values[1 * 6 + 1]);
        Assert.All(values, v => Assert.Matches(@"^0\.\d{4}$", v));
    }

    [Fact]
    public void Medium_matrices_show_2_decimals_and_large_ones_none()
    {
        var medium = SvgAssert.Texts(SvgAssert.Parse(Plot.Heatmap(new TorchGenerator(1).Uniform(12, 12, 0f, 1f))), "value");
        Assert.Equal(144, medium.Count);
        Assert.All(medium, v => Assert.Matches(@"^\d\.\d{2}$", v));
        Assert.Empty(SvgAssert.Texts(SvgAssert.Parse(Plot.Heatmap(new TorchGenerator(1).Uniform(64, 64, 0f, 1f))), "value"));
        var chosen = SvgAssert.Texts(SvgAssert.Parse(Plot.Heatmap(Weights(), options: new HeatmapOptions { Decimals = 2 })), "value");
        Assert.Equal("0.24", chosen[7]);
        Assert.Empty(SvgAssert.Texts(SvgAssert.Parse(Plot.Heatmap(Weights(), options: new HeatmapOptions { ShowValues = false })), "value"));
    }

    [Fact]
    public void Values_are_written_in_a_colour_that_contrasts_with_their_cell()
    {
        var m = Matrix<float>.Build.Dense(8, 8, (i, j) => i * 8 + j);
        var root = SvgAssert.Parse(Plot.Heatmap(m));
        var cells = SvgAssert.WithClass(root, "cell");
        var values = SvgAssert.WithClass(root, "value");
        for (int k = 0; k < cells.Count; k++)
        {
            double contrast = SvgAssert.Contrast(cells[k].Attribute("fill")!.Value, values[k].Attribute("fill")!.Value);
            Assert.True(contrast >= 4.5, $"cell {k}: contrast {contrast:F2} is below 4.5");
        }
    }

    [Fact]
    public void Tokens_label_both_axes_of_square_weights_with_query_and_key_titles()
    {
        var root = SvgAssert.Parse(Plot.Heatmap(Weights(), SampleData.Tokens));
        Assert.Equal(SampleData.Tokens, SvgAssert.Texts(root, "row-label"));
        Assert.Equal(SampleData.Tokens, SvgAssert.Texts(root, "column-label"));
        Assert.Equal(["key", "query"], SvgAssert.Texts(root, "axis-title"));
    }

    [Fact]
    public void Tokens_label_only_the_rows_of_a_tokens_by_features_matrix()
    {
        var root = SvgAssert.Parse(Plot.Heatmap(SampleData.Inputs(), SampleData.Tokens));
        Assert.Equal(SampleData.Tokens, SvgAssert.Texts(root, "row-label"));
        Assert.Equal(["0", "1", "2"], SvgAssert.Texts(root, "column-label"));
        Assert.Empty(SvgAssert.Texts(root, "axis-title"));
    }

    [Fact]
    public void Hostile_labels_survive_and_are_escaped_in_the_markup()
    {
        string[] labels = ["<|endoftext|>", "a&b", "\"quoted\"", "it's", "</svg>", "]]>"];
        string svg = Plot.Heatmap(Weights(), labels, "<title> & \"more\"").ToSvg();
        Assert.Contains("&lt;|endoftext|&gt;", svg);
        Assert.Contains("a&amp;b", svg);
        Assert.Contains("&lt;/svg&gt;", svg);
        Assert.DoesNotContain("<|endoftext|>", svg);
        var root = SvgAssert.Parse(svg);
        Assert.Equal(labels, SvgAssert.Texts(root, "row-label"));
        Assert.Equal(labels, SvgAssert.Texts(root, "column-label"));
        Assert.Equal("<title> & \"more\"", SvgAssert.Texts(root, "title").Single());
        Assert.Contains(root.Descendants(SvgAssert.Ns + "title"), t => t.Value == "<|endoftext|> → a&b: 0.2006");
    }

    [Fact]
    public void Control_characters_in_labels_are_shown_as_escapes_and_keep_the_xml_valid()
    {
        string[] labels = ["new\nline", "tab\t", "bell\u0007", "ok", "x", "y"];
        var root = SvgAssert.Parse(Plot.Heatmap(Weights(), labels));
        Assert.Equal(["new\\nline", "tab\\t", "bell\\u0007", "ok", "x", "y"], SvgAssert.Texts(root, "row-label"));
    }

    [Fact]
    public void Long_column_labels_are_rotated_and_short_ones_are_not()
    {
        var longLabels = SvgAssert.WithClass(SvgAssert.Parse(Plot.Heatmap(Weights(), ["a", "supercalifragilistic", "c", "d", "e", "f"])), "column-label");
        Assert.All(longLabels, l => Assert.StartsWith("rotate(-45 ", l.Attribute("transform")!.Value));
        var shortLabels = SvgAssert.WithClass(SvgAssert.Parse(Plot.Heatmap(Weights(), SampleData.Tokens)), "column-label");
        Assert.All(shortLabels, l => Assert.Null(l.Attribute("transform")));
    }

    [Fact]
    public void The_legend_is_a_colour_bar_with_ticks_inside_the_value_range()
    {
        var weights = Weights();
        var root = SvgAssert.Parse(Plot.Heatmap(weights, SampleData.Tokens));
        var bar = SvgAssert.WithClass(root, "colorbar").Single();
        string gradientId = bar.Attribute("fill")!.Value[5..^1];
        var gradient = root.Descendants(SvgAssert.Ns + "linearGradient").Single(g => g.Attribute("id")!.Value == gradientId);
        var stops = gradient.Elements(SvgAssert.Ns + "stop").Select(s => SvgAssert.Luminance(s.Attribute("stop-color")!.Value)).ToList();
        Assert.Equal(stops.OrderByDescending(l => l), stops);
        var ticks = SvgAssert.Texts(root, "tick-label").Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList();
        Assert.True(ticks.Count >= 2);
        Assert.All(ticks, t => Assert.InRange(t, weights.Enumerate().Min() - 1e-9, weights.Enumerate().Max() + 1e-9));
    }

    [Fact]
    public void A_fixed_colour_range_colours_values_by_that_range()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 0f, 0.5f, 1f } });
        var fills = SvgAssert.WithClass(SvgAssert.Parse(Plot.Heatmap(m * 0.5f, options: new HeatmapOptions { Min = 0, Max = 1 })), "cell")
            .Select(c => c.Attribute("fill")!.Value).ToList();
        var full = SvgAssert.WithClass(SvgAssert.Parse(Plot.Heatmap(m)), "cell").Select(c => c.Attribute("fill")!.Value).ToList();
        Assert.Equal(full[0], fills[0]);
        Assert.Equal(full[1], fills[2]);
    }

    [Fact]
    public void Masked_scores_are_hatched_labelled_minus_inf_and_named_in_the_legend()
    {
        var masked = CausalMask.FillAboveDiagonal(Weights());
        var root = SvgAssert.Parse(Plot.Heatmap(masked, SampleData.Tokens));
        var cells = SvgAssert.WithClass(root, "cell");
        Assert.Equal(15, cells.Count(c => c.Attribute("fill")!.Value.StartsWith("url(#", StringComparison.Ordinal)));
        Assert.Equal(15, SvgAssert.Texts(root, "value").Count(v => v == "-inf"));
        Assert.Single(SvgAssert.WithClass(root, "masked-swatch"));
        Assert.Contains("masked", SvgAssert.Texts(root, "tick-label"));
    }

    [Fact]
    public void A_constant_matrix_and_a_1x1_matrix_are_drawn()
    {
        var one = SvgAssert.Parse(Plot.Heatmap(Matrix<float>.Build.Dense(1, 1, 1f)));
        Assert.Single(SvgAssert.WithClass(one, "cell"));
        Assert.Equal("1.0000", SvgAssert.Texts(one, "value").Single());
        var zeros = SvgAssert.Parse(Plot.Heatmap(Matrix<float>.Build.Dense(3, 3)));
        Assert.Single(SvgAssert.WithClass(zeros, "cell").Select(c => c.Attribute("fill")!.Value).Distinct());
    }

    [Fact]
    public void NaN_is_an_error_naming_the_shape_and_position()
    {
        var m = Weights();
        m[2, 4] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(m, SampleData.Tokens));
        Assert.StartsWith("weights (6x6) contains NaN at row 2, column 4", e.Message);
    }

    [Fact]
    public void An_empty_matrix_is_an_error_naming_its_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(Matrix<float>.Build.Dense(0, 3)));
        Assert.StartsWith("weights is empty (0x3)", e.Message);
    }

    [Fact]
    public void Labels_that_do_not_match_the_shape_are_an_error_naming_both()
    {
        var weights = Matrix<float>.Build.Dense(6, 5);
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(weights, options: new HeatmapOptions { ColumnLabels = SampleData.Tokens }));
        Assert.StartsWith("weights is 6x5 but 6 labels were given for 5 columns.", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(weights, ["a", "b", "c"]));
        Assert.StartsWith("weights is 6x5 but 3 tokens were given: tokens label the 6 rows or the 5 columns.", e.Message);
    }

    [Fact]
    public void A_colour_range_with_min_not_below_max_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(Weights(), options: new HeatmapOptions { Min = 1, Max = 1 }));
        Assert.Contains("Min < Max", e.Message);
    }

    [Fact]
    public void The_same_figure_gives_the_same_bytes_whatever_the_culture()
    {
        string first = Plot.Heatmap(Weights(), SampleData.Tokens, "t").ToSvg();
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NegativeSign = "\u2212";
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            Assert.Equal(first, Plot.Heatmap(Weights(), SampleData.Tokens, "t").ToSvg());
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
        Assert.DoesNotContain("\r", first);
        Assert.DoesNotContain(",5", first);
    }

    [Fact]
    public void Different_figures_use_different_element_ids()
    {
        static string GradientId(Figure f) => SvgAssert.Parse(f).Descendants(SvgAssert.Ns + "linearGradient").Single().Attribute("id")!.Value;
        Assert.NotEqual(GradientId(Plot.Heatmap(Weights())), GradientId(Plot.Heatmap(SampleData.Inputs())));
        Assert.Equal(GradientId(Plot.Heatmap(Weights())), GradientId(Plot.Heatmap(Weights())));
    }

    [Fact]
    public void With_size_scales_the_drawing_without_changing_its_layout()
    {
        var figure = Plot.Heatmap(Weights(), SampleData.Tokens);
        var resized = SvgAssert.Parse(figure.WithSize(1000, 600));
        Assert.Equal("1000", resized.Attribute("width")!.Value);
        Assert.Equal("600", resized.Attribute("height")!.Value);
        Assert.Equal($"0 0 {figure.Width} {figure.Height}", resized.Attribute("viewBox")!.Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => figure.WithSize(10, 600));
    }

    [Fact]
    public void Live_heatmap_puts_its_title_in_the_top_left_corner_above_the_rotated_column_labels_and_keeps_its_colour_bar_clear_of_the_last_label()
    {
        // Notebook 00's alignment: eight German words, the last one long, drawn rotated.
        string[] german = ["Kannst", "du", "mir", "helfen", "diesen", "Satz", "zu", "übersetzen"];
        string[] english = ["Can", "you", "help", "me", "translate", "this", "sentence"];
        var alignment = Matrix<float>.Build.Dense(7, 8, (i, j) => i == j ? 0.8f : 0.2f / 7);
        var figure = Plot.Heatmap(alignment, title: "A hand-drawn alignment (illustration, not learned)", options: HeatmapOptions.AttentionWeights with
        {
            RowLabels = english, ColumnLabels = german, RowTitle = "English (output)", ColumnTitle = "German (input)",
        });
        var (data, layout) = PlotlyJson.Parse(figure);
        Assert.Equal(-45, layout.GetProperty("xaxis").GetProperty("tickangle").GetDouble());   // the case at hand: rotated labels
        var title = layout.GetProperty("title");
        Assert.Equal("A hand-drawn alignment (illustration, not learned)", title.GetProperty("text").GetString());
        Assert.Equal(("container", "left", 0.0), (title.GetProperty("xref").GetString(), title.GetProperty("xanchor").GetString(), title.GetProperty("x").GetDouble()));
        Assert.Equal(("container", "top", 1.0), (title.GetProperty("yref").GetString(), title.GetProperty("yanchor").GetString(), title.GetProperty("y").GetDouble()));
        // Under the title's band (46 px) the margin holds the axis title (20 px) and the rotated labels, which rise
        // w·sin 45° from their ticks (w the widest label's width at Plotly's 12 px).
        double rise = german.Max(w => Layout.TextMetrics.Width(w, 12)) * Math.Sqrt(0.5);
        double top = layout.GetProperty("margin").GetProperty("t").GetDouble();
        Assert.True(top >= 46 + 20 + rise, $"top margin {top}, needs {46 + 20 + rise:F0}");
        // The last label leans right from the middle of the last cell (as wide as the SVG's) by as much: past the
        // grid's edge by that less half a cell, which the colour bar keeps clear of.
        double halfCell = SvgAssert.Number(SvgAssert.WithClass(SvgAssert.Parse(figure), "cell")[0], "width") / 2;
        double reach = Layout.TextMetrics.Width("übersetzen", 12) * Math.Sqrt(0.5) - halfCell;
        double pad = data[0].GetProperty("colorbar").GetProperty("xpad").GetDouble();
        Assert.True(reach > 10, $"the test needs a label reaching past Plotly's own padding, got {reach:F0}");
        Assert.True(pad >= reach, $"colour bar padding {pad}, the last label reaches {reach:F0} past the grid");

        // Short labels, not rotated: a band of one line of labels, and Plotly's own padding of the colour bar.
        var (plainData, plainLayout) = PlotlyJson.Parse(Plot.Heatmap(Weights(), SampleData.Tokens, "Attention weights"));
        Assert.Equal(0, plainLayout.GetProperty("xaxis").GetProperty("tickangle").GetDouble());
        Assert.True(plainLayout.GetProperty("margin").GetProperty("t").GetDouble() < top);
        Assert.Equal(10, plainData[0].GetProperty("colorbar").GetProperty("xpad").GetDouble());
    }

    [Fact]
    public void A_layout_wider_than_the_notebook_output_area_is_shown_scaled_down_to_960_pixels_and_laid_out_live_at_960_pixels_wide()
    {
        var rng = new TorchGenerator(5);
        var heads = Enumerable.Range(0, 4).Select(_ => Softmax.Stable(rng.Rand(12, 12))).ToArray();
        var wide = Plot.Heatmaps(heads, Enumerable.Range(0, 12).Select(i => $"t{i}").ToArray(), columns: 4);
        var svg = SvgAssert.Parse(wide);
        var viewBox = svg.Attribute("viewBox")!.Value.Split(' ').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(viewBox[2] > Figure.MaxWidth, $"the test needs a layout wider than {Figure.MaxWidth}, got {viewBox[2]}");
        Assert.Equal(Figure.MaxWidth, wide.Width);
        Assert.Equal((int)Math.Round(viewBox[3] * Figure.MaxWidth / viewBox[2]), wide.Height);
        Assert.Equal(wide.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), svg.Attribute("width")!.Value);
        Assert.Equal(wide.Height.ToString(System.Globalization.CultureInfo.InvariantCulture), svg.Attribute("height")!.Value);
        var live = PlotlyJson.Parse(wide).Layout;
        Assert.Equal(Figure.MaxWidth, live.GetProperty("width").GetDouble());
        Assert.Equal(viewBox[3], live.GetProperty("height").GetDouble());   // narrower, not shorter: Plotly's margins and fonts do not scale
        Assert.Equal(1200, wide.WithSize(1200, 400).Width);   // an explicit size is kept

        var narrow = Plot.Heatmap(Weights(), SampleData.Tokens);
        Assert.True(narrow.Width < Figure.MaxWidth);
        Assert.Equal($"0 0 {narrow.Width} {narrow.Height}", SvgAssert.Parse(narrow).Attribute("viewBox")!.Value);
    }

    [Fact]
    public void A_title_makes_the_figure_taller()
    {
        var plain = Plot.Heatmap(Weights());
        var titled = plain.WithTitle("Attention");
        Assert.True(titled.Height > plain.Height);
        Assert.Equal("Attention", titled.Title);
        Assert.Equal(800, plain.WithSize(800, 500).WithTitle("Attention").Width);
    }

    [Fact]
    public void The_description_names_kind_shape_title_and_a_digest_of_the_svg()
    {
        var figure = Plot.Heatmap(Weights(), SampleData.Tokens, "Attention weights");
        Assert.Matches(@"^heatmap of a 6x6 matrix ""Attention weights"" \(\d+x\d+ SVG, sha256 [0-9a-f]{10}\)$", figure.ToString());
        Assert.NotEqual(figure.ToString(), Plot.Heatmap(Weights() * 0.5f, SampleData.Tokens, "Attention weights").ToString());
    }
}

public sealed class HeatmapExtremeInputTests
{
    private static Matrix<float> Weights() => SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;

    private static List<double> Luminances(XElement root) =>
        SvgAssert.WithClass(root, "cell").Select(c => SvgAssert.Luminance(c.Attribute("fill")!.Value)).ToList();

    [Fact]
    public void The_largest_floats_get_a_scientific_legend_and_no_cell_text_that_cannot_fit()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { -float.MaxValue, float.MaxValue }, { 0f, 1f } });
        var root = SvgAssert.ParseBounded(Plot.Heatmap(m));
        Assert.Equal(["-2e38", "0", "2e38"], SvgAssert.Texts(root, "tick-label"));
        Assert.Empty(SvgAssert.Texts(root, "value"));          // 39 digits do not fit a 64-pixel cell
        Assert.Contains(root.Descendants(SvgAssert.Ns + "title"), t => t.Value == "0 → 1: 340282346638528859811704183484516925440.0000");
        var l = Luminances(root);
        Assert.True(l[0] > l[2] && l[2] >= l[3] && l[3] > l[1]);
    }

    [Fact]
    public void Subnormal_floats_are_coloured_by_size_with_distinct_legend_ticks()
    {
        float e = float.Epsilon;
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { e, 2 * e }, { 3 * e, 4 * e } });
        var root = SvgAssert.ParseBounded(Plot.Heatmap(m));
        Assert.Equal(["2e-45", "3e-45", "4e-45", "5e-45"], SvgAssert.Texts(root, "tick-label"));
        var l = Luminances(root);
        Assert.True(l[0] > l[1] && l[1] > l[2] && l[2] > l[3]);
        Assert.All(SvgAssert.Texts(root, "value"), v => Assert.Equal("0.0000", v));
    }

    [Fact]
    public void Masked_and_constant_matrices_keep_their_hatching_and_one_colour()
    {
        var allMasked = SvgAssert.ParseBounded(Plot.Heatmap(Matrix<float>.Build.Dense(2, 2, float.NegativeInfinity)));
        Assert.All(SvgAssert.WithClass(allMasked, "cell"), c => Assert.StartsWith("url(#", c.Attribute("fill")!.Value));
        Assert.Equal(["-inf", "-inf", "-inf", "-inf"], SvgAssert.Texts(allMasked, "value"));
        var constant = SvgAssert.ParseBounded(Plot.Heatmap(Matrix<float>.Build.Dense(2, 3, float.MaxValue)));
        Assert.Single(SvgAssert.WithClass(constant, "cell").Select(c => c.Attribute("fill")!.Value).Distinct());
    }

    [Fact]
    public void A_10000_character_label_and_a_100000_character_title_are_cut_and_the_svg_stays_small()
    {
        // Issue 10, case 10: this made a 200,150 x 83,038 px SVG, the title alone 1.5 M px.
        string label = string.Concat(Enumerable.Repeat("journey ", 1250));
        string[] tokens = [.. SampleData.Tokens];
        tokens[1] = label;
        string title = new('T', 100_000);
        var figure = Plot.Heatmap(Weights(), tokens, title, new HeatmapOptions { RowTitle = new string('r', 500) });
        var root = SvgAssert.ParseBounded(figure);
        Assert.InRange(figure.Width, 1, 2000);
        string cut = string.Concat(Enumerable.Repeat("journey ", 5))[..39] + "…";
        Assert.Equal(cut, SvgAssert.Texts(root, "row-label")[1]);
        Assert.Equal(cut, SvgAssert.Texts(root, "column-label")[1]);
        Assert.Equal(new string('T', 79) + "…", SvgAssert.Texts(root, "title").Single());
        Assert.Equal(new string('r', 59) + "…", SvgAssert.Texts(root, "axis-title").Single(t => t.StartsWith('r')));
        var tooltips = SvgAssert.WithClass(root, "shortened").Select(g => g.Element(SvgAssert.Ns + "title")!.Value).ToList();
        Assert.Equal(2, tooltips.Count(t => t == label));
        Assert.Contains(title, tooltips);
        Assert.Equal(title, root.Element(SvgAssert.Ns + "title")!.Value);
        Assert.Contains(new string('T', 79) + "…\"", figure.ToString());
        Assert.True(figure.ToString().Length < 200);
    }

    [Fact]
    public void A_cut_label_keeps_surrogate_pairs_and_accents_whole_and_stays_escaped()
    {
        string emoji = new string('a', 38) + "😀😀😀";
        string accents = string.Concat(Enumerable.Repeat("e\u0301", 50));
        string markup = string.Concat(Enumerable.Repeat("<&>", 20));
        string[] labels = [emoji, accents, markup, "d", "e", "f"];
        string svg = Plot.Heatmap(Weights(), labels).ToSvg();
        var rows = SvgAssert.Texts(SvgAssert.Parse(svg), "row-label");
        Assert.Equal(new string('a', 38) + "😀…", rows[0]);
        Assert.Equal(string.Concat(Enumerable.Repeat("e\u0301", 39)) + "…", rows[1]);
        Assert.Equal(string.Concat(Enumerable.Repeat("<&>", 13)) + "…", rows[2]);
        Assert.Contains(">" + string.Concat(Enumerable.Repeat("&lt;&amp;&gt;", 13)) + "…<", svg);
        Assert.All(rows, r => Assert.DoesNotContain(r.Select((c, i) => (c, i)), p => char.IsHighSurrogate(p.c) && (p.i + 1 >= r.Length || !char.IsLowSurrogate(r[p.i + 1]))));
    }

    [Fact]
    public void Labels_of_40_characters_are_drawn_whole()
    {
        string forty = new('x', 40);
        var root = SvgAssert.Parse(Plot.Heatmap(Weights(), [forty, "b", "c", "d", "e", "f"]));
        Assert.Equal(forty, SvgAssert.Texts(root, "row-label")[0]);
        Assert.Empty(SvgAssert.WithClass(root, "shortened"));
    }

    [Fact]
    public void A_null_label_is_an_error_naming_its_index()
    {
        string[] tokens = ["a", "b", null!, "d", "e", "f"];
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(Weights(), tokens));
        Assert.StartsWith("tokens[2] is null", e.Message);
        Assert.Equal("tokens", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(Weights(), options: new HeatmapOptions { ColumnLabels = tokens }));
        Assert.StartsWith("options.ColumnLabels[2] is null", e.Message);
        Assert.Equal("options", e.ParamName);
        Assert.Equal("weights", Assert.Throws<ArgumentNullException>(() => Plot.Heatmap(null!)).ParamName);
    }

    [Theory]
    [InlineData(1000, 1000)]
    [InlineData(161, 3)]
    [InlineData(2, 161)]
    public void A_heatmap_larger_than_it_can_draw_readably_is_refused_at_once_naming_its_shape_and_a_way_out(int rows, int columns)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(Matrix<float>.Build.Dense(rows, columns, 0.5f)));
        Assert.StartsWith($"weights is {rows}x{columns}: a heatmap draws at most 160 rows and 160 columns", e.Message, StringComparison.Ordinal);
        Assert.Contains($"weights.SubMatrix(0, {Math.Min(64, rows)}, 0, {Math.Min(64, columns)})", e.Message, StringComparison.Ordinal);
        Assert.Equal("weights", e.ParamName);
        Assert.True(clock.Elapsed.TotalSeconds < 1, $"took {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Throws<ArgumentException>(() => Plot.Heatmaps([Matrix<float>.Build.Dense(2, 2), Matrix<float>.Build.Dense(rows, columns)]));
    }

    [Fact]
    public void The_largest_heatmap_it_draws_is_160_by_160()
    {
        var svg = Plot.Heatmap(Matrix<float>.Build.Dense(160, 160, (i, j) => (i + j) % 7)).ToSvg();
        Assert.Equal(160 * 160, SvgAssert.Parse(svg).Descendants(SvgAssert.Ns + "rect").Count(r => (string?)r.Attribute("class") == "cell"));
    }
}
