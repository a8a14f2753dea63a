using System.Globalization;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>Weights relative to uniform: weight × visible keys on a diverging scale centred at 1.</summary>
public sealed class WeightsRelativeToUniformTests
{
    private static Matrix<float> NearUniform() => new SelfAttention(dIn: 3, dOut: 2, qkvBias: false, new TorchGenerator(789)).Forward(SampleData.Inputs()).Weights;

    private static MultiHeadAttentionResult Heads() =>
        new MultiHeadAttention(dIn: 3, dOut: 2, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch());

    private static List<XElement> Cells(XElement root) =>
        root.Descendants(SvgAssert.Ns + "rect").Where(e => e.Attribute("class")?.Value is "cell" or "cell masked").ToList();

    private static List<double> ColourBarTicks(XElement root) => SvgAssert.WithClass(root, "legend").Single()
        .Descendants().Where(e => e.Attribute("class")?.Value == "tick-label" && e.Value != "masked")
        .Select(e => double.Parse(e.Value, CultureInfo.InvariantCulture)).ToList();

    [Fact]
    public void Each_cell_shows_its_weight_times_the_number_of_keys_and_the_scale_is_symmetric_about_1()
    {
        var weights = NearUniform();
        var root = SvgAssert.Parse(Plot.WeightsRelativeToUniform(weights, SampleData.Tokens));
        var values = SvgAssert.Texts(root, "value").Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        double reach = 0;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
            {
                double expected = 6.0 * weights[i, j];                 // 6 visible keys per query
                Assert.Equal(expected, values[i * 6 + j], 4);
                reach = Math.Max(reach, Math.Abs(expected - 1));
            }
        var ticks = ColourBarTicks(root);
        Assert.Contains(1.0, ticks);
        Assert.All(ticks, t => Assert.InRange(t, 1 - reach - 1e-6, 1 + reach + 1e-6));
        Assert.Equal([Plot.RelativeToUniformTitle], SvgAssert.Texts(root, "colorbar-title"));
        Assert.Equal("weight × visible keys (1 = uniform)", Plot.RelativeToUniformTitle);
    }

    [Fact]
    public void Weights_above_uniform_are_blue_below_are_red_and_uniform_is_the_pale_middle()
    {
        var weights = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.5f, 0.25f, 0.25f }, { 1f / 3, 1f / 3, 1f / 3 }, { 0.1f, 0.3f, 0.6f } });
        var cells = Cells(SvgAssert.Parse(Plot.WeightsRelativeToUniform(weights)));
        static string Fill(XElement cell) => cell.Attribute("fill")!.Value;
        // 3 × 0.6 = 1.8 is the farthest from 1, so the range is [0.2, 1.8] and 1.8 the darkest blue; 3 × 0.1 = 0.3 is 0.7 below, nearly the darkest red.
        Assert.Equal(ColorScale.At(1, ColorScale.DivergingStops), Fill(cells[8]));
        Assert.Equal(ColorScale.At(0.5 + 0.5 * 0.5 / 0.8, ColorScale.DivergingStops), Fill(cells[0]));
        Assert.Equal(ColorScale.At(0.5 + 0.5 * (0.75 - 1) / 0.8, ColorScale.DivergingStops), Fill(cells[1]));
        Assert.Equal(ColorScale.At(0.5, ColorScale.DivergingStops), Fill(cells[3]));
        Assert.Equal("#f7f7f7", ColorScale.At(0.5, ColorScale.DivergingStops));
        Assert.Equal(ColorScale.At(0.5 - 0.5 * 0.7 / 0.8, ColorScale.DivergingStops), Fill(cells[6]));
    }

    [Fact]
    public void Causal_weights_count_only_the_visible_keys_and_hatch_the_rest()
    {
        var result = Heads();
        var root = SvgAssert.Parse(Plot.WeightsRelativeToUniform(result, SampleData.Tokens));
        var cells = Cells(root);
        var values = SvgAssert.Texts(root, "value");
        Assert.Equal(72, cells.Count);
        Assert.Equal(["head 0", "head 1"], SvgAssert.Texts(root, "panel-title"));
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                {
                    int k = h * 36 + i * 6 + j;
                    Assert.Equal(j > i, cells[k].Attribute("fill")!.Value.EndsWith("-masked)", StringComparison.Ordinal));
                    if (j <= i)
                        Assert.Equal((i + 1) * result.Weights[0][h][i, j], double.Parse(values[k], CultureInfo.InvariantCulture), 4);
                    else
                        Assert.Equal("0", values[k]);
                }
        Assert.Equal("heatmaps", Plot.WeightsRelativeToUniform(result).Kind);
    }

    [Fact]
    public void Bad_weights_are_errors_naming_the_cell()
    {
        var weights = NearUniform();
        weights[2, 1] = 2f;
        var e = Assert.Throws<ArgumentException>(() => Plot.WeightsRelativeToUniform(weights));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("weights (6x6) has 2 at row 2, column 1, outside the colour range [0, 1]", e.Message);
        var causal = NearUniform();
        var m = Assert.Throws<ArgumentException>(() => Plot.WeightsRelativeToUniform(causal, causal: true));
        Assert.StartsWith($"weights (6x6) has {causal[0, 1].ToString(CultureInfo.InvariantCulture)} at row 0, column 1, a masked cell: masked attention weights are 0", m.Message);
        var all = Matrix<float>.Build.Dense(2, 2);
        var none = Assert.Throws<ArgumentException>(() => Plot.WeightsRelativeToUniform(all, options: new HeatmapOptions { Masked = (i, j) => i == 1 }));
        Assert.StartsWith("weights (2x2) has every key of row 1 masked: no key is visible", none.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Plot.WeightsRelativeToUniform(Heads(), sequence: 2));
    }

    [Fact]
    public void The_text_says_the_colours_diverge_from_1()
    {
        var figure = Plot.WeightsRelativeToUniform(NearUniform(), SampleData.Tokens, "Relative");
        Assert.Matches(@"^heatmap of a 6x6 matrix \(diverging colours centred at 1\) ""Relative"" \(\d+x\d+ SVG, sha256 [0-9a-f]{10}\)$", figure.ToString());
    }

    [Fact]
    public void The_plotly_chart_uses_the_same_diverging_colours_and_a_range_symmetric_about_1()
    {
        var weights = NearUniform();
        var (data, _) = PlotlyJson.Parse(Plot.WeightsRelativeToUniform(weights, SampleData.Tokens));
        var trace = data[0];
        double zmin = trace.GetProperty("zmin").GetDouble(), zmax = trace.GetProperty("zmax").GetDouble();
        Assert.Equal(1.0, (zmin + zmax) / 2, 6);
        var scale = trace.GetProperty("colorscale");
        Assert.Equal(ColorScale.DivergingStops.Length, scale.GetArrayLength());
        Assert.Equal("#b2182b", scale[0][1].GetString());
        Assert.Equal("#2166ac", scale[scale.GetArrayLength() - 1][1].GetString());
        Assert.Equal(6 * weights[1, 0], trace.GetProperty("z")[1][0].GetDouble(), 5);
        Assert.StartsWith(Plot.RelativeToUniformTitle, PlotlyJson.Shown(trace.GetProperty("colorbar").GetProperty("title").GetString()!));
    }
}
