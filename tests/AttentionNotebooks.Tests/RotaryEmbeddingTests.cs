using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Tests;

public sealed class RotaryEmbeddingTests
{
    [Fact]
    public void Rotate_equals_the_double_precision_definition_with_split_halves_pairing()
    {
        Gen.Select(Gen.Int[1, 8], Gen.Int[1, 6], Gen.Int[0, 40], Gen.ULong).Sample((rows, pairs, first, seed) =>
        {
            var x = TestHelpers.Random(rows, 2 * pairs, seed);
            var rope = new RotaryEmbedding(2 * pairs);
            TestHelpers.AssertClose(ModernReference.Rotate(Reference.ToDouble(x), first), rope.Rotate(x, first), what: "rotated");
        }, iter: 40);
    }

    [Fact]
    public void Position_zero_is_the_identity_and_pair_i_turns_by_theta_to_the_minus_two_i_over_d()
    {
        var rope = new RotaryEmbedding(4, theta: 100);
        var x = TestHelpers.Random(1, 4, 3);
        Assert.Equal(x, rope.Rotate(x));
        Assert.Equal(1.0, rope.Frequencies[0], 12);
        Assert.Equal(0.1, rope.Frequencies[1], 12);
        Assert.Equal(0.2, rope.Angle(position: 2, pair: 1), 12);
    }

    [Fact]
    public void The_score_of_a_rotated_query_and_key_depends_only_on_their_distance()
    {
        Gen.Select(Gen.Int[0, 30], Gen.Int[0, 30], Gen.Int[1, 50], Gen.ULong).Sample((m, n, shift, seed) =>
        {
            var rope = new RotaryEmbedding(8);
            var q = TestHelpers.Random(1, 8, seed);
            var k = TestHelpers.Random(1, 8, seed + 1);
            double Score(int qm, int kn) => Dot(rope.Rotate(q, qm), rope.Rotate(k, kn));
            Assert.True(Math.Abs(Score(m, n) - Score(m + shift, n + shift)) <= 1e-5, $"score({m}, {n}) = {Score(m, n)} but score({m + shift}, {n + shift}) = {Score(m + shift, n + shift)}");
            var rotatedKey = ModernReference.Rotate(Reference.ToDouble(k), n - m < 0 ? 0 : n - m);
            if (n >= m)                                                  // q·R_(n−m) k: the query left unrotated
                Assert.True(Math.Abs(Score(m, n) - DotD(Reference.ToDouble(q), rotatedKey)) <= 1e-5);
        }, iter: 40);
    }

    [Fact]
    public void RotateBack_undoes_Rotate_and_lengths_are_kept()
    {
        var rope = new RotaryEmbedding(6);
        var x = TestHelpers.Random(5, 6, 9);
        var rotated = rope.Rotate(x, 11);
        TestHelpers.AssertClose(x, rope.RotateBack(rotated, 11), 1e-6, "round trip");
        for (int t = 0; t < 5; t++)
            Assert.Equal(x.Row(t).L2Norm(), rotated.Row(t).L2Norm(), 5);
    }

    [Fact]
    public void An_odd_head_size_a_wrong_width_and_a_negative_position_are_refused()
    {
        Assert.Equal("headDim", Assert.Throws<ArgumentException>(() => new RotaryEmbedding(5)).ParamName);
        var rope = new RotaryEmbedding(4);
        var e = Assert.Throws<ArgumentException>(() => rope.Rotate(Matrix<float>.Build.Dense(2, 6)));
        Assert.Contains("rotates 4 features", e.Message);
        Assert.Equal("firstPosition", Assert.Throws<ArgumentOutOfRangeException>(() => rope.Rotate(Matrix<float>.Build.Dense(2, 4), -1)).ParamName);
    }

    private static double Dot(Matrix<float> a, Matrix<float> b) => Enumerable.Range(0, a.ColumnCount).Sum(c => (double)a[0, c] * b[0, c]);

    private static double DotD(double[,] a, double[,] b) => Enumerable.Range(0, a.GetLength(1)).Sum(c => a[0, c] * b[0, c]);
}
