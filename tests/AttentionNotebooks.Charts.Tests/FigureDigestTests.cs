using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AttentionNotebooks.Charts.Plotly;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>The figure text's SVG digest and the Plotly element id, each defined once.</summary>
public sealed class FigureDigestTests
{
    private static Figure Heatmap() => Plot.Heatmap(SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights, SampleData.Tokens, "Attention weights");

    [Fact]
    public void The_pattern_the_notebook_runner_parses_finds_the_digest_of_the_svg_a_figure_writes()
    {
        var figure = Heatmap();
        var match = Regex.Match(figure.ToString(), FigureDigest.Pattern);   // what tools/NotebookRunner.Core's FigureDigests compiles in
        Assert.True(match.Success, figure.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(figure.ToSvg())))[..10], match.Groups["digest"].Value);
        Assert.EndsWith(FigureDigest.Text(figure.Width, figure.Height, figure.ToSvg()), figure.ToString(), StringComparison.Ordinal);
        var resized = figure.WithSize(300, 200);
        Assert.Equal(FigureDigest.Of(resized.ToSvg(), FigureDigest.Digits), Regex.Match(resized.ToString(), FigureDigest.Pattern).Groups["digest"].Value);
    }

    [Fact]
    public void A_figure_text_ends_with_its_size_and_the_svg_digest()
    {
        Assert.Equal("(10x20 SVG, sha256 " + FigureDigest.Of("<svg/>", 10) + ")", FigureDigest.Text(10, 20, "<svg/>"));
        Assert.Matches("^[0-9a-f]{10}$", FigureDigest.Of("<svg/>", 10));
    }

    [Fact]
    public void A_figures_plotly_id_is_the_prefix_and_a_digest_of_its_content()
    {
        string id = Heatmap().ToPlotly().Id;
        Assert.Matches("^" + PlotlyId.Prefix + "[0-9a-f]{10}$", id);
        Assert.Equal(PlotlyId.Prefix + FigureDigest.Of("x", 10), PlotlyId.For("x"));
        Assert.Equal(PlotlyId.For("x"), PlotlyId.For("x"));
        Assert.NotEqual(PlotlyId.For("x"), PlotlyId.For("y"));
    }
}
