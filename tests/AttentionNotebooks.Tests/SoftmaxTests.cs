using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class SoftmaxTests
{
    [Fact]
    public void Stable_softmax_matches_the_definition_and_rows_sum_to_one()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Int[1, 9], Gen.ULong).Sample((rows, cols, seed) =>
        {
            var scores = TestHelpers.Random(rows, cols, seed) * 5f;
            var weights = Softmax.Stable(scores);
            TestHelpers.AssertClose(Reference.Softmax(Reference.ToDouble(scores)), weights);
            for (int i = 0; i < rows; i++)
                Assert.InRange(weights.Row(i).Sum(), 1f - 1e-6f, 1f + 1e-6f);
        }, iter: 100);
    }

    [Fact]
    public void Naive_and_stable_softmax_agree_on_moderate_scores()
    {
        var scores = TestHelpers.Random(4, 6, seed: 7) * 10f;
        TestHelpers.AssertClose(Softmax.Stable(scores), Softmax.Naive(scores));
    }

    [Fact]
    public void Naive_softmax_overflows_at_logits_of_1e4_where_the_stable_one_does_not()
    {
        var scores = Matrix<float>.Build.DenseOfArray(new float[,] { { 1e4f, -1e4f, 0f } });
        var naive = Softmax.Naive(scores);
        Assert.True(float.IsNaN(naive[0, 0]), $"exp(1e4) overflows to infinity, so infinity/infinity should be NaN, but got {naive[0, 0]}");
        var stable = Softmax.Stable(scores);
        Assert.Equal([1f, 0f, 0f], stable.Row(0).ToArray());
    }

    [Fact]
    public void Naive_softmax_underflows_to_NaN_when_every_logit_is_minus_1e4_but_the_stable_one_is_uniform()
    {
        var scores = Matrix<float>.Build.Dense(1, 4, -1e4f);
        Assert.All(Softmax.Naive(scores).Row(0), w => Assert.True(float.IsNaN(w)));
        Assert.All(Softmax.Stable(scores).Row(0), w => Assert.Equal(0.25f, w));
    }

    [Fact]
    public void Minus_infinity_gets_exactly_zero_weight()
    {
        var scores = Matrix<float>.Build.DenseOfArray(new float[,] { { 0.5f, float.NegativeInfinity, 1.5f } });
        var weights = Softmax.Stable(scores);
        Assert.Equal(0f, weights[0, 1]);
        Assert.Equal(1.0, weights[0, 0] + weights[0, 2], 6);
    }

    [Fact]
    public void A_row_of_only_minus_infinity_is_an_error_naming_the_row()
    {
        var scores = Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 2f }, { float.NegativeInfinity, float.NegativeInfinity } });
        var e = Assert.Throws<ArgumentException>(() => Softmax.Stable(scores));
        Assert.Contains("row 1 of the 2x2 scores", e.Message);
    }

    [Fact]
    public void Softmax_of_the_scores_for_journey_gives_the_weights_printed_in_the_book()
    {
        // Scores of "journey" against every token, x(2)·x(j), computed here from the embeddings.
        var x = SampleData.Inputs();
        var scores = Vector<float>.Build.Dense(6, j => x.Row(1) * x.Row(j));
        TestHelpers.AssertRow([0.9544f, 1.4950f, 1.4754f, 0.8434f, 0.7070f, 1.0865f], scores, 5e-5, "scores");
        TestHelpers.AssertRow([0.1385f, 0.2379f, 0.2333f, 0.1240f, 0.1082f, 0.1581f], Softmax.Stable(scores), 5e-5, "weights");
        TestHelpers.AssertRow([0.1385f, 0.2379f, 0.2333f, 0.1240f, 0.1082f, 0.1581f], Softmax.Naive(scores), 5e-5, "naive weights");
    }

    [Fact]
    public void Rows_without_scores_are_an_error_saying_so()
    {
        var e = Assert.Throws<ArgumentException>(() => Softmax.Stable(Matrix<float>.Build.Dense(3, 0)));
        Assert.Contains("the scores are 3x0: softmax needs at least one score per row", e.Message);
        e = Assert.Throws<ArgumentException>(() => Softmax.Stable(Vector<float>.Build.Dense(0)));
        Assert.Contains("the scores are empty (0 elements)", e.Message);
        Assert.Throws<ArgumentException>(() => Softmax.Naive(Vector<float>.Build.Dense(0)));
        Assert.DoesNotContain("Infinity", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    public void NaN_or_plus_infinity_in_the_scores_is_an_error_naming_the_position(float bad, string shown)
    {
        var scores = Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 2f }, { 3f, bad } });
        var e = Assert.Throws<ArgumentException>(() => Softmax.Stable(scores));
        Assert.Contains($"scores contains {shown} at row 1, column 1 of the 2x2 scores", e.Message);
    }
}
