using AttentionNotebooks.Training;
using CsCheck;

namespace AttentionNotebooks.Tests.Training;

public sealed class AdamWTests
{
    /// <summary>PyTorch's AdamW from its definition in double precision, one parameter vector, given gradients per step.</summary>
    private static double[] Reference(double[] theta0, IReadOnlyList<double[]> grads, double lr, double b1, double b2, double eps, double wd)
    {
        var theta = (double[])theta0.Clone();
        var m = new double[theta.Length];
        var v = new double[theta.Length];
        for (int t = 1; t <= grads.Count; t++)
            for (int i = 0; i < theta.Length; i++)
            {
                double g = grads[t - 1][i];
                theta[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.Pow(b1, t));
                double vHat = v[i] / (1 - Math.Pow(b2, t));
                theta[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        return theta;
    }

    [Fact]
    public void Twenty_steps_match_the_double_precision_definition_of_torch_optim_AdamW()
    {
        Gen.Select(Gen.Int[1, 12], Gen.Double[1e-4, 5e-2], Gen.Double[0, 0.1], Gen.ULong).Sample((n, lr, wd, seed) =>
        {
            var g = new TorchGenerator(seed);
            var value = Vector<float>.Build.DenseOfArray(g.Randn(1, n).Row(0).ToArray());
            var theta0 = value.Select(x => (double)x).ToArray();
            var p = Parameter.Of("w", value);
            var optimizer = new AdamW([p], lr, weightDecay: wd);
            var grads = new List<double[]>();
            for (int step = 0; step < 20; step++)
            {
                var grad = g.Randn(1, n).Row(0);
                grads.Add(grad.Select(x => (double)x).ToArray());
                optimizer.ZeroGrad();
                p.Accumulate(grad);
                optimizer.Step();
            }
            var expected = Reference(theta0, grads, lr, 0.9, 0.999, 1e-8, wd);
            // 1e-5, not 1e-6: like libtorch, AdamW rounds the decay factor 1 − lr·λ to float32, so every step scales θ
            // by the same slightly-off factor, and θ itself is rounded each step; over 20 steps the difference from the
            // double definition reached 2.4e-6 at |θ| ≈ 2.2 (CsCheck seed 7bPZ5ypsy551), which 1e-6 rejected.
            FiniteDifferences.AssertClose(expected, value.ToArray(), "theta", tolerance: 1e-5);
            Assert.Equal(20, optimizer.StepCount);
        }, iter: 60);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Ten_steps_match_TorchSharps_AdamW_on_libtorch_within_1e_6_relative(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        var value = TrainingFixtures.Matrix(e.AdamInitial!, 5, 4);
        var w = Parameter.Of("w", value);
        var optimizer = new AdamW([w], lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01);
        for (int step = 0; step < e.Tokens; step++)
        {
            optimizer.ZeroGrad();
            w.Accumulate(TrainingFixtures.Matrix(e.AdamGradients!, 5, 4, step * 20));
            optimizer.Step();
            var expected = e.AdamValues!.Skip(step * 20).Take(20).Select(x => (double)x).ToArray();
            FiniteDifferences.AssertClose(expected, value.ToRowMajorArray(), $"w after step {step + 1}", tolerance: 1e-6);
        }
    }

    public static TheoryData<int, string> Cases() => TrainingFixtures.GradientCases("AdamW");

    [Fact]
    public void The_defaults_are_PyTorchs()
    {
        var optimizer = new AdamW([Parameter.Of("w", Vector<float>.Build.Dense(1))]);
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.01), (optimizer.LearningRate, optimizer.Beta1, optimizer.Beta2, optimizer.Eps, optimizer.WeightDecay));
    }

    [Fact]
    public void With_a_zero_gradient_only_the_decoupled_decay_moves_the_parameter()
    {
        var value = Vector<float>.Build.DenseOfArray([1.5f, -2f, 0.25f]);
        var optimizer = new AdamW([Parameter.Of("w", value)], lr: 0.1, weightDecay: 0.5);
        optimizer.Step();
        float decay = (float)(1 - 0.1 * 0.5);
        Assert.Equal(new[] { 1.5f * decay, -2f * decay, 0.25f * decay }, value.ToArray());
    }

    [Fact]
    public void Each_parameter_is_updated_in_place_so_the_layer_that_owns_it_sees_the_step()
    {
        var layer = new Linear(2, 2, true, new TorchGenerator(4));
        var before = layer.Weight.ToRowMajorArray();
        var w = Parameter.Of("weight", layer.Weight);
        w.Accumulate(Matrix<float>.Build.Dense(2, 2, 1f));
        new AdamW([w, Parameter.Of("bias", layer.Bias!)], lr: 0.01, weightDecay: 0).Step();
        // First step: m̂ = g, v̂ = g², so every weight moves by lr·g/(|g| + eps) ≈ 0.01.
        var after = layer.Weight.ToRowMajorArray();
        for (int i = 0; i < 4; i++)
            Assert.Equal(before[i] - 0.01, after[i], 6);
    }

    [Fact]
    public void Bad_hyper_parameters_a_repeated_parameter_and_a_non_finite_gradient_are_refused()
    {
        var p = Parameter.Of("w", Vector<float>.Build.Dense(2));
        Assert.Equal("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], beta1: 1.0)).ParamName);
        Assert.Equal("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], beta2: -0.1)).ParamName);
        Assert.Equal("lr", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], lr: double.NaN)).ParamName);
        Assert.Contains("appear once", Assert.Throws<ArgumentException>(() => new AdamW([p, p])).Message, StringComparison.Ordinal);
        var optimizer = new AdamW([p]);
        p.Accumulate(Vector<float>.Build.DenseOfArray([1f, float.NaN]));
        Assert.Contains("w contains NaN", Assert.Throws<InvalidOperationException>(optimizer.Step).Message, StringComparison.Ordinal);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Theory]
    [InlineData(1e-3, 0.0, 0.01, "eps", "which is 0 in float32")]
    [InlineData(1e-3, 1e-46, 0.01, "eps", "which is 0 in float32")]
    [InlineData(1e39, 1e-8, 0.0, "lr", "exceeds float32's range")]
    [InlineData(1e38, 1e-8, 0.0, "lr", "the first step's size lr / (1 - beta1) = 1")]
    [InlineData(1e-3, 1e-8, 1e42, "weightDecay", "the decay factor 1 - lr * weightDecay")]
    public void Hyper_parameters_whose_update_cannot_be_finite_are_refused_naming_the_values(double lr, double eps, double weightDecay, string parameter, string phrase)
    {
        var p = Parameter.Of("w", Vector<float>.Build.Dense(2));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW([p], lr: lr, eps: eps, weightDecay: weightDecay));
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains(phrase, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_smallest_accepted_eps_keeps_a_zero_gradient_weight_finite()
    {
        var value = Vector<float>.Build.DenseOfArray([0.5f, -0.25f]);
        var p = Parameter.Of("w", value);
        var optimizer = new AdamW([p], eps: float.Epsilon);
        optimizer.Step();
        Assert.All(value, v => Assert.True(float.IsFinite(v)));
    }
}
