using AttentionNotebooks.Training;
using CsCheck;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

public sealed class LinearBackwardTests
{
    [Fact]
    public void Input_weight_and_bias_gradients_match_central_differences_of_the_double_precision_loss()
    {
        Gen.Select(Gen.Int[1, 7], Gen.Int[1, 6], Gen.Int[1, 6], Gen.Bool, Gen.ULong).Sample((tokens, dIn, dOut, bias, seed) =>
        {
            var g = new TorchGenerator(seed);
            var layer = new Linear(dIn, dOut, bias, g);
            var x = g.Uniform(tokens, dIn, -1f, 1f);
            var upstream = g.Randn(tokens, dOut);
            var grads = LinearBackward.Compute(layer, x, upstream);

            double[,] xd = D(x), wd = D(layer.Weight);
            double[]? bd = layer.Bias is null ? null : D(layer.Bias);
            double Loss() => Dot(Linear(xd, wd, bd), upstream);
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(xd, Loss), grads.Inputs, "dX");
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(wd, Loss), grads.Weight, "dW");
            if (bd is null)
                Assert.Null(grads.Bias);
            else
                FiniteDifferences.AssertClose(FiniteDifferences.Gradient(bd, Loss), grads.Bias!, "db");
        }, iter: 40);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_libtorch_autograd(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        var layer = new Linear(e.Tensor("weight").AsMatrix(), e.Has("bias") ? e.Tensor("bias").AsVector() : null);
        var x = e.Tensor("x");
        var grads = LinearBackward.Compute(layer, x.AsMatrix(), e.Upstream!.AsMatrix());
        TrainingFixtures.AssertGradient(x.Grad!, grads.Inputs.ToRowMajorArray(), "x.grad");
        TrainingFixtures.AssertGradient(e.Tensor("weight").Grad!, grads.Weight.ToRowMajorArray(), "weight.grad");
        if (e.Has("bias"))
            TrainingFixtures.AssertGradient(e.Tensor("bias").Grad!, grads.Bias!.ToArray(), "bias.grad");
    }

    public static TheoryData<int, string> Cases() => TrainingFixtures.GradientCases("Linear");

    [Fact]
    public void An_output_gradient_of_the_wrong_shape_is_refused_with_both_shapes_named()
    {
        var layer = new Linear(3, 2, true, new TorchGenerator(1));
        var x = Matrix<float>.Build.Dense(4, 3, 0.5f);
        var ex = Assert.Throws<ArgumentException>(() => LinearBackward.Compute(layer, x, Matrix<float>.Build.Dense(4, 3)));
        Assert.Equal("outputGradient", ex.ParamName);
        Assert.Contains("4x3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4x2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Inputs_with_the_wrong_feature_count_are_refused()
    {
        var layer = new Linear(3, 2, true, new TorchGenerator(1));
        var ex = Assert.Throws<ArgumentException>(() => LinearBackward.Compute(layer, Matrix<float>.Build.Dense(4, 5), Matrix<float>.Build.Dense(4, 2)));
        Assert.Equal("inputs", ex.ParamName);
        Assert.Contains("4x5", ex.Message, StringComparison.Ordinal);
    }
}
