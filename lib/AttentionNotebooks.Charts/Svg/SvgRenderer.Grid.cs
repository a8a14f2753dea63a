using System.Xml.Linq;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

internal static partial class SvgRenderer
{
    /// <summary>
    /// The frame of a 2-D chart: a vertical grid line and label per tick of <paramref name="x"/>, a horizontal one per
    /// tick of <paramref name="y"/>, and the frame around the plot area [left, right] × [top, bottom].
    /// </summary>
    private static XElement Grid(Axis x, Axis y, double left, double top, double right, double bottom)
    {
        var grid = SvgDocument.Group("grid");
        for (int k = 0; k < x.TickValues.Length; k++)
        {
            double tx = x.Map(x.TickValues[k], left, right);
            grid.Add(SvgDocument.Line(tx, top, tx, bottom, Palette.Grid, 1, cls: "gridline"));
            grid.Add(SvgDocument.Text(tx, bottom + 12, x.TickLabels[k], 11, "middle", Palette.MutedText, cls: "tick-label"));
        }
        for (int k = 0; k < y.TickValues.Length; k++)
        {
            double ty = y.Map(y.TickValues[k], bottom, top);
            grid.Add(SvgDocument.Line(left, ty, right, ty, Palette.Grid, 1, cls: "gridline"));
            grid.Add(SvgDocument.Text(left - 6, ty, y.TickLabels[k], 11, "end", Palette.MutedText, cls: "tick-label"));
        }
        grid.Add(SvgDocument.Rect(left, top, right - left, bottom - top, "none", Palette.Axis, "frame"));
        return grid;
    }
}
