namespace AttentionNotebooks.Tests.Printing;

public sealed class LabelsTests
{
    [Theory]
    [InlineData("journey", "journey")]
    [InlineData("<|endoftext|>", "<|endoftext|>")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("\tx\r", "\\tx\\r")]
    [InlineData("\u001b[0m", "\\u001b[0m")]
    [InlineData("😀", "😀")]
    public void A_printable_label_keeps_every_visible_character_and_escapes_control_characters(string label, string expected) =>
        Assert.Equal(expected, Labels.Printable(label));

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character_so_the_label_stays_valid_XML() =>
        Assert.Equal("a\ufffdb", Labels.Printable("a" + '\ud800' + "b"));

    [Fact]
    public void Validation_names_the_shape_and_the_dimension_whose_count_is_wrong()
    {
        var weights = Matrix<float>.Build.Dense(6, 5);
        var e = Assert.Throws<ArgumentException>(() => Labels.Validate(weights, null, SampleData.Tokens, "weights"));
        Assert.StartsWith("weights is 6x5 but 6 labels were given for 5 columns.", e.Message);
        Assert.Equal("columnLabels", e.ParamName);
    }

    [Fact]
    public void A_null_label_is_an_error_naming_its_index()
    {
        var e = Assert.Throws<ArgumentException>(() => Labels.Validate(Matrix<float>.Build.Dense(2, 2), ["a", null!], null));
        Assert.StartsWith("rowLabels[1] is null", e.Message);
    }

    [Fact]
    public void With_tokens_labels_columns_only_when_they_are_tokens_too()
    {
        Assert.Null(SampleData.Inputs().WithTokens(SampleData.Tokens).ColumnLabels);
        Assert.Equal(SampleData.Tokens, Matrix<float>.Build.Dense(6, 6).WithTokens(SampleData.Tokens).ColumnLabels);
    }
}
