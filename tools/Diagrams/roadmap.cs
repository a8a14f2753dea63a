// Writes the course's road map: images/roadmap.svg (every station alike, for the README) and
// images/roadmap-N.svg (station N highlighted, for notebook N). Run from the repository root:
//     dotnet run tools/Diagrams/roadmap.cs
// The stations are described once, below; every file is drawn from that description.
using System.Globalization;
using System.Text;

var stations = new Station[]
{
    new(0, "Why attention", ["Why attention"], ["long sequences,", "the encoder–decoder", "bottleneck"], "#475569", "#334155"),
    new(1, "Simplified self-attention", ["Simplified", "self-attention"], ["no trainable weights"], "#0d9488", "#115e59"),
    new(2, "Self-attention with trainable weights", ["Self-attention with", "trainable weights"], ["scaled dot-product", "attention"], "#2563eb", "#1e40af"),
    new(3, "Causal attention", ["Causal attention"], ["mask the future", "+ dropout"], "#e11d48", "#9f1239"),
    new(4, "Multi-head attention", ["Multi-head", "attention"], ["several heads", "in parallel"], "#7c3aed", "#5b21b6"),
    new(5, "Efficient attention", ["Beyond"], ["efficient", "attention"], null, "#334155"),
    new(6, "Attention that learns", ["Beyond"], ["attention", "that learns"], null, "#334155"),
    new(7, "Inside a trained model", ["Beyond"], ["inside a", "trained model"], null, "#334155"),
    new(8, "Attention in today's language models", ["Beyond"], ["today's LLMs:", "RoPE, KV cache,", "GQA, MLA"], null, "#334155"),
};

string root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
string images = Path.Combine(root, "images");
if (!Directory.Exists(images))
{
    Console.Error.WriteLine($"error: no images/ folder in {root}; run from the repository root or pass it as the first argument");
    return 2;
}

Write(Path.Combine(images, "roadmap.svg"), Draw(stations, current: null));
foreach (var station in stations)
    Write(Path.Combine(images, $"roadmap-{station.Number}.svg"), Draw(stations, station.Number));
return 0;

static void Write(string path, string svg)
{
    File.WriteAllText(path, svg, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    Console.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), path)}");
}

static string Draw(IReadOnlyList<Station> stations, int? current)
{
    const int first = 90, step = 164, lineY = 120;
    int width = 2 * first + (stations.Count - 1) * step;                 // 164 pixels per station after the first
    string W(int margin) => (width - margin).ToString(CultureInfo.InvariantCulture);
    string X(int i) => (first + i * step).ToString(CultureInfo.InvariantCulture);
    int core = stations.Count(s => s.Colour is not null), beyond = stations.Count - core;   // solid stations, then dashed ones
    int lastSolid = core - 1;
    var you = current is { } n ? stations.First(s => s.Number == n) : null;
    var svg = new StringBuilder();
    svg.Append($"""
        <svg xmlns="http://www.w3.org/2000/svg" width="{W(0)}" height="300" viewBox="0 0 {W(0)} 300"
             font-family="Segoe UI, Helvetica, Arial, sans-serif">

        """);
    svg.Append(you is null
        ? $"  <title>Road map of the course: {stations.Count} stations, {core} from why attention exists to multi-head attention and {beyond} beyond</title>\n"
        : $"  <title>Road map of the course: you are at station {you.Number}, {you.Name}</title>\n");
    svg.Append($"""

          <rect x="1" y="1" width="{W(2)}" height="298" rx="16" fill="#ffffff" stroke="#e2e8f0" stroke-width="2"/>


        """);
    svg.Append(you is null
        ? $"  <text x=\"40\" y=\"44\" font-size=\"20\" font-weight=\"700\" fill=\"#1e293b\">Road map<tspan dx=\"14\" font-size=\"14\" font-weight=\"400\" fill=\"#64748b\">{Words(stations.Count)} stations: {Words(core)} from why attention exists to multi-head attention, then {Words(beyond)} beyond</tspan></text>\n"
        : $"  <text x=\"40\" y=\"44\" font-size=\"20\" font-weight=\"700\" fill=\"#1e293b\">Road map<tspan dx=\"14\" font-size=\"14\" font-weight=\"400\" fill=\"#64748b\">you are at station {you.Number}: {Escape(you.Name.ToLowerInvariant())}</tspan></text>\n");
    svg.Append($"""

          <!-- the line -->
          <line x1="{X(0)}" y1="{lineY}" x2="{X(lastSolid)}" y2="{lineY}" stroke="#cbd5e1" stroke-width="8" stroke-linecap="round"/>
          <line x1="{X(lastSolid)}" y1="{lineY}" x2="{X(stations.Count - 1)}" y2="{lineY}" stroke="#cbd5e1" stroke-width="6" stroke-dasharray="4 10" stroke-linecap="round"/>

        """);

    foreach (var (s, index) in stations.Select((s, i) => (s, i)))
    {
        string x = X(index);                                             // stations are drawn in list order
        bool here = s.Number == current;
        string dim = current is not null && !here ? " opacity=\"0.45\"" : string.Empty;
        string accent = s.Colour ?? "#64748b";
        svg.Append($"\n  <!-- {s.Number}: {s.Name.ToLowerInvariant()}{(here ? " (you are here)" : "")} -->\n");
        if (dim.Length > 0)
            svg.Append($"  <circle cx=\"{x}\" cy=\"{lineY}\" r=\"30\" fill=\"#ffffff\"/>\n");   // keeps the line from showing through
        svg.Append($"  <g text-anchor=\"middle\"{dim}{(here ? " id=\"you-are-here\"" : "")}>\n");
        if (here)
        {
            svg.Append($"    <circle cx=\"{x}\" cy=\"{lineY}\" r=\"42\" fill=\"{accent}\" fill-opacity=\"0.18\"/>\n");
            svg.Append($"    <text x=\"{x}\" y=\"74\" font-size=\"13\" font-weight=\"700\" fill=\"{accent}\">you are here</text>\n");
        }

        svg.Append(s.Colour is not null
            ? $"    <circle cx=\"{x}\" cy=\"{lineY}\" r=\"28\" fill=\"{s.Colour}\" stroke=\"#ffffff\" stroke-width=\"4\"/>\n" +
              $"    <text x=\"{x}\" y=\"128\" font-size=\"22\" font-weight=\"700\" fill=\"#ffffff\">{s.Number}</text>\n"
            : $"    <circle cx=\"{x}\" cy=\"{lineY}\" r=\"28\" fill=\"#f8fafc\" stroke=\"#64748b\" stroke-width=\"3\" stroke-dasharray=\"6 5\"/>\n" +
              $"    <text x=\"{x}\" y=\"128\" font-size=\"22\" font-weight=\"700\" fill=\"#475569\">{s.Number}</text>\n");
        int y = 184;
        foreach (var line in s.Title)
        {
            svg.Append($"    <text x=\"{x}\" y=\"{y}\" font-size=\"15\" font-weight=\"700\" fill=\"{s.TitleColour}\">{Escape(line)}</text>\n");
            y += 19;
        }

        y += 3;
        foreach (var line in s.Details)
        {
            svg.Append($"    <text x=\"{x}\" y=\"{y}\" font-size=\"13\" fill=\"#475569\">{Escape(line)}</text>\n");
            y += 18;
        }

        svg.Append("  </g>\n");
    }

    svg.Append($"""

          <text x="{width / 2}" y="280" text-anchor="middle" font-size="12" fill="#94a3b8">Each station builds on the one before it.</text>
        </svg>

        """);
    return svg.ToString();
}

// A count as a word, as the subtitle reads ("nine stations"); the digits beyond twelve.
static string Words(int n) => n is >= 0 and <= 12
    ? new[] { "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve" }[n]
    : n.ToString(CultureInfo.InvariantCulture);

static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);

/// <summary>One station of the road map: its number, name, the lines under it and its colours (null: dashed, optional).</summary>
internal sealed record Station(int Number, string Name, string[] Title, string[] Details, string? Colour, string TitleColour);
