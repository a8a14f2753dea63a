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
