using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class MultiHeadAttentionWrapperTests
{
    [Fact]
    public void The_output_is_the_heads_outputs_concatenated_in_order()
    {
        var wrapper = new MultiHeadAttentionWrapper(3, 2, 6, 0f, numHeads: 3, generator: new TorchGenerator(123));
        var result = wrapper.Forward(SampleData.Batch());
        Assert.Equal(6, wrapper.DOut);
        for (int h = 0; h < 3; h++)
        {
            var head = wrapper.Heads[h].Forward(SampleData.Inputs());
            Assert.Equal(head.Context, result.Context[1].SubMatrix(0, 6, 2 * h, 2));
            Assert.Equal(head.Weights, result.Weights[1][h]);
        }
    }

    [Fact]
    public void The_wrapper_equals_split_head_attention_with_equivalent_weights_and_an_identity_output_projection()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 7], Gen.Int[1, 5], Gen.Int[1, 4], Gen.ULong).Sample((heads, tokens, dIn, headDim, seed) =>
        {
            var wrapper = new MultiHeadAttentionWrapper(dIn, headDim, 8, 0f, heads, qkvBias: true, new TorchGenerator(seed));
            Linear Stack(Func<CausalAttention, Linear> pick) => new(
                Matrix<float>.Build.DenseOfRowVectors(wrapper.Heads.SelectMany(h => pick(h).Weight.EnumerateRows())),
                Vector<float>.Build.DenseOfEnumerable(wrapper.Heads.SelectMany(h => pick(h).Bias!)));
            int dOut = heads * headDim;
            var identity = new Linear(Matrix<float>.Build.DenseIdentity(dOut), Vector<float>.Build.Dense(dOut));
            var split = new MultiHeadAttention(Stack(h => h.WQuery), Stack(h => h.WKey), Stack(h => h.WValue), identity, 8, heads);
            var batch = TestHelpers.RandomBatch(2, tokens, dIn, seed + 5);
            var expected = wrapper.Forward(batch);
            var actual = split.Forward(batch);
            for (int b = 0; b < 2; b++)
            {
                TestHelpers.AssertClose(expected.Context[b], actual.Context[b], 1e-6);
                for (int h = 0; h < heads; h++)
                    TestHelpers.AssertClose(expected.Weights[b][h], actual.Weights[b][h], 1e-6);
            }
        }, iter: 100);
    }

    [Fact]
    public void Heads_built_in_sequence_from_one_generator_have_different_weights()
    {
        var wrapper = new MultiHeadAttentionWrapper(3, 2, 6, 0f, numHeads: 2, generator: new TorchGenerator(123));
        Assert.NotEqual(wrapper.Heads[0].WQuery.Weight, wrapper.Heads[1].WQuery.Weight);
    }

    [Fact]
    public void Seed_123_reproduces_the_books_four_dimensional_context_vectors()
    {
        var result = new MultiHeadAttentionWrapper(3, 2, 6, 0f, numHeads: 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
        TestHelpers.AssertRow([-0.4519f, 0.2216f, 0.4772f, 0.1063f], result.Context[0].Row(0), 5e-5);
        TestHelpers.AssertRow([-0.5299f, -0.1081f, 0.5077f, 0.3493f], result.Context[1].Row(5), 5e-5);
    }

    [Fact]
    public void Heads_that_disagree_on_shapes_are_an_error_naming_them()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttentionWrapper([new CausalAttention(3, 2, 6), new CausalAttention(3, 4, 6)]));
        Assert.Contains("head 1 maps 3 -> 4 features with context length 6, but head 0 maps 3 -> 2", e.Message);
    }

    [Fact]
    public void Training_mode_is_set_on_every_head()
    {
        var wrapper = new MultiHeadAttentionWrapper(3, 2, 6, 0.1f, numHeads: 3) { Training = false };
        Assert.All(wrapper.Heads, h => Assert.False(h.Training));
    }

    [Fact]
    public void A_null_head_is_an_error_naming_it_at_construction()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new MultiHeadAttentionWrapper([new CausalAttention(3, 2, 6), null!]));
        Assert.Equal("heads", e.ParamName);
        Assert.Contains("heads[1] is null", e.Message);
        e = Assert.Throws<ArgumentNullException>(() => new MultiHeadAttentionWrapper([null!]));
        Assert.Contains("heads[0] is null", e.Message);
    }

    [Fact]
    public void Scores_that_overflow_float32_are_an_error_naming_the_head_and_sequence()
    {
        var wrapper = new MultiHeadAttentionWrapper(3, 2, 6, 0f, numHeads: 2, generator: new TorchGenerator(123));
        var x = Huge.Inputs(6, 3, 1e20f);
        var xd = Reference.ToDouble(x);
        var head = wrapper.Heads[0];
        string sign = Huge.SignOfFirstScore(Reference.Linear(xd, head.WQuery), Reference.Linear(xd, head.WKey));
        var e = Assert.Throws<OverflowException>(() => wrapper.Forward([SampleData.Inputs(), x]));
        Assert.StartsWith($"the attention scores of head 0 on batch[1] overflowed: row 0, column 0 of the 6x6 attention scores is {sign}", e.Message);
        Assert.DoesNotContain("entirely", e.Message);
    }

    [Fact]
    public void Invalid_arguments_are_errors_naming_the_callers_parameter()
    {
        Assert.Equal("dIn", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHeadAttentionWrapper(0, 2, 6, 0f, 2)).ParamName);
        Assert.Equal("contextLength", Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHeadAttentionWrapper(3, 2, int.MaxValue, 0f, 2)).ParamName);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MultiHeadAttentionWrapper(1, 1 << 30, 6, 0f, 4));
        Assert.Contains("numHeads (4) x dOut (1073741824) = 4294967296 elements", e.Message);
    }
}
