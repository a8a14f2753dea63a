using AttentionNotebooks.Training;
using CsCheck;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

public sealed class SoftmaxBackwardTests
{
    [Fact]
    public void The_score_gradient_matches_central_differences_of_the_double_precision_softmax()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 8], Gen.ULong).Sample((rows, cols, seed) =>
        {
            var g = new TorchGenerator(seed);
            var scores = g.Randn(rows, cols) * 3f;
            var upstream = g.Randn(rows, cols);
            var analytic = SoftmaxBackward.Rows(Softmax.Stable(scores), upstream);
            var sd = D(scores);
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(sd, () => Dot(Reference.Softmax(sd), upstream)), analytic, "dS");
        }, iter: 60);
    }

    [Fact]
    public void Masked_scores_get_exactly_zero_gradient_and_visible_ones_match_central_differences()
    {
        Gen.Select(Gen.Int[1, 7], Gen.ULong).Sample((n, seed) =>
        {
            var g = new TorchGenerator(seed);
            var scores = g.Randn(n, n);
            var upstream = g.Randn(n, n);
            var weights = Softmax.Stable(CausalMask.FillAboveDiagonal(scores));
            var analytic = CausalMaskBackward.AboveDiagonal(SoftmaxBackward.Rows(weights, upstream));
            var sd = D(scores);
            double Loss()
            {
                var masked = (double[,])sd.Clone();
                for (int i = 0; i < n; i++)
                    for (int j = i + 1; j < n; j++)
                        masked[i, j] = double.NegativeInfinity;
                return Dot(Reference.Softmax(masked), upstream);
            }
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(sd, Loss), analytic, "dS");
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                    Assert.Equal(0, BitConverter.SingleToInt32Bits(analytic[i, j]));
        }, iter: 40);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_score_gradient_matches_libtorch_autograd(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        var s = e.Tensor("s");
        var scores = e.Causal ? CausalMask.FillAboveDiagonal(s.AsMatrix()) : s.AsMatrix();
        var ds = SoftmaxBackward.Rows(Softmax.Stable(scores), e.Upstream!.AsMatrix());
        if (e.Causal)
            ds = CausalMaskBackward.AboveDiagonal(ds);
        TrainingFixtures.AssertGradient(s.Grad!, ds.ToRowMajorArray(), "s.grad");
    }

    public static TheoryData<int, string> Cases() => TrainingFixtures.GradientCases("softmax");

    [Fact]
    public void A_weight_gradient_of_another_shape_is_refused_with_both_shapes_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => SoftmaxBackward.Rows(Matrix<float>.Build.Dense(3, 3, 1f / 3), Matrix<float>.Build.Dense(3, 2)));
        Assert.Equal("weightsGradient", ex.ParamName);
        Assert.Contains("3x2", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3x3", ex.Message, StringComparison.Ordinal);
    }
}
