using System.Text.Json;
using System.Text.RegularExpressions;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>Reads the data and layout that a figure's Plotly script passes to Plotly.newPlot.</summary>
internal static class PlotlyJson
{
    /// <summary>The traces and the layout of <paramref name="figure"/>'s Plotly chart.</summary>
    public static (JsonElement Data, JsonElement Layout) Parse(Figure figure) => Parse(figure.ToPlotly().GetPlottingJS());

    /// <summary>The traces and the layout in a Plotly script, or in HTML holding one (<see cref="Figure.ToHtml"/>).</summary>
    public static (JsonElement Data, JsonElement Layout) Parse(string script)
    {
        string data = Regex.Match(script, @"var data = (.*?);\s*\n").Groups[1].Value;
        string layout = Regex.Match(script, @"var layout = (.*?);\s*\n").Groups[1].Value;
        return (JsonDocument.Parse(data).RootElement.Clone(), JsonDocument.Parse(layout).RootElement.Clone());
    }

    /// <summary>A Plotly text as plotly.js shows it: the entities it decodes (&amp;lt; &amp;gt; &amp;amp;) turned back into characters.</summary>
    public static string Shown(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    /// <summary>The strings of a JSON array, as shown.</summary>
    public static List<string> Strings(JsonElement array) => array.EnumerateArray().Select(e => Shown(e.GetString()!)).ToList();

    /// <summary>Whether <paramref name="part"/> appears in <paramref name="whole"/> in the same order (not necessarily contiguous).</summary>
    public static bool IsSubsequence(IReadOnlyList<string> part, IReadOnlyList<string> whole)
    {
        int k = 0;
        foreach (string item in whole)
            if (k < part.Count && item == part[k])
                k++;
        return k == part.Count;
    }
}
