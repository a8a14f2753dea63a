using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class MultiHeadAttentionTests
{
    [Fact]
    public void Matches_the_definition_for_random_shapes_heads_and_seeds()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 7], Gen.Int[1, 6], Gen.Int[1, 4], Gen.ULong).Sample((heads, tokens, dIn, headDim, seed) =>
        {
            var mha = new MultiHeadAttention(dIn, heads * headDim, 8, 0f, heads, qkvBias: seed % 2 == 0, new TorchGenerator(seed));
            var batch = TestHelpers.RandomBatch(2, tokens, dIn, seed + 7);
            var result = mha.Forward(batch);
            for (int b = 0; b < batch.Length; b++)
            {
                var (output, weights) = Reference.MultiHead(Reference.ToDouble(batch[b]), mha);
                TestHelpers.AssertClose(output, result.Context[b], what: $"output[{b}]");
                for (int h = 0; h < heads; h++)
                    TestHelpers.AssertClose(weights[h], result.Weights[b][h], what: $"weights[{b}][{h}]");
            }
        }, iter: 100);
    }

    [Fact]
    public void Changing_later_tokens_never_changes_earlier_outputs()
    {
        Gen.Select(Gen.Int[2, 8], Gen.Int[1, 3], Gen.ULong).Sample((tokens, heads, seed) =>
        {
            var mha = new MultiHeadAttention(4, 2 * heads, 8, 0f, heads, generator: new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, 4, seed + 1);
            int t = (int)(seed % (ulong)(tokens - 1));
            var changed = x.Clone();
            changed.SetSubMatrix(t + 1, 0, TestHelpers.Random(tokens - t - 1, 4, seed + 2));
            var before = mha.Forward([x]).Context[0];
            var after = mha.Forward([changed]).Context[0];
            for (int i = 0; i <= t; i++)
                Assert.Equal(before.Row(i), after.Row(i));
        }, iter: 100);
    }

    [Fact]
    public void Seed_123_reproduces_the_books_two_dimensional_outputs()
    {
        var result = new MultiHeadAttention(3, 2, 6, 0f, numHeads: 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
        TestHelpers.AssertRow([0.3190f, 0.4858f], result.Context[0].Row(0), 5e-5);
        TestHelpers.AssertRow([0.2575f, 0.4028f], result.Context[1].Row(5), 5e-5);
    }

    [Fact]
    public void A_GPT2_sized_module_has_2360064_parameters()
    {
        var mha = new MultiHeadAttention(768, 768, 1024, 0f, numHeads: 12, qkvBias: false);
        Assert.Equal(2_360_064, mha.ParameterCount);
        Assert.Equal(64, mha.HeadDim);
    }

    [Fact]
    public void D_out_not_divisible_by_the_number_of_heads_is_an_error_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(3, 7, 6, 0f, numHeads: 2));
        Assert.Contains("dOut (7) must be divisible by numHeads (2)", e.Message);
    }

    [Fact]
    public void An_output_projection_of_the_wrong_shape_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(new Linear(3, 4), new Linear(3, 4), new Linear(3, 4), new Linear(4, 2), 6, 2));
        Assert.Contains("outProj is 2x4 but W_query has 4 outputs, so the output projection needs 4x4", e.Message);
    }

    [Fact]
    public void Inputs_with_the_wrong_number_of_features_are_an_error_naming_the_sequence()
    {
        var mha = new MultiHeadAttention(3, 4, 6, 0f, 2);
        var e = Assert.Throws<ArgumentException>(() => mha.Forward([Matrix<float>.Build.Dense(6, 4)]));
        Assert.Contains("batch[0] are 6x4 but W_query expects 3 input features", e.Message);
    }
}
