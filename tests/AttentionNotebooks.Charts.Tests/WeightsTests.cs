using System.Globalization;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>Attention weights as heatmaps: the fixed [0, 1] range, the colour bar's title and caption, masked cells.</summary>
public sealed class WeightsTests
{
    private static Matrix<float> NearUniform() => new SelfAttention(dIn: 3, dOut: 2, qkvBias: false, new TorchGenerator(789)).Forward(SampleData.Inputs()).Weights;

    private static Matrix<float> Causal() =>
        new CausalAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, generator: new TorchGenerator(123)).Forward(SampleData.Batch()).Weights[0];

    private static List<string> ColourBarTicks(XElement root) => SvgAssert.WithClass(root, "legend").Single()
        .Descendants().Where(e => e.Attribute("class")?.Value == "tick-label" && e.Value != "masked").Select(e => e.Value).ToList();

    private static bool IsHatched(XElement cell) => cell.Attribute("fill")!.Value.EndsWith("-masked)", StringComparison.Ordinal);

    [Fact]
    public void Weights_are_coloured_on_a_fixed_0_to_1_scale_whose_colour_bar_is_ticked_0_to_1()
    {
        var weights = NearUniform();
        var root = SvgAssert.Parse(Plot.Weights(weights, SampleData.Tokens));
        var ticks = ColourBarTicks(root);
        Assert.Equal("0.0", ticks[0]);
        Assert.Equal("1.0", ticks[^1]);
        var cells = SvgAssert.WithClass(root, "cell");
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(ColorScale.At(weights[i, j]), cells[i * 6 + j].Attribute("fill")!.Value);
        Assert.Empty(SvgAssert.Texts(root, "range-caption"));
        Assert.Equal(["attention weight"], SvgAssert.Texts(root, "colorbar-title"));
    }

    [Fact]
    public void Near_uniform_weights_look_pale_on_the_fixed_scale_but_contrasted_on_the_automatic_one()
    {
        var weights = NearUniform();
        static double Spread(Figure f) => SvgAssert.WithClass(SvgAssert.Parse(f), "cell").Select(c => SvgAssert.Luminance(c.Attribute("fill")!.Value))
            .Aggregate((Min: 1.0, Max: 0.0), (a, l) => (Math.Min(a.Min, l), Math.Max(a.Max, l)), a => a.Max - a.Min);
        Assert.True(Spread(Plot.Weights(weights, SampleData.Tokens)) < 0.1);
        Assert.True(Spread(Plot.Heatmap(weights, SampleData.Tokens)) > 0.5);
    }

    [Fact]
    public void An_automatic_range_is_named_under_the_colour_bar()
    {
        var root = SvgAssert.Parse(Plot.Heatmap(NearUniform(), SampleData.Tokens));
        Assert.Equal(["auto range"], SvgAssert.Texts(root, "range-caption"));
        var caption = SvgAssert.WithClass(root, "range-caption").Single();
        var bar = SvgAssert.WithClass(root, "colorbar").Single();
        Assert.True(SvgAssert.Number(caption, "y") > SvgAssert.Number(bar, "y") + SvgAssert.Number(bar, "height"));
        Assert.Equal(["auto max"], SvgAssert.Texts(SvgAssert.Parse(Plot.Heatmap(NearUniform(), options: new HeatmapOptions { Min = 0 })), "range-caption"));
        Assert.Empty(SvgAssert.Texts(SvgAssert.Parse(Plot.Heatmap(NearUniform(), options: new HeatmapOptions { Min = 0, Max = 1 })), "range-caption"));
    }

    [Fact]
    public void An_explicit_range_sets_the_colour_bar_ends_and_a_title_is_drawn_beside_the_bar()
    {
        var scores = SampleData.Inputs() * SampleData.Inputs().Transpose();
        var root = SvgAssert.Parse(Plot.Heatmap(scores, SampleData.Tokens, options: new HeatmapOptions { Range = new ColorRange(0, 2), ColorBarTitle = "score" }));
        var ticks = ColourBarTicks(root);
        Assert.Equal(0, double.Parse(ticks[0], CultureInfo.InvariantCulture));
        Assert.Equal(2, double.Parse(ticks[^1], CultureInfo.InvariantCulture));
        var title = SvgAssert.WithClass(root, "colorbar-title").Single();
        Assert.Equal("score", title.Value);
        Assert.StartsWith("rotate(-90", title.Attribute("transform")!.Value);
        var widestTick = SvgAssert.WithClass(root, "legend").Single().Descendants().Where(e => e.Attribute("class")?.Value == "tick-label").Max(e => SvgAssert.Number(e, "x"));
        Assert.True(SvgAssert.Number(title, "x") > widestTick);
        Assert.True(SvgAssert.Number(title, "x") < SvgAssert.Number(root, "width"));
    }

    [Fact]
    public void Causal_weights_hatch_exactly_the_cells_above_the_diagonal_and_show_them_as_0()
    {
        var root = SvgAssert.Parse(Plot.Weights(Causal(), SampleData.Tokens, causal: true));
        var cells = SvgAssert.WithClass(root, "cell");
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(j > i, IsHatched(cells[i * 6 + j]));
        var values = SvgAssert.Texts(root, "value");
        Assert.Equal(15, values.Count(v => v == "0"));
        Assert.Equal("1.0000", values[0]);
        Assert.EndsWith(": masked (0)", cells[1].Element(SvgAssert.Ns + "title")!.Value);
        Assert.Single(SvgAssert.WithClass(root, "masked-swatch"));
        Assert.Single(SvgAssert.WithClass(root, "mask-edge"));
    }

    [Fact]
    public void Without_the_mask_the_same_zeros_are_coloured_like_real_zeros()
    {
        var root = SvgAssert.Parse(Plot.Weights(Causal(), SampleData.Tokens));
        Assert.DoesNotContain(SvgAssert.WithClass(root, "cell"), IsHatched);
        Assert.Empty(SvgAssert.WithClass(root, "masked-swatch"));
    }

    [Fact]
    public void The_mask_edge_is_the_staircase_between_masked_and_unmasked_cells()
    {
        var root = SvgAssert.Parse(Plot.Weights(Causal(), SampleData.Tokens, causal: true));
        string d = SvgAssert.WithClass(root, "mask-edge").Single().Attribute("d")!.Value;
        // Each of the 5 rows with masked cells has a vertical edge on its left; the 5 cells just above the diagonal a bottom edge.
        Assert.Equal(10, d.Split('M', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Masked_cells_given_by_a_function_are_hatched_and_left_out_of_the_automatic_range()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 100f, 0.2f }, { 0.4f, 100f } });
        var root = SvgAssert.Parse(Plot.Heatmap(m, options: new HeatmapOptions { Masked = (i, j) => i == j }));
        var cells = SvgAssert.WithClass(root, "cell");
        Assert.Equal([true, false, false, true], cells.Select(IsHatched));
        Assert.All(ColourBarTicks(root), t => Assert.InRange(double.Parse(t, CultureInfo.InvariantCulture), 0.2 - 1e-9, 0.4 + 1e-9));
        Assert.Equal(["100.0000", "0.2000", "0.4000", "100.0000"], SvgAssert.Texts(root, "value"));
    }

    [Fact]
    public void A_multi_head_result_compares_its_heads_on_0_to_1_with_the_future_hatched()
    {
        var result = new MultiHeadAttention(3, 4, 6, 0f, 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
        var root = SvgAssert.Parse(Plot.Heatmaps(result, SampleData.Tokens));
        var cells = SvgAssert.WithClass(root, "cell");
        Assert.Equal(72, cells.Count);
        for (int k = 0; k < 72; k++)
            Assert.Equal(k % 6 > k % 36 / 6, IsHatched(cells[k]));
        var ticks = ColourBarTicks(root);
        Assert.Equal(["0.0", "1.0"], [ticks[0], ticks[^1]]);
        Assert.Empty(SvgAssert.Texts(root, "range-caption"));
        Assert.DoesNotContain(SvgAssert.WithClass(Plot.Heatmaps(result, SampleData.Tokens, causal: false) is var f ? SvgAssert.Parse(f) : null!, "cell"), IsHatched);
    }

    [Fact]
    public void Values_outside_a_fixed_range_are_an_error_naming_the_cell()
    {
        var dropped = Causal() * 2f;                                   // as after dropout with p = 0.5: kept weights doubled
        var e = Assert.Throws<ArgumentException>(() => Plot.Weights(dropped, causal: true));
        Assert.StartsWith("weights (6x6) has 2 at row 0, column 0, outside the colour range [0, 1]", e.Message);
        Assert.Equal("weights", e.ParamName);
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 0.5f, -0.25f } });
        e = Assert.Throws<ArgumentException>(() => Plot.Weights(m));
        Assert.StartsWith("weights (1x2) has -0.25 at row 0, column 1, outside the colour range [0, 1]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Heatmaps([m, m * 8f], options: new HeatmapOptions { Range = ColorRange.ZeroToOne }));
        Assert.StartsWith("matrices[0] (1x2) has -0.25", e.Message);
        Assert.Equal("matrices", e.ParamName);
    }

    [Fact]
    public void A_masked_weight_that_is_not_0_or_a_weight_that_is_not_finite_is_an_error()
    {
        string w01 = NearUniform()[0, 1].ToString(CultureInfo.InvariantCulture);
        var e = Assert.Throws<ArgumentException>(() => Plot.Weights(NearUniform(), SampleData.Tokens, causal: true));
        Assert.StartsWith($"weights (6x6) has {w01} at row 0, column 1, a masked cell: masked attention weights are 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Weights(CausalMask.FillAboveDiagonal(NearUniform())));
        Assert.StartsWith("weights (6x6) has -Infinity at row 0, column 1: attention weights are finite", e.Message);
        var open = new MultiHeadAttention(3, 4, 6, 0f, 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
        var notCausal = new MultiHeadAttentionResult(open.Context, [[NearUniform(), NearUniform()]]);
        e = Assert.Throws<ArgumentException>(() => Plot.Heatmaps(notCausal, SampleData.Tokens));
        Assert.StartsWith($"result.Weights[0][0] (6x6) has {w01} at row 0, column 1, a masked cell", e.Message);
    }

    [Fact]
    public void A_range_given_twice_or_empty_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(NearUniform(), options: new HeatmapOptions { Range = ColorRange.ZeroToOne, Max = 1 }));
        Assert.StartsWith("options sets both Range and Min or Max", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(NearUniform(), options: new HeatmapOptions { Range = new ColorRange(1, 1) }));
        Assert.StartsWith("options.Range must have Min < Max (both finite), but it is [1, 1].", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Heatmap(NearUniform(), options: new HeatmapOptions { Range = new ColorRange(0, float.PositiveInfinity) }));
        Assert.StartsWith("options.Range must have Min < Max (both finite)", e.Message);
    }

    [Fact]
    public void Rounding_just_above_1_is_inside_the_0_to_1_range()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 1.0000001f, 0f } });
        var root = SvgAssert.Parse(Plot.Weights(m));
        Assert.Equal(ColorScale.At(1), SvgAssert.WithClass(root, "cell")[0].Attribute("fill")!.Value);
    }
}
