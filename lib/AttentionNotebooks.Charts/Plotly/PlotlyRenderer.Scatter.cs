using AttentionNotebooks.Charts.Layout;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

internal static partial class PlotlyRenderer
{
    /// <summary>The labelled points as one trace and the highlighted point as another, larger and outlined.</summary>
    private static (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) Scatter(ScatterModel model, string? title)
    {
        var traces = new List<Trace>
        {
            new Scatter
            {
                name = "points", mode = "markers+text", textposition = "top right",
                x = Coordinates(model.Points, 0), y = Coordinates(model.Points, 1),
                text = model.Points.Select(p => PlotlyText.Label(p.Label)).ToArray(),
                marker = new Marker { size = 10, color = model.Points[0].Fill },   // the fill of every point but the highlighted one
            },
        };
        if (model.Highlighted is { } h)
            traces.Add(new Scatter
            {
                name = PlotlyText.AxisTitle(h.Label), mode = "markers+text", textposition = "bottom right",
                x = Coordinates([h], 0), y = Coordinates([h], 1), text = new[] { PlotlyText.Label(h.Label) },
                marker = new Marker { size = 14, color = h.Fill, line = new Line { color = h.Stroke, width = 2 } },
            });
        var layout = BaseLayout(new Margin { l = 60, r = 20, t = title is null ? 30 : 60, b = 50 });
        layout.xaxis = new Xaxis { title = PlotlyText.AxisTitle(model.AxisTitles[0]), gridcolor = Palette.Grid };
        layout.yaxis = new Yaxis { title = PlotlyText.AxisTitle(model.AxisTitles[1]), gridcolor = Palette.Grid };
        layout.showlegend = false;
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        return (traces, layout);
    }

    /// <summary>The labelled points and the highlighted one in a rotatable 3-D scene.</summary>
    private static (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) Scatter3D(ScatterModel model, string? title)
    {
        var traces = new List<Trace>
        {
            new Scatter3d
            {
                mode = "markers+text",
                x = Coordinates(model.Points, 0), y = Coordinates(model.Points, 1), z = Coordinates(model.Points, 2),
                text = model.Points.Select(p => PlotlyText.Label(p.Label)).ToArray(),
                marker = new Marker { size = 6, color = model.Points[0].Fill },
            },
        };
        if (model.Highlighted is { } h)
            traces.Add(new Scatter3d
            {
                mode = "markers+text",
                x = Coordinates([h], 0), y = Coordinates([h], 1), z = Coordinates([h], 2),
                text = new[] { PlotlyText.Label(h.Label) },
                marker = new Marker { size = 9, color = h.Fill, line = new Line { color = h.Stroke, width = 2 } },
            });
        var layout = BaseLayout(new Margin { l = 10, r = 10, t = title is null ? 10 : 50, b = 10 }, plotBackground: false);
        // The SVG's view: each axis over the same range (the data and 5% padding), drawn as a cube, seen from azimuth
        // 40° and elevation 25° without perspective (x runs right, y left, z up); Plotly's default camera and
        // perspective crowd the labels. The scene is written as plotly.js names it, since XPlot's has no camera.
        var ranges = Enumerable.Range(0, 3)
            .Select(k => Axis.Linear(model.Data.Coordinates(k).Min(), model.Data.Coordinates(k).Max(), padding: 0.05))
            .Select(a => new[] { a.Lo, a.Hi }).ToArray();
        layout.Extra["scene"] = new Dictionary<string, object>
        {
            ["xaxis"] = new Xaxis { title = PlotlyText.AxisTitle(model.AxisTitles[0]), range = ranges[0] },
            ["yaxis"] = new Yaxis { title = PlotlyText.AxisTitle(model.AxisTitles[1]), range = ranges[1] },
            ["zaxis"] = new Zaxis { title = PlotlyText.AxisTitle(model.AxisTitles[2]), range = ranges[2] },
            ["aspectmode"] = "cube",
            ["camera"] = new Dictionary<string, object>
            {
                ["eye"] = Eye(40, 25, 1.5),
                ["up"] = new Dictionary<string, double> { ["x"] = 0, ["y"] = 0, ["z"] = 1 },
                ["projection"] = new Dictionary<string, string> { ["type"] = "orthographic" },
            },
        };
        layout.showlegend = false;
        AddTitle(layout, title);
        return (traces, layout);
    }

    /// <summary>
    /// Plotly's camera eye for a view from <paramref name="azimuth"/> and <paramref name="elevation"/> (degrees) as the
    /// SVG projects it: the viewer looks along (sin a · cos e, cos a · cos e, −sin e), so sits opposite, at
    /// <paramref name="distance"/> from the scene's centre (in Plotly's scene units).
    /// </summary>
    private static Dictionary<string, double> Eye(double azimuth, double elevation, double distance)
    {
        double a = azimuth * Math.PI / 180, e = elevation * Math.PI / 180;
        return new Dictionary<string, double>
        {
            ["x"] = Math.Round(-Math.Sin(a) * Math.Cos(e) * distance, 4),
            ["y"] = Math.Round(-Math.Cos(a) * Math.Cos(e) * distance, 4),
            ["z"] = Math.Round(Math.Sin(e) * distance, 4),
        };
    }

    /// <summary>Coordinate k of every point, rounded for the chart's data.</summary>
    private static double[] Coordinates(IReadOnlyList<ScatterPoint> points, int k) => points.Select(p => PlotlyText.Number(p.Coordinates[k])).ToArray();
}
