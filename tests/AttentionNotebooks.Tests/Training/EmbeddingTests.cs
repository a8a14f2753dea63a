using AttentionNotebooks.Training;
using CsCheck;

namespace AttentionNotebooks.Tests.Training;

public sealed class EmbeddingTests
{
    [Fact]
    public void The_initial_table_is_torch_randn_of_its_shape_drawn_from_the_generator()
    {
        Gen.Select(Gen.Int[1, 20], Gen.Int[1, 20], Gen.ULong).Sample((rows, cols, seed) =>
        {
            var expected = new TorchGenerator(seed).Randn(rows, cols);
            Assert.Equal(expected.ToRowMajorArray(), new Embedding(rows, cols, new TorchGenerator(seed)).Weight.ToRowMajorArray());
        }, iter: 40);
    }

    [Fact]
    public void Forward_picks_one_row_per_id()
    {
        var e = new Embedding(5, 3, new TorchGenerator(2));
        var y = e.Forward([4, 0, 4, 2]);
        int[] ids = [4, 0, 4, 2];
        for (int t = 0; t < 4; t++)
            Assert.Equal(e.Weight.Row(ids[t]).ToArray(), y.Row(t).ToArray());
    }

    [Fact]
    public void The_weight_gradient_matches_central_differences_and_repeated_ids_add_up()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 4], Gen.Int[1, 8], Gen.ULong).Sample((rows, cols, tokens, seed) =>
        {
            var g = new TorchGenerator(seed);
            var e = new Embedding(rows, cols, g);
            var ids = Enumerable.Range(0, tokens).Select(_ => (int)(g.NextUInt32() % (uint)rows)).ToArray();
            var upstream = g.Randn(tokens, cols);
            var analytic = e.WeightGradient(ids, upstream);
            var w = DoubleForward.D(e.Weight);
            double Loss()
            {
                double s = 0;
                for (int t = 0; t < tokens; t++)
                    for (int j = 0; j < cols; j++)
                        s += w[ids[t], j] * upstream[t, j];
                return s;
            }
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(w, Loss), analytic, "dW");
        }, iter: 40);
    }

    [Fact]
    public void An_id_outside_the_table_is_refused_naming_the_id_and_the_table_size()
    {
        var e = new Embedding(5, 3, new TorchGenerator(2));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => e.Forward([1, 5]));
        Assert.Contains("ids[1] is 5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("5 rows", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<ArgumentException>(() => e.WeightGradient([1, 2], Matrix<float>.Build.Dense(2, 4)));
        Assert.Contains("2x4", ex2.Message, StringComparison.Ordinal);
    }
}
