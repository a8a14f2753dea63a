using CsCheck;

namespace AttentionNotebooks.Tests;

/// <summary>MultiHeadAttention with queries from one batch and keys/values from another: Forward(queries, keysAndValues, keyLengths).</summary>
public sealed class MultiHeadCrossAttentionTests
{
    [Fact]
    public void Matches_the_definition_for_queries_and_keys_of_different_lengths_with_and_without_key_padding()
    {
        var shapes = from heads in Gen.Int[1, 3]
                     from tq in Gen.Int[1, 7]
                     from tk in Gen.Int[1, 8]
                     from keyLengths in Gen.Int[1, tk].Array[1, 3]
                     select (heads, tq, tk, keyLengths);
        Gen.Select(shapes, Gen.Int[1, 5], Gen.Int[1, 3], Gen.ULong).Sample((shape, dIn, headDim, seed) =>
        {
            var (heads, tq, tk, keyLengths) = shape;
            var mha = new MultiHeadAttention(dIn, heads * headDim, 8, 0f, heads, qkvBias: seed % 2 == 0, new TorchGenerator(seed));
            var xq = TestHelpers.RandomBatch(keyLengths.Length, tq, dIn, seed + 1);
            var xkv = TestHelpers.RandomBatch(keyLengths.Length, tk, dIn, seed + 2);
            bool padded = seed % 3 != 0;
            var result = mha.Forward(xq, xkv, padded ? keyLengths : null);
            for (int b = 0; b < keyLengths.Length; b++)
            {
                var (output, weights) = MaskedReference.MultiHeadCross(Reference.ToDouble(xq[b]), Reference.ToDouble(xkv[b]), mha, padded ? keyLengths[b] : tk);
                TestHelpers.AssertClose(output, result.Context[b], what: $"output[{b}]");
                for (int h = 0; h < heads; h++)
                    TestHelpers.AssertClose(weights[h], result.Weights[b][h], what: $"weights[{b}][{h}]");
            }
        }, iter: 100);
    }

    [Fact]
    public void With_the_same_sequence_on_both_sides_and_no_mask_every_query_sees_every_key()
    {
        var mha = new MultiHeadAttention(3, 2, 6, 0f, 2, generator: new TorchGenerator(123));
        var batch = SampleData.Batch(1);
        var cross = mha.Forward(batch, batch);
        var causal = mha.Forward(batch);
        Assert.True(cross.Weights[0][0][0, 5] > 0f);                 // token 1 sees token 6: no causal mask
        Assert.Equal(causal.Context[0].Row(5), cross.Context[0].Row(5)); // the last token sees everything either way
    }

    [Fact]
    public void Batches_must_match_and_keys_are_named_with_their_projection()
    {
        var mha = new MultiHeadAttention(3, 2, 8, 0f, 2, generator: new TorchGenerator(1));
        var count = Assert.Throws<ArgumentException>(() => mha.Forward(SampleData.Batch(2), SampleData.Batch(1)));
        Assert.Equal("keysAndValues", count.ParamName);
        Assert.StartsWith("keysAndValues has 1 sequences but queries has 2", count.Message);
        var width = Assert.Throws<ArgumentException>(() => mha.Forward(SampleData.Batch(1), [TestHelpers.Random(8, 4, 1)]));
        Assert.Equal("keysAndValues[0]", width.ParamName);
        Assert.StartsWith("keysAndValues[0] are 8x4 but W_key expects 3 input features", width.Message);
        var length = Assert.Throws<ArgumentOutOfRangeException>(() => mha.Forward(SampleData.Batch(1), [TestHelpers.Random(8, 3, 1)], [9]));
        Assert.Equal("keyLengths", length.ParamName);
        Assert.StartsWith("keyLengths[0] is 9 but must be between 1 and the 8 tokens of keysAndValues[0]", length.Message);
    }
}
