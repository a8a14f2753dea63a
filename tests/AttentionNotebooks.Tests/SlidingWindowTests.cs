using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Tests;

/// <summary>Sliding-window masks and the attention core under windows and query offsets (decode steps).</summary>
public sealed class SlidingWindowTests
{
    private static readonly Origin Nowhere = new("inputs", Matrix<float>.Build.Dense(1, 1), "");

    [Fact]
    public void The_causal_window_of_three_over_five_tokens_is_a_band_on_and_below_the_diagonal()
    {
        var expected = Matrix<float>.Build.DenseOfArray(new float[,]
        {
            { 0, 1, 1, 1, 1 },
            { 0, 0, 1, 1, 1 },
            { 0, 0, 0, 1, 1 },
            { 1, 0, 0, 0, 1 },
            { 1, 1, 0, 0, 0 },
        });
        Assert.Equal(expected, AttentionMask.CausalSlidingWindow(5, 3));
    }

    [Fact]
    public void The_two_sided_window_of_two_hides_every_key_two_or_more_away()
    {
        var mask = AttentionMask.SlidingWindow(4, 2);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(Math.Abs(i - j) >= 2 ? 1f : 0f, mask[i, j]);
    }

    [Fact]
    public void A_window_at_least_as_long_as_the_sequence_is_the_causal_mask_and_a_window_of_one_sees_only_itself()
    {
        Gen.Int[1, 12].Sample(tokens =>
        {
            Assert.Equal(AttentionMask.Causal(tokens), AttentionMask.CausalSlidingWindow(tokens, tokens));
            Assert.Equal(AttentionMask.Causal(tokens), AttentionMask.CausalSlidingWindow(tokens, tokens + 5));
            Assert.Equal(Matrix<float>.Build.Dense(tokens, tokens, (i, j) => i == j ? 0f : 1f), AttentionMask.CausalSlidingWindow(tokens, 1));
        }, iter: 20);
    }

    [Fact]
    public void A_window_below_one_is_refused_naming_it()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMask.CausalSlidingWindow(4, 0));
        Assert.Equal("window", e.ParamName);
    }

    [Fact]
    public void The_core_under_a_window_and_a_query_offset_equals_the_double_precision_definition()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 9], Gen.Int[1, 10], Gen.Bool, Gen.ULong).Sample((tq, extra, window, causal, seed) =>
        {
            int tk = tq + extra - 1, offset = tk - tq;                 // the queries are the last tq of tk positions
            var q = TestHelpers.Random(tq, 3, seed);
            var k = TestHelpers.Random(tk, 3, seed + 1);
            var v = TestHelpers.Random(tk, 2, seed + 2);
            var visible = new KeyVisibility(causal, Window: window, QueryOffset: offset);
            var step = Attention.ScaledDotProduct(q, k, v, visible, dropout: null, Nowhere, Nowhere);
            var (context, weights) = ModernReference.Attention(Reference.ToDouble(q), Reference.ToDouble(k), Reference.ToDouble(v), causal, window, offset, 3);
            TestHelpers.AssertClose(weights, step.Weights, what: "weights");
            TestHelpers.AssertClose(context, step.Context, what: "context");
        }, iter: 60);
    }

    [Fact]
    public void A_window_as_long_as_the_sequence_gives_the_causal_result_bit_for_bit()
    {
        var q = TestHelpers.Random(7, 4, 1);
        var k = TestHelpers.Random(7, 4, 2);
        var v = TestHelpers.Random(7, 3, 3);
        var causal = Attention.ScaledDotProduct(q, k, v, KeyVisibility.CausalOnly, null, Nowhere, Nowhere);
        var windowed = Attention.ScaledDotProduct(q, k, v, new KeyVisibility(true, Window: 7), null, Nowhere, Nowhere);
        Assert.Equal(causal.Context, windowed.Context);
        Assert.Equal(causal.Weights, windowed.Weights);
    }

    [Fact]
    public void An_overflowing_score_outside_the_window_is_never_used_and_one_inside_names_its_position()
    {
        var q = Matrix<float>.Build.Dense(4, 1, 1f);
        var k = Matrix<float>.Build.Dense(4, 1, 1f);
        q[3, 0] = 1e20f;
        k[0, 0] = 1e20f;                                               // score (3, 0) overflows; it is outside a window of 3
        var v = Matrix<float>.Build.Dense(4, 1, 1f);
        var step = Attention.ScaledDotProduct(q, k, v, new KeyVisibility(true, Window: 3), null, Nowhere, Nowhere);
        Assert.Equal(0f, step.Weights[3, 0]);
        var e = Assert.Throws<OverflowException>(() => Attention.ScaledDotProduct(q, k, v, new KeyVisibility(true, Window: 4), null, Nowhere, Nowhere));
        Assert.StartsWith("the attention scores overflowed: row 3, column 0", e.Message);
    }

    [Fact]
    public void MultiHeadAttention_with_a_window_gives_GroupedQueryAttention_with_the_same_weights_and_window_bit_for_bit()
    {
        var mha = new MultiHeadAttention(6, 8, 12, 0f, numHeads: 4, qkvBias: true, new TorchGenerator(9)) { Training = false, Window = 3 };
        var gqa = new GroupedQueryAttention(mha.WQuery, mha.WKey, mha.WValue, mha.OutProj, 12, 4) { Window = 3 };
        var batch = TestHelpers.RandomBatch(2, 11, 6, 4);
        var expected = gqa.Forward(batch);
        var actual = mha.Forward(batch);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(expected.Context[b], actual.Context[b]);
            for (int h = 0; h < 4; h++)
                Assert.Equal(expected.Weights[b][h], actual.Weights[b][h]);
        }
        Assert.Equal(AttentionMask.Causal(12), mha.Mask.SubMatrix(0, 12, 0, 12));
    }

    [Fact]
    public void CausalAttention_with_a_window_equals_the_double_precision_definition_and_refuses_a_window_below_one()
    {
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 5], Gen.ULong).Sample((tokens, window, seed) =>
        {
            var module = new CausalAttention(3, 4, 9, generator: new TorchGenerator(seed)) { Window = window };
            var x = TestHelpers.Random(tokens, 3, seed + 1);
            var result = module.Forward(x);
            var xd = Reference.ToDouble(x);
            var (context, weights) = ModernReference.Attention(Reference.Linear(xd, module.WQuery), Reference.Linear(xd, module.WKey), Reference.Linear(xd, module.WValue),
                causal: true, window, 0, 4);
            TestHelpers.AssertClose(context, result.Context, what: "context");
            TestHelpers.AssertClose(weights, result.Weights, what: "weights");
        }, iter: 30);
        Assert.Equal("Window", Assert.Throws<ArgumentOutOfRangeException>(() => new CausalAttention(3, 4, 9) { Window = 0 }).ParamName);
        Assert.Equal("Window", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHeadAttention(4, 4, 9, 0f, 2) { Window = -1 }).ParamName);
    }
}
