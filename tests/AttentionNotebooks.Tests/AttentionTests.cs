using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Tests;

/// <summary>The one scaled dot-product core every module and trainer calls.</summary>
public sealed class AttentionTests
{
    private static readonly Origin Nowhere = new("inputs", Matrix<float>.Build.Dense(1, 1), "");

    [Theory]
    [InlineData(1, 1, 1, 1, false, int.MaxValue)]
    [InlineData(6, 6, 3, 2, true, int.MaxValue)]
    [InlineData(5, 8, 4, 3, false, 6)]
    [InlineData(7, 7, 2, 5, true, 4)]
    public void Weights_and_context_equal_the_double_precision_definition_under_every_mask(int tq, int tk, int dk, int dv, bool causal, int keyLength)
    {
        var q = TestHelpers.Random(tq, dk, 1);
        var k = TestHelpers.Random(tk, dk, 2);
        var v = TestHelpers.Random(tk, dv, 3);
        var step = Attention.ScaledDotProduct(q, k, v, new KeyVisibility(causal, keyLength), dropout: null, Nowhere, Nowhere);
        var (context, weights) = MaskedReference.Attention(Reference.ToDouble(q), Reference.ToDouble(k), Reference.ToDouble(v), causal, Math.Min(keyLength, tk), 1 / Math.Sqrt(dk));
        TestHelpers.AssertClose(weights, step.Weights, what: "weights");
        TestHelpers.AssertClose(context, step.Context, what: "context");
        Assert.Same(step.Weights, step.Dropped);
        Assert.Null(step.DropoutMask);
        Assert.Same(q, step.Queries);
        Assert.Same(k, step.Keys);
        Assert.Same(v, step.Values);
    }

    [Fact]
    public void Dropout_keeps_the_weights_before_it_draws_one_mask_and_the_context_uses_the_dropped_weights()
    {
        var q = TestHelpers.Random(6, 4, 1);
        var k = TestHelpers.Random(6, 4, 2);
        var v = TestHelpers.Random(6, 3, 3);
        var step = Attention.ScaledDotProduct(q, k, v, KeyVisibility.CausalOnly, new Dropout(0.5f, new TorchGenerator(123)), Nowhere, Nowhere);
        var plain = Attention.ScaledDotProduct(q, k, v, KeyVisibility.CausalOnly, dropout: null, Nowhere, Nowhere);
        Assert.Equal(plain.Weights, step.Weights);
        var expectedMask = DropoutMask.Draw(new Dropout(0.5f, new TorchGenerator(123)), 6, 6)!;
        Assert.NotNull(step.DropoutMask);
        int dropped = 0;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
            {
                Assert.Equal(expectedMask.IsKept(i, j), step.DropoutMask!.IsKept(i, j));
                Assert.Equal(expectedMask.IsKept(i, j) ? step.Weights[i, j] * 2f : 0f, step.Dropped[i, j]);
                dropped += expectedMask.IsKept(i, j) ? 0 : 1;
            }
        Assert.InRange(dropped, 1, 35);
        Assert.Equal(step.Dropped * v, step.Context);
    }

    [Fact]
    public void Dropout_in_evaluation_mode_draws_nothing_and_returns_a_copy_of_the_weights()
    {
        var g = new TorchGenerator(7);
        var q = TestHelpers.Random(3, 2, 1);
        var step = Attention.ScaledDotProduct(q, q, q, KeyVisibility.All, new Dropout(0.5f, g) { Training = false }, Nowhere, Nowhere);
        Assert.Null(step.DropoutMask);
        Assert.NotSame(step.Weights, step.Dropped);
        Assert.Equal(step.Weights, step.Dropped);
        Assert.Equal(new TorchGenerator(7).NextFloat(), g.NextFloat());
    }

    [Fact]
    public void An_overflowing_score_names_the_scores_origin_and_an_overflowing_context_names_the_contexts()
    {
        var big = Matrix<float>.Build.Dense(2, 2, 1e20f);
        var small = Matrix<float>.Build.Dense(2, 2, 1f);
        var scores = Assert.Throws<OverflowException>(() =>
            Attention.ScaledDotProduct(big, big, small, KeyVisibility.All, null, new Origin("queryInputs", big, " of head 1"), new Origin("keyValueInputs", small, "")));
        Assert.StartsWith("the attention scores of head 1 overflowed: row 0, column 0", scores.Message);
        var huge = Matrix<float>.Build.Dense(2, 2, 1f);
        huge[1, 0] = float.PositiveInfinity;                         // what a value that overflowed upstream would hold
        var context = Assert.Throws<OverflowException>(() =>
            Attention.ScaledDotProduct(small, small, huge, KeyVisibility.All, null, new Origin("queryInputs", small, ""), new Origin("keyValueInputs", huge, " of head 2")));
        Assert.StartsWith("the context vectors of head 2 overflowed", context.Message);
        Assert.Contains("keyValueInputs", context.Message);
    }
}
