using CsCheck;

namespace AttentionNotebooks.Tests;

/// <summary>CausalAttention over a padded batch: Forward(batch, lengths).</summary>
public sealed class CausalAttentionPaddingTests
{
    /// <summary>A batch size, a padded length, and one length per sequence in 1..tokens.</summary>
    private static readonly Gen<(int Tokens, int[] Lengths)> PaddedBatch =
        from batch in Gen.Int[1, 3]
        from tokens in Gen.Int[1, 8]
        from lengths in Gen.Int[1, tokens].Array[batch]
        select (tokens, lengths);

    [Fact]
    public void Matches_the_definition_with_the_causal_and_the_key_padding_mask()
    {
        Gen.Select(PaddedBatch, Gen.Int[1, 5], Gen.Int[1, 5], Gen.ULong).Sample((padded, dIn, dOut, seed) =>
        {
            var (tokens, lengths) = padded;
            var ca = new CausalAttention(dIn, dOut, contextLength: 8, dropout: 0f, qkvBias: seed % 2 == 0, new TorchGenerator(seed));
            var inputs = TestHelpers.RandomBatch(lengths.Length, tokens, dIn, seed + 3);
            var result = ca.Forward(inputs, lengths);
            for (int b = 0; b < lengths.Length; b++)
            {
                var x = Reference.ToDouble(inputs[b]);
                var (context, weights) = MaskedReference.Attention(
                    Reference.Linear(x, ca.WQuery), Reference.Linear(x, ca.WKey), Reference.Linear(x, ca.WValue), causal: true, lengths[b], 1 / Math.Sqrt(dOut));
                TestHelpers.AssertClose(weights, result.Weights[b], what: $"weights[{b}]");
                TestHelpers.AssertClose(context, result.Context[b], what: $"context[{b}]");
            }
        }, iter: 100);
    }

    [Fact]
    public void The_real_tokens_get_exactly_what_the_unpadded_sequence_gets_whatever_the_padding_holds()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 5], Gen.Int[1, 5], Gen.ULong).Sample((tokens, dIn, dOut, seed) =>
        {
            int length = 1 + (int)(seed % (ulong)tokens);
            var ca = new CausalAttention(dIn, dOut, 8, generator: new TorchGenerator(seed)) { Training = false };
            var x = TestHelpers.Random(tokens, dIn, seed + 1);
            var noise = TestHelpers.Random(tokens, dIn, seed + 2);
            for (int i = length; i < tokens; i++)
                x.SetRow(i, noise.Row(i) * 1000f);                                 // padding that would dominate if seen
            var padded = ca.Forward([x], [length]);
            var alone = ca.Forward(x.SubMatrix(0, length, 0, dIn));
            Assert.Equal(alone.Context, padded.Context[0].SubMatrix(0, length, 0, dOut));
            Assert.Equal(alone.Weights, padded.Weights[0].SubMatrix(0, length, 0, length));
        }, iter: 100);
    }

    [Fact]
    public void Padded_key_columns_have_weight_zero_and_padded_query_rows_sum_to_one_over_the_real_tokens()
    {
        var ca = new CausalAttention(3, 2, 6, generator: new TorchGenerator(123));
        var shortOne = SampleData.Inputs().SubMatrix(0, 3, 0, 3).Stack(Matrix<float>.Build.Dense(3, 3));   // 3 tokens + 3 zero rows
        var weights = ca.Forward([SampleData.Inputs(), shortOne], [6, 3]).Weights[1];
        for (int i = 0; i < 6; i++)
        {
            for (int j = 3; j < 6; j++)
                Assert.Equal(0f, weights[i, j]);
            Assert.InRange(weights.Row(i).Sum(), 1f - 1e-6f, 1f + 1e-6f);
            Assert.All(weights.Row(i).Take(Math.Min(i + 1, 3)), w => Assert.True(w > 0f));
        }
    }

    [Fact]
    public void Full_lengths_give_the_unmasked_forward_bit_for_bit()
    {
        var ca = new CausalAttention(3, 2, 6, generator: new TorchGenerator(123));
        var batch = SampleData.Batch(2);
        var plain = ca.Forward(batch);
        var padded = ca.Forward(batch, [6, 6]);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(plain.Context[b], padded.Context[b]);
            Assert.Equal(plain.Weights[b], padded.Weights[b]);
        }
    }

    [Fact]
    public void The_weights_are_hidden_exactly_where_the_combined_mask_is_one()
    {
        var ca = new CausalAttention(4, 3, 9, generator: new TorchGenerator(5));
        var x = TestHelpers.Random(9, 4, 6);
        var weights = ca.Forward([x], [5]).Weights[0];
        var mask = AttentionMask.CausalWithPadding(9, 5);
        for (int i = 0; i < 9; i++)
            for (int j = 0; j < 9; j++)
                Assert.Equal(mask[i, j] == 1f, weights[i, j] == 0f);
    }

    [Fact]
    public void Lengths_must_be_one_per_sequence()
    {
        var ca = new CausalAttention(3, 2, 6, generator: new TorchGenerator(1));
        var e = Assert.Throws<ArgumentException>(() => ca.Forward(SampleData.Batch(2), [6, 6, 6]));
        Assert.Equal("lengths", e.ParamName);
        Assert.StartsWith("lengths has 3 entries but batch has 2 sequences", e.Message);
        Assert.Equal("lengths", Assert.Throws<ArgumentNullException>(() => ca.Forward(SampleData.Batch(2), null!)).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(-3)]
    public void A_length_outside_one_to_tokens_names_the_sequence_and_both_values(int length)
    {
        var ca = new CausalAttention(3, 2, 8, generator: new TorchGenerator(1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ca.Forward(SampleData.Batch(2), [6, length]));
        Assert.Equal("lengths", e.ParamName);
        Assert.StartsWith($"lengths[1] is {length} but must be between 1 and the 6 tokens of batch[1]", e.Message);
    }

    [Fact]
    public void The_batch_is_checked_before_the_lengths()
    {
        var ca = new CausalAttention(3, 2, 6, generator: new TorchGenerator(1));
        var e = Assert.Throws<ArgumentException>(() => ca.Forward([TestHelpers.Random(6, 4, 1)], [7]));
        Assert.Equal("batch[0]", e.ParamName);
        Assert.Contains("batch[0] are 6x4 but W_query expects 3 input features", e.Message);
    }

    [Fact]
    public void A_score_that_overflows_at_a_hidden_padding_key_is_never_used_so_it_is_no_error()
    {
        // W_query and W_key are the identity, so score (i, j) is x_i · x_j: the padding row of 2e19 gives score (2, 2) =
        // 8e38, past float32's 3.4e38, but with length 2 that key is hidden; every visible score stays finite.
        var identity = new Linear(Matrix<float>.Build.DenseIdentity(2));
        var ca = new CausalAttention(identity, identity, identity, 3);
        var x = Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 0f }, { 0f, 1f }, { 2e19f, 2e19f } });
        var e = Assert.Throws<OverflowException>(() => ca.Forward([x], [3]));
        Assert.Contains("row 2, column 2", e.Message);
        var padded = ca.Forward([x], [2]);
        Assert.Equal(ca.Forward(x.SubMatrix(0, 2, 0, 2)).Context, padded.Context[0].SubMatrix(0, 2, 0, 2));
        Assert.True(padded.Context[0].Enumerate().All(float.IsFinite));
    }
}
