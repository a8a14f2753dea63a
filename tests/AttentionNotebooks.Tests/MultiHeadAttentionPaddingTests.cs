using CsCheck;

namespace AttentionNotebooks.Tests;

/// <summary>MultiHeadAttention over a padded batch: Forward(batch, lengths).</summary>
public sealed class MultiHeadAttentionPaddingTests
{
    [Fact]
    public void Matches_the_definition_with_the_causal_and_the_key_padding_mask_in_every_head()
    {
        var shapes = from heads in Gen.Int[1, 4]
                     from tokens in Gen.Int[1, 7]
                     from lengths in Gen.Int[1, tokens].Array[1, 3]
                     select (heads, tokens, lengths);
        Gen.Select(shapes, Gen.Int[1, 6], Gen.Int[1, 4], Gen.ULong).Sample((shape, dIn, headDim, seed) =>
        {
            var (heads, tokens, lengths) = shape;
            var mha = new MultiHeadAttention(dIn, heads * headDim, 8, 0f, heads, qkvBias: seed % 2 == 1, new TorchGenerator(seed));
            var inputs = TestHelpers.RandomBatch(lengths.Length, tokens, dIn, seed + 7);
            var result = mha.Forward(inputs, lengths);
            for (int b = 0; b < lengths.Length; b++)
            {
                var (output, weights) = MaskedReference.MultiHead(Reference.ToDouble(inputs[b]), mha, lengths[b]);
                TestHelpers.AssertClose(output, result.Context[b], what: $"output[{b}]");
                for (int h = 0; h < heads; h++)
                    TestHelpers.AssertClose(weights[h], result.Weights[b][h], what: $"weights[{b}][{h}]");
            }
        }, iter: 100);
    }

    [Fact]
    public void The_real_tokens_get_exactly_what_the_unpadded_sequence_gets()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 3], Gen.ULong).Sample((tokens, heads, seed) =>
        {
            int length = 1 + (int)(seed % (ulong)tokens);
            var mha = new MultiHeadAttention(5, 2 * heads, 8, 0f, heads, generator: new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, 5, seed + 1);
            var padded = mha.Forward([x], [length]);
            var alone = mha.Forward([x.SubMatrix(0, length, 0, 5)]);
            Assert.Equal(alone.Context[0], padded.Context[0].SubMatrix(0, length, 0, 2 * heads));
            for (int h = 0; h < heads; h++)
                Assert.Equal(alone.Weights[0][h], padded.Weights[0][h].SubMatrix(0, length, 0, length));
        }, iter: 100);
    }

    [Fact]
    public void Lengths_are_checked_with_the_callers_names()
    {
        var mha = new MultiHeadAttention(3, 2, 6, 0f, 2, generator: new TorchGenerator(1));
        Assert.StartsWith("lengths has 1 entries but batch has 2 sequences",
            Assert.Throws<ArgumentException>(() => mha.Forward(SampleData.Batch(2), [6])).Message);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => mha.Forward(SampleData.Batch(2), [0, 6]));
        Assert.Equal("lengths", e.ParamName);
        Assert.StartsWith("lengths[0] is 0 but must be between 1 and the 6 tokens of batch[0]", e.Message);
    }
}
