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
        layout.scene = new Scene
        {
            xaxis = new Xaxis { title = PlotlyText.AxisTitle(model.AxisTitles[0]) },
            yaxis = new Yaxis { title = PlotlyText.AxisTitle(model.AxisTitles[1]) },
            zaxis = new Zaxis { title = PlotlyText.AxisTitle(model.AxisTitles[2]) },
        };
        layout.showlegend = false;
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        return (traces, layout);
    }

    /// <summary>Coordinate k of every point, rounded for the chart's data.</summary>
    private static double[] Coordinates(IReadOnlyList<ScatterPoint> points, int k) => points.Select(p => PlotlyText.Number(p.Coordinates[k])).ToArray();
}
