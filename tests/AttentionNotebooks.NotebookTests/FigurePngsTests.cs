using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SkiaSharp;
using SvgToPng;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The runner stores beside each chart's SVG a PNG drawn from it (untrusted Jupyter shows only the PNG), recording the
/// SVG's sha256 in the output's metadata; check fails when a PNG is missing or was drawn from another SVG.
/// </summary>
public sealed class FigurePngsTests
{
    private const string Svg = """<svg width="120" height="40" viewBox="0 0 120 40" xmlns="http://www.w3.org/2000/svg"><rect width="120" height="40" fill="#ffffff"/><text x="4" y="28" font-size="20" font-weight="600">Heads</text></svg>""";

    private static NotebookOutput Chart(string svg) => NotebookOutput.Display([new("image/svg+xml", svg), new("text/plain", "a chart")]);

    [Fact]
    public void WithPng_adds_a_PNG_of_the_SVG_s_size_with_its_size_and_the_SVG_s_digest_in_the_metadata()
    {
        var output = FigurePngs.WithPng(Chart(Svg));

        var png = Convert.FromBase64String(output.Data.Single(d => d.Key == "image/png").Value);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((120, 40), (bitmap.Width, bitmap.Height));
        var metadata = output.Metadata;
        Assert.Equal(120, (int)metadata["image/png"]!["width"]!);
        Assert.Equal(40, (int)metadata["image/png"]!["height"]!);
        Assert.Equal(FigurePngs.Sha256(Svg), FigurePngs.RecordedDigest(output));
        Assert.Equal(["image/svg+xml", "image/png", "text/plain"], output.Data.Select(d => d.Key));
    }

    [Fact]
    public void WithPng_of_a_layout_shown_scaled_down_draws_it_at_the_layout_s_resolution_and_records_the_shown_size()
    {
        var scaledDown = Svg.Replace("width=\"120\" height=\"40\" viewBox", "width=\"60\" height=\"20\" viewBox", StringComparison.Ordinal);

        var output = FigurePngs.WithPng(Chart(scaledDown));

        using var bitmap = SKBitmap.Decode(Convert.FromBase64String(output.Data.Single(d => d.Key == "image/png").Value));
        Assert.Equal((120, 40), (bitmap.Width, bitmap.Height));
        Assert.Equal(60, (int)output.Metadata["image/png"]!["width"]!);
        Assert.Equal(20, (int)output.Metadata["image/png"]!["height"]!);
    }

    [Fact]
    public void WithPng_replaces_a_stale_PNG_and_leaves_outputs_without_an_SVG_as_they_are()
    {
        var stale = NotebookOutput.Display([new("image/svg+xml", Svg), new("image/png", "c3RhbGU="), new("text/plain", "a chart")]);
        var text = NotebookOutput.Display([new("text/plain", "just text")]);

        var redrawn = FigurePngs.WithPng(stale);

        Assert.Single(redrawn.Data, d => d.Key == "image/png");
        Assert.NotEqual("c3RhbGU=", redrawn.Data.Single(d => d.Key == "image/png").Value);
        Assert.Same(text, FigurePngs.WithPng(text));
    }

    [Fact]
    public void WithPng_keeps_the_committed_PNG_of_the_same_SVG_and_draws_one_for_another_SVG_or_a_PNG_from_another_SVG()
    {
        // A committed PNG whose bytes could not come from drawing (a marker): kept only where it was drawn from this SVG.
        var committed = FigurePngs.WithPng(Chart(Svg));
        var data = committed.Data.Select(d => d.Key == "image/png" ? new KeyValuePair<string, string>(d.Key, "bWFya2Vy") : d).ToList();
        var marked = committed.With(data, committed.Metadata);
        var other = Svg.Replace("Heads", "Keys", StringComparison.Ordinal);
        // Its recorded digest says "drawn from the other SVG", but the SVG beside it is not that one.
        var claimsOther = marked.Metadata;
        claimsOther[FigurePngs.MetadataKey]![FigurePngs.DigestKey] = FigurePngs.Sha256(other);
        var inconsistent = marked.With(marked.Data, claimsOther);

        var same = FigurePngs.WithPng(Chart(Svg), [NotebookOutput.Display([new("text/plain", "before")]), marked]);
        var changed = FigurePngs.WithPng(Chart(other), [marked]);
        var fromAnotherSvg = FigurePngs.WithPng(Chart(other), [inconsistent]);

        Assert.Equal("bWFya2Vy", same.Data.Single(d => d.Key == "image/png").Value);
        Assert.Equal(committed.Metadata.ToJsonString(), same.Metadata.ToJsonString());
        Assert.Equal(["image/svg+xml", "image/png", "text/plain"], same.Data.Select(d => d.Key));
        Assert.Equal(FigurePngs.WithPng(Chart(other)).Data.Single(d => d.Key == "image/png").Value, changed.Data.Single(d => d.Key == "image/png").Value);
        Assert.Equal(FigurePngs.Sha256(other), FigurePngs.RecordedDigest(changed));
        Assert.NotEqual("bWFya2Vy", fromAnotherSvg.Data.Single(d => d.Key == "image/png").Value);
    }

    [Fact]
    public void Metadata_survives_writing_and_reading_an_output()
    {
        var output = FigurePngs.WithPng(Chart(Svg));

        var read = NotebookOutput.FromJson(output.ToJson(executionCount: 1));

        Assert.Equal(output.Metadata.ToJsonString(), read.Metadata.ToJsonString());
        Assert.Equal(output.Data, read.Data);
        Assert.Empty(FigurePngs.Problems([read]));
    }

    [Fact]
    public void Problems_names_an_SVG_without_a_PNG_with_its_digest()
    {
        var problem = Assert.Single(FigurePngs.Problems([NotebookOutput.Stream("stdout", "x"), Chart(Svg)]));

        Assert.Equal($"output 2: its image/svg+xml (sha256 {FigurePngs.Sha256(Svg)}) has no image/png beside it", problem);
    }

    [Fact]
    public void Problems_names_a_PNG_drawn_from_another_SVG_with_both_digests()
    {
        var drawn = FigurePngs.WithPng(Chart(Svg));
        var edited = Svg.Replace("Heads", "Tails", StringComparison.Ordinal);
        var stale = NotebookOutput.Display(drawn.Data.Select(d => d.Key == "image/svg+xml" ? new KeyValuePair<string, string>(d.Key, edited) : d), drawn.Metadata);

        var problem = Assert.Single(FigurePngs.Problems([stale]));

        Assert.Equal($"output 1: its image/png was drawn from an SVG with sha256 {FigurePngs.Sha256(Svg)}, the stored image/svg+xml has sha256 {FigurePngs.Sha256(edited)}", problem);
    }

    [Fact]
    public void Problems_names_a_PNG_that_records_no_digest()
    {
        var drawn = FigurePngs.WithPng(Chart(Svg));
        var unrecorded = NotebookOutput.Display(drawn.Data);

        Assert.Contains("records no attention-notebooks.png-from-svg-sha256", Assert.Single(FigurePngs.Problems([unrecorded])), StringComparison.Ordinal);
    }

    [Fact]
    public void The_executed_notebook_the_runner_writes_carries_a_PNG_beside_each_SVG()
    {
        var notebook = NotebookDocument.Parse(TestRepository.OneCellNotebook("Plot.Heatmap(...)"), "/tmp/one.ipynb", "one.ipynb");
        var cell = notebook.CodeCells.Single();
        var execution = new NotebookExecution(notebook, [new CellExecution(cell, 1, TimeSpan.Zero, CellStatus.Succeeded, [Chart(Svg)], null)], TimeSpan.Zero);

        var written = NotebookDocument.Parse(execution.ToExecutedJson(), "/tmp/one.ipynb", "one.ipynb");

        var output = Assert.Single(written.CodeCells.Single().Outputs);
        Assert.Contains(output.Data, d => d.Key == "image/png");
        Assert.Equal(FigurePngs.Sha256(Svg), FigurePngs.RecordedDigest(output));
    }

    [Fact]
    public void Every_committed_course_figure_carries_a_PNG_drawn_from_its_SVG()
    {
        int pngs = 0;
        foreach (var path in TestRepository.Layout.DefaultNotebooks())
        {
            foreach (var cell in NotebookDocument.Load(path).CodeCells)
            {
                Assert.True(FigurePngs.Problems(cell.Outputs).Count == 0, $"{path} cell {cell.Number}: {string.Join("; ", FigurePngs.Problems(cell.Outputs))}");
                pngs += cell.Outputs.Count(o => o.Data.Any(d => d.Key == "image/png"));
            }
        }

        Assert.True(pngs > 0, "the course notebooks hold no PNGs, so this test checks nothing");
    }

    [Fact]
    public void On_x64_the_committed_PNGs_of_notebook_00_are_the_bytes_drawn_now()
    {
        // SkiaSharp with the shipped fonts draws the same bytes on every x64 machine; ARM64 differs by a few levels.
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return;

        var figures = NotebookDocument.Load(TestRepository.CourseNotebook("00-why-attention.ipynb")).CodeCells
            .SelectMany(c => c.Outputs).Where(o => o.Data.Any(d => d.Key == "image/png")).ToArray();

        Assert.NotEmpty(figures);
        // The runner keeps a committed PNG whose SVG did not change: after a change to the drawing, --redraw-pngs.
        foreach (var figure in figures)
            Assert.True(figure.Data.Single(d => d.Key == "image/png").Value == FigurePngs.WithPng(figure).Data.Single(d => d.Key == "image/png").Value,
                "A committed PNG of notebook 00 is not what tools/SvgToPng draws now: draw every chart again with "
                + "`dotnet run --project tools/NotebookRunner -- run --in-place --redraw-pngs` (notebook 05 quotes its stored timings: keep its timing cells' outputs)");
    }

    /// <summary>The name of the copy of notebook 01 with one PNG's digest made stale, in
    /// <see cref="SharedRuns.FiguresAsync"/>.</summary>
    internal const string StalePngNotebook = "01-simplified-self-attention-png-stale.ipynb";

    [Fact]
    public async Task Check_fails_on_a_notebook_whose_stored_PNG_is_stale_and_names_notebook_cell_and_digests()
    {
        // A copy of a course notebook inside the repository, one PNG's recorded digest changed (as if drawn from another
        // SVG; WriteNotebookWithAStalePng): notebook 01, which holds figures and runs in about half the CPU time of
        // notebook 00. It is checked in the shared figure check, with the copy whose SVG is edited.
        var (run, _) = await SharedRuns.FiguresAsync();
        var number = StaleCellNumber();

        Assert.Equal(ExitCodes.NotebookFailed, run.ExitCode);
        Assert.Equal(NotebookOutcome.Drifted, SharedRuns.Report(run, StalePngNotebook).Outcome);
        Assert.Contains(run.Lines, l => l.StartsWith($"DRIFT {StalePngNotebook} cell {number}: ", StringComparison.Ordinal));
        Assert.Contains("    a committed figure's PNG was not drawn from the SVG beside it (missing or stale; re-run the notebook):", run.Lines);
        Assert.Contains(run.Lines, l => l.Contains($"its image/png was drawn from an SVG with sha256 {Stale}, the stored image/svg+xml has sha256 ", StringComparison.Ordinal));
        Assert.Single(SharedRuns.LinesOf(run, StalePngNotebook), l => l.StartsWith("DRIFT ", StringComparison.Ordinal));
    }

    private static readonly string Stale = new('0', 64);

    /// <summary>Writes to <paramref name="path"/> notebook 01 with the recorded SVG digest of the first of its PNGs
    /// changed to <see cref="Stale"/>, and <paramref name="extraCells"/> (sources) after its cells.</summary>
    internal static void WriteNotebookWithAStalePng(string path, params string[] extraCells)
    {
        var root = JsonNode.Parse(File.ReadAllText(TestRepository.CourseNotebook("01-simplified-self-attention.ipynb")))!.AsObject();
        var cells = root["cells"]!.AsArray();
        var figure = cells[StaleCellNumber() - 1]!["outputs"]!.AsArray().First(o => o!["data"]?["image/png"] is not null)!;
        figure["metadata"]![FigurePngs.MetadataKey]![FigurePngs.DigestKey] = Stale;
        foreach (var source in extraCells)
        {
            cells.Add(new JsonObject
            {
                ["cell_type"] = "code",
                ["execution_count"] = null,
                ["id"] = $"extra{cells.Count + 1}",
                ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } },
                ["outputs"] = new JsonArray(),
                ["source"] = source,
            });
        }

        File.WriteAllText(path, JupyterJson.Serialize(root, " "));
    }

    // The number of notebook 01's first cell with a PNG: the one whose PNG is made stale.
    private static int StaleCellNumber()
    {
        var cells = JsonNode.Parse(File.ReadAllText(TestRepository.CourseNotebook("01-simplified-self-attention.ipynb")))!["cells"]!.AsArray();
        return cells.Select((c, i) => (c, i)).First(p => p.c!["outputs"]?.AsArray().Any(o => o!["data"]?["image/png"] is not null) == true).i + 1;
    }
}
