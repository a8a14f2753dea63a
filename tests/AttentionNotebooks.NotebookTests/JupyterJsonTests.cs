namespace AttentionNotebooks.NotebookTests;

/// <summary>Reading and writing .ipynb JSON the way VS Code does.</summary>
public sealed class JupyterJsonTests
{
    private const string TwoSpaceNotebook = """
        {
          "cells": [
            {
              "cell_type": "code",
              "execution_count": null,
              "id": "a1",
              "metadata": {
                "polyglot_notebook": {
                  "kernelName": "csharp"
                }
              },
              "outputs": [],
              "source": [
                "var html = \"<b>é & ü</b>\";\n",
                "Console.WriteLine(html);"
              ]
            }
          ],
          "metadata": {
            "custom": {
              "z": 1,
              "a": [true, false, 1.5]
            },
            "kernelspec": {
              "display_name": ".NET (C#)",
              "language": "C#",
              "name": ".net-csharp"
            }
          },
          "nbformat": 4,
          "nbformat_minor": 5
        }

        """;

    [Fact]
    public void A_notebook_in_VS_Code_form_is_written_back_byte_for_byte()
    {
        var canonical = NotebookDocument.Parse(TwoSpaceNotebook, "/x/a.ipynb", "a.ipynb").ToJson();
        var again = NotebookDocument.Parse(canonical, "/x/a.ipynb", "a.ipynb").ToJson();

        Assert.Equal(canonical, again);
        Assert.Contains("\n  \"cells\": [", canonical, StringComparison.Ordinal);
        Assert.Contains("\"var html = \\\"<b>é & ü</b>\\\";\\n\"", canonical, StringComparison.Ordinal);
        Assert.EndsWith("}\n", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_are_sorted_and_the_files_indentation_is_kept()
    {
        var json = NotebookDocument.Parse(TwoSpaceNotebook, "/x/a.ipynb", "a.ipynb").ToJson();

        Assert.True(json.IndexOf("\"a\": [", StringComparison.Ordinal) < json.IndexOf("\"z\": 1", StringComparison.Ordinal));
        Assert.Contains("\n      \"a\": [\n        true,\n        false,\n        1.5\n      ],", json, StringComparison.Ordinal);
        Assert.Equal("  ", JupyterJson.DetectIndent(TwoSpaceNotebook));
        Assert.Equal(" ", JupyterJson.DetectIndent("{\n \"cells\": []\n}\n"));
    }

    [Fact]
    public void Text_is_split_into_lines_that_keep_their_newlines()
    {
        Assert.Equal(["a\n", "b\n", "c"], JupyterJson.SplitLines("a\r\nb\nc").Select(n => (string?)n));
        Assert.Equal(["a\n"], JupyterJson.SplitLines("a\n").Select(n => (string?)n));
        Assert.Empty(JupyterJson.SplitLines(string.Empty));
    }

    [Fact]
    public void Only_quotes_backslashes_and_control_characters_are_escaped()
    {
        var json = JupyterJson.Serialize(System.Text.Json.Nodes.JsonValue.Create("<a href='x'>\"q\"\\\t\u0001 ü 😀</a>"), " ");

        Assert.Equal("\"<a href='x'>\\\"q\\\"\\\\\\t\\u0001 ü 😀</a>\"\n", json);
    }

    [Fact]
    public void An_executed_notebook_is_written_piece_by_piece_without_building_its_text_as_one_string()
    {
        // 5,000,000 control characters: 30 MB of "\u0001" escapes in the file. Building the text as one string (as
        // the runner did) allocates twice that in UTF-16 and again in the builder; at 185,000,000 characters the
        // text is above the largest string .NET can hold and the runner died ("Out of memory.", exit 134).
        using var folder = TestRepository.TemporaryFolder();
        var path = folder.File("big.ipynb");
        var notebook = NotebookDocument.Parse(TestRepository.OneCellNotebook("Console.Write(0);"), path, "big.ipynb");
        var outputs = new Dictionary<int, (int, IReadOnlyList<NotebookOutput>)>
        {
            [1] = (1, [NotebookOutput.Stream("stdout", new string('\u0001', 5_000_000))]),
        };

        long before = GC.GetAllocatedBytesForCurrentThread();
        AtomicFile.Write(path, writer => notebook.WriteExecutedJson(writer, outputs), onlyIfChanged: true);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var length = new FileInfo(path).Length;
        Assert.InRange(length, 30_000_000, 30_010_000);
        Assert.True(allocated < length / 2, $"{allocated:N0} bytes allocated to write {length:N0} bytes");
        var stored = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!["cells"]![0]!["outputs"]![0]!["text"]![0]!.GetValue<string>();
        Assert.Equal(5_000_000, stored.Length);
        Assert.All(stored, c => Assert.Equal('\u0001', c));
    }
}
