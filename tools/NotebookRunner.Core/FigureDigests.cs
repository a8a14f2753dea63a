using System.Text.RegularExpressions;
using AttentionNotebooks.Charts;

namespace NotebookRunner.Core;

/// <summary>
/// <c>check</c> compares text, but a course figure's <c>text/plain</c> line carries a digest of its SVG
/// (<c>heatmap of a 6x6 matrix (596x352 SVG, sha256 1a2b3c4d5e)</c>: the first 10 hex digits of the SHA-256 of the
/// SVG's UTF-8 text, in the format of <see cref="FigureDigest"/>, compiled in from the charts library). This checks
/// that each stored output's <c>image/svg+xml</c> still has that digest, which catches an SVG edited by hand and a
/// notebook whose outputs were only partly refreshed.
/// </summary>
public static partial class FigureDigests
{
    /// <summary>Finds stored figures whose SVG does not match the digest in their text.</summary>
    /// <param name="outputs">A cell's stored outputs.</param>
    /// <returns>One line per mismatch, naming the output (1-based) and both digests; empty when all match.</returns>
    public static IReadOnlyList<string> Mismatches(IReadOnlyList<NotebookOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var problems = new List<string>();
        for (int i = 0; i < outputs.Count; i++)
        {
            var output = outputs[i];
            var plain = output.Data.FirstOrDefault(p => p.Key == "text/plain").Value;
            if (plain is null || DigestPattern().Match(plain) is not { Success: true } match)
                continue;
            var stated = match.Groups["digest"].Value;
            var svg = output.Data.FirstOrDefault(p => p.Key == "image/svg+xml").Value;
            if (svg is null)
            {
                problems.Add($"output {i + 1}: its text/plain gives an SVG digest ({stated}) but it has no image/svg+xml");
                continue;
            }

            var actual = FigureDigest.Of(svg, stated.Length);
            if (!string.Equals(actual, stated, StringComparison.OrdinalIgnoreCase))
                problems.Add($"output {i + 1}: the stored image/svg+xml has sha256 {actual}, its text/plain says {stated}");
        }

        return problems;
    }

    [GeneratedRegex(FigureDigest.Pattern)]
    private static partial Regex DigestPattern();
}
