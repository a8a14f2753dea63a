using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class AttentionMaskTests
{
    [Fact]
    public void Each_mask_hides_exactly_the_positions_its_rule_names()
    {
        (from t in Gen.Int[1, 9] from l in Gen.Int[1, t] select (t, l)).Sample((tokens, length) =>
        {
            var causal = AttentionMask.Causal(tokens);
            var padding = AttentionMask.KeyPadding(tokens, length);
            var both = AttentionMask.CausalWithPadding(tokens, length);
            for (int i = 0; i < tokens; i++)
                for (int j = 0; j < tokens; j++)
                {
                    Assert.Equal(j > i ? 1f : 0f, causal[i, j]);
                    Assert.Equal(j >= length ? 1f : 0f, padding[i, j]);
                    Assert.Equal(j > i || j >= length ? 1f : 0f, both[i, j]);
                }
        });
    }

    [Fact]
    public void The_causal_mask_is_the_one_CausalMask_creates()
    {
        Assert.Equal(CausalMask.Create(7), AttentionMask.Causal(7));
    }

    [Fact]
    public void The_combined_mask_is_the_causal_and_the_padding_mask_together()
    {
        var both = AttentionMask.CausalWithPadding(6, 3);
        var either = AttentionMask.Causal(6).PointwiseMaximum(AttentionMask.KeyPadding(6, 3));
        Assert.Equal(either, both);
    }

    [Fact]
    public void Every_row_of_the_combined_mask_keeps_at_least_one_key_and_padding_rows_see_exactly_the_real_tokens()
    {
        (from t in Gen.Int[1, 9] from l in Gen.Int[1, t] select (t, l)).Sample((tokens, length) =>
        {
            var both = AttentionMask.CausalWithPadding(tokens, length);
            for (int i = 0; i < tokens; i++)
            {
                int visible = both.Row(i).Count(m => m == 0f);
                Assert.Equal(Math.Min(i + 1, length), visible);
            }
        });
    }

    [Fact]
    public void The_cross_attention_padding_mask_is_queries_by_keys()
    {
        var mask = AttentionMask.KeyPadding(queries: 7, keys: 8, length: 5);
        Assert.Equal((7, 8), (mask.RowCount, mask.ColumnCount));
        for (int i = 0; i < 7; i++)
            Assert.Equal([0f, 0f, 0f, 0f, 0f, 1f, 1f, 1f], mask.Row(i).ToArray());
    }

    [Theory]
    [InlineData(6, 0)]
    [InlineData(6, 7)]
    [InlineData(6, -1)]
    public void A_length_outside_one_to_tokens_is_rejected_with_both_values(int tokens, int length)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMask.CausalWithPadding(tokens, length));
        Assert.Equal("length", e.ParamName);
        Assert.Contains($"length is {length} but must be between 1 and tokens ({tokens})", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMask.KeyPadding(tokens, length));
        var cross = Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMask.KeyPadding(3, tokens, length));
        Assert.Contains($"length is {length} but must be between 1 and keys ({tokens})", cross.Message);
    }

    [Fact]
    public void Sizes_must_be_positive()
    {
        Assert.Equal("tokens", Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMask.Causal(0)).ParamName);
        Assert.Equal("queries", Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMask.KeyPadding(0, 3, 1)).ParamName);
        Assert.Equal("keys", Assert.Throws<ArgumentOutOfRangeException>(() => AttentionMask.KeyPadding(3, 0, 1)).ParamName);
    }

    [Fact]
    public void MaskedFill_with_the_combined_mask_gives_minus_infinity_exactly_where_it_is_one()
    {
        var scores = TestHelpers.Random(5, 5, 3);
        var mask = AttentionMask.CausalWithPadding(5, 2);
        var masked = CausalMask.MaskedFill(scores, mask);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(mask[i, j] == 1f ? float.NegativeInfinity : scores[i, j], masked[i, j]);
    }
}
