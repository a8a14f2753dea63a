using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class CausalMaskTests
{
    [Fact]
    public void The_mask_is_one_strictly_above_the_diagonal_and_zero_elsewhere()
    {
        var mask = CausalMask.Create(5);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(j > i ? 1f : 0f, mask[i, j]);
    }

    [Fact]
    public void The_minus_infinity_route_equals_the_zero_and_renormalise_route()
    {
        Gen.Select(Gen.Int[1, 9], Gen.ULong).Sample((n, seed) =>
        {
            var scores = TestHelpers.Random(n, n, seed) * 3f;
            var viaInfinity = Softmax.Stable(CausalMask.FillAboveDiagonal(scores));
            var viaRenormalise = CausalMask.ZeroAndRenormalize(Softmax.Stable(scores));
            TestHelpers.AssertClose(viaInfinity, viaRenormalise, 1e-6);
        }, iter: 100);
    }

    [Fact]
    public void Masked_fill_uses_the_top_left_block_of_a_larger_context_mask()
    {
        var scores = Matrix<float>.Build.Dense(3, 3, 2f);
        var masked = CausalMask.MaskedFill(scores, CausalMask.Create(6));
        Assert.Equal(float.NegativeInfinity, masked[0, 1]);
        Assert.Equal(float.NegativeInfinity, masked[1, 2]);
        Assert.Equal(2f, masked[2, 0]);
        Assert.Equal(2f, scores[0, 1]); // the input is untouched
    }

    [Fact]
    public void A_mask_smaller_than_the_scores_is_an_error_naming_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => CausalMask.MaskedFill(Matrix<float>.Build.Dense(4, 4), CausalMask.Create(3)));
        Assert.Contains("scores are 4x4 but the mask is only 3x3", e.Message);
    }

    [Fact]
    public void Non_square_scores_are_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => CausalMask.FillAboveDiagonal(Matrix<float>.Build.Dense(2, 3)));
        Assert.Contains("scores are 2x3", e.Message);
    }
}
