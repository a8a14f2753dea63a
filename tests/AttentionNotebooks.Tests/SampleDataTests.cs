namespace AttentionNotebooks.Tests;

public sealed class SampleDataTests
{
    [Fact]
    public void Inputs_are_the_six_embeddings_of_the_sentence_one_row_per_token()
    {
        var x = SampleData.Inputs();
        Assert.Equal(6, x.RowCount);
        Assert.Equal(3, x.ColumnCount);
        Assert.Equal(["Your", "journey", "starts", "with", "one", "step"], SampleData.Tokens);
        Assert.Equal(SampleData.Sentence, string.Join(" ", SampleData.Tokens));
        Assert.Equal([0.43f, 0.15f, 0.89f], x.Row(0).ToArray());
        Assert.Equal([0.55f, 0.87f, 0.66f], x.Row(SampleData.JourneyIndex).ToArray());
        Assert.Equal([0.05f, 0.80f, 0.55f], x.Row(5).ToArray());
    }

    [Fact]
    public void Inputs_returns_a_fresh_copy_that_callers_may_modify()
    {
        var first = SampleData.Inputs();
        first[0, 0] = 42f;
        Assert.Equal(0.43f, SampleData.Inputs()[0, 0]);
    }

    [Fact]
    public void Batch_stacks_independent_copies_of_the_inputs()
    {
        var batch = SampleData.Batch(3);
        Assert.Equal(3, batch.Length);
        Assert.All(batch, m => Assert.Equal(SampleData.Inputs(), m));
        batch[0][0, 0] = 42f;
        Assert.Equal(0.43f, batch[1][0, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => SampleData.Batch(0));
    }
}
