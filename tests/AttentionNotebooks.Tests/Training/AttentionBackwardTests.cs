using AttentionNotebooks.Training;
using CsCheck;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

public sealed class AttentionBackwardTests
{
    /// <summary>A = softmax(mask(Q·Kᵀ)/√d_k) computed with the library's forward operations.</summary>
    private static Matrix<float> Weights(Matrix<float> q, Matrix<float> k, bool causal)
    {
        var scores = q * k.Transpose();
        if (causal)
            scores = CausalMask.FillAboveDiagonal(scores);
        return Softmax.Stable(scores / MathF.Sqrt(q.ColumnCount));
    }

    [Fact]
    public void Query_key_and_value_gradients_match_central_differences_with_and_without_mask_and_dropout()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 6], Gen.Int[1, 5], Gen.Int[1, 4], Gen.Int[0, 2], Gen.ULong).Sample((tq, tk, dk, dv, mode, seed) =>
        {
            bool causal = mode == 1;
            if (causal)
                tk = tq;
            var g = new TorchGenerator(seed);
            var q = g.Randn(tq, dk);
            var k = g.Randn(tk, dk);
            var v = g.Randn(tk, dv);
            var upstream = g.Randn(tq, dv);
            var dropout = mode == 2 ? DropoutMask.Draw(new Dropout(0.3f, g), tq, tk) : null;
            var grads = AttentionBackward.ScaledDotProduct(q, k, v, Weights(q, k, causal), upstream, causal, dropout);

            double[,] qd = D(q), kd = D(k), vd = D(v);
            double scale = 1 / Math.Sqrt(dk);
            double Loss() => Dot(Attention(qd, kd, vd, causal, scale, dropout), upstream);
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(qd, Loss), grads.Queries, "dQ");
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(kd, Loss), grads.Keys, "dK");
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(vd, Loss), grads.Values, "dV");
        }, iter: 60);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_libtorch_scaled_dot_product_attention_autograd(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        FixtureTensor q = e.Tensor("q"), k = e.Tensor("k"), v = e.Tensor("v");
        int heads = e.Batch * e.NumHeads, t = e.Tokens, d = e.DOut;
        var qs = TrainingFixtures.Batch(q.Values, heads, t, d);
        var ks = TrainingFixtures.Batch(k.Values, heads, t, d);
        var vs = TrainingFixtures.Batch(v.Values, heads, t, d);
        var dz = TrainingFixtures.Batch(e.Upstream!.Values, heads, t, d);
        var dq = new List<float>();
        var dk = new List<float>();
        var dv = new List<float>();
        for (int h = 0; h < heads; h++)
        {
            var grads = AttentionBackward.ScaledDotProduct(qs[h], ks[h], vs[h], Weights(qs[h], ks[h], e.Causal), dz[h], e.Causal);
            dq.AddRange(grads.Queries.ToRowMajorArray());
            dk.AddRange(grads.Keys.ToRowMajorArray());
            dv.AddRange(grads.Values.ToRowMajorArray());
        }
        TrainingFixtures.AssertGradient(q.Grad!, [.. dq], "q.grad");
        TrainingFixtures.AssertGradient(k.Grad!, [.. dk], "k.grad");
        TrainingFixtures.AssertGradient(v.Grad!, [.. dv], "v.grad");
    }

    public static TheoryData<int, string> Cases() => TrainingFixtures.GradientCases("sdpa");

    [Fact]
    public void Masked_weights_pass_exactly_zero_gradient_to_the_queries_of_earlier_keys()
    {
        // With a causal mask, query 0 sees only key 0: the gradient of key j > 0 collects nothing from query 0, and
        // the score gradient above the diagonal is exactly zero, so dK of the last key comes only from the last query.
        var g = new TorchGenerator(7);
        var q = g.Randn(4, 3);
        var k = g.Randn(4, 3);
        var v = g.Randn(4, 2);
        var upstream = Matrix<float>.Build.Dense(4, 2);
        upstream.SetRow(0, g.Randn(1, 2).Row(0));                     // only query 0 has a gradient
        var grads = AttentionBackward.ScaledDotProduct(q, k, v, Weights(q, k, causal: true), upstream, causal: true);
        for (int j = 1; j < 4; j++)
        {
            Assert.All(grads.Keys.Row(j).ToArray(), x => Assert.Equal(0f, x));
            Assert.All(grads.Values.Row(j).ToArray(), x => Assert.Equal(0f, x));
        }
    }

    [Fact]
    public void Weights_of_the_wrong_shape_are_refused_with_the_shapes_named()
    {
        var q = Matrix<float>.Build.Dense(4, 3, 0.1f);
        var v = Matrix<float>.Build.Dense(5, 2, 0.1f);
        var k = Matrix<float>.Build.Dense(5, 3, 0.1f);
        var ex = Assert.Throws<ArgumentException>(() =>
            AttentionBackward.ScaledDotProduct(q, k, v, Matrix<float>.Build.Dense(4, 4, 0.25f), Matrix<float>.Build.Dense(4, 2), causal: false));
        Assert.Equal("weights", ex.ParamName);
        Assert.Contains("4x5", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<ArgumentException>(() =>
            AttentionBackward.ScaledDotProduct(q, k, v, Matrix<float>.Build.Dense(4, 5, 0.2f), Matrix<float>.Build.Dense(4, 3), causal: false));
        Assert.Equal("contextGradient", ex2.ParamName);
        Assert.Contains("4x3", ex2.Message, StringComparison.Ordinal);
    }
}
