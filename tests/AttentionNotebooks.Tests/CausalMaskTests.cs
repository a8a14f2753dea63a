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

    [Fact]
    public void A_mask_too_large_for_one_matrix_is_an_error_naming_the_size_and_the_product()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => CausalMask.Create(int.MaxValue));
        Assert.Contains("size (2147483647) x size (2147483647) = 4611686014132420609 elements, which exceeds the largest matrix (2147483591 elements", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => CausalMask.Create(46341));
        Assert.Contains("size (46341) x size (46341) = 2147488281 elements", e.Message);
        Assert.Equal("size", e.ParamName);
    }

    [Fact]
    public void The_computed_mask_reads_like_the_dense_one_and_is_read_only()
    {
        var computed = CausalMask.Computed(7);
        Assert.Equal(CausalMask.Create(7), computed);
        Assert.Equal(CausalMask.Create(7), computed.Clone());
        Assert.Equal(CausalMask.MaskedFill(TestHelpers.Random(5, 5, 3), CausalMask.Create(7)), CausalMask.MaskedFill(TestHelpers.Random(5, 5, 3), computed));
        var e = Assert.Throws<NotSupportedException>(() => computed[2, 1] = 1f);
        Assert.Contains("the causal mask is read-only: element (2, 1) is always 0", e.Message);
    }

    [Fact]
    public void A_computed_mask_of_any_size_allocates_no_elements()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var mask = CausalMask.Computed(int.MaxValue);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 0, 1024);
        Assert.Equal(1f, mask[0, int.MaxValue - 1]);
        Assert.Equal(0f, mask[int.MaxValue - 1, int.MaxValue - 1]);
        Assert.Equal(0f, mask[int.MaxValue - 1, 0]);
    }

    [Fact]
    public void Empty_scores_are_an_error_naming_the_scores()
    {
        var e = Assert.Throws<ArgumentException>(() => CausalMask.FillAboveDiagonal(Matrix<float>.Build.Dense(0, 0)));
        Assert.Equal("scores", e.ParamName);
        Assert.Contains("scores are 0x0: a causal mask needs at least one token", e.Message);
    }

    [Fact]
    public void Renormalising_a_row_left_with_zero_weight_is_an_error_naming_the_row()
    {
        // Row 1 keeps weights [0, 0] on and below the diagonal: dividing by their sum would give NaN.
        var weights = Matrix<float>.Build.DenseOfArray(new float[,] { { 1f, 0f, 0f }, { 0f, 0f, 1f }, { 0.2f, 0.3f, 0.5f } });
        var e = Assert.Throws<ArgumentException>(() => CausalMask.ZeroAndRenormalize(weights));
        Assert.Equal("weights", e.ParamName);
        Assert.Contains("row 1 of the 3x3 weights sums to 0 on and below the diagonal", e.Message);
    }
}
