using System.Globalization;

namespace AttentionNotebooks.NotebookTests;

/// <summary>check's line diff: bounded, with counts, in linear memory.</summary>
public sealed class LineDiffTests
{
    [Fact]
    public void A_line_diff_counts_the_changes_and_marks_removed_and_added_lines_with_context()
    {
        var diff = LineDiff.Compare(["a", "b", "c", "d"], ["a", "b", "x", "d"], context: 1);

        Assert.Equal(["1 line removed, 1 added (4 lines committed, 4 now)", "@@ committed line 2, now line 2", "  b", "- c", "+ x", "  d"], diff);
        Assert.Empty(LineDiff.Compare(["same"], ["same"]));
    }

    [Fact]
    public void One_changed_line_in_100000_shows_that_line_with_its_context_and_says_where_it_is()
    {
        // Before, above 4,000,000 cells of its table the diff listed every line of both sides: 200,013 lines.
        var committed = Enumerable.Range(0, 100_000).Select(i => i.ToString("D6", CultureInfo.InvariantCulture)).ToArray();
        var now = committed.ToArray();
        now[50_000] = "changed";

        var diff = LineDiff.Compare(committed, now);

        Assert.Equal(
            [
                "1 line removed, 1 added (100,000 lines committed, 100,000 now)",
                "@@ committed line 49,998, now line 49,998",
                "  049997", "  049998", "  049999", "- 050000", "+ changed", "  050001", "  050002", "  050003",
            ],
            diff);
    }

    [Fact]
    public void Many_changes_show_at_most_sixty_diff_lines_and_say_how_many_more_there_are()
    {
        var committed = Enumerable.Range(0, 10_000).Select(i => $"line {i}").ToArray();
        var now = committed.Select((line, i) => i % 100 == 0 ? line + " changed" : line).ToArray();

        var diff = LineDiff.Compare(committed, now);

        Assert.Equal("100 lines removed, 100 added (10,000 lines committed, 10,000 now)", diff[0]);
        Assert.Equal(1 + LineDiff.MaxShownLines + 1, diff.Count);
        Assert.Equal(["@@ committed line 1, now line 1", "- line 0", "+ line 0 changed", "  line 1"], diff.Skip(1).Take(4));
        Assert.Equal(["@@ committed line 98, now line 98", "  line 97", "  line 98", "  line 99", "- line 100"], diff.Skip(7).Take(5));

        // Seven hunks are shown (two changed lines each, in 6 + 6 × 9 = 60 lines): 186 of the 200 changed lines are not.
        Assert.Equal("... 186 more removed or added lines not shown (at most 60 diff lines are)", diff[^1]);
    }

    [Fact]
    public void More_than_a_thousand_differing_lines_are_counted_and_shown_where_they_start()
    {
        var committed = Enumerable.Range(0, 20_000).Select(i => $"old {i}").ToArray();
        var now = committed.Select((line, i) => i < 5 ? line : $"new {i}").ToArray();

        var diff = LineDiff.Compare(committed, now);

        Assert.Equal("more than 1,000 lines removed or added (20,000 lines committed, 20,000 now); where they start:", diff[0]);
        Assert.Equal(["@@ committed line 3, now line 3", "  old 2", "  old 3", "  old 4", "- old 5"], diff.Skip(1).Take(5));
        Assert.Contains("+ new 5", diff);
        Assert.True(diff.Count <= LineDiff.MaxShownLines + 2, $"{diff.Count} lines");
    }

    [Fact]
    public void A_long_line_is_shown_cut_with_the_count_of_the_rest()
    {
        var diff = LineDiff.Compare(["short"], [new string('x', 10_000)]);

        Assert.Equal("+ " + new string('x', LineDiff.MaxShownLineLength) + "... (9,500 more characters)", diff[^1]);
    }

    [Fact]
    public void The_diff_is_a_shortest_edit_script_that_turns_the_committed_lines_into_the_new_ones()
    {
        // Against the longest common subsequence by its definition (dynamic programming), on random small cases.
        var random = new Random(20);
        for (int trial = 0; trial < 300; trial++)
        {
            var a = Enumerable.Range(0, random.Next(0, 15)).Select(_ => "abcd"[random.Next(4)].ToString()).ToArray();
            var b = Enumerable.Range(0, random.Next(0, 15)).Select(_ => "abcd"[random.Next(4)].ToString()).ToArray();

            var diff = LineDiff.Compare(a, b, context: 100);

            if (a.SequenceEqual(b))
            {
                Assert.Empty(diff);
                continue;
            }

            var body = diff.Skip(2).ToArray(); // the counting line and the one hunk header
            Assert.Equal(a, body.Where(l => !l.StartsWith('+')).Select(l => l[2..]));
            Assert.Equal(b, body.Where(l => !l.StartsWith('-')).Select(l => l[2..]));
            Assert.Equal(a.Length + b.Length - 2 * Lcs(a, b), body.Count(l => !l.StartsWith(' ')));
        }
    }

    private static int Lcs(string[] a, string[] b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
                table[i, j] = a[i] == b[j] ? table[i + 1, j + 1] + 1 : Math.Max(table[i + 1, j], table[i, j + 1]);
        }

        return table[0, 0];
    }
}
