using System.Security.Cryptography;

namespace AttentionNotebooks.Charts.Plotly;

/// <summary>
/// The one plotly.js of the course, for live charts and <see cref="Figure.ToHtml"/>: plotly.js-dist-min 2.35.3 from npm,
/// embedded in this assembly (see <c>Plotly/Vendor/plotly.js-dist-min/README.md</c>), so no chart needs a CDN; and
/// <see cref="Loader"/>, the one place that puts it into a page.
/// </summary>
public static class PlotlyScript
{
    /// <summary>The vendored plotly.js version.</summary>
    public const string Version = "2.35.3";

    /// <summary>SHA-256 (lower-case hex) of the vendored <c>plotly.min.js</c>; <see cref="Source"/> checks it.</summary>
    public const string Sha256 = "fc84e3cfa55d23d3654c562ea5deb3c274eb6972a6adf66941d1a821e34825e4";

    /// <summary>The event <see cref="Loader"/> dispatches on <c>document</c> once <c>window.Plotly</c> is set.</summary>
    public const string ReadyEvent = "an-plotly-ready";

    private const string ResourceName = "AttentionNotebooks.Charts.plotly.min.js";

    private static readonly Lazy<string> LazySource = new(Load);

    /// <summary>The text of <c>plotly.min.js</c>, read once from the embedded resource.</summary>
    /// <exception cref="InvalidOperationException">The resource is missing or its SHA-256 is not <see cref="Sha256"/>.</exception>
    public static string Source => LazySource.Value;

    /// <summary>
    /// JavaScript statements (to stand inside a <c>&lt;script&gt;</c> element) that define <c>window.Plotly</c> from
    /// <see cref="Source"/> unless the page already has it, then dispatch <see cref="ReadyEvent"/>. The bundle runs
    /// with <c>define</c>, <c>module</c> and <c>exports</c> hidden, so that under RequireJS (classic Jupyter) it still
    /// sets <c>window.Plotly</c>.
    /// </summary>
    /// <returns>About 4.6 MB of text, ending in a newline.</returns>
    /// <exception cref="InvalidOperationException">The bundle holds <c>&lt;/script</c> or <c>&lt;!--</c>, so it cannot be inlined.</exception>
    public static string Loader()
    {
        // The bundle holds neither "</script" nor "<!--" (checked here), so it can stand inside a script element as it is.
        string source = Source;
        if (source.Contains("</script", StringComparison.OrdinalIgnoreCase) || source.Contains("<!--", StringComparison.Ordinal))
            throw new InvalidOperationException("The embedded plotly.js contains \"</script\" or \"<!--\" and cannot be inlined.");
        return "if (typeof window.Plotly === 'undefined') {\n"
            + "(function (define, module, exports) {\n"
            + source
            + "\n}).call(window);\n"
            + "}\n"
            + "document.dispatchEvent(new Event('" + ReadyEvent + "'));\n";
    }

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
