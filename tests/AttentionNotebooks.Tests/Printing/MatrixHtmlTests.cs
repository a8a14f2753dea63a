using System.Xml.Linq;

namespace AttentionNotebooks.Tests.Printing;

public sealed class MatrixHtmlTests
{
    [Fact]
    public void A_matrix_table_has_one_cell_per_entry_with_the_same_numbers_as_the_text()
    {
        var weights = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;
        var table = XElement.Parse(MatrixHtml.Format(weights, SampleData.Tokens, SampleData.Tokens));
        var cells = table.Descendants("td").Select(td => td.Value).ToList();
        Assert.Equal(36, cells.Count);
        Assert.Equal("0.2379", cells[1 * 6 + 1]);
        Assert.Equal(["6x6", "Your", "journey", "starts", "with", "one", "step"], table.Descendants("thead").Single().Descendants("th").Select(th => th.Value));
    }

    [Fact]
    public void Hostile_labels_are_escaped_and_survive()
    {
        string[] labels = ["<|endoftext|>", "a&b", "\"quoted\"", "it's", "</table>", "x"];
        string html = MatrixHtml.Format(Matrix<float>.Build.Dense(6, 6, 0.5f), labels, labels);
        Assert.Contains("&lt;|endoftext|&gt;", html);
        Assert.Contains("a&amp;b", html);
        Assert.Contains("&quot;quoted&quot;", html);
        Assert.DoesNotContain("</table>\n<", html[..^10]);
        var table = XElement.Parse(html);
        Assert.Equal(labels, table.Descendants("thead").Single().Descendants("th").Skip(1).Select(th => th.Value));
    }

    [Fact]
    public void A_matrix_without_labels_numbers_its_rows_and_columns()
    {
        var table = XElement.Parse(MatrixHtml.Format(SampleData.Inputs()));
        Assert.Equal(["6x3", "0", "1", "2"], table.Descendants("thead").Single().Descendants("th").Select(th => th.Value));
        Assert.Equal(["0", "1", "2", "3", "4", "5"], table.Descendants("tbody").Single().Descendants("th").Select(th => th.Value));
    }

    [Fact]
    public void A_large_matrix_is_summarised_as_in_the_text()
    {
        var table = XElement.Parse(MatrixHtml.Format(Matrix<float>.Build.Dense(64, 64, 0.5f)));
        Assert.Equal(7 * 7, table.Descendants("td").Count());
        Assert.Contains("...", table.Descendants("td").Select(td => td.Value));
    }

    [Fact]
    public void A_result_shows_context_and_weights_tables_with_their_shapes()
    {
        string html = MatrixHtml.Format(SimplifiedSelfAttention.Forward(SampleData.Inputs()), SampleData.Tokens);
        var root = XElement.Parse(html);
        Assert.Equal(2, root.Descendants("table").Count());
        Assert.Contains("(6x3)", html);
        Assert.Contains("(6x6)", html);
    }

    [Fact]
    public void A_labelled_vector_is_a_one_row_table()
    {
        var row = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights.Row(1);
        var table = XElement.Parse(MatrixHtml.Format(row.WithTokens(SampleData.Tokens)));
        Assert.Equal(6, table.Descendants("td").Count());
        Assert.Equal("6", table.Descendants("th").First().Value);
    }
}
