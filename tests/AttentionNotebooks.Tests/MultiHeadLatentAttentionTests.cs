using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class MultiHeadLatentAttentionTests
{
    [Fact]
    public void The_naive_form_matches_the_definition_and_the_absorbed_form_gives_the_same_outputs_and_weights()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 7], Gen.Int[1, 4], Gen.Int[1, 5], Gen.ULong).Sample((heads, tokens, headDim, latent, seed) =>
        {
            var mla = new MultiHeadLatentAttention(5, heads * headDim, 8, heads, latent, new TorchGenerator(seed));
            var batch = TestHelpers.RandomBatch(2, tokens, 5, seed + 3);
            var naive = mla.Forward(batch);
            var absorbed = mla.ForwardAbsorbed(batch);
            for (int b = 0; b < 2; b++)
            {
                var (output, weights) = ModernReference.Latent(Reference.ToDouble(batch[b]), mla);
                TestHelpers.AssertClose(output, naive.Context[b], what: $"naive output[{b}]");
                TestHelpers.AssertClose(output, absorbed.Context[b], what: $"absorbed output[{b}]");
                for (int h = 0; h < heads; h++)
                {
                    TestHelpers.AssertClose(weights[h], naive.Weights[b][h], what: $"naive weights[{b}][{h}]");
                    TestHelpers.AssertClose(weights[h], absorbed.Weights[b][h], what: $"absorbed weights[{b}][{h}]");
                }
            }
        }, iter: 40);
    }

    [Fact]
    public void The_cache_holds_the_latent_only_latentDim_floats_per_token()
    {
        var mla = new MultiHeadLatentAttention(16, 16, 8, 4, latentDim: 4, new TorchGenerator(2));
        var x = TestHelpers.Random(6, 16, 1);
        var latent = mla.Latent(x);
        Assert.Equal((6, 4), (latent.RowCount, latent.ColumnCount));
        Assert.Equal(16L, mla.CacheBytesPerToken);
        Assert.Equal(16 * 16 + 16 * 4 + 4 * 16 * 2 + 16 * 16 + 16, mla.ParameterCount);
        Assert.Equal((16, 4), (mla.AbsorbedQuery(3).RowCount, mla.AbsorbedQuery(3).ColumnCount));
        Assert.Equal("head", Assert.Throws<ArgumentOutOfRangeException>(() => mla.AbsorbedOutput(4)).ParamName);
    }
}
