namespace AttentionNotebooks.Charts.Svg;

internal static partial class SvgRenderer
{
    /// <summary>The chosen head as a weights heatmap, titled with its name, under the note that a live session picks the head.</summary>
    private static SvgDocument HeadView(HeadViewModel model, string? title) => Heatmap(model.Shown, title, model.Note, "Head view");
}
