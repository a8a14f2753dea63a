using AttentionNotebooks.Tests.Parity;

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
        float scale = 1f / (float)(1.0 - double.Parse(p.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)); // PyTorch: 1 − p in float64, the division in float32
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
        for (int i = 0; i < 2 * rounds * 36; i++)                           // one float64 uniform per element of each 6x6 weight matrix
            reference.NextDouble();
        Assert.Equal(reference.NextUInt32(), shared.NextUInt32());
    }

    public static TheoryData<int, string> DropoutSequences()
    {
        var data = new TheoryData<int, string>();
        var entries = Fixtures.Load<DropoutEntry>(Fixtures.Dropout);
        for (int i = 0; i < entries.Count; i++)
            if (entries[i].Steps is not null)
                data.Add(i, entries[i].Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(DropoutSequences))]
    public void Every_libtorch_bernoulli_and_dropout_sequence_is_reproduced_bit_for_bit(int index, string name)
    {
        var entry = Fixtures.Load<DropoutEntry>(Fixtures.Dropout)[index];
        Assert.Equal(name, entry.Name);
        var generator = new TorchGenerator(unchecked((ulong)entry.Seed));
        for (int s = 0; s < entry.Steps!.Count; s++)
        {
            var step = entry.Steps[s];
            var (rows, cols) = step.Matrix;
            string what = $"{entry.Name}, step {s} ({step.Op})";
            var actual = step.Op switch
            {
                "rand" => generator.Rand(rows, cols),
                "bernoulli" => generator.Bernoulli(rows, cols, step.P),
                "dropout" => new Dropout((float)step.P, generator).Forward(Fixtures.Matrix(step.Input!, rows, cols)),
                _ => throw new InvalidDataException($"unknown fixture step {step.Op}"),
            };
            Fixtures.AssertBitIdentical(step.Values, actual.ToRowMajorArray(), what);
        }
    }

    [Fact]
    public void The_dropout_fixtures_come_from_libtorchs_portable_bernoulli_kernel_and_cover_every_call()
    {
        var entries = Fixtures.Load<DropoutEntry>(Fixtures.Dropout);
        foreach (var e in entries)
        {
            Assert.Equal("2.10.0", e.LibtorchVersion);
            Assert.Equal("0.107.0", e.TorchSharpVersion);
            Assert.StartsWith($"torch.manual_seed({e.Seed})", e.Pytorch);
            Assert.NotEqual("GenuineIntel", e.CpuVendor);              // an Intel CPU would have run MKL's kernel instead
        }
        var steps = entries.SelectMany(e => e.Steps ?? []).ToList();
        Assert.Contains(steps, s => s.Op == "bernoulli" && s.P is 0.0);
        Assert.Contains(steps, s => s.Op == "bernoulli" && s.P is 1.0);
        Assert.Contains(steps, s => s.Op == "bernoulli" && s.Values.Length > 800);
        Assert.Contains(steps, s => s.Op == "dropout" && s.P is 0.1);
        Assert.Contains(steps, s => s.Op == "dropout" && s.P is 0.9);
        Assert.Single(entries, e => e.Context is not null);
    }

    [Fact]
    public void CausalAttention_with_dropout_half_after_seed_123_equals_libtorchs_book_module_in_training_mode()
    {
        var entry = Fixtures.Load<DropoutEntry>(Fixtures.Dropout).Single(e => e.Context is not null);
        var ca = new CausalAttention(3, 2, 6, dropout: 0.5f, generator: new TorchGenerator(123));
        Fixtures.AssertBitIdentical(entry.WQuery!, ca.WQuery.Weight.ToRowMajorArray(), "W_query");
        Fixtures.AssertBitIdentical(entry.WKey!, ca.WKey.Weight.ToRowMajorArray(), "W_key");
        Fixtures.AssertBitIdentical(entry.WValue!, ca.WValue.Weight.ToRowMajorArray(), "W_value");
        var result = ca.Forward([SampleData.Inputs(), SampleData.Inputs()]);
        var dropped = Fixtures.Matrices(entry.DroppedWeights!, 2, 6, 6);
        var context = Fixtures.Matrices(entry.Context!, 2, 6, 2);
        for (int b = 0; b < 2; b++)
        {
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 6; j++)
                    Assert.Equal(dropped[b][i, j] == 0f, result.Weights[b][i, j] == 0f);   // the same elements dropped
            TestHelpers.AssertClose(dropped[b], result.Weights[b], 1e-6, $"dropped weights of sequence {b}");
            TestHelpers.AssertClose(context[b], result.Context[b], 1e-6, $"context of sequence {b}");
        }
    }

    [Fact]
    public void Dropout_half_of_a_6x6_matrix_of_ones_after_seed_123_is_the_tensor_the_book_prints()
    {
        float[,] book =                                                // Raschka, ch03.ipynb, section 3.5.2 (PyTorch 2.2.2)
        {
            { 2, 2, 0, 2, 2, 0 },
            { 0, 0, 0, 2, 0, 2 },
            { 2, 2, 2, 2, 0, 2 },
            { 0, 2, 2, 0, 0, 2 },
            { 0, 2, 0, 2, 0, 2 },
            { 0, 2, 2, 2, 2, 0 },
        };
        var dropped = new Dropout(0.5f, new TorchGenerator(123)).Forward(Matrix<float>.Build.Dense(6, 6, 1f));
        Assert.Equal(Matrix<float>.Build.DenseOfArray(book), dropped);
    }

    [Fact]
    public void Dropout_half_of_the_books_causal_weights_after_seed_123_is_the_tensor_the_book_prints()
    {
        double[,] book =                                               // Raschka, ch03.ipynb, section 3.5.2, printed to 4 decimals
        {
            { 2.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000 },
            { 0.0000, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000 },
            { 0.7599, 0.6194, 0.6206, 0.0000, 0.0000, 0.0000 },
            { 0.0000, 0.4921, 0.4925, 0.0000, 0.0000, 0.0000 },
            { 0.0000, 0.3966, 0.0000, 0.3775, 0.0000, 0.0000 },
            { 0.0000, 0.3327, 0.3331, 0.3084, 0.3331, 0.0000 },
        };
        var inputs = SampleData.Inputs();
        var sa = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(789));
        var keys = sa.WKey.Forward(inputs);
        var scores = CausalMask.MaskedFill(sa.WQuery.Forward(inputs) * keys.Transpose(), CausalMask.Create(6));
        var causalWeights = Softmax.Stable(scores / MathF.Sqrt(keys.ColumnCount));
        var dropped = new Dropout(0.5f, new TorchGenerator(123)).Forward(causalWeights);
        TestHelpers.AssertClose(book, dropped, 5e-5, "dropped causal weights");
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                Assert.Equal(book[i, j] == 0, dropped[i, j] == 0f);
    }
}
