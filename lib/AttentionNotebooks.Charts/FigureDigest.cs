using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AttentionNotebooks.Charts;

/// <summary>
/// The digest of its SVG that a figure's one-line text ends with, e.g. <c>(596x352 SVG, sha256 1a2b3c4d5e)</c>: the
/// first <see cref="Digits"/> hex digits of the SHA-256 of the SVG's UTF-8 text. Defined here once:
/// <c>Figure.ToString</c> writes it, and tools/NotebookRunner.Core compiles this file in (rather than referencing the
/// charts library, which its kernel host would then load beside the notebooks' own copy) to check stored SVGs with it.
/// </summary>
internal static class FigureDigest
{
    /// <summary>How many hex digits of the SHA-256 a figure's text gives: 10.</summary>
    public const int Digits = 10;

    /// <summary>Finds the digest in a figure's text; the group <c>digest</c> holds its 8 to 64 lower-case hex digits.</summary>
    public const string Pattern = @"\bSVG, sha256 (?<digest>[0-9a-f]{8,64})\)";

    /// <summary>The end of a figure's text: <c>(WIDTHxHEIGHT SVG, sha256 DIGEST)</c>, DIGEST being <see cref="Of"/> the SVG.</summary>
    /// <param name="width">The figure's width in pixels.</param>
    /// <param name="height">The figure's height in pixels.</param>
    /// <param name="svg">The figure's SVG document.</param>
    public static string Text(int width, int height, string svg) =>
        string.Create(CultureInfo.InvariantCulture, $"({width}x{height} SVG, sha256 {Of(svg, Digits)})");

    /// <summary>The first <paramref name="digits"/> hex digits (lower case) of the SHA-256 of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Of(string text, int digits) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..digits];
}
