using System.Text.Json;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>Masks drawn as the course draws masked cells: hidden hatched, visible white, a legend of the two states.</summary>
public sealed class MaskTests
{
    private static readonly string[] Padded = ["Your", "journey", "starts", "<pad>", "<pad>", "<pad>"];

    private static bool IsHatched(XElement cell) => cell.Attribute("fill")!.Value.EndsWith("-masked)", StringComparison.Ordinal);

    [Fact]
    public void A_mask_hatches_exactly_its_hidden_cells_and_leaves_the_visible_ones_white()
    {
        var mask = AttentionMask.CausalWithPadding(tokens: 6, length: 3);
        var root = SvgAssert.Parse(Plot.Mask(mask, Padded));
        var grid = root.Descendants(SvgAssert.Ns + "rect").Where(e => e.Attribute("class")?.Value is "cell" or "cell masked").ToList();
        Assert.Equal(36, grid.Count);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
            {
                bool hidden = j > i || j >= 3;
                Assert.Equal(hidden, IsHatched(grid[i * 6 + j]));
                if (!hidden)
                    Assert.Equal(ColorScale.Visible, grid[i * 6 + j].Attribute("fill")!.Value);
            }
        var values = SvgAssert.Texts(root, "value");
        Assert.Equal(Enumerable.Range(0, 36).Select(k => mask[k / 6, k % 6] == 1 ? "1" : "0"), values);
    }

    [Fact]
    public void A_mask_has_a_legend_of_two_states_and_no_colour_bar()
    {
        var root = SvgAssert.Parse(Plot.Mask(AttentionMask.Causal(4)));
        Assert.Equal(["visible (0)", "hidden (1)"], SvgAssert.Texts(root, "state-label"));
        Assert.Single(SvgAssert.WithClass(root, "visible-swatch"));
        Assert.Single(SvgAssert.WithClass(root, "masked-swatch"));
        Assert.Empty(SvgAssert.WithClass(root, "colorbar"));
        Assert.Empty(root.Descendants(SvgAssert.Ns + "linearGradient"));
        Assert.Empty(SvgAssert.WithClass(root, "range-caption"));
        var legend = SvgAssert.WithClass(root, "legend").Single().Descendants().Where(e => e.Attribute("x") is not null).Max(e => SvgAssert.Number(e, "x"));
        Assert.True(legend < SvgAssert.Number(root, "width"));
    }

    [Fact]
    public void A_value_other_than_0_or_1_is_an_error_naming_it_and_its_cell()
    {
        var mask = AttentionMask.Causal(6);
        mask[2, 3] = 0.5f;
        var e = Assert.Throws<ArgumentException>(() => Plot.Mask(mask));
        Assert.Equal("mask", e.ParamName);
        Assert.StartsWith("mask (6x6) has 0.5 at row 2, column 3: a mask holds 0 (visible) or 1 (hidden).", e.Message);
        mask[2, 3] = float.NegativeInfinity;
        Assert.Contains("has -Infinity at row 2, column 3", Assert.Throws<ArgumentException>(() => Plot.Mask(mask)).Message);
    }

    [Fact]
    public void The_text_of_a_mask_counts_its_hidden_cells()
    {
        var figure = Plot.Mask(AttentionMask.CausalWithPadding(tokens: 6, length: 3), Padded, "Padding");
        Assert.Equal("mask", figure.Kind);
        Assert.Matches(@"^mask of a 6x6 matrix \(21 of 36 cells hidden\) ""Padding"" \(\d+x\d+ SVG, sha256 [0-9a-f]{10}\)$", figure.ToString());
    }

    [Fact]
    public void The_plotly_mask_leaves_hidden_cells_as_grey_gaps_says_visible_or_hidden_and_shows_no_scale()
    {
        var mask = AttentionMask.CausalWithPadding(tokens: 6, length: 3);
        var (data, layout) = PlotlyJson.Parse(Plot.Mask(mask, Padded));
        var trace = data[0];
        Assert.False(trace.GetProperty("showscale").GetBoolean());
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
            {
                bool hidden = mask[i, j] == 1;
                Assert.Equal(hidden ? JsonValueKind.Null : JsonValueKind.Number, trace.GetProperty("z")[i][j].ValueKind);
                Assert.EndsWith(hidden ? ": hidden" : ": visible", trace.GetProperty("text")[i][j].GetString()!, StringComparison.Ordinal);
            }
        Assert.Equal(ColorScale.Masked, layout.GetProperty("plot_bgcolor").GetString());
        Assert.Contains(layout.GetProperty("annotations").EnumerateArray(),
            a => a.GetProperty("text").GetString() == "white cells: visible (0), grey cells: hidden (1)");
    }
}
