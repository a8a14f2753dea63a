using AttentionNotebooks.Charts.Layout;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

internal static partial class PlotlyRenderer
{
    /// <summary>One scatter trace per series, with markers when the model draws them; a logarithmic x axis ticked at the data's x values when the model says so.</summary>
    private static (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) Line(LineModel model, string? title)
    {
        var traces = model.Series.Select(s => (Trace)new Scatter
        {
            name = PlotlyText.AxisTitle(s.Name), mode = s.Markers ? "lines+markers" : "lines",
            x = s.X.ToArray(), y = s.Y.ToArray(),
            line = new Line { color = s.Color, width = 2, dash = s.Dashed ? "dash" : "solid" },
            marker = new Marker { size = 7, color = s.Color },
        }).ToArray();
        // A legend of long entries goes below the plot, one entry a line, as in the SVG: on the right it would squeeze the plot.
        double legendBand = model.LegendBelow ? model.Series.Count * 20 + 16 : 0;
        var layout = BaseLayout(new Margin { l = 70, r = 20, t = title is null ? 30 : 60, b = 50 + legendBand });
        layout.xaxis = model.XDataTicks is { } ticks
            ? new Xaxis { title = PlotlyText.AxisTitle(model.XTitle ?? ""), type = "log", gridcolor = Palette.Grid, tickmode = "array", tickvals = ticks, ticktext = model.XAxis.TickLabels }
            : new Xaxis { title = PlotlyText.AxisTitle(model.XTitle ?? ""), type = model.LogX ? "log" : "linear", gridcolor = Palette.Grid };
        layout.yaxis = new Yaxis { title = PlotlyText.AxisTitle(model.YTitle ?? ""), type = model.LogY ? "log" : "linear", gridcolor = Palette.Grid };
        // A log axis ticked where the SVG's is (the model's ticks; Plotly's own add "2" and "5" between the decades).
        if (model.LogX && model.XDataTicks is null)
        {
            layout.xaxis.tickmode = "array";
            layout.xaxis.tickvals = model.XAxis.TickValues;
            layout.xaxis.ticktext = model.XAxis.TickLabels;
        }
        if (model.LogY)
        {
            layout.yaxis.tickmode = "array";
            layout.yaxis.tickvals = model.YAxis.TickValues;
            layout.yaxis.ticktext = model.YAxis.TickLabels;
        }
        if (model.YFromZero)
            layout.yaxis.range = new[] { model.YAxis.Lo, model.YAxis.Hi };
        layout.showlegend = model.ShowLegend;
        if (model.LegendBelow)
            layout.Extra["legend"] = new Dictionary<string, object>
            {
                ["orientation"] = "v", ["x"] = 0, ["xref"] = "paper", ["xanchor"] = "left", ["y"] = 0, ["yref"] = "container", ["yanchor"] = "bottom",
            };
        AddTitle(layout, title);
        return (traces, layout);
    }
}
