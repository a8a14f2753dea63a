using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class CrossAttentionTests
{
    [Fact]
    public void Matches_the_definition_for_queries_and_keys_of_different_lengths_and_widths()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 9], Gen.Int[1, 5], Gen.Int[1, 5], Gen.Int[1, 5], Gen.ULong).Sample((tq, tk, dq, dkv, dOut, seed) =>
        {
            var cross = new CrossAttention(dq, dkv, dOut, qkvBias: seed % 2 == 0, new TorchGenerator(seed));
            var xq = TestHelpers.Random(tq, dq, seed + 1);
            var xkv = TestHelpers.Random(tk, dkv, seed + 2);
            int keyLength = 1 + (int)(seed % (ulong)tk);
            var q = Reference.Linear(Reference.ToDouble(xq), cross.WQuery);
            var k = Reference.Linear(Reference.ToDouble(xkv), cross.WKey);
            var v = Reference.Linear(Reference.ToDouble(xkv), cross.WValue);

            var full = cross.Forward(xq, xkv);
            var (context, weights) = MaskedReference.Attention(q, k, v, causal: false, tk, 1 / Math.Sqrt(dOut));
            TestHelpers.AssertClose(weights, full.Weights, what: "weights");
            TestHelpers.AssertClose(context, full.Context, what: "context");

            var padded = cross.Forward(xq, xkv, keyLength);
            (context, weights) = MaskedReference.Attention(q, k, v, causal: false, keyLength, 1 / Math.Sqrt(dOut));
            TestHelpers.AssertClose(weights, padded.Weights, what: "padded weights");
            TestHelpers.AssertClose(context, padded.Context, what: "padded context");
        }, iter: 100);
    }

    [Fact]
    public void The_weights_are_queries_by_keys_and_every_row_sums_to_one()
    {
        var result = new CrossAttention(4, 5, 3, generator: new TorchGenerator(2)).Forward(TestHelpers.Random(7, 4, 1), TestHelpers.Random(8, 5, 2));
        Assert.Equal((7, 8), (result.Weights.RowCount, result.Weights.ColumnCount));
        Assert.Equal((7, 3), (result.Context.RowCount, result.Context.ColumnCount));
        for (int i = 0; i < 7; i++)
            Assert.InRange(result.Weights.Row(i).Sum(), 1f - 1e-6f, 1f + 1e-6f);
    }

    [Fact]
    public void With_the_same_sequence_on_both_sides_it_is_self_attention_bit_for_bit()
    {
        var sa = new SelfAttention(3, 2, qkvBias: true, new TorchGenerator(789));
        var cross = new CrossAttention(sa.WQuery, sa.WKey, sa.WValue);
        var x = SampleData.Inputs();
        Assert.Equal(sa.Forward(x).Context, cross.Forward(x, x).Context);
        Assert.Equal(sa.Forward(x).Weights, cross.Forward(x, x).Weights);
    }

    [Fact]
    public void Padding_keys_get_weight_zero_and_do_not_change_anything_else()
    {
        var cross = new CrossAttention(3, 4, 2, generator: new TorchGenerator(8));
        var xq = TestHelpers.Random(5, 3, 1);
        var xkv = TestHelpers.Random(6, 4, 2);
        var padded = cross.Forward(xq, xkv, keyLength: 4);
        var alone = cross.Forward(xq, xkv.SubMatrix(0, 4, 0, 4));
        Assert.Equal(alone.Context, padded.Context);
        Assert.Equal(alone.Weights, padded.Weights.SubMatrix(0, 5, 0, 4));
        Assert.All(padded.Weights.SubMatrix(0, 5, 4, 2).Enumerate(), w => Assert.Equal(0f, w));
    }

    [Fact]
    public void Built_from_a_seed_it_draws_the_query_then_the_key_then_the_value_layer()
    {
        var g = new TorchGenerator(42);
        var wq = new Linear(3, 2, bias: false, g);
        var wk = new Linear(5, 2, bias: false, g);
        var wv = new Linear(5, 2, bias: false, g);
        var cross = new CrossAttention(3, 5, 2, generator: new TorchGenerator(42));
        Assert.Equal(wq.Weight, cross.WQuery.Weight);
        Assert.Equal(wk.Weight, cross.WKey.Weight);
        Assert.Equal(wv.Weight, cross.WValue.Weight);
        Assert.Equal(3 * 2 + 2 * (5 * 2), cross.ParameterCount);
    }

    [Fact]
    public void Inputs_of_the_wrong_width_are_named_with_the_projection_that_expects_them()
    {
        var cross = new CrossAttention(3, 5, 2, generator: new TorchGenerator(1));
        var q = Assert.Throws<ArgumentException>(() => cross.Forward(TestHelpers.Random(7, 4, 1), TestHelpers.Random(8, 5, 2)));
        Assert.Equal("queryInputs", q.ParamName);
        Assert.StartsWith("queryInputs are 7x4 but W_query expects 3 input features", q.Message);
        var kv = Assert.Throws<ArgumentException>(() => cross.Forward(TestHelpers.Random(7, 3, 1), TestHelpers.Random(8, 3, 2)));
        Assert.Equal("keyValueInputs", kv.ParamName);
        Assert.StartsWith("keyValueInputs are 8x3 but W_key expects 5 input features", kv.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void A_key_length_outside_one_to_the_keys_is_rejected(int keyLength)
    {
        var cross = new CrossAttention(3, 5, 2, generator: new TorchGenerator(1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => cross.Forward(TestHelpers.Random(7, 3, 1), TestHelpers.Random(8, 5, 2), keyLength));
        Assert.Equal("keyLength", e.ParamName);
        Assert.StartsWith($"keyLength is {keyLength} but must be between 1 and the 8 tokens of keyValueInputs", e.Message);
    }

    [Fact]
    public void Projections_that_do_not_fit_together_are_rejected_naming_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new CrossAttention(new Linear(3, 2, false), new Linear(5, 4, false), new Linear(5, 4, false)));
        Assert.Equal("wKey", e.ParamName);
        Assert.StartsWith("W_key weight is 4x5 but W_query weight is 2x3", e.Message);
        var v = Assert.Throws<ArgumentException>(() => new CrossAttention(new Linear(3, 2, false), new Linear(5, 2, false), new Linear(4, 2, false)));
        Assert.Equal("wValue", v.ParamName);
        Assert.Equal("dInKeyValue", Assert.Throws<ArgumentOutOfRangeException>(() => new CrossAttention(3, 0, 2)).ParamName);
    }

    [Fact]
    public void Non_finite_inputs_are_rejected_where_they_are()
    {
        var cross = new CrossAttention(3, 5, 2, generator: new TorchGenerator(1));
        var xkv = TestHelpers.Random(8, 5, 2);
        xkv[6, 1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => cross.Forward(TestHelpers.Random(7, 3, 1), xkv, keyLength: 4));
        Assert.StartsWith("keyValueInputs contains NaN at row 6, column 1", e.Message);
    }
}
