namespace AttentionNotebooks.NotebookTests;

/// <summary>What the runner prints cannot be rewritten by the text it prints (issue #20, item 6).</summary>
public sealed class TerminalTextTests
{
    [Fact]
    public void A_failed_cell_line_shows_carriage_returns_and_escape_sequences_as_visible_escapes()
    {
        var writer = new StringWriter();
        var report = new ConsoleReport(writer, layout: null);
        var cell = new NotebookCell(2, NotebookCellKind.Code, "throw new Exception(\"x\"); // \rok  x.ipynb  cell 2", "csharp", []);
        var execution = new CellExecution(cell, 1, TimeSpan.Zero, CellStatus.Failed, [], "Exception: bad\u001b[2K\u001b[1Gok\u0085\u2028\u2029\u009b\u0007\u202e.");

        report.CellFailed("x\r.ipynb", execution);
        report.Error("file \u001b]0;title\u0007 cannot be read");

        var printed = writer.ToString();
        Assert.DoesNotContain(printed, c => c != '\n' && c != '\r' && TerminalText.Escape(c.ToString()) != c.ToString());
        Assert.Equal(
            [
                @"FAILED x\r.ipynb cell 2: throw new Exception(""x""); // \rok  x.ipynb  cell 2",
                @"    Exception: bad\e[2K\e[1Gok\u0085\u2028\u2029\u009b\u0007\u202e.",
                @"error: file \e]0;title\u0007 cannot be read",
            ],
            printed.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Text_without_control_characters_is_unchanged_and_tabs_and_backslashes_stay()
    {
        const string text = "ok  01.ipynb  cell 3\tConsole.WriteLine(\"a\\n\"); // é → ∑ 日本";

        Assert.Same(text, TerminalText.Escape(text));
        Assert.Equal(@"\0\b\n\u007f\u0080", TerminalText.Escape("\0\b\n\u007f\u0080"));
    }
}
