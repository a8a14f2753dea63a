using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Tests;

public sealed class GroupedQueryAttentionTests
{
    [Fact]
    public void Matches_the_definition_for_random_groups_windows_and_rotations()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 3], Gen.Int[1, 7], Gen.Int[1, 3], Gen.ULong).Sample((groups, perGroup, tokens, halfHead, seed) =>
        {
            int heads = groups * perGroup, headDim = 2 * halfHead;
            int? window = seed % 3 == 0 ? null : (int)(seed % 5) + 1;
            var gqa = new GroupedQueryAttention(5, heads * headDim, 8, heads, groups, qkvBias: seed % 2 == 0, new TorchGenerator(seed))
            {
                Rotary = seed % 4 < 2 ? new RotaryEmbedding(headDim) : null,
                Window = window,
            };
            var batch = TestHelpers.RandomBatch(2, tokens, 5, seed + 7);
            var result = gqa.Forward(batch);
            for (int b = 0; b < batch.Length; b++)
            {
                var (output, weights) = ModernReference.GroupedQuery(Reference.ToDouble(batch[b]), gqa);
                TestHelpers.AssertClose(output, result.Context[b], what: $"output[{b}]");
                for (int h = 0; h < heads; h++)
                    TestHelpers.AssertClose(weights[h], result.Weights[b][h], what: $"weights[{b}][{h}]");
            }
        }, iter: 40);
    }

    [Fact]
    public void With_as_many_groups_as_heads_it_draws_the_weights_of_MultiHeadAttention_and_computes_its_outputs_bit_for_bit()
    {
        var mha = new MultiHeadAttention(6, 8, 10, 0f, numHeads: 4, qkvBias: true, new TorchGenerator(123)) { Training = false };
        var gqa = new GroupedQueryAttention(6, 8, 10, numHeads: 4, numKvGroups: 4, qkvBias: true, new TorchGenerator(123));
        Assert.Equal(mha.WKey.Weight, gqa.WKey.Weight);
        Assert.Equal(mha.OutProj.Bias, gqa.OutProj.Bias);
        Assert.Equal(mha.ParameterCount, gqa.ParameterCount);
        var batch = TestHelpers.RandomBatch(2, 9, 6, 5);
        var expected = mha.Forward(batch);
        var actual = new GroupedQueryAttention(mha.WQuery, mha.WKey, mha.WValue, mha.OutProj, 10, 4).Forward(batch);
        for (int b = 0; b < 2; b++)
        {
            Assert.Equal(expected.Context[b], actual.Context[b]);
            for (int h = 0; h < 4; h++)
                Assert.Equal(expected.Weights[b][h], actual.Weights[b][h]);
        }
    }

    [Fact]
    public void Multi_query_attention_is_one_group_whose_key_and_value_projections_are_one_head_wide()
    {
        var mqa = new GroupedQueryAttention(8, 8, 6, numHeads: 4, numKvGroups: 1, generator: new TorchGenerator(1));
        Assert.Equal((2, 8), (mqa.WKey.OutFeatures, mqa.WKey.InFeatures));
        Assert.Equal(4, mqa.GroupSize);
        Assert.Equal(2L * 2 * 4, mqa.NewCache().BytesPerToken);
        Assert.Equal(8 * 8 + 2 * 8 * 2 + 8 * 8 + 8, mqa.ParameterCount);
    }

    [Fact]
    public void A_window_as_long_as_the_sequence_gives_the_causal_outputs_bit_for_bit()
    {
        var plain = new GroupedQueryAttention(4, 8, 9, 4, 2, generator: new TorchGenerator(3));
        var windowed = new GroupedQueryAttention(plain.WQuery, plain.WKey, plain.WValue, plain.OutProj, 9, 4) { Window = 9 };
        var batch = TestHelpers.RandomBatch(1, 9, 4, 2);
        Assert.Equal(plain.Forward(batch).Context[0], windowed.Forward(batch).Context[0]);
    }

    [Fact]
    public void Decoding_token_by_token_with_the_cache_gives_the_full_forward_within_1e_6()
    {
        Gen.Select(Gen.Int[1, 12], Gen.Int[1, 2], Gen.Int[0, 6], Gen.Bool, Gen.ULong).Sample((tokens, groups, window, rotary, seed) =>
        {
            var gqa = new GroupedQueryAttention(4, 8, 16, 4, groups, generator: new TorchGenerator(seed))
            {
                Rotary = rotary ? new RotaryEmbedding(2) : null,
                Window = window == 0 ? null : window,
            };
            var x = TestHelpers.Random(tokens, 4, seed + 1);
            var full = gqa.Forward([x]);
            var cache = gqa.NewCache();
            for (int t = 0; t < tokens; t++)
            {
                var step = gqa.Decode(x.SubMatrix(t, 1, 0, 4), cache);
                TestHelpers.AssertClose(full.Context[0].SubMatrix(t, 1, 0, 8), step.Context[0], 1e-6, $"output of token {t}");
                for (int h = 0; h < 4; h++)
                    for (int j = 0; j < cache.Count; j++)
                        Assert.True(Math.Abs(full.Weights[0][h][t, cache.Start + j] - step.Weights[0][h][0, j]) <= 1e-6, $"weight ({t}, {cache.Start + j}) of head {h}");
                Assert.True(cache.Count <= (window == 0 ? t + 1 : window));
            }
            Assert.Equal(tokens, cache.Length);
        }, iter: 30);
    }

    [Fact]
    public void A_prompt_decoded_at_once_then_token_by_token_gives_the_full_forward()
    {
        var gqa = new GroupedQueryAttention(4, 8, 16, 4, 2, generator: new TorchGenerator(8)) { Rotary = new RotaryEmbedding(2), Window = 3 };
        var x = TestHelpers.Random(10, 4, 4);
        var full = gqa.Forward([x]).Context[0];
        var cache = gqa.NewCache();
        var prompt = gqa.Decode(x.SubMatrix(0, 6, 0, 4), cache);
        TestHelpers.AssertClose(full.SubMatrix(0, 6, 0, 8), prompt.Context[0], 1e-6, "prompt");
        for (int t = 6; t < 10; t++)
            TestHelpers.AssertClose(full.SubMatrix(t, 1, 0, 8), gqa.Decode(x.SubMatrix(t, 1, 0, 4), cache).Context[0], 1e-6, $"token {t}");
        Assert.Equal(3, cache.Count);
        Assert.Equal(7, cache.Start);
    }

    [Fact]
    public void Misfitting_groups_rotations_windows_and_caches_are_refused_naming_them()
    {
        Assert.Equal("numKvGroups", Assert.Throws<ArgumentException>(() => new GroupedQueryAttention(4, 8, 4, 4, 3)).ParamName);
        Assert.Equal("Rotary", Assert.Throws<ArgumentException>(() => new GroupedQueryAttention(4, 8, 4, 2, 1) { Rotary = new RotaryEmbedding(2) }).ParamName);
        Assert.Equal("Window", Assert.Throws<ArgumentOutOfRangeException>(() => new GroupedQueryAttention(4, 8, 4, 2, 1) { Window = 0 }).ParamName);
        var gqa = new GroupedQueryAttention(4, 8, 4, 2, 1);
        var e = Assert.Throws<ArgumentException>(() => gqa.Decode(Matrix<float>.Build.Dense(1, 4), new KVCache(2, 4)));
        Assert.Contains("create it with NewCache()", e.Message);
    }
}
