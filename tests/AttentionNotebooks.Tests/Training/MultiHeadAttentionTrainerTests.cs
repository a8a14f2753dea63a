using AttentionNotebooks.Training;
using CsCheck;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

public sealed class MultiHeadAttentionTrainerTests
{
    private static MultiHeadAttention Module(int dIn, int dOut, int heads, int context, float dropout, bool bias, ulong seed)
    {
        var g = new TorchGenerator(seed);
        return new MultiHeadAttention(new Linear(dIn, dOut, bias, g), new Linear(dIn, dOut, bias, g), new Linear(dIn, dOut, bias, g),
            new Linear(dOut, dOut, true, g), context, heads, dropout, new TorchGenerator(seed + 1));
    }

    [Fact]
    public void Forward_returns_the_modules_own_outputs_and_weights_bit_for_bit_including_dropout()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 6], Gen.Int[1, 5], Gen.Int[1, 3], Gen.Int[1, 3], Gen.Bool, Gen.ULong).Sample((batch, tokens, dIn, heads, headDim, bias, seed) =>
        {
            var x = TestHelpers.RandomBatch(batch, tokens, dIn, seed ^ 7);
            var expected = Module(dIn, heads * headDim, heads, tokens, 0.25f, bias, seed).Forward(x);
            var actual = new MultiHeadAttentionTrainer(Module(dIn, heads * headDim, heads, tokens, 0.25f, bias, seed)).Forward(x);
            for (int b = 0; b < batch; b++)
            {
                Assert.Equal(expected.Context[b].ToRowMajorArray(), actual.Context[b].ToRowMajorArray());
                for (int h = 0; h < heads; h++)
                    Assert.Equal(expected.Weights[b][h].ToRowMajorArray(), actual.Weights[b][h].ToRowMajorArray());
            }
        }, iter: 40);
    }

    [Fact]
    public void Every_projection_gradient_out_proj_included_and_the_input_gradient_match_central_differences()
    {
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 5], Gen.Int[1, 4], Gen.Int[1, 3], Gen.Int[1, 2], Gen.Bool, Gen.Bool, Gen.ULong).Sample((batch, tokens, dIn, heads, headDim, bias, dropout, seed) =>
        {
            int dOut = heads * headDim;
            float p = dropout ? 0.3f : 0f;
            var module = Module(dIn, dOut, heads, tokens, p, bias, seed);
            var trainer = new MultiHeadAttentionTrainer(module);
            var x = TestHelpers.RandomBatch(batch, tokens, dIn, seed ^ 7);
            var gen = new TorchGenerator(seed ^ 9);
            var upstream = Enumerable.Range(0, batch).Select(_ => gen.Randn(tokens, dOut)).ToArray();
            trainer.Forward(x);
            var dx = trainer.Backward(upstream);

            var maskSource = new Dropout(p, new TorchGenerator(seed + 1));
            var masks = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, heads).Select(_ => DropoutMask.Draw(maskSource, tokens, tokens)).ToArray()).ToArray();
            var layers = new[] { module.WQuery, module.WKey, module.WValue, module.OutProj };
            var w = layers.Select(l => D(l.Weight)).ToArray();
            var bv = layers.Select(l => l.Bias is null ? null : D(l.Bias)).ToArray();
            var xd = x.Select(D).ToArray();
            double Loss()
            {
                double s = 0;
                for (int b = 0; b < batch; b++)
                {
                    var q = Linear(xd[b], w[0], bv[0]);
                    var k = Linear(xd[b], w[1], bv[1]);
                    var v = Linear(xd[b], w[2], bv[2]);
                    var context = new double[tokens, dOut];
                    for (int h = 0; h < heads; h++)
                    {
                        var z = Attention(Columns(q, h * headDim, headDim), Columns(k, h * headDim, headDim), Columns(v, h * headDim, headDim), causal: true, 1 / Math.Sqrt(headDim), masks[b][h]);
                        for (int i = 0; i < tokens; i++)
                            for (int j = 0; j < headDim; j++)
                                context[i, h * headDim + j] = z[i, j];
                    }
                    s += Dot(Linear(context, w[3], bv[3]), upstream[b]);
                }
                return s;
            }
            var names = new[] { "W_query", "W_key", "W_value", "out_proj" };
            var parameters = trainer.Parameters.ToDictionary(q => q.Name);
            for (int i = 0; i < 4; i++)
            {
                FiniteDifferences.AssertClose(FiniteDifferences.Gradient(w[i], Loss), parameters[names[i] + ".weight"].MatrixGradient!, names[i] + ".weight.grad");
                if (bv[i] is not null)
                    FiniteDifferences.AssertClose(FiniteDifferences.Gradient(bv[i]!, Loss), parameters[names[i] + ".bias"].VectorGradient!, names[i] + ".bias.grad");
            }
            for (int b = 0; b < batch; b++)
                FiniteDifferences.AssertClose(FiniteDifferences.Gradient(xd[b], Loss), dx[b], $"x[{b}].grad");
        }, iter: 25);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_parameter_gradient_and_the_input_gradient_match_libtorch_autograd(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        var module = new MultiHeadAttention(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.Linear("out_proj"), e.Tokens + (e.Bias ? 2 : 0), e.NumHeads);
        var trainer = new MultiHeadAttentionTrainer(module);
        var x = e.Tensor("x");
        trainer.Forward(TrainingFixtures.Batch(x.Values, e.Batch, e.Tokens, e.DIn));
        var dx = trainer.Backward(TrainingFixtures.Batch(e.Upstream!.Values, e.Batch, e.Tokens, e.DOut));
        Assert.Equal(e.Tensors.Where(t => t.Name != "x").Select(t => t.Name), trainer.Parameters.Select(p => p.Name));
        foreach (var p in trainer.Parameters)
            TrainingFixtures.AssertGradient(e.Tensor(p.Name).Grad!, p.GradientToRowMajorArray(), p.Name + ".grad");
        TrainingFixtures.AssertGradient(x.Grad!, dx.SelectMany(m => m.ToRowMajorArray()).ToArray(), "x.grad");
    }

    public static TheoryData<int, string> Cases() => TrainingFixtures.GradientCases("MultiHeadAttention");

    [Fact]
    public void Backward_before_Forward_and_an_output_gradient_of_the_wrong_shape_are_clear_errors()
    {
        var trainer = new MultiHeadAttentionTrainer(Module(3, 4, 2, 5, 0f, false, 1));
        var ex = Assert.Throws<InvalidOperationException>(() => trainer.Backward(TestHelpers.RandomBatch(1, 5, 4, 2)));
        Assert.Contains("MultiHeadAttentionTrainer.Backward", ex.Message, StringComparison.Ordinal);
        trainer.Forward(TestHelpers.RandomBatch(1, 5, 3, 3));
        var ex2 = Assert.Throws<ArgumentException>(() => trainer.Backward(TestHelpers.RandomBatch(1, 4, 4, 2)));
        Assert.Contains("4x4", ex2.Message, StringComparison.Ordinal);
        Assert.Contains("5x4", ex2.Message, StringComparison.Ordinal);
    }
}
