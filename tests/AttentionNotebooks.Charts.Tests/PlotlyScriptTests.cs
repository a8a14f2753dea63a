using AttentionNotebooks.Charts.Plotly;

namespace AttentionNotebooks.Charts.Tests;

public sealed class PlotlyScriptTests
{
    [Fact]
    public void The_embedded_plotly_js_is_the_vendored_2_35_3_bundle()
    {
        string source = PlotlyScript.Source;
        Assert.StartsWith("/**\n* plotly.js v2.35.3\n", source);
        Assert.Equal(PlotlyScript.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(source))));
        Assert.DoesNotContain("</script", source, StringComparison.OrdinalIgnoreCase);
    }
}
