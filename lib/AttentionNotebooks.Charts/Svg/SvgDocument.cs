using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts.Svg;

/// <summary>
/// Builds a standalone SVG document with <see cref="System.Xml.Linq"/>, which escapes every text and attribute, and
/// writes it deterministically: no XML declaration, two-space indentation, <c>\n</c> line ends, coordinates with at
/// most 2 decimals, and element ids derived from the content so that two charts on one page never share an id.
/// </summary>
internal sealed class SvgDocument
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    /// <summary>Left and top margin of a chart's title, in pixels (the charts' outer margin).</summary>
    public const double TitleMargin = 16;

    /// <summary>
    /// <paramref name="width"/>, widened if needed so that <paramref name="title"/> fits inside the margins (as drawn:
    /// at most <see cref="ChartText.TitleLength"/> characters).
    /// </summary>
    public static double FitTitle(double width, string? title) =>
        title is null ? width : Math.Max(width, TitleMargin * 2 + TextMetrics.Width(ChartText.Display(title, ChartText.TitleLength), 16, bold: true));

    /// <summary>Adds the chart's title (16 px, bold, at most <see cref="ChartText.TitleLength"/> characters) in the top-left corner, if there is one.</summary>
    public void AddTitle(string? title)
    {
        if (title is not null)
            Root.Add(Text(TitleMargin, TitleMargin + 10, title, 16, bold: true, cls: "title", maxLength: ChartText.TitleLength));
    }

    /// <summary>Written into ids and replaced by a hash of the finished document.</summary>
    public const string IdToken = "ID-TOKEN";

    public SvgDocument(double width, double height, string title)
    {
        Width = Math.Ceiling(width);
        Height = Math.Ceiling(height);
        Root = new XElement(Ns + "svg",
            new XAttribute("width", SvgNumber.Format(Width)),
            new XAttribute("height", SvgNumber.Format(Height)),
            new XAttribute("viewBox", $"0 0 {SvgNumber.Format(Width)} {SvgNumber.Format(Height)}"),
            new XAttribute("font-family", Palette.FontFamily),
            new XAttribute("role", "img"),
            new XElement(Ns + "title", Clean(title)));
        Defs = new XElement(Ns + "defs");
        Root.Add(Defs);
        Root.Add(Rect(0, 0, Width, Height, Palette.Background, cls: "background"));
    }

    public double Width { get; }

    public double Height { get; }

    public XElement Root { get; }

    public XElement Defs { get; }

    /// <summary>An element id unique to this document's content: <c>an-&lt;hash&gt;-name</c>.</summary>
    public static string Id(string name) => $"an-{IdToken}-{name}";

    public static XElement Group(string? cls = null, double dx = 0, double dy = 0)
    {
        var g = new XElement(Ns + "g");
        if (cls is not null)
            g.SetAttributeValue("class", cls);
        if (dx != 0 || dy != 0)
            g.SetAttributeValue("transform", $"translate({SvgNumber.Format(dx)},{SvgNumber.Format(dy)})");
        return g;
    }

    public static XElement Rect(double x, double y, double width, double height, string fill, string? stroke = null, string? cls = null, double strokeWidth = 1)
    {
        var rect = new XElement(Ns + "rect");
        if (cls is not null)
            rect.SetAttributeValue("class", cls);
        rect.SetAttributeValue("x", SvgNumber.Format(x));
        rect.SetAttributeValue("y", SvgNumber.Format(y));
        rect.SetAttributeValue("width", SvgNumber.Format(Math.Max(0, width)));
        rect.SetAttributeValue("height", SvgNumber.Format(Math.Max(0, height)));
        rect.SetAttributeValue("fill", fill);
        if (stroke is not null)
        {
            rect.SetAttributeValue("stroke", stroke);
            rect.SetAttributeValue("stroke-width", SvgNumber.Format(strokeWidth));
        }
        return rect;
    }

    /// <summary>
    /// A text element whose baseline is placed so that the text is vertically centred on <paramref name="y"/> (no
    /// reliance on <c>dominant-baseline</c>, which some renderers ignore). Whitespace in the text is preserved. A text
    /// longer than <paramref name="maxLength"/> characters is cut with "…" (<see cref="ChartText.Shorten"/>) and
    /// returned inside a <c>&lt;g class="shortened"&gt;</c> whose <c>&lt;title&gt;</c> holds the full text as a tooltip.
    /// </summary>
    public static XElement Text(double x, double y, string text, double fontSize, string anchor = "start", string fill = Palette.Text,
        bool bold = false, double rotate = 0, string? cls = null, int maxLength = ChartText.LabelLength)
    {
        string clean = Clean(text);
        string shown = ChartText.Shorten(clean, maxLength);
        double baseline = y + fontSize * 0.35;
        var element = new XElement(Ns + "text");
        if (cls is not null)
            element.SetAttributeValue("class", cls);
        element.SetAttributeValue("x", SvgNumber.Format(x));
        element.SetAttributeValue("y", SvgNumber.Format(baseline));
        element.SetAttributeValue("font-size", SvgNumber.Format(fontSize));
        if (anchor != "start")
            element.SetAttributeValue("text-anchor", anchor);
        if (bold)
            element.SetAttributeValue("font-weight", "700");
        element.SetAttributeValue("fill", fill);
        if (rotate != 0)
            element.SetAttributeValue("transform", $"rotate({SvgNumber.Format(rotate)} {SvgNumber.Format(x)} {SvgNumber.Format(y)})");
        element.SetAttributeValue(XNamespace.Xml + "space", "preserve");
        element.Value = shown;
        if (ReferenceEquals(shown, clean))
            return element;
        return new XElement(Ns + "g", new XAttribute("class", "shortened"), new XElement(Ns + "title", clean), element);
    }

    public static XElement Line(double x1, double y1, double x2, double y2, string stroke, double width = 1, string? dash = null, string? cls = null)
    {
        var line = new XElement(Ns + "line");
        if (cls is not null)
            line.SetAttributeValue("class", cls);
        line.SetAttributeValue("x1", SvgNumber.Format(x1));
        line.SetAttributeValue("y1", SvgNumber.Format(y1));
        line.SetAttributeValue("x2", SvgNumber.Format(x2));
        line.SetAttributeValue("y2", SvgNumber.Format(y2));
        line.SetAttributeValue("stroke", stroke);
        line.SetAttributeValue("stroke-width", SvgNumber.Format(width));
        if (dash is not null)
            line.SetAttributeValue("stroke-dasharray", dash);
        return line;
    }

    public static XElement Circle(double cx, double cy, double r, string fill, string? stroke = null, string? cls = null, double strokeWidth = 1.5)
    {
        var circle = new XElement(Ns + "circle");
        if (cls is not null)
            circle.SetAttributeValue("class", cls);
        circle.SetAttributeValue("cx", SvgNumber.Format(cx));
        circle.SetAttributeValue("cy", SvgNumber.Format(cy));
        circle.SetAttributeValue("r", SvgNumber.Format(r));
        circle.SetAttributeValue("fill", fill);
        if (stroke is not null)
        {
            circle.SetAttributeValue("stroke", stroke);
            circle.SetAttributeValue("stroke-width", SvgNumber.Format(strokeWidth));
        }
        return circle;
    }

    public static XElement Polyline(IEnumerable<(double X, double Y)> points, string stroke, double width = 2, string? cls = null, string? dash = null)
    {
        var line = new XElement(Ns + "polyline");
        if (cls is not null)
            line.SetAttributeValue("class", cls);
        line.SetAttributeValue("points", string.Join(" ", points.Select(p => SvgNumber.Format(p.X) + "," + SvgNumber.Format(p.Y))));
        line.SetAttributeValue("fill", "none");
        line.SetAttributeValue("stroke", stroke);
        line.SetAttributeValue("stroke-width", SvgNumber.Format(width));
        line.SetAttributeValue("stroke-linejoin", "round");
        if (dash is not null)
            line.SetAttributeValue("stroke-dasharray", dash);
        return line;
    }

    public static XElement Tooltip(string text) => new(Ns + "title", Clean(text));

    /// <summary>The document as text, ids made unique to its content.</summary>
    public override string ToString()
    {
        var settings = new XmlWriterSettings
        {
            OmitXmlDeclaration = true,
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
        };
        var builder = new StringBuilder();
        using (var writer = XmlWriter.Create(builder, settings))
            Root.Save(writer);
        string text = builder.ToString();
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];
        return text.Replace(IdToken, hash, StringComparison.Ordinal);
    }

    /// <summary>Text made printable and valid in XML (control characters escaped, lone surrogates replaced).</summary>
    public static string Clean(string text) => Labels.Printable(text);
}
