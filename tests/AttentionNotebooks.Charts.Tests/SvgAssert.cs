using System.Globalization;

namespace AttentionNotebooks.Charts.Tests;

/// <summary>Parses the SVG of a figure and finds its parts.</summary>
internal static class SvgAssert
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    /// <summary>Parses the SVG and checks what every standalone SVG needs: the namespace, a size and a viewBox.</summary>
    public static XElement Parse(string svg)
    {
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal(Ns + "svg", root.Name);
        Assert.True(double.Parse(root.Attribute("width")!.Value, CultureInfo.InvariantCulture) > 0);
        Assert.True(double.Parse(root.Attribute("height")!.Value, CultureInfo.InvariantCulture) > 0);
        Assert.Matches(@"^0 0 \d+(\.\d+)? \d+(\.\d+)?$", root.Attribute("viewBox")!.Value);
        Assert.NotNull(root.Element(Ns + "title"));
        return root;
    }

    public static XElement Parse(Figure figure) => Parse(figure.ToSvg());

    /// <summary>
    /// Parses the SVG and checks that every coordinate, size and point list holds finite numbers and that the drawing
    /// is at most <paramref name="maxSize"/> pixels each way.
    /// </summary>
    public static XElement ParseBounded(Figure figure, double maxSize = 2000)
    {
        var root = Parse(figure);
        Assert.InRange(Number(root, "width"), 1, maxSize);
        Assert.InRange(Number(root, "height"), 1, maxSize);
        string[] numeric = ["x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "font-size"];
        foreach (var e in root.DescendantsAndSelf())
        {
            foreach (string name in numeric)
                if (e.Attribute(name) is { } a && !a.Value.EndsWith('%'))
                    Assert.True(double.IsFinite(double.Parse(a.Value, CultureInfo.InvariantCulture)), $"{e.Name.LocalName} {name}=\"{a.Value}\"");
            if (e.Attribute("points") is { } points)
                foreach (string n in points.Value.Split(' ', ','))
                    Assert.True(double.IsFinite(double.Parse(n, CultureInfo.InvariantCulture)), $"points {n}");
        }
        return root;
    }

    /// <summary>Elements whose class list contains <paramref name="cls"/>, in document order.</summary>
    public static List<XElement> WithClass(XElement root, string cls) =>
        root.Descendants().Where(e => (e.Attribute("class")?.Value ?? "").Split(' ').Contains(cls)).ToList();

    /// <summary>The texts of the text elements with class <paramref name="cls"/>.</summary>
    public static List<string> Texts(XElement root, string cls) => WithClass(root, cls).Select(e => e.Value).ToList();

    public static double Number(XElement e, string attribute) => double.Parse(e.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    /// <summary>WCAG relative luminance of <c>#rrggbb</c>.</summary>
    public static double Luminance(string color)
    {
        static double Channel(string hex)
        {
            double s = int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0;
            return s <= 0.04045 ? s / 12.92 : Math.Pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * Channel(color[1..3]) + 0.7152 * Channel(color[3..5]) + 0.0722 * Channel(color[5..7]);
    }

    public static double Contrast(string a, string b)
    {
        double la = Luminance(a), lb = Luminance(b);
        return (Math.Max(la, lb) + 0.05) / (Math.Min(la, lb) + 0.05);
    }
}
