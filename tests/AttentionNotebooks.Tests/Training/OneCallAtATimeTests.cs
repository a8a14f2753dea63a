using AttentionNotebooks.Training;

namespace AttentionNotebooks.Tests.Training;

/// <summary>Trainers shared by threads: every call either computes what one thread alone computes, or is refused.</summary>
public sealed class OneCallAtATimeTests
{
    private const int Threads = 8, Rounds = 300;

    [Fact]
    public void Eight_threads_on_one_CausalAttentionTrainer_get_exact_gradients_or_a_clear_error()
    {
        var x = TestHelpers.RandomBatch(1, 5, 3, 11);
        var dz = TestHelpers.RandomBatch(1, 5, 4, 12);
        var expected = new CausalAttentionTrainer(new CausalAttention(3, 4, 5, generator: new TorchGenerator(1)));
        expected.Forward(x);
        var dxExpected = expected.Backward(dz);
        var gradExpected = expected.Parameters.Select(p => p.Gradient.ToArray()).ToArray();

        var trainer = new CausalAttentionTrainer(new CausalAttention(3, 4, 5, generator: new TorchGenerator(1)));
        int successes = Hammer(() => { trainer.Forward(x); return trainer.Backward(dz); }, dxExpected, "CausalAttentionTrainer");
        AssertAccumulated(trainer.Parameters, gradExpected, successes);
    }

    [Fact]
    public void Eight_threads_on_one_MultiHeadAttentionTrainer_get_exact_gradients_or_a_clear_error()
    {
        var x = TestHelpers.RandomBatch(1, 5, 3, 11);
        var dy = TestHelpers.RandomBatch(1, 5, 4, 12);
        var expected = new MultiHeadAttentionTrainer(new MultiHeadAttention(3, 4, 5, 0f, 2, generator: new TorchGenerator(1)));
        expected.Forward(x);
        var dxExpected = expected.Backward(dy);
        var gradExpected = expected.Parameters.Select(p => p.Gradient.ToArray()).ToArray();

        var trainer = new MultiHeadAttentionTrainer(new MultiHeadAttention(3, 4, 5, 0f, 2, generator: new TorchGenerator(1)));
        int successes = Hammer(() => { trainer.Forward(x); return trainer.Backward(dy); }, dxExpected, "MultiHeadAttentionTrainer");
        AssertAccumulated(trainer.Parameters, gradExpected, successes);
    }

    [Fact]
    public void One_thread_may_take_over_from_another_between_calls()
    {
        var x = TestHelpers.RandomBatch(1, 4, 3, 1);
        var trainer = new CausalAttentionTrainer(new CausalAttention(3, 2, 4, generator: new TorchGenerator(2)));
        var other = new Thread(() => trainer.Forward(x));
        other.Start();
        other.Join();
        var dx = trainer.Backward(TestHelpers.RandomBatch(1, 4, 2, 3));       // a notebook's next cell may run on another thread
        Assert.Equal(4, dx[0].RowCount);
    }

    /// <summary>Runs <paramref name="step"/> Rounds times on each of Threads threads; returns how many completed.</summary>
    private static int Hammer(Func<Matrix<float>[]> step, Matrix<float>[] expected, string owner)
    {
        int successes = 0, refused = 0;
        var wrong = new List<string>();
        var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int r = 0; r < Rounds; r++)
            {
                try
                {
                    var dx = step();
                    for (int b = 0; b < expected.Length; b++)
                        if (!dx[b].ToRowMajorArray().AsSpan().SequenceEqual(expected[b].ToRowMajorArray()))
                            lock (wrong) wrong.Add($"round {r}: dX[{b}] differs");
                    Interlocked.Increment(ref successes);
                }
                catch (InvalidOperationException e) when (
                    e.Message.Contains($"while thread", StringComparison.Ordinal) && e.Message.Contains($"is inside {owner}.", StringComparison.Ordinal) ||
                    e.Message.StartsWith($"{owner}.Backward was called without a Forward", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref refused);
                }
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        Assert.Empty(wrong);
        Assert.Equal(Threads * Rounds, successes + refused);
        Assert.True(successes > 0, "no call completed");
        return successes;
    }

    /// <summary>Each completed backward (batch of one: one addend per parameter) added the one-thread gradient once: n equal addends, added one by one.</summary>
    private static void AssertAccumulated(IReadOnlyList<Parameter> parameters, float[][] once, int times)
    {
        for (int i = 0; i < parameters.Count; i++)
        {
            var sum = new float[once[i].Length];
            for (int n = 0; n < times; n++)
                for (int j = 0; j < sum.Length; j++)
                    sum[j] += once[i][j];
            Assert.Equal(sum, parameters[i].Gradient.ToArray());
        }
    }
}
