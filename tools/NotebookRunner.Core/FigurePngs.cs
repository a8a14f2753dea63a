using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SvgToPng;

namespace NotebookRunner.Core;

/// <summary>
/// Every chart output the runner writes carries an <c>image/png</c> drawn from the <c>image/svg+xml</c> beside it:
/// Jupyter drops SVG from a notebook it did not sign (any notebook it opens from a clone or from GitHub), but always
/// shows PNG. The SVG stays the source of truth. The PNG is drawn here, when an executed notebook is written, by
/// tools/SvgToPng (SkiaSharp, loaded by the runner only, never by the notebooks). Its output metadata records its size
/// in CSS pixels (so a front end shows a PNG drawn at more pixels at the chart's size) and the SHA-256 of the SVG text it was drawn from:
/// <code>"metadata": {"image/png": {"width": 596, "height": 352}, "attention-notebooks": {"png-from-svg-sha256": "..."}}</code>
/// <c>check</c> compares that digest with the stored SVG (<see cref="Problems"/>), never the PNG's pixels, which
/// differ by a few levels between x64 and ARM64.
/// </summary>
public static class FigurePngs
{
    /// <summary>The metadata key of this course's own entries.</summary>
    public const string MetadataKey = "attention-notebooks";

    /// <summary>The entry holding the SHA-256 (64 lower-case hex digits) of the SVG text the PNG was drawn from.</summary>
    public const string DigestKey = "png-from-svg-sha256";

    /// <summary>
    /// The most PNG pixels drawn per CSS pixel: 2. A chart is drawn at its layout's own resolution
    /// (<see cref="SvgRaster.LayoutScale"/>): 1 PNG pixel per CSS pixel for a chart shown at its size, more for a layout
    /// scaled down to 960 px (1.66 for notebook 07's 72 heads), whose small labels would otherwise lose their detail.
    /// Drawing everything at 2x would be sharper on high-density screens but store 2.2 times the bytes (the course's 42
    /// charts: 2.4 MB of PNG as drawn, 4.9 MB at 2x).
    /// </summary>
    public const float MaxScale = 2;

    private const string Svg = "image/svg+xml";
    private const string Png = "image/png";

    /// <summary>
    /// The output with an <c>image/png</c> drawn from its <c>image/svg+xml</c> (replacing any it had) and the metadata
    /// that goes with it; any other output as it is.
    /// </summary>
    /// <param name="output">An output of an executed cell.</param>
    public static NotebookOutput WithPng(NotebookOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var svg = output.Data.FirstOrDefault(p => p.Key == Svg).Value;
        if (svg is null)
            return output;

        var png = Draw(svg);
        return WithPngData(output, Convert.ToBase64String(png.Bytes), new JsonObject { ["width"] = png.Width, ["height"] = png.Height }, Sha256(svg));
    }

    // The output with the PNG (base64) right after its SVG, replacing any it had, and the PNG's metadata.
    private static NotebookOutput WithPngData(NotebookOutput output, string png, JsonObject size, string digest)
    {
        var data = new List<KeyValuePair<string, string>>();
        foreach (var pair in output.Data.Where(p => p.Key != Png))
        {
            data.Add(pair);
            if (pair.Key == Svg)
                data.Add(new(Png, png));
        }

        var metadata = output.Metadata;
        metadata[Png] = size;
        metadata[MetadataKey] = new JsonObject { [DigestKey] = digest };
        return output.With(data, metadata);
    }

    /// <summary>
    /// As <see cref="WithPng(NotebookOutput)"/>, but a chart whose SVG is that of one of <paramref name="committed"/>
    /// (the cell's outputs as committed) keeps that output's PNG, if it was drawn from that SVG (its recorded digest is
    /// the SVG's): the same SVG gives the same PNG bytes on the kind of machine that drew it (a test checks notebook 00's),
    /// and drawing takes seconds a chart (a minute for notebook 07). The runner's <c>--redraw-pngs</c> draws them all,
    /// after a change to the drawing (tools/SvgToPng).
    /// </summary>
    /// <param name="output">An output of an executed cell.</param>
    /// <param name="committed">The same cell's committed outputs.</param>
    public static NotebookOutput WithPng(NotebookOutput output, IReadOnlyList<NotebookOutput> committed)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(committed);
        var svg = output.Data.FirstOrDefault(p => p.Key == Svg).Value;
        if (svg is null)
            return output;

        var digest = Sha256(svg);
        var drawn = committed.FirstOrDefault(c =>
            c.Data.FirstOrDefault(p => p.Key == Svg).Value is { } committedSvg && Sha256(committedSvg) == digest
            && RecordedDigest(c) == digest && c.Data.Any(p => p.Key == Png) && c.Metadata[Png] is JsonObject);
        if (drawn is null)
            return WithPng(output);

        var png = drawn.Data.First(p => p.Key == Png).Value;
        return WithPngData(output, png, drawn.Metadata[Png]!.DeepClone().AsObject(), digest);
    }

    /// <summary>
    /// What is wrong with the stored PNGs of a cell's outputs: an SVG without a PNG, a PNG without a recorded digest,
    /// or a PNG drawn from another SVG than the one beside it (the recorded digest is not the SVG's).
    /// </summary>
    /// <param name="outputs">A cell's stored outputs.</param>
    /// <returns>One line per problem, naming the output (1-based) and the digests; empty when every PNG matches.</returns>
    public static IReadOnlyList<string> Problems(IReadOnlyList<NotebookOutput> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var problems = new List<string>();
        for (int i = 0; i < outputs.Count; i++)
        {
            var svg = outputs[i].Data.FirstOrDefault(p => p.Key == Svg).Value;
            if (svg is null)
                continue;
            var actual = Sha256(svg);
            if (!outputs[i].Data.Any(p => p.Key == Png))
            {
                problems.Add($"output {i + 1}: its image/svg+xml (sha256 {actual}) has no image/png beside it");
                continue;
            }

            var recorded = RecordedDigest(outputs[i]);
            if (recorded is null)
                problems.Add($"output {i + 1}: its image/png records no {MetadataKey}.{DigestKey}; the stored image/svg+xml has sha256 {actual}");
            else if (recorded != actual)
                problems.Add($"output {i + 1}: its image/png was drawn from an SVG with sha256 {recorded}, the stored image/svg+xml has sha256 {actual}");
        }

        return problems;
    }

    /// <summary>The SHA-256 of the SVG text's UTF-8 bytes, as 64 lower-case hex digits.</summary>
    /// <param name="svg">The SVG text as stored (its lines joined).</param>
    public static string Sha256(string svg)
    {
        ArgumentNullException.ThrowIfNull(svg);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(svg)));
    }

    /// <summary>The digest an output's metadata records for its PNG, or null.</summary>
    /// <param name="output">A stored output.</param>
    public static string? RecordedDigest(NotebookOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.Metadata[MetadataKey] is JsonObject entries && entries[DigestKey] is JsonValue value
               && value.TryGetValue<string>(out var digest) ? digest : null;
    }

    private static PngImage Draw(string svg)
    {
        try
        {
            return SvgRaster.Render(svg, Math.Clamp(SvgRaster.LayoutScale(svg), 1, MaxScale));
        }
        catch (Exception ex) when (ex is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException)
        {
            throw new InvalidOperationException(
                $"charts cannot be drawn as PNG on {RuntimeInformation.RuntimeIdentifier}: SkiaSharp's native library did not load " +
                $"({ex.GetBaseException().Message}). The runner builds for the .NET SDK's own platform (tools/SvgToPng/SvgToPng.props); " +
                "SkiaSharp ships native libraries for Linux, Windows and macOS on x64 and ARM64.", ex);
        }
    }
}
