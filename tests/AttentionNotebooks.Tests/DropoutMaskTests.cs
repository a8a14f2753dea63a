using AttentionNotebooks.Training;
using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class DropoutMaskTests
{
    [Fact]
    public void The_drawn_mask_reproduces_Dropout_Forward_bit_for_bit_from_the_same_generator_state()
    {
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 9], Gen.Float[0f, 0.9f], Gen.ULong).Sample((rows, cols, p, seed) =>
        {
            var x = new TorchGenerator(seed ^ 1).Randn(rows, cols);
            var expected = new Dropout(p, new TorchGenerator(seed)).Forward(x);
            var mask = DropoutMask.Draw(new Dropout(p, new TorchGenerator(seed)), rows, cols);
            var actual = mask?.Forward(x) ?? x;
            Assert.Equal(expected.ToRowMajorArray(), actual.ToRowMajorArray());
        }, iter: 60);
    }

    [Fact]
    public void The_backward_pass_keeps_the_same_elements_and_scales_them_by_one_over_one_minus_p()
    {
        var g = new TorchGenerator(5);
        var mask = DropoutMask.Draw(new Dropout(0.5f, g), 6, 7)!;
        var upstream = g.Randn(6, 7);
        var dx = mask.Backward(upstream);
        int kept = 0;
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 7; j++)
            {
                Assert.Equal(mask.IsKept(i, j) ? upstream[i, j] * 2f : 0f, dx[i, j]);
                kept += mask.IsKept(i, j) ? 1 : 0;
            }
        Assert.InRange(kept, 1, 41);                                    // some kept, some dropped
    }

    [Fact]
    public void In_evaluation_mode_or_with_p_zero_there_is_no_mask_and_no_draw()
    {
        var g = new TorchGenerator(3);
        Assert.Null(DropoutMask.Draw(new Dropout(0.5f, g) { Training = false }, 3, 3));
        Assert.Null(DropoutMask.Draw(new Dropout(0f, g), 3, 3));
        Assert.Equal(new TorchGenerator(3).NextUInt32(), g.NextUInt32());
    }

    [Fact]
    public void A_gradient_of_another_shape_is_refused()
    {
        var mask = DropoutMask.Of(new bool[2, 3], 0.5f);
        var ex = Assert.Throws<ArgumentException>(() => mask.Backward(Matrix<float>.Build.Dense(3, 2)));
        Assert.Contains("3x2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2x3", ex.Message, StringComparison.Ordinal);
    }
}
