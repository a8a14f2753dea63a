namespace AttentionNotebooks.Tests.Printing;

public sealed class ShowTests
{
    [Fact]
    public void A_matrix_shows_as_its_MatrixText()
    {
        var inputs = SampleData.Inputs();

        Assert.Equal(MatrixText.Format(inputs), Show.Text(inputs));
        Assert.StartsWith("tensor([[0.4300, 0.1500, 0.8900],", Show.Text(inputs), StringComparison.Ordinal);
    }

    [Fact]
    public void A_vector_and_an_attention_result_show_as_their_MatrixText()
    {
        var row = SampleData.Inputs().Row(1);
        var result = SimplifiedSelfAttention.Forward(SampleData.Inputs());

        Assert.Equal("tensor([0.5500, 0.8700, 0.6600])  # shape 3", Show.Text(row));
        Assert.Equal(MatrixText.Format(result), Show.Text(result));
    }

    [Fact]
    public void Other_values_show_as_their_invariant_text_and_null_as_null()
    {
        Assert.Equal("0.5", Show.Text(0.5f));
        Assert.Equal("1234.5", Show.Text(1234.5));
        Assert.Equal("word", Show.Text("word"));
        Assert.Equal("<null>", Show.Text(null));
    }
}
