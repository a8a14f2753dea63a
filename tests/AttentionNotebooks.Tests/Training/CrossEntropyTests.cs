using AttentionNotebooks.Training;
using CsCheck;

namespace AttentionNotebooks.Tests.Training;

public sealed class CrossEntropyTests
{
    /// <summary>mean over counted positions of log Σ exp(x) − x[y], in double.</summary>
    private static double Reference(double[][,] logits, int[][] targets)
    {
        double sum = 0;
        int count = 0;
        for (int b = 0; b < logits.Length; b++)
            for (int t = 0; t < targets[b].Length; t++)
            {
                if (targets[b][t] == CrossEntropy.IgnoreIndex)
                    continue;
                double max = double.NegativeInfinity;
                for (int j = 0; j < logits[b].GetLength(1); j++)
                    max = Math.Max(max, logits[b][t, j]);
                double z = 0;
                for (int j = 0; j < logits[b].GetLength(1); j++)
                    z += Math.Exp(logits[b][t, j] - max);
                sum += max + Math.Log(z) - logits[b][t, targets[b][t]];
                count++;
            }
        return sum / count;
    }

    [Fact]
    public void The_loss_matches_the_double_definition_and_its_gradient_matches_central_differences()
    {
        Gen.Select(Gen.Int[1, 3], Gen.Int[1, 6], Gen.Int[2, 7], Gen.ULong).Sample((batch, tokens, classes, seed) =>
        {
            var g = new TorchGenerator(seed);
            var logits = Enumerable.Range(0, batch).Select(_ => g.Randn(tokens, classes) * 4f).ToArray();
            var targets = Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, tokens).Select(_ =>
                g.NextFloat() < 0.25f ? CrossEntropy.IgnoreIndex : (int)(g.NextUInt32() % (uint)classes)).ToArray()).ToArray();
            targets[0][0] = 0;                                          // at least one counted position
            var result = CrossEntropy.Mean(logits, targets);
            var ld = logits.Select(DoubleForward.D).ToArray();
            Assert.True(Math.Abs(Reference(ld, targets) - result.Loss) <= 1e-5 * Math.Max(1, Reference(ld, targets)));
            Assert.Equal(targets.Sum(r => r.Count(y => y != CrossEntropy.IgnoreIndex)), result.Count);
            for (int b = 0; b < batch; b++)
                FiniteDifferences.AssertClose(FiniteDifferences.Gradient(ld[b], () => Reference(ld, targets)), result.LogitsGradient[b], $"dlogits[{b}]");
        }, iter: 60);
    }

    [Fact]
    public void Large_logits_do_not_overflow()
    {
        var logits = Matrix<float>.Build.DenseOfArray(new float[,] { { 1000f, 0f, -1000f } });
        var result = CrossEntropy.Mean([logits], [[1]]);
        Assert.Equal(1000f, result.Loss, 3);
        Assert.True(result.LogitsGradient[0].ToRowMajorArray().All(float.IsFinite));
    }

    [Fact]
    public void Targets_outside_the_classes_or_all_ignored_are_refused()
    {
        var logits = Matrix<float>.Build.Dense(2, 3);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CrossEntropy.Mean([logits], [[0, 3]]));
        Assert.Contains("targets[0][1] is 3", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CrossEntropy.Mean([logits], [[-100, -100]]));
        var ex3 = Assert.Throws<ArgumentException>(() => CrossEntropy.Mean([logits], [[0]]));
        Assert.Contains("2x3", ex3.Message, StringComparison.Ordinal);
    }
}
