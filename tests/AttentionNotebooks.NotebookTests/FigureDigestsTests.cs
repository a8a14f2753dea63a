using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AttentionNotebooks.NotebookTests;

/// <summary>check verifies that each stored figure's SVG still has the sha256 its text/plain line gives.</summary>
public sealed class FigureDigestsTests
{
    private const string Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">\n<rect width=\"10\" height=\"10\"/>\n</svg>";

    [Fact]
    public void A_figure_whose_svg_matches_its_digest_passes()
    {
        var output = Figure(Svg, Sha256Prefix(Svg));

        Assert.Empty(FigureDigests.Mismatches([output]));
    }

    [Fact]
    public void A_hand_edited_svg_is_caught_with_both_digests()
    {
        var edited = Svg.Replace("width=\"10\" height=\"10\"/>", "width=\"10\" height=\"9\"/>", StringComparison.Ordinal);
        var output = Figure(edited, Sha256Prefix(Svg));

        var problem = Assert.Single(FigureDigests.Mismatches([NotebookOutput.Stream("stdout", "x"), output]));

        Assert.Equal($"output 2: the stored image/svg+xml has sha256 {Sha256Prefix(edited)}, its text/plain says {Sha256Prefix(Svg)}", problem);
    }

    [Fact]
    public void A_digest_line_without_its_svg_is_caught()
    {
        var output = NotebookOutput.Display([new("text/plain", $"heatmap of a 2x2 matrix (10x10 SVG, sha256 {Sha256Prefix(Svg)})")]);

        Assert.Contains("has no image/svg+xml", Assert.Single(FigureDigests.Mismatches([output])), StringComparison.Ordinal);
    }

    [Fact]
    public void The_text_the_charts_library_writes_is_what_the_runner_parses()
    {
        // FigureDigest is compiled into NotebookRunner.Core from lib/AttentionNotebooks.Charts, where Figure.ToString writes it.
        var output = NotebookOutput.Display([new("image/svg+xml", Svg), new("text/plain", "heatmap of a 2x2 matrix " + AttentionNotebooks.Charts.FigureDigest.Text(10, 10, Svg))]);

        Assert.Empty(FigureDigests.Mismatches([output]));
        Assert.Equal($"heatmap of a 2x2 matrix (10x10 SVG, sha256 {Sha256Prefix(Svg)})", output.Data.Single(d => d.Key == "text/plain").Value);
    }

    [Fact]
    public void Every_committed_course_figure_matches_its_digest()
    {
        int figures = 0;
        foreach (var path in TestRepository.Layout.DefaultNotebooks())
        {
            foreach (var cell in NotebookDocument.Load(path).CodeCells)
            {
                Assert.True(FigureDigests.Mismatches(cell.Outputs).Count == 0, $"{path} cell {cell.Number}: {string.Join("; ", FigureDigests.Mismatches(cell.Outputs))}");
                figures += cell.Outputs.Count(o => o.Data.Any(d => d.Key == "image/svg+xml"));
            }
        }

        Assert.True(figures > 0, "the course notebooks hold no figures, so this test checks nothing");
    }

    /// <summary>The name of the copy of notebook 01 with one SVG edited, in <see cref="SharedRuns.FiguresAsync"/>.</summary>
    internal const string EditedSvgNotebook = "01-simplified-self-attention-svg-edited.ipynb";

    [Fact]
    public async Task Check_fails_on_a_notebook_whose_stored_svg_was_edited_and_names_notebook_and_cell()
    {
        // A copy of a course notebook inside the repository (so its setup cell finds artifacts/lib/), one SVG edited
        // (WriteNotebookWithAnEditedSvg): notebook 01, which holds figures and runs in about half the CPU time of
        // notebook 00. It is checked in the shared figure check, with the copy whose PNG is stale.
        var (run, _) = await SharedRuns.FiguresAsync();
        var number = EditedCellNumber();

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Drifted, SharedRuns.Report(run, EditedSvgNotebook).Outcome);
        Assert.Contains(run.Lines, l => l.StartsWith($"DRIFT {EditedSvgNotebook} cell {number}: ", StringComparison.Ordinal));
        Assert.Contains("    a committed figure's SVG does not match the sha256 in its text (edited by hand, or only partly refreshed):", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains("the stored image/svg+xml has sha256 ", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith(EditedSvgNotebook + " ", StringComparison.Ordinal) && l.EndsWith($"DRIFT in cell {number}", StringComparison.Ordinal));
        Assert.Single(SharedRuns.LinesOf(run, EditedSvgNotebook), l => l.StartsWith("DRIFT ", StringComparison.Ordinal));
    }

    /// <summary>Writes to <paramref name="path"/> notebook 01 with the first of its figures' SVGs edited (a rect made
    /// half transparent).</summary>
    internal static void WriteNotebookWithAnEditedSvg(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestRepository.CourseNotebook("01-simplified-self-attention.ipynb")))!.AsObject();
        var cells = root["cells"]!.AsArray();
        var svg = cells[EditedCellNumber() - 1]!["outputs"]!.AsArray().First(o => o!["data"]?["image/svg+xml"] is not null)!["data"]!["image/svg+xml"]!.AsArray();
        int line = svg.Select((l, i) => (l, i)).First(p => ((string?)p.l)!.Contains("<rect", StringComparison.Ordinal)).i;
        svg[line] = ((string?)svg[line])!.Replace("<rect", "<rect opacity=\"0.5\"", StringComparison.Ordinal);
        File.WriteAllText(path, JupyterJson.Serialize(root, " "));
    }

    // The number of notebook 01's first cell with a figure: the one whose SVG is edited.
    private static int EditedCellNumber()
    {
        var cells = JsonNode.Parse(File.ReadAllText(TestRepository.CourseNotebook("01-simplified-self-attention.ipynb")))!["cells"]!.AsArray();
        return cells.Select((c, i) => (c, i)).First(p => p.c!["outputs"]?.AsArray().Any(o => o!["data"]?["image/svg+xml"] is not null) == true).i + 1;
    }

    private static NotebookOutput Figure(string svg, string digest) => NotebookOutput.Display(
    [
        new("image/svg+xml", svg),
        new("text/plain", $"heatmap of a 2x2 matrix \"t\" (10x10 SVG, sha256 {digest})"),
    ]);

    private static string Sha256Prefix(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..10];
}
