namespace AttentionNotebooks.NotebookTests;

/// <summary>What one cell may store: a bounded amount of output text, the rest cut with a note saying how much.</summary>
public sealed class OutputCollectorTests
{
    [Fact]
    public void A_cell_stores_output_text_up_to_its_budget_and_ends_with_a_note_saying_how_many_characters_were_cut()
    {
        // Each control character takes 6 bytes in the file ("\u0001"): 600 bytes hold 100 of them.
        var collector = new OutputCollector(new GuidNormalizer(), maxStoredBytes: 600);

        collector.AddStream("stdout", new string('\u0001', 1000));
        collector.AddStream("stdout", "abc");

        var outputs = collector.Outputs;
        Assert.Equal(2, outputs.Count);
        Assert.Equal(new string('\u0001', 100), outputs[0].Text);
        Assert.Equal("stderr", outputs[1].StreamName);
        Assert.Equal(OutputCollector.CutNote(903, 600), outputs[1].Text);
        Assert.StartsWith("[runner: 903 more characters of this cell's output were cut: a cell stores at most 600 bytes", outputs[1].Text, StringComparison.Ordinal);
        Assert.Equal(903, collector.CutCharacters);
    }

    [Fact]
    public void A_displayed_value_that_does_not_fit_whole_is_not_stored_and_what_follows_is_cut_too()
    {
        var collector = new OutputCollector(new GuidNormalizer(), maxStoredBytes: 100);

        collector.AddStream("stdout", "ok");
        collector.AddDisplay(null, [new("text/plain", new string('x', 200))]);
        collector.AddStream("stdout", "later");

        var outputs = collector.Outputs;
        Assert.Equal(["ok", OutputCollector.CutNote(205, 100)], outputs.Select(o => o.Text));
    }

    [Fact]
    public void An_error_keeps_its_first_thousand_characters_even_when_the_budget_is_spent()
    {
        var collector = new OutputCollector(new GuidNormalizer(), maxStoredBytes: 10);

        collector.AddStream("stdout", new string('a', 50));
        collector.AddError("Exception", new string('e', 5000), fails: true);

        var outputs = collector.Outputs;
        Assert.Equal(new string('a', 10), outputs[0].Text);
        Assert.Equal(new string('e', OutputCollector.ErrorTextKept), outputs[1].Text);
        Assert.Equal(OutputCollector.CutNote(40 + 4000, 10), outputs[2].Text);
        Assert.Equal(new string('e', 5000), collector.Failure);
    }

    [Fact]
    public void The_budget_counts_what_text_takes_in_the_notebook_file()
    {
        Assert.Equal(1, StoredSize.Of("a"));
        Assert.Equal(2, StoredSize.Of("ü"));
        Assert.Equal(3, StoredSize.Of("€"));
        Assert.Equal(4, StoredSize.Of("😀"));
        Assert.Equal(6, StoredSize.Of("\u0001"));
        Assert.Equal(2, StoredSize.Of("\""));
        Assert.Equal(StoredSize.LineBreak, StoredSize.Of("\n"));

        // The same sizes as the text written: UTF-8 bytes of its JSON string, quotes excluded (no line break).
        const string text = "a ü € 😀 \u0001 \" \\ \t";
        var json = JupyterJson.Serialize(System.Text.Json.Nodes.JsonValue.Create(text), " ");
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(json) - 3, StoredSize.Of(text));
    }
}
