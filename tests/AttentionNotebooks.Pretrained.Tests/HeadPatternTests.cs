namespace AttentionNotebooks.Pretrained.Tests;

public sealed class HeadPatternTests
{
    private static EncoderOutput Output(params Matrix<float>[] heads) =>
        new(new TokenizedText(["[CLS]", "a", "b", "[SEP]"], [101, 1, 2, 102], 0), [], [heads]);

    [Fact]
    public void Each_score_is_the_average_weight_on_its_kind_of_key()
    {
        var previous = Matrix<float>.Build.Dense(4, 4, (i, j) => i == 0 ? (j == 0 ? 1f : 0f) : (j == i - 1 ? 1f : 0f));
        var uniform = Matrix<float>.Build.Dense(4, 4, 0.25f);
        var patterns = HeadPattern.Measure([Output(previous, uniform)]);
        Assert.Equal(2, patterns.Count);
        Assert.Equal(1.0, patterns[0].Previous);
        Assert.Equal("previous", patterns[0].Best);
        Assert.Equal(0.5, patterns[0].Cls, 12);           // rows 0 and 1 put their weight on [CLS], key 0: 2 of 4 rows
        Assert.Equal(0.0, patterns[0].Entropy);
        Assert.Equal(1.0, patterns[1].Entropy, 12);
        Assert.Equal("broad", patterns[1].Best);
        Assert.Equal(0.25, patterns[1].Self, 6);
    }

    [Fact]
    public void In_the_trained_model_layer_0_head_2_looks_at_the_previous_token()
    {
        var patterns = HeadPattern.Measure([SharedModel.Model.Encode(Texts.Course), SharedModel.Model.Encode(Texts.WordPieces)]);
        var head = patterns.Single(p => p.Layer == 0 && p.Head == 2);
        Assert.Equal("previous", head.Best);
        Assert.True(head.Previous > 0.95, $"previous-token score {head.Previous}");
    }
}
