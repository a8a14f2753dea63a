using System.Security.Cryptography;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// The plotly.js that live charts use: plotly.js-dist-min 2.35.3 from npm, embedded in this assembly (see
/// <c>Plotly/Vendor/plotly.js-dist-min/README.md</c>), so a live chart needs no CDN.
/// </summary>
public static class PlotlyScript
{
    /// <summary>The vendored plotly.js version.</summary>
    public const string Version = "2.35.3";

    /// <summary>SHA-256 (lower-case hex) of the vendored <c>plotly.min.js</c>; <see cref="Source"/> checks it.</summary>
    public const string Sha256 = "fc84e3cfa55d23d3654c562ea5deb3c274eb6972a6adf66941d1a821e34825e4";

    private const string ResourceName = "AttentionNotebooks.Charts.plotly.min.js";

    private static readonly Lazy<string> s_source = new(Load);

    /// <summary>The text of <c>plotly.min.js</c>, read once from the embedded resource.</summary>
    /// <exception cref="InvalidOperationException">The resource is missing or its SHA-256 is not <see cref="Sha256"/>.</exception>
    public static string Source => s_source.Value;

    private static string Load()
    {
        using var stream = typeof(PlotlyScript).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(PlotlyScript).Assembly.GetName().Name}.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        byte[] bytes = memory.ToArray();
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != Sha256)
            throw new InvalidOperationException($"The embedded plotly.js has SHA-256 {actual}, expected {Sha256} (plotly.js-dist-min {Version}).");
        return System.Text.Encoding.UTF8.GetString(bytes);
    }
}
