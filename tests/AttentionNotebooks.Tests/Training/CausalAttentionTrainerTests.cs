using AttentionNotebooks.Training;
using CsCheck;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

public sealed class CausalAttentionTrainerTests
{
    private static CausalAttention Module(int dIn, int dOut, int context, float dropout, bool bias, ulong seed)
    {
        var g = new TorchGenerator(seed);
        return new CausalAttention(new Linear(dIn, dOut, bias, g), new Linear(dIn, dOut, bias, g), new Linear(dIn, dOut, bias, g),
            context, dropout, new TorchGenerator(seed + 1));
    }

    [Fact]
    public void Forward_returns_the_modules_own_context_vectors_and_weights_bit_for_bit_including_dropout()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 6], Gen.Int[1, 5], Gen.Int[1, 5], Gen.Bool, Gen.ULong).Sample((batch, tokens, dIn, dOut, bias, seed) =>
        {
            var x = TestHelpers.RandomBatch(batch, tokens, dIn, seed ^ 7);
            var expected = Module(dIn, dOut, tokens + 1, 0.25f, bias, seed).Forward(x);
            var actual = new CausalAttentionTrainer(Module(dIn, dOut, tokens + 1, 0.25f, bias, seed)).Forward(x);
            for (int b = 0; b < batch; b++)
            {
                Assert.Equal(expected.Context[b].ToRowMajorArray(), actual.Context[b].ToRowMajorArray());
                Assert.Equal(expected.Weights[b].ToRowMajorArray(), actual.Weights[b].ToRowMajorArray());
            }
        }, iter: 40);
    }

    [Fact]
    public void Every_projection_gradient_and_the_input_gradient_match_central_differences_with_and_without_dropout()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 5], Gen.Int[1, 4], Gen.Int[1, 4], Gen.Bool, Gen.Bool, Gen.ULong).Sample((batch, tokens, dIn, dOut, bias, dropout, seed) =>
        {
            float p = dropout ? 0.3f : 0f;
            var module = Module(dIn, dOut, tokens, p, bias, seed);
            var trainer = new CausalAttentionTrainer(module);
            var x = TestHelpers.RandomBatch(batch, tokens, dIn, seed ^ 7);
            var gen = new TorchGenerator(seed ^ 9);
            var upstream = Enumerable.Range(0, batch).Select(_ => gen.Randn(tokens, dOut)).ToArray();
            trainer.Forward(x);
            var dx = trainer.Backward(upstream);

            // The same masks, drawn again from a generator in the dropout's starting state.
            var maskSource = new Dropout(p, new TorchGenerator(seed + 1));
            var masks = Enumerable.Range(0, batch).Select(_ => DropoutMask.Draw(maskSource, tokens, tokens)).ToArray();
            var xd = x.Select(D).ToArray();
            var w = new[] { module.WQuery, module.WKey, module.WValue }.Select(l => D(l.Weight)).ToArray();
            var bvec = new[] { module.WQuery, module.WKey, module.WValue }.Select(l => l.Bias is null ? null : D(l.Bias)).ToArray();
            double Loss()
            {
                double s = 0;
                for (int b = 0; b < batch; b++)
                {
                    var z = Attention(Linear(xd[b], w[0], bvec[0]), Linear(xd[b], w[1], bvec[1]), Linear(xd[b], w[2], bvec[2]), causal: true, 1 / Math.Sqrt(dOut), masks[b]);
                    s += Dot(z, upstream[b]);
                }
                return s;
            }
            var names = new[] { "W_query", "W_key", "W_value" };
            var parameters = trainer.Parameters.ToDictionary(q => q.Name);
            for (int i = 0; i < 3; i++)
            {
                FiniteDifferences.AssertClose(FiniteDifferences.Gradient(w[i], Loss), parameters[names[i] + ".weight"].MatrixGradient!, names[i] + ".weight.grad");
                if (bias)
                    FiniteDifferences.AssertClose(FiniteDifferences.Gradient(bvec[i]!, Loss), parameters[names[i] + ".bias"].VectorGradient!, names[i] + ".bias.grad");
            }
            for (int b = 0; b < batch; b++)
                FiniteDifferences.AssertClose(FiniteDifferences.Gradient(xd[b], Loss), dx[b], $"x[{b}].grad");
        }, iter: 30);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_parameter_gradient_and_the_input_gradient_match_libtorch_autograd(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        var module = new CausalAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.Tokens + (e.Bias ? 2 : 0));
        var trainer = new CausalAttentionTrainer(module);
        var x = e.Tensor("x");
        trainer.Forward(TrainingFixtures.Batch(x.Values, e.Batch, e.Tokens, e.DIn));
        var dx = trainer.Backward(TrainingFixtures.Batch(e.Upstream!.Values, e.Batch, e.Tokens, e.DOut));
        Assert.Equal(e.Tensors.Where(t => t.Name != "x").Select(t => t.Name), trainer.Parameters.Select(p => p.Name));
        foreach (var p in trainer.Parameters)
            TrainingFixtures.AssertGradient(e.Tensor(p.Name).Grad!, p.GradientToRowMajorArray(), p.Name + ".grad");
        TrainingFixtures.AssertGradient(x.Grad!, dx.SelectMany(m => m.ToRowMajorArray()).ToArray(), "x.grad");
    }

    public static TheoryData<int, string> Cases() => TrainingFixtures.GradientCases("CausalAttention");

    [Fact]
    public void Gradients_accumulate_over_backward_passes_until_ZeroGrad()
    {
        var trainer = new CausalAttentionTrainer(Module(3, 2, 4, 0f, true, 11));
        var x = TestHelpers.RandomBatch(1, 4, 3, 12);                  // one sequence: 0 + g, then g + g, exactly
        var upstream = TestHelpers.RandomBatch(1, 4, 2, 13);
        trainer.Forward(x);
        trainer.Backward(upstream);
        var once = trainer.Parameters.Select(p => p.GradientToRowMajorArray()).ToArray();
        trainer.Forward(x);
        trainer.Backward(upstream);
        for (int i = 0; i < once.Length; i++)
            Assert.Equal(once[i].Select(v => v + v), trainer.Parameters[i].GradientToRowMajorArray());
        trainer.ZeroGrad();
        Assert.All(trainer.Parameters, p => Assert.All(p.GradientToRowMajorArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void Backward_before_Forward_is_a_clear_error_and_so_is_a_second_Backward()
    {
        var trainer = new CausalAttentionTrainer(Module(3, 2, 4, 0f, false, 1));
        var upstream = TestHelpers.RandomBatch(1, 4, 2, 2);
        var ex = Assert.Throws<InvalidOperationException>(() => trainer.Backward(upstream));
        Assert.Contains("before it", ex.Message, StringComparison.Ordinal);
        trainer.Forward(TestHelpers.RandomBatch(1, 4, 3, 3));
        trainer.Backward(upstream);
        Assert.Throws<InvalidOperationException>(() => trainer.Backward(upstream));
    }

    [Fact]
    public void A_context_gradient_of_the_wrong_shape_is_refused_with_both_shapes_named()
    {
        var trainer = new CausalAttentionTrainer(Module(3, 2, 6, 0f, false, 1));
        trainer.Forward(TestHelpers.RandomBatch(2, 5, 3, 3));
        var ex = Assert.Throws<ArgumentException>(() => trainer.Backward(TestHelpers.RandomBatch(2, 5, 3, 4)));
        Assert.Equal("contextGradient[0]", ex.ParamName);
        Assert.Contains("5x3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5x2", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<ArgumentException>(() => trainer.Backward(TestHelpers.RandomBatch(1, 5, 2, 4)));
        Assert.Contains("1 sequences", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_validates_like_the_module_naming_the_shapes()
    {
        var trainer = new CausalAttentionTrainer(Module(3, 2, 4, 0f, false, 1));
        var ex = Assert.Throws<ArgumentException>(() => trainer.Forward(TestHelpers.RandomBatch(1, 4, 5, 3)));
        Assert.Contains("4x5", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<ArgumentException>(() => trainer.Forward(TestHelpers.RandomBatch(1, 6, 3, 3)));
        Assert.Contains("context length is 4", ex2.Message, StringComparison.Ordinal);
    }
}
