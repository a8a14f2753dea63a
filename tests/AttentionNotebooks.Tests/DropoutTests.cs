namespace AttentionNotebooks.Tests;

public sealed class DropoutTests
{
    private static readonly Matrix<float> Ones = Matrix<float>.Build.Dense(100, 100, 1f);

    [Fact]
    public void Evaluation_mode_is_the_identity()
    {
        var dropout = new Dropout(0.5f, new TorchGenerator(123)) { Training = false };
        var x = TestHelpers.Random(6, 6, 1);
        Assert.Equal(x, dropout.Forward(x));
    }

    [Fact]
    public void Probability_zero_is_the_identity_even_in_training_mode()
    {
        var x = TestHelpers.Random(6, 6, 1);
        Assert.Equal(x, new Dropout(0f).Forward(x));
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.9f)]
    public void Training_mode_zeroes_elements_and_scales_survivors_by_one_over_one_minus_p(float p)
    {
        var x = TestHelpers.Random(20, 20, 2);
        var y = new Dropout(p, new TorchGenerator(3)).Forward(x);
        float scale = 1f / (1f - p);
        for (int i = 0; i < x.RowCount; i++)
            for (int j = 0; j < x.ColumnCount; j++)
                Assert.True(y[i, j] == 0f || y[i, j] == x[i, j] * scale, $"element [{i}, {j}] is {y[i, j]}, neither 0 nor {x[i, j] * scale}");
    }

    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.5f)]
    [InlineData(0.8f)]
    public void Training_mode_keeps_the_expected_sum_and_drops_about_a_fraction_p(float p)
    {
        var y = new Dropout(p, new TorchGenerator(11)).Forward(Ones);
        int n = Ones.RowCount * Ones.ColumnCount;
        double dropped = y.Enumerate().Count(v => v == 0f) / (double)n;
        // 10,000 Bernoulli draws: the standard deviation of the dropped fraction is at most 0.005; allow 4 of them.
        Assert.InRange(dropped, p - 0.02, p + 0.02);
        // The expected sum is n; its standard deviation is sqrt(n·p/(1−p)) ≤ 200 for p = 0.8; allow 4 of them.
        Assert.InRange(y.Enumerate().Sum(v => (double)v), n - 4 * Math.Sqrt(n * p / (1 - p)), n + 4 * Math.Sqrt(n * p / (1 - p)));
    }

    [Fact]
    public void The_same_seed_drops_the_same_elements()
    {
        var a = new Dropout(0.5f, new TorchGenerator(5)).Forward(Ones);
        var b = new Dropout(0.5f, new TorchGenerator(5)).Forward(Ones);
        var c = new Dropout(0.5f, new TorchGenerator(6)).Forward(Ones);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(1.5f)]
    [InlineData(float.NaN)]
    public void A_probability_outside_zero_to_one_is_an_error_naming_it(float p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p));
        Assert.Contains("must be in [0, 1)", e.Message);
        Assert.Contains($"but is {p}", e.Message);
    }

    [Fact]
    public void Two_modules_sharing_a_generator_on_two_threads_drop_consistently_and_consume_exactly_their_draws()
    {
        const int rounds = 2_000;
        var shared = new TorchGenerator(5);
        var modules = new[] { new CausalAttention(3, 2, 6, dropout: 0.5f, generator: shared), new CausalAttention(3, 2, 6, dropout: 0.5f, generator: shared) };
        var kept = modules.Select(m => new CausalAttention(m.WQuery, m.WKey, m.WValue, 6).Forward(SampleData.Inputs()).Weights).ToArray();
        var reference = new TorchGenerator(5);
        new CausalAttention(3, 2, 6, dropout: 0.5f, generator: reference);
        new CausalAttention(3, 2, 6, dropout: 0.5f, generator: reference);  // the reference is where the shared one starts dropping
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var start = new Barrier(2);
        var workers = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                for (int r = 0; r < rounds; r++)
                {
                    var dropped = modules[t].Forward(SampleData.Inputs()).Weights;
                    for (int i = 0; i < 6; i++)
                        for (int j = 0; j < 6; j++)
                            Assert.True(dropped[i, j] == 0f || dropped[i, j] == 2f * kept[t][i, j]);
                }
            }
            catch (Exception e)
            {
                errors.Add(e);
            }
        })).ToArray();
        foreach (var w in workers)
            w.Start();
        foreach (var w in workers)
            w.Join();
        Assert.Empty(errors);
        for (int i = 0; i < 2 * rounds * 36; i++)                           // one draw per element of each 6x6 weight matrix
            reference.NextFloat();
        Assert.Equal(reference.NextUInt32(), shared.NextUInt32());
    }
}
