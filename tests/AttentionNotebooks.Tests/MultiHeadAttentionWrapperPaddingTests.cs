using CsCheck;

namespace AttentionNotebooks.Tests;

/// <summary>MultiHeadAttentionWrapper over a padded batch: Forward(batch, lengths).</summary>
public sealed class MultiHeadAttentionWrapperPaddingTests
{
    [Fact]
    public void Each_heads_columns_are_that_heads_padded_causal_attention_and_match_the_definition()
    {
        var shapes = from heads in Gen.Int[1, 3]
                     from tokens in Gen.Int[1, 7]
                     from lengths in Gen.Int[1, tokens].Array[1, 3]
                     select (heads, tokens, lengths);
        Gen.Select(shapes, Gen.Int[1, 4], Gen.Int[1, 3], Gen.ULong).Sample((shape, dIn, dOut, seed) =>
        {
            var (heads, tokens, lengths) = shape;
            var wrapper = new MultiHeadAttentionWrapper(dIn, dOut, 8, 0f, heads, qkvBias: seed % 2 == 0, new TorchGenerator(seed));
            var inputs = TestHelpers.RandomBatch(lengths.Length, tokens, dIn, seed + 5);
            var result = wrapper.Forward(inputs, lengths);
            for (int h = 0; h < heads; h++)
            {
                var head = wrapper.Heads[h];
                var alone = head.Forward(inputs, lengths);
                for (int b = 0; b < lengths.Length; b++)
                {
                    Assert.Equal(alone.Context[b], result.Context[b].SubMatrix(0, tokens, h * dOut, dOut));
                    Assert.Equal(alone.Weights[b], result.Weights[b][h]);
                    var x = Reference.ToDouble(inputs[b]);
                    var (context, _) = MaskedReference.Attention(Reference.Linear(x, head.WQuery), Reference.Linear(x, head.WKey), Reference.Linear(x, head.WValue),
                        causal: true, lengths[b], 1 / Math.Sqrt(dOut));
                    TestHelpers.AssertClose(context, result.Context[b].SubMatrix(0, tokens, h * dOut, dOut), what: $"context[{b}] of head {h}");
                }
            }
        }, iter: 50);
    }

    [Fact]
    public void Lengths_are_checked_with_the_callers_names()
    {
        var wrapper = new MultiHeadAttentionWrapper(3, 2, 6, 0f, 2, generator: new TorchGenerator(1));
        Assert.StartsWith("lengths has 3 entries but batch has 2 sequences",
            Assert.Throws<ArgumentException>(() => wrapper.Forward(SampleData.Batch(2), [6, 6, 6])).Message);
        Assert.StartsWith("lengths[1] is 7 but must be between 1 and the 6 tokens of batch[1]",
            Assert.Throws<ArgumentOutOfRangeException>(() => wrapper.Forward(SampleData.Batch(2), [6, 7])).Message);
    }
}
