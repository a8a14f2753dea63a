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
}
