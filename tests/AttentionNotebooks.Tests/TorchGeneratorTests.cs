using AttentionNotebooks.Tests.Parity;

namespace AttentionNotebooks.Tests;

/// <summary>
/// The generator from its definition (std::mt19937, PyTorch's conversions to floats and its Box–Muller transforms) and
/// bit for bit against every libtorch fixture in Fixtures/generator.*.json.
/// </summary>
public sealed class TorchGeneratorTests
{
    public static TheoryData<string, int, string> GeneratorFixtureEntries()
    {
        var data = new TheoryData<string, int, string>();
        foreach (string file in new[] { Fixtures.GeneratorAvx2, Fixtures.GeneratorDefault })
        {
            var entries = Fixtures.Generator(file);
            for (int i = 0; i < entries.Count; i++)
                data.Add(file, i, entries[i].Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(GeneratorFixtureEntries))]
    public void Every_libtorch_generator_fixture_is_reproduced_bit_for_bit(string file, int index, string name)
    {
        var entry = Fixtures.Generator(file)[index];
        Assert.Equal(name, entry.Name);
        var generator = new TorchGenerator(unchecked((ulong)entry.Seed), Fixtures.Capability(entry.CpuCapability));
        for (int s = 0; s < entry.Steps.Count; s++)
        {
            var step = entry.Steps[s];
            string what = $"{entry.Name}, step {s} ({step.Op})";
            switch (step.Op)
            {
                case "rand" when step.Shape!.Length == 2:
                    Fixtures.AssertBitIdentical(step.Values!, generator.Rand((int)step.Shape[0], (int)step.Shape[1]).ToRowMajorArray(), what);
                    break;
                case "rand":
                {
                    var values = new float[step.Count];
                    generator.FillUniform(values, 0f, 1f);
                    Fixtures.AssertBitIdentical(step.Values!, values, what);
                    break;
                }
                case "randn" when step.Shape!.Length == 2:
                    AssertRandn(step, generator.Randn((int)step.Shape[0], (int)step.Shape[1]).ToRowMajorArray(), generator.Capability, what);
                    break;
                case "randn":
                {
                    var values = new float[step.Count];
                    generator.FillRandn(values);
                    AssertRandn(step, values, generator.Capability, what);
                    break;
                }
                case "uniform":
                {
                    var values = new float[step.Count];
                    generator.FillUniform(values, (float)step.From, (float)step.To);
                    Fixtures.AssertBitIdentical(step.Values!, values, what);
                    break;
                }
                case "linear":
                {
                    var layer = new Linear(step.InFeatures, step.OutFeatures, step.Bias, generator);
                    Fixtures.AssertBitIdentical(step.Weight!, layer.Weight.ToRowMajorArray(), what + " weight");
                    if (step.Bias)
                        Fixtures.AssertBitIdentical(step.BiasValues!, layer.Bias!.ToArray(), what + " bias");
                    else
                        Assert.Null(layer.Bias);
                    break;
                }
                default:
                    Assert.Fail($"unknown fixture step {step.Op}");
                    break;
            }
        }
    }

    /// <summary>
    /// Bit for bit, except where the portable kernel calls the C library's logf, cosf and sinf (randn of 16 or more):
    /// those are glibc's on Linux, as in the fixtures, but another C library may differ in the last bit.
    /// </summary>
    private static void AssertRandn(GeneratorStep step, float[] actual, TorchCpuCapability capability, string what)
    {
        if (capability == TorchCpuCapability.Default && step.Count >= 16 && !OperatingSystem.IsLinux())
        {
            for (int i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(step.Values![i] - actual[i]) <= 1e-6 * (1 + Math.Abs(actual[i])), $"{what}[{i}]: {actual[i]:R} vs {step.Values[i]:R}");
            return;
        }
        Fixtures.AssertBitIdentical(step.Values!, actual, what);
    }

    [Fact]
    public void The_fixtures_cover_both_kernels_every_call_and_record_how_they_were_made()
    {
        var avx = Fixtures.Generator(Fixtures.GeneratorAvx2);
        var portable = Fixtures.Generator(Fixtures.GeneratorDefault);
        Assert.All(avx, e => Assert.Equal("AVX512", e.CpuCapability));
        Assert.All(portable, e => Assert.Equal("DEFAULT", e.CpuCapability));
        Assert.Equal(avx.Select(e => e.Pytorch), portable.Select(e => e.Pytorch));
        foreach (var e in avx.Concat(portable))
        {
            Assert.Equal("2.10.0", e.LibtorchVersion);
            Assert.Equal("0.107.0", e.TorchSharpVersion);
            Assert.StartsWith($"torch.manual_seed({e.Seed})", e.Pytorch);
            Assert.StartsWith($"torch.manual_seed({e.Seed});", e.TorchSharp);
            Assert.Equal(e.Seed, e.InitialSeed);
        }
        var steps = avx.SelectMany(e => e.Steps).ToList();
        Assert.Contains(steps, s => s.Op == "randn" && s.Count < 16);
        Assert.Contains(steps, s => s.Op == "randn" && s.Count >= 16 && s.Count % 16 != 0);
        Assert.Contains(steps, s => s.Op == "randn" && s.Count >= 16 && s.Count % 16 == 0);
        Assert.Contains(steps, s => s.Op == "uniform");
        Assert.Contains(steps, s => s.Op == "linear" && s.Bias);
        Assert.Contains(steps, s => s.Op == "linear" && !s.Bias);
    }

    [Fact]
    public void Rand_after_seed_123_equals_libtorch_bit_for_bit()
    {
        var entry = Fixtures.Generator(Fixtures.GeneratorAvx2).Single(e => e.Seed == 123 && e.Name.StartsWith("book: W_query", StringComparison.Ordinal));
        var generator = new TorchGenerator(123);
        foreach (var step in entry.Steps)
            Fixtures.AssertBitIdentical(step.Values!, generator.Rand(3, 2).ToRowMajorArray(), "torch.rand(3, 2)");
        // What the book prints for W_query after torch.manual_seed(123).
        TestHelpers.AssertRow([0.2961f, 0.5166f], new TorchGenerator(123).Rand(3, 2).Row(0), 5e-5, "W_query[0]");
    }

    [Fact]
    public void Mt19937_10000th_output_for_seed_5489_is_4123659995()
    {
        // The C++ standard's check value for std::mt19937 default-constructed (seed 5489).
        var generator = new TorchGenerator(5489);
        uint value = 0;
        for (int i = 0; i < 10000; i++)
            value = generator.NextUInt32();
        Assert.Equal(4123659995U, value);
    }

    [Fact]
    public void Mt19937_first_output_for_seed_5489_is_3499211612() =>
        Assert.Equal(3499211612U, new TorchGenerator(5489).NextUInt32());

    [Fact]
    public void Only_the_low_32_bits_of_the_seed_reach_the_Mersenne_Twister()
    {
        var high = new TorchGenerator((1UL << 40) + 5);
        var low = new TorchGenerator(5);
        Assert.Equal((1UL << 40) + 5, high.InitialSeed);
        for (int i = 0; i < 1000; i++)
            Assert.Equal(low.NextUInt32(), high.NextUInt32());
    }

    [Fact]
    public void NextFloat_is_the_low_24_bits_of_a_draw_times_2_to_the_minus_24()
    {
        var g = new TorchGenerator(17);
        var raw = new TorchGenerator(17);
        for (int i = 0; i < 10000; i++)
        {
            float x = g.NextFloat();
            Assert.Equal((raw.NextUInt32() & 0xffffff) / 16777216f, x);
            Assert.InRange(x, 0f, 1f - 1f / 16777216f);
        }
    }

    [Fact]
    public void NextUInt64_puts_the_first_draw_in_the_high_half_and_NextDouble_keeps_53_bits()
    {
        var g = new TorchGenerator(3);
        var raw = new TorchGenerator(3);
        ulong first = raw.NextUInt32(), second = raw.NextUInt32();
        Assert.Equal((first << 32) | second, g.NextUInt64());
        ulong bits = ((ulong)raw.NextUInt32() << 32) | raw.NextUInt32();
        Assert.Equal((bits & ((1UL << 53) - 1)) / 9007199254740992.0, g.NextDouble());
    }

    [Theory]
    [InlineData(TorchCpuCapability.Avx2)]
    [InlineData(TorchCpuCapability.Default)]
    public void Randn_below_16_elements_is_float64_Box_Muller_with_the_sine_cached_between_calls(TorchCpuCapability capability)
    {
        var g = new TorchGenerator(99, capability);
        var raw = new TorchGenerator(99);
        var values = new float[5];
        g.FillRandn(values.AsSpan(0, 1));
        g.FillRandn(values.AsSpan(1, 4));                       // a second call continues with the cached sine
        for (int pair = 0; pair < 3; pair++)
        {
            double u1 = raw.NextDouble(), u2 = raw.NextDouble();
            double r = Math.Sqrt(-2 * Math.Log(1 - u2)), theta = 2 * Math.PI * u1;
            Assert.Equal(r * Math.Cos(theta), values[2 * pair], 1e-6);
            if (2 * pair + 1 < values.Length)
                Assert.Equal(r * Math.Sin(theta), values[2 * pair + 1], 1e-6);
        }
        // Five values used three pairs; the sixth draw pair has not been touched, the last sine is still cached.
        var next = new float[1];
        g.FillRandn(next);
        var fresh = new TorchGenerator(99, capability);
        var six = new float[6];
        fresh.FillRandn(six);
        Assert.Equal(six[5], next[0]);
    }

    [Fact]
    public void ManualSeed_forgets_the_cached_sample()
    {
        var g = new TorchGenerator(8);
        var first = g.Randn(1, 1)[0, 0];
        g.ManualSeed(8);
        Assert.Equal(first, g.Randn(1, 1)[0, 0]);
    }

    [Theory]
    [InlineData(TorchCpuCapability.Avx2)]
    [InlineData(TorchCpuCapability.Default)]
    public void Randn_of_16_or_more_pairs_element_j_with_j_plus_8_of_each_block_of_uniforms(TorchCpuCapability capability)
    {
        var values = new float[32];
        new TorchGenerator(21, capability).FillRandn(values);
        var raw = new TorchGenerator(21);
        var u = new float[32];
        for (int i = 0; i < u.Length; i++)
            u[i] = raw.NextFloat();
        for (int block = 0; block < 32; block += 16)
            for (int j = 0; j < 8; j++)
            {
                double r = Math.Sqrt(-2 * Math.Log(1 - (double)u[block + j])), theta = 2 * Math.PI * u[block + j + 8];
                // float32 throughout: θ is rounded to float32 (about 2.4e-7 rad), so allow that much times r.
                Assert.Equal(r * Math.Cos(theta), values[block + j], 1e-6 * (1 + r));
                Assert.Equal(r * Math.Sin(theta), values[block + j + 8], 1e-6 * (1 + r));
            }
    }

    [Fact]
    public void Randn_of_a_size_not_a_multiple_of_16_draws_the_last_16_uniforms_again()
    {
        var g = new TorchGenerator(4);
        g.FillRandn(new float[17]);                             // 17 draws, then 16 more for the last block
        var raw = new TorchGenerator(4);
        for (int i = 0; i < 33; i++)
            raw.NextUInt32();
        Assert.Equal(raw.NextUInt32(), g.NextUInt32());
    }

    [Fact]
    public void The_kernels_agree_on_rand_and_small_randn_and_differ_by_at_most_one_rounding_elsewhere()
    {
        var avx = new TorchGenerator(5, TorchCpuCapability.Avx2);
        var portable = new TorchGenerator(5, TorchCpuCapability.Default);
        Assert.Equal(avx.Rand(10, 10), portable.Rand(10, 10));
        Assert.Equal(avx.Randn(3, 5), portable.Randn(3, 5));
        var a = avx.Uniform(50, 20, -0.37f, 0.91f);
        var p = portable.Uniform(50, 20, -0.37f, 0.91f);
        Assert.NotEqual(a, p);                                  // one rounding (fused) against two
        Assert.All(a.Enumerate().Zip(p.Enumerate()), x => Assert.True(Math.Abs(x.First - x.Second) <= 1.2e-7));
        var na = avx.Randn(40, 40);
        var np = portable.Randn(40, 40);
        Assert.NotEqual(na, np);                                // Cephes polynomials against the C library
        Assert.All(na.Enumerate().Zip(np.Enumerate()), x => Assert.True(Math.Abs(x.First - x.Second) <= 6e-6));
    }

    [Fact]
    public void Cephes_log_is_within_two_units_in_the_last_place_on_the_interval_randn_uses()
    {
        for (int k = 1; k <= 1 << 24; k += 997)
        {
            float x = k / 16777216f;                            // every 1 - u that randn can take is k / 2^24
            double exact = Math.Log(x);
            float magnitude = (float)Math.Abs(exact);
            double ulp = MathF.BitIncrement(magnitude) - magnitude;
            Assert.True(Math.Abs(TorchMath.CephesLog(x) - exact) <= 2 * ulp, $"ln {x:R}: {TorchMath.CephesLog(x):R} vs {exact:R}");
        }
        Assert.Equal(0f, TorchMath.CephesLog(1f));
    }

    [Fact]
    public void Cephes_sine_and_cosine_are_within_2e_7_on_a_full_turn()
    {
        float twoPi = (float)(2 * Math.PI);
        for (int k = 0; k < 1 << 24; k += 1009)
        {
            float theta = twoPi * (k / 16777216f);
            var (sin, cos) = TorchMath.CephesSinCos(theta);
            Assert.Equal(Math.Sin(theta), sin, 2e-7);
            Assert.Equal(Math.Cos(theta), cos, 2e-7);
        }
        Assert.Equal((0f, 1f), TorchMath.CephesSinCos(0f));
    }

    [Fact]
    public void Log1P_is_accurate_and_handles_the_special_values()
    {
        var rng = new Random(3);
        for (int i = 0; i < 100000; i++)
        {
            double x = i % 2 == 0 ? -rng.NextDouble() : rng.NextDouble() * 4;
            double u = 1 + x;                                   // Goldberg's correction: accurate to a few ulps
            double expected = u == 1 ? x : Math.Log(u) * x / (u - 1);
            Assert.Equal(expected, TorchMath.Log1P(x), Math.Abs(expected) * 1e-15);
        }
        Assert.Equal(1e-20, TorchMath.Log1P(1e-20));
        Assert.Equal(1e-10 - 0.5e-20, TorchMath.Log1P(1e-10), 1e-30);
        Assert.Equal(0.0, TorchMath.Log1P(0.0));
        Assert.Equal(double.NegativeInfinity, TorchMath.Log1P(-1.0));
        Assert.True(double.IsNaN(TorchMath.Log1P(-2.0)));
        Assert.Equal(Math.Log(1e300), TorchMath.Log1P(1e300), 1e-12);
    }

    [Fact]
    public void An_unknown_capability_is_an_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TorchGenerator(1, (TorchCpuCapability)7));
        Assert.Contains("Avx2 or Default", e.Message);
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(float.NaN, 1f)]
    [InlineData(0f, float.PositiveInfinity)]
    public void Uniform_bounds_must_be_finite_and_ordered(float from, float to)
    {
        var e = Assert.Throws<ArgumentException>(() => new TorchGenerator(1).Uniform(2, 2, from, to));
        Assert.Contains("from <= to", e.Message);
    }

    [Theory]
    [InlineData(46341, 46341, 2147488281L)]
    [InlineData(65536, 65537, 4295032832L)]
    public void A_matrix_too_large_for_one_array_is_an_error_naming_both_sizes_and_the_product(int rows, int cols, long product)
    {
        var g = new TorchGenerator(1);
        string expected = $"rows ({rows}) x cols ({cols}) = {product} elements, which exceeds the largest matrix (2147483591 elements";
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => g.Rand(rows, cols)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => g.Randn(rows, cols)).Message);
        Assert.Contains(expected, Assert.Throws<ArgumentOutOfRangeException>(() => g.Uniform(rows, cols, -1f, 1f)).Message);
        Assert.Equal(new TorchGenerator(1).NextUInt32(), g.NextUInt32());   // nothing was drawn
    }

    [Fact]
    public void The_largest_matrix_is_the_largest_dotnet_array()
    {
        Assert.Equal(2_147_483_591L, Check.MaxMatrixElements);
        Assert.Equal(Array.MaxLength, Check.MaxMatrixElements);
        Assert.Throws<OutOfMemoryException>(() => new float[Array.MaxLength + 1L]);     // refused before anything is allocated
    }

    [Fact]
    public void A_generator_shared_by_four_threads_hands_out_each_block_of_its_sequence_exactly_once()
    {
        const int threads = 4, callsPerThread = 20_000, rows = 3, cols = 5;
        var shared = new TorchGenerator(2024);
        var drawn = new List<float[]>[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            drawn[t] = [];
            start.SignalAndWait();
            for (int c = 0; c < callsPerThread; c++)
                drawn[t].Add(shared.Rand(rows, cols).ToRowMajorArray());
        })).ToArray();
        foreach (var w in workers)
            w.Start();
        foreach (var w in workers)
            w.Join();

        // Single-threaded, the same generator hands out these blocks; shared, each must appear exactly once (in some order).
        var reference = new TorchGenerator(2024);
        var blocks = Enumerable.Range(0, threads * callsPerThread).Select(_ => reference.Rand(rows, cols).ToRowMajorArray()).ToArray();
        var index = new Dictionary<ulong, int>();
        for (int k = 0; k < blocks.Length; k++)
            Assert.True(index.TryAdd(Key(blocks[k]), k), "the reference's blocks start with distinct pairs of draws");
        var seen = new bool[blocks.Length];
        foreach (var block in drawn.SelectMany(d => d))
        {
            Assert.True(index.TryGetValue(Key(block), out int k), "a block the single-threaded sequence does not contain");
            Assert.Equal(blocks[k], block);
            Assert.False(seen[k], $"block {k} of the sequence was handed out twice");
            seen[k] = true;
        }
        Assert.All(seen, Assert.True);
        Assert.Equal(reference.NextUInt32(), shared.NextUInt32());         // and it advanced by exactly the draws made

        static ulong Key(float[] block) => ((ulong)BitConverter.SingleToUInt32Bits(block[0]) << 32) | BitConverter.SingleToUInt32Bits(block[1]);
    }

    [Fact]
    public void Mixed_calls_on_a_shared_generator_from_four_threads_never_fail_and_consume_exactly_their_draws()
    {
        const int threads = 4, rounds = 20_000;
        var shared = new TorchGenerator(7);
        using var start = new Barrier(threads);
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                for (int r = 0; r < rounds; r++)
                {
                    float f = shared.NextFloat();                        // 1 draw
                    Assert.InRange(f, 0f, 1f - 1f / (1 << 24));
                    Assert.InRange(shared.NextDouble(), 0.0, 1.0);      // 2 draws
                    var u = shared.Uniform(2, 7, -1f, 1f);              // 14 draws
                    Assert.All(u.Enumerate(), v => Assert.InRange(v, -1f, 1f));
                    shared.NextUInt64();                                // 2 draws
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
        var reference = new TorchGenerator(7);
        for (long i = 0; i < threads * rounds * 19L; i++)
            reference.NextUInt32();
        Assert.Equal(reference.NextUInt32(), shared.NextUInt32());
    }

    [Fact]
    public void Generators_of_their_own_on_four_threads_give_exactly_the_single_threaded_sequences()
    {
        ulong[] seeds = [123, 789, 1, TorchGenerator.DefaultSeed];
        var expected = seeds.Select(s => new TorchGenerator(s).Randn(40, 40).ToRowMajorArray()).ToArray();
        var actual = new float[seeds.Length][];
        var workers = seeds.Select((s, t) => new Thread(() => actual[t] = new TorchGenerator(s).Randn(40, 40).ToRowMajorArray())).ToArray();
        foreach (var w in workers)
            w.Start();
        foreach (var w in workers)
            w.Join();
        for (int t = 0; t < seeds.Length; t++)
            Assert.Equal(expected[t], actual[t]);
    }

    [Fact]
    public void NextBernoulli_is_a_float64_uniform_below_p_and_takes_two_draws()
    {
        var g = new TorchGenerator(31);
        var raw = new TorchGenerator(31);
        for (int i = 0; i < 1_000; i++)
        {
            double p = (i % 10) / 9.0;
            ulong bits = raw.NextUInt64() & ((1UL << 53) - 1);        // PyTorch's uniform_real: the low 53 bits of random64()
            Assert.Equal(bits * Math.Pow(2, -53) < p, g.NextBernoulli(p));
        }
        Assert.Equal(raw.NextUInt32(), g.NextUInt32());
    }

    [Fact]
    public void Bernoulli_fills_row_major_with_zeros_and_ones()
    {
        var m = new TorchGenerator(4).Bernoulli(3, 5, 0.3);
        var g = new TorchGenerator(4);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 5; j++)
                Assert.Equal(g.NextBernoulli(0.3) ? 1f : 0f, m[i, j]);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_bernoulli_probability_outside_zero_to_one_is_an_error_naming_it(double p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new TorchGenerator(1).Bernoulli(2, 2, p));
        Assert.Equal("p", e.ParamName);
        Assert.Contains($"but is {p}", e.Message);
    }
}
