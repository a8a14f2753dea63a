using AttentionNotebooks.Charts.Layout;
using XPlot.Plotly;

namespace AttentionNotebooks.Charts.Plotly;

internal static partial class PlotlyRenderer
{
    /// <summary>
    /// One heatmap of the chosen head and a menu above it with one entry per head, each restyling the heatmap's z to
    /// that head's weights (rounded to <see cref="HeadViewModel.LiveDecimals"/>); the cell values are drawn by a text
    /// template and the hover text is a template too, so both follow the data when another head is chosen.
    /// </summary>
    private static (IReadOnlyList<Trace> Traces, PlotlyLayout Layout) HeadView(HeadViewModel model, string? title)
    {
        var panel = model.Shown.Panels[0];
        var data = panel.Data;
        int t = model.Tokens;
        var hover = new string[t][];
        for (int i = 0; i < t; i++)
            hover[i] = Enumerable.Range(0, t).Select(j => PlotlyText.Escape(model.PairTexts[i, j])).ToArray();
        string number = $"%{{z:.{HeadViewModel.LiveDecimals}f}}";
        var trace = new TemplatedHeatmap
        {
            z = LiveWeights(model, model.Layer, model.Head), x = Enumerable.Range(0, t).ToArray(), y = Enumerable.Range(0, t).ToArray(),
            text = hover, hovertemplate = $"%{{text}}: {number}<extra></extra>",
            texttemplate = panel.Fit.Decimals is int d ? $"%{{z:.{d}f}}" : "", textfont = new Font { size = panel.Fit.ValueFont },
            zmin = model.Shown.Range.Lo, zmax = model.Shown.Range.Hi, zauto = false, colorscale = ColorScale.ForPlotly(), showscale = true,
            colorbar = new Colorbar { thickness = 14, outlinewidth = 0, title = ColorBarTitle(model.Shown), titleside = "right" },
        };

        // Top to bottom: the title, the menu, the column labels and their title, the grid.
        double titleBand = title is null ? 8 : 46, menuBand = 34, axisBand = panel.Fit.RotateColumnLabels ? 100 : 58;
        var layout = BaseLayout(new Margin { l = 90, r = 30, t = titleBand + menuBand + axisBand, b = 30 });
        // The title in the top-left corner, as the SVG has it (and clear of Plotly's mode bar, top right).
        if (title is not null)
            layout.Extra["title"] = new Dictionary<string, object>
            {
                ["text"] = PlotlyText.Title(title), ["x"] = 0, ["xref"] = "container", ["xanchor"] = "left", ["y"] = 1, ["yref"] = "container", ["yanchor"] = "top",
                ["pad"] = new Dictionary<string, object> { ["l"] = 16, ["t"] = 14 },
            };
        layout.xaxis = new Xaxis
        {
            side = "top", tickmode = "array", tickvals = Enumerable.Range(0, t).ToArray(), ticktext = data.ColumnLabels.Select(PlotlyText.Label).ToArray(),
            tickangle = panel.Fit.RotateColumnLabels ? -45 : 0, showgrid = false, zeroline = false, title = PlotlyText.AxisTitle(data.ColumnTitle ?? ""),
        };
        layout.yaxis = new Yaxis
        {
            autorange = "reversed", tickmode = "array", tickvals = Enumerable.Range(0, t).ToArray(), ticktext = data.RowLabels.Select(PlotlyText.Label).ToArray(),
            showgrid = false, zeroline = false, title = PlotlyText.AxisTitle(data.RowTitle ?? ""),
        };
        var buttons = new List<object>();
        for (int l = 0; l < model.Layers; l++)
            for (int h = 0; h < model.Heads; h++)
                buttons.Add(new Dictionary<string, object>
                {
                    ["label"] = PlotlyText.Label(model.HeadNames[l * model.Heads + h]), ["method"] = "restyle",
                    ["args"] = new object[] { new Dictionary<string, object> { ["z"] = new object[] { LiveWeights(model, l, h) } }, new[] { 0 } },
                });
        layout.Extra["updatemenus"] = new object[]
        {
            new Dictionary<string, object>
            {
                ["type"] = "dropdown", ["direction"] = "down", ["active"] = model.ShownIndex, ["showactive"] = true,
                ["x"] = 0, ["xanchor"] = "left", ["y"] = 1, ["yanchor"] = "bottom",
                ["pad"] = new Dictionary<string, object> { ["t"] = 0, ["r"] = 0, ["b"] = axisBand, ["l"] = 0 },
                ["bgcolor"] = Palette.Background, ["bordercolor"] = Palette.Axis, ["font"] = new Dictionary<string, object> { ["size"] = 12 },
                ["buttons"] = buttons,
            },
        };
        return ([trace], layout);
    }

    /// <summary>Head (layer, head)'s weights as the live chart carries them: rows of values rounded to <see cref="HeadViewModel.LiveDecimals"/>.</summary>
    private static double[][] LiveWeights(HeadViewModel model, int layer, int head)
    {
        var w = model.Weights[layer][head];
        return Enumerable.Range(0, w.RowCount)
            .Select(i => Enumerable.Range(0, w.ColumnCount).Select(j => Math.Round((double)w[i, j], HeadViewModel.LiveDecimals)).ToArray())
            .ToArray();
    }

    /// <summary>A heatmap with plotly.js's text and hover templates, which XPlot.Plotly 4.1 does not know.</summary>
    private sealed class TemplatedHeatmap : Heatmap
    {
        [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Plotly's attribute name, serialised as written.")]
        public string hovertemplate { get; set; } = "";

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Plotly's attribute name, serialised as written.")]
        public string texttemplate { get; set; } = "";

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Plotly's attribute name, serialised as written.")]
        public Font textfont { get; set; } = new();
    }
}
