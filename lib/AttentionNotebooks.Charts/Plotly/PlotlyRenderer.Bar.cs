using AttentionNotebooks.Charts.Layout;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

internal static partial class PlotlyRenderer
{
    /// <summary>The plain bars as one trace and the highlighted bar as another (so that the legend names it), the value texts as annotations.</summary>
    private static (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) Bar(BarModel model, string? title)
    {
        int n = model.Values.Count;
        Bar Bars(int[] indices) => new HoverOnlyBar
        {
            x = indices,
            y = indices.Select(i => PlotlyText.Number((double)model.Values[i])).ToArray(),
            text = indices.Select(i => PlotlyText.Escape(model.HoverTexts[i])).ToArray(),
            hoverinfo = "text",
            marker = new Marker { color = model.Colors[indices[0]] },
        };
        var traces = new List<Trace>();
        var plain = Enumerable.Range(0, n).Where(i => !model.IsHighlighted(i)).ToArray();
        if (plain.Length > 0)
        {
            var bar = Bars(plain);
            bar.showlegend = false;
            bar.name = "";
            traces.Add(bar);
        }
        if (model.Highlight is int h)
        {
            var bar = Bars([h]);
            bar.name = PlotlyText.AxisTitle(model.HighlightLabel!);
            bar.showlegend = true;
            traces.Add(bar);
        }
        var layout = BaseLayout(new Margin { l = 70, r = 20, t = title is null ? 30 : 60, b = 80 });
        layout.xaxis = new Xaxis { tickmode = "array", tickvals = Enumerable.Range(0, n).ToArray(), ticktext = model.Labels.Select(PlotlyText.Label).ToArray(), title = PlotlyText.AxisTitle(model.XTitle ?? "") };
        layout.yaxis = new Yaxis { title = PlotlyText.AxisTitle(model.YTitle ?? ""), zeroline = !model.Log, gridcolor = Palette.Grid, type = model.Log ? "log" : null };
        layout.showlegend = model.Highlight is not null;
        layout.barmode = "overlay";
        if (model.Highlight is not null)
            layout.legend = new Legend { orientation = "h", x = 0, y = 1.02, xanchor = "left", yanchor = "bottom" };
        if (title is not null)
            layout.title = PlotlyText.Title(title);
        if (model.Decimals is not null)
            layout.annotations = Enumerable.Range(0, n).Select(i => new Annotation
            {
                // On a log axis Plotly places annotations in decades: y is log10 of the value.
                text = model.ValueTexts[i]!, x = i, y = model.Log ? Math.Round(Math.Log10(model.Values[i]), 6) : PlotlyText.Number((double)model.Values[i]),
                yanchor = model.Values[i] >= 0 ? "bottom" : "top", showarrow = false, font = new Font { size = BarModel.ValueFont, color = Palette.Text },
            }).ToArray();
        return (traces, layout);
    }

    /// <summary>
    /// A bar trace whose texts only show on hover (<c>textposition: none</c>; XPlot 4.1.0's <see cref="Bar"/> has no such
    /// property): plotly.js would otherwise also print each hover text inside its bar, next to the value annotation.
    /// </summary>
    private sealed class HoverOnlyBar : Bar
    {
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Plotly's attribute name, serialised as written.")]
        public string textposition { get; set; } = "none";
    }
}
