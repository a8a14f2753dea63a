using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class CausalAttentionTests
{
    [Fact]
    public void Matches_the_definition_over_a_batch()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 8], Gen.Int[1, 5], Gen.Int[1, 5], Gen.ULong).Sample((batch, tokens, dIn, dOut, seed) =>
        {
            var ca = new CausalAttention(dIn, dOut, contextLength: 8, dropout: 0f, qkvBias: seed % 2 == 0, new TorchGenerator(seed));
            var inputs = TestHelpers.RandomBatch(batch, tokens, dIn, seed + 3);
            var result = ca.Forward(inputs);
            for (int b = 0; b < batch; b++)
            {
                var x = Reference.ToDouble(inputs[b]);
                var (context, weights) = Reference.Attention(
                    Reference.Linear(x, ca.WQuery), Reference.Linear(x, ca.WKey), Reference.Linear(x, ca.WValue), causal: true, 1 / Math.Sqrt(dOut));
                TestHelpers.AssertClose(weights, result.Weights[b], what: $"weights[{b}]");
                TestHelpers.AssertClose(context, result.Context[b], what: $"context[{b}]");
            }
        }, iter: 100);
    }

    [Fact]
    public void Weights_above_the_diagonal_are_exactly_zero_and_rows_sum_to_one()
    {
        var weights = new CausalAttention(3, 2, 6, generator: new TorchGenerator(123)).Forward(SampleData.Inputs()).Weights;
        for (int i = 0; i < 6; i++)
        {
            for (int j = i + 1; j < 6; j++)
                Assert.Equal(0f, weights[i, j]);
            Assert.InRange(weights.Row(i).Sum(), 1f - 1e-6f, 1f + 1e-6f);
        }
        Assert.Equal(1f, weights[0, 0]);
    }

    [Fact]
    public void Changing_later_tokens_never_changes_earlier_outputs()
    {
        Gen.Select(Gen.Int[2, 8], Gen.Int[1, 5], Gen.Int[1, 5], Gen.ULong).Sample((tokens, dIn, dOut, seed) =>
        {
            var ca = new CausalAttention(dIn, dOut, 8, generator: new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, dIn, seed + 1);
            int t = (int)(seed % (ulong)(tokens - 1));          // keep rows 0..t, change every later row
            var changed = x.Clone();
            var noise = TestHelpers.Random(tokens, dIn, seed + 2);
            for (int i = t + 1; i < tokens; i++)
                changed.SetRow(i, noise.Row(i));
            var before = ca.Forward(x).Context;
            var after = ca.Forward(changed).Context;
            for (int i = 0; i <= t; i++)
                Assert.Equal(before.Row(i), after.Row(i));
        }, iter: 100);
    }

    [Fact]
    public void Seed_123_reproduces_the_books_context_vectors_for_both_sequences_of_the_batch()
    {
        var result = new CausalAttention(3, 2, 6, 0f, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
        foreach (var context in result.Context)
        {
            TestHelpers.AssertRow([-0.4519f, 0.2216f], context.Row(0), 5e-5);
            TestHelpers.AssertRow([-0.5299f, -0.1081f], context.Row(5), 5e-5);
        }
    }

    [Fact]
    public void Evaluation_mode_switches_dropout_off()
    {
        var g = new TorchGenerator(1);
        var withDropout = new CausalAttention(3, 2, 6, dropout: 0.5f, generator: g) { Training = false };
        var plain = new CausalAttention(withDropout.WQuery, withDropout.WKey, withDropout.WValue, 6);
        Assert.Equal(plain.Forward(SampleData.Inputs()).Context, withDropout.Forward(SampleData.Inputs()).Context);
    }

    [Fact]
    public void Dropout_in_training_zeroes_weights_and_doubles_the_rest_at_p_one_half()
    {
        var ca = new CausalAttention(3, 2, 6, dropout: 0.5f, generator: new TorchGenerator(1));
        var dropped = ca.Forward(SampleData.Inputs()).Weights;
        ca.Training = false;
        var kept = ca.Forward(SampleData.Inputs()).Weights;
        Assert.Contains(dropped.Enumerate(), w => w == 0f);
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                Assert.True(dropped[i, j] == 0f || dropped[i, j] == kept[i, j] * 2f, $"weight [{i}, {j}] is {dropped[i, j]}, neither 0 nor 2 x {kept[i, j]}");
    }

    [Fact]
    public void More_tokens_than_the_context_length_is_an_error_naming_both()
    {
        var ca = new CausalAttention(3, 2, contextLength: 4);
        var e = Assert.Throws<ArgumentException>(() => ca.Forward(SampleData.Inputs()));
        Assert.Contains("inputs have 6 tokens but the context length is 4", e.Message);
    }

    [Fact]
    public void Sequences_of_different_lengths_in_one_batch_are_an_error_naming_both_shapes()
    {
        var ca = new CausalAttention(3, 2, 6);
        var e = Assert.Throws<ArgumentException>(() => ca.Forward([SampleData.Inputs(), SampleData.Inputs().SubMatrix(0, 5, 0, 3)]));
        Assert.Contains("batch[1] is 5x3 but batch[0] is 6x3", e.Message);
    }

    [Fact]
    public void An_empty_batch_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new CausalAttention(3, 2, 6).Forward(Array.Empty<Matrix<float>>()));
        Assert.Contains("batch is empty", e.Message);
    }

    [Fact]
    public void Infinite_values_in_a_sequence_of_the_batch_are_an_error_naming_the_sequence()
    {
        var batch = SampleData.Batch();
        batch[1][4, 0] = float.PositiveInfinity;
        var e = Assert.Throws<ArgumentException>(() => new CausalAttention(3, 2, 6).Forward(batch));
        Assert.Contains("batch[1] contains Infinity at row 4, column 0", e.Message);
    }

    [Fact]
    public void A_context_length_whose_scores_cannot_fit_is_an_error_naming_it_and_the_product()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CausalAttention(3, 2, int.MaxValue));
        Assert.Equal("contextLength", e.ParamName);
        Assert.Contains("contextLength (2147483647) x contextLength (2147483647) = 4611686014132420609 elements, which exceeds the largest matrix (2147483591 elements", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CausalAttention(3, 2, 46341));
        Assert.Equal(46340, new CausalAttention(3, 2, 46340).ContextLength);
    }

    [Fact]
    public void A_long_context_allocates_no_mask_and_the_mask_reads_like_the_books_buffer()
    {
        var g = new TorchGenerator(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ca = new CausalAttention(3, 2, 20000, generator: g);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 0, 64 * 1024);                    // a dense mask would be 1.6 GB
        Assert.Equal((20000, 20000), (ca.Mask.RowCount, ca.Mask.ColumnCount));
        Assert.Equal(1f, ca.Mask[0, 19999]);
        Assert.Equal(0f, ca.Mask[19999, 0]);
        Assert.Equal(0f, ca.Mask[123, 123]);
        Assert.Equal(CausalMask.Create(6), new CausalAttention(3, 2, 6).Mask);
        Assert.Throws<NotSupportedException>(() => ca.Mask[1, 0] = 1f);
    }

    [Fact]
    public void The_forward_pass_equals_masking_with_the_books_dense_buffer()
    {
        var ca = new CausalAttention(3, 2, 6, generator: new TorchGenerator(123));
        var x = SampleData.Inputs();
        var scores = ca.WQuery.Forward(x) * ca.WKey.Forward(x).Transpose();
        var expected = Softmax.Stable(CausalMask.MaskedFill(scores, CausalMask.Create(6)) / MathF.Sqrt(2));
        Assert.Equal(expected, ca.Forward(x).Weights);
        Assert.Equal(expected, Softmax.Stable(CausalMask.MaskedFill(scores, ca.Mask) / MathF.Sqrt(2)));
    }

    [Fact]
    public void Scores_that_overflow_float32_are_an_error_saying_which_score_and_why_not_blaming_the_mask()
    {
        var ca = new CausalAttention(3, 2, 6, generator: new TorchGenerator(123));
        var x = Huge.Inputs(6, 3, 1e20f);
        var xd = Reference.ToDouble(x);
        string sign = Huge.SignOfFirstScore(Reference.Linear(xd, ca.WQuery), Reference.Linear(xd, ca.WKey));
        var e = Assert.Throws<OverflowException>(() => ca.Forward(x));
        Assert.StartsWith($"the attention scores overflowed: row 0, column 0 of the 6x6 attention scores is {sign} (the largest |value| in inputs is 1E+20, in the queries ", e.Message);
        Assert.DoesNotContain("entirely", e.Message);
        e = Assert.Throws<OverflowException>(() => ca.Forward([SampleData.Inputs(), x]));
        Assert.StartsWith($"the attention scores of batch[1] overflowed: row 0, column 0", e.Message);
    }

    [Fact]
    public void A_score_that_overflows_only_above_the_diagonal_is_masked_away()
    {
        // q_0·k_1 = 1e40 overflows, but token 0 never attends to token 1; every score the mask keeps is 0.
        var ca = new CausalAttention(SelfAttentionTests.PickFeature(0), SelfAttentionTests.PickFeature(1), SelfAttentionTests.PickFeature(0), 2);
        var result = ca.Forward(Matrix<float>.Build.DenseOfArray(new float[,] { { 1e20f, 0f }, { 0f, 1e20f } }));
        Assert.Equal(Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 0f }, { 0.5f, 0.5f } }), result.Weights);
        Assert.Equal(Matrix<float>.Build.DenseOfArray(new float[,] { { 1e20f }, { 5e19f } }), result.Context);
    }

    [Fact]
    public void Context_vectors_that_overflow_after_dropout_are_an_error_naming_them()
    {
        // Zero queries and keys give uniform weights; dropout doubles the survivors, so 2·3e38 overflows where a weight survives.
        var zero = new Linear(Matrix<float>.Build.Dense(1, 1));
        var one = new Linear(Matrix<float>.Build.Dense(1, 1, 1f));
        var ca = new CausalAttention(zero, zero, one, 6, dropout: 0.5f, generator: new TorchGenerator(1));
        var e = Assert.Throws<OverflowException>(() => ca.Forward([Matrix<float>.Build.Dense(6, 1, 3e38f)]));
        Assert.StartsWith("the context vectors of batch[0] overflowed: row ", e.Message);
        Assert.EndsWith("(the largest |value| in batch[0] is 3E+38 and in the values 3E+38; float32 holds up to 3.4E+38).", e.Message);
    }

    [Theory]
    [InlineData(0, 2, 6, 0f, "dIn")]
    [InlineData(3, 0, 6, 0f, "dOut")]
    [InlineData(3, 2, 0, 0f, "contextLength")]
    [InlineData(3, 2, 6, 1f, "dropout")]
    public void Invalid_arguments_are_errors_naming_the_callers_parameter_before_anything_is_drawn(int dIn, int dOut, int contextLength, float dropout, string name)
    {
        var g = new TorchGenerator(9);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new CausalAttention(dIn, dOut, contextLength, dropout, generator: g));
        Assert.Equal(name, e.ParamName);
        Assert.Equal(new TorchGenerator(9).NextUInt32(), g.NextUInt32());
    }

    [Fact]
    public void Both_constructors_build_the_same_module()
    {
        var built = new CausalAttention(3, 2, 6, dropout: 0.25f, generator: new TorchGenerator(4));
        var wrapped = new CausalAttention(built.WQuery, built.WKey, built.WValue, 6, dropout: 0.25f, new TorchGenerator(4));
        Assert.Equal((built.ContextLength, built.DIn, built.DOut, built.Dropout.P), (wrapped.ContextLength, wrapped.DIn, wrapped.DOut, wrapped.Dropout.P));
        Assert.Equal(built.Mask, wrapped.Mask);
        built.Training = wrapped.Training = false;
        Assert.Equal(built.Forward(SampleData.Inputs()).Context, wrapped.Forward(SampleData.Inputs()).Context);
    }
}
