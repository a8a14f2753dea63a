using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AttentionNotebooks.NotebookTests;

/// <summary>The course's diagrams in images/: every one is used, every reference resolves, and each notebook's road map
/// highlights its own station.</summary>
public sealed partial class ImageTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Each_notebook_shows_the_road_map_with_its_own_station_highlighted()
    {
        foreach (var path in Directory.GetFiles(TestRepository.Layout.NotebooksDirectory, "*.ipynb"))
        {
            int station = int.Parse(Path.GetFileName(path)[..2], System.Globalization.CultureInfo.InvariantCulture);
            var intro = NotebookDocument.Load(path).Cells.First(c => c.Kind == NotebookCellKind.Markdown).Source;
            Assert.Contains($"](../images/roadmap-{station}.svg)", intro, StringComparison.Ordinal);
            Assert.Contains($"you are at station {station}", intro, StringComparison.Ordinal);

            var svg = XDocument.Load(Path.Combine(TestRepository.Layout.Root, "images", $"roadmap-{station}.svg"));
            var highlighted = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("id") == "you-are-here").ToList();
            Assert.Single(highlighted);
            Assert.Contains(highlighted[0].Elements(Svg + "text"), t => t.Value == station.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains($"you are at station {station}", svg.Root!.Element(Svg + "title")!.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_image_a_notebook_or_the_readme_shows_exists_and_is_valid_svg()
    {
        foreach (var (source, reference) in References())
        {
            var file = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, reference));
            Assert.True(File.Exists(file), $"{source} shows {reference}, which does not exist");
            var root = XDocument.Load(file).Root!;
            Assert.Equal(Svg + "svg", root.Name);
        }
    }

    [Fact]
    public void Every_image_in_the_images_folder_is_shown_somewhere()
    {
        var shown = References()
            .Select(r => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(r.Source)!, r.Reference)))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var image in Directory.GetFiles(Path.Combine(TestRepository.Layout.Root, "images"), "*.svg"))
            Assert.True(shown.Contains(Path.GetFullPath(image)), $"images/{Path.GetFileName(image)} is shown by no notebook and not by README.md");
    }

    /// <summary>Every markdown image reference to an .svg in the notebooks' markdown cells and in README.md.</summary>
    private static IEnumerable<(string Source, string Reference)> References()
    {
        var layout = TestRepository.Layout;
        var readme = Path.Combine(layout.Root, "README.md");
        foreach (Match match in ImageReference().Matches(File.ReadAllText(readme)))
            yield return (readme, match.Groups[1].Value);
        foreach (var notebook in layout.DefaultNotebooks())
            foreach (var cell in NotebookDocument.Load(notebook).Cells.Where(c => c.Kind == NotebookCellKind.Markdown))
                foreach (Match match in ImageReference().Matches(cell.Source))
                    yield return (notebook, match.Groups[1].Value);
    }

    [GeneratedRegex(@"!\[[^\]]*\]\(([^)\s]+\.svg)\)")]
    private static partial Regex ImageReference();
}
