using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

internal static partial class SvgRenderer
{
    private const double LinePlotHeight = 300;

    /// <summary>The lines on a grid, a legend on the right (below the plot when an entry is longer than about 35 characters).</summary>
    private static SvgDocument Line(LineModel model, string? title)
    {
        var x = model.XAxis;
        var y = model.YAxis;
        double tickWidth = y.TickLabels.Select(l => TextMetrics.Width(l, 11)).Max();
        bool showLegend = model.ShowLegend;
        double legendWidth = model.LegendWidth;
        bool legendBelow = model.LegendBelow;               // long names (up to 60 characters) go under the plot
        double top = Margin + (title is null ? 0 : TitleHeight) + 8;
        double left = Margin + (model.YTitle is null ? 0 : 20) + tickWidth + 8;
        double right = left + LineModel.PlotWidth, bottom = top + LinePlotHeight;
        double legendTop = bottom + 20 + (model.XTitle is null ? 0 : 22) + 8;
        double width = legendBelow ? Math.Max(right + 12, left + legendWidth) + Margin : right + (showLegend ? 20 + legendWidth : 12) + Margin;
        double height = (legendBelow ? legendTop + model.Series.Count * 20 : bottom + 20 + (model.XTitle is null ? 0 : 22)) + Margin;
        width = SvgDocument.FitTitle(width, title);
        var doc = new SvgDocument(width, height, title ?? "Line chart");
        doc.AddTitle(title);

        double X(double v) => x.Map(v, left, right);
        double Y(double v) => y.Map(v, bottom, top);
        doc.Root.Add(Grid(x, y, left, top, right, bottom));
        if (model.XTitle is not null)
            doc.Root.Add(SvgDocument.Text((left + right) / 2, bottom + 34, model.XTitle, 12, "middle", Palette.MutedText, cls: "axis-title", maxLength: ChartText.AxisTitleLength));
        if (model.YTitle is not null)
            doc.Root.Add(SvgDocument.Text(Margin + 8, (top + bottom) / 2, model.YTitle, 12, "middle", Palette.MutedText, rotate: -90, cls: "axis-title", maxLength: ChartText.AxisTitleLength));

        var lines = SvgDocument.Group("series");
        var legend = SvgDocument.Group("legend");
        for (int s = 0; s < model.Series.Count; s++)
        {
            var series = model.Series[s];
            string? dash = series.Dashed ? "6 3" : null;
            var g = SvgDocument.Group("line");
            var points = series.X.Select((v, i) => (X(v), Y(series.Y[i]))).ToArray();
            if (points.Length > 1)
            {
                var polyline = SvgDocument.Polyline(points, series.Color, 2, dash: dash);
                if (!series.Markers)
                    polyline.Add(SvgDocument.Tooltip($"{series.Name}: {points.Length} points"));
                g.Add(polyline);
            }
            for (int i = 0; i < points.Length && series.Markers; i++)
            {
                var marker = SvgDocument.Circle(points[i].Item1, points[i].Item2, 3.5, series.Color, Palette.Background, "marker", 1);
                marker.Add(SvgDocument.Tooltip(series.PointTexts[i]));
                g.Add(marker);
            }
            lines.Add(g);
            if (!showLegend)
                continue;
            double lx = legendBelow ? left : right + 20;
            double ly = legendBelow ? legendTop + 10 + s * 20 : top + 10 + s * 20;
            legend.Add(SvgDocument.Line(lx, ly, lx + 18, ly, series.Color, 2.5, dash));
            legend.Add(SvgDocument.Text(lx + 24, ly, series.Name, 12, cls: "legend-label", maxLength: ChartText.AxisTitleLength));
        }
        doc.Root.Add(lines);
        doc.Root.Add(legend);
        return doc;
    }
}
