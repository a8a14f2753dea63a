using AttentionNotebooks.Training;
using MathNet.Numerics;
using Xunit.Abstractions;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

public sealed class LookBackModelTests(ITestOutputHelper output)
{
    /// <summary>Every step's loss must match libtorch's within this relative difference.</summary>
    private const double LossTolerance = 1e-4;

    public static TheoryData<int, string> Runs()
    {
        var data = new TheoryData<int, string>();
        for (int i = 0; i < TrainingFixtures.Training.Count; i++)
            data.Add(i, TrainingFixtures.Training[i].Name);
        return data;
    }

    /// <summary>The look-back model of the fixtures: one causal head, learned positions, a read-out to the vocabulary.</summary>
    private static AttentionClassifier LookBack(int vocab, int dim, int context, TorchGenerator generator) =>
        AttentionClassifier.WithCausalAttention(vocab, vocab, dim, context, positions: true, generator);

    private static TrainingEntry Run(int index, string name)
    {
        var e = TrainingFixtures.Training[index];
        Assert.Equal(name, e.Name);
        return e;
    }

    /// <summary>The C# training loop of the fixture: the same model, batches and optimiser settings.</summary>
    private static (AttentionClassifier Model, float[] Losses, TorchGenerator Data) Train(TrainingEntry e)
    {
        var model = LookBack(e.Vocab, e.Dim, e.Context, new TorchGenerator(unchecked((ulong)e.Seed), Parity.Fixtures.Capability(e.CpuCapability)));
        var data = new TorchGenerator(unchecked((ulong)e.DataSeed));
        var optimizer = new AdamW(model.Parameters, e.Lr, 0.9, 0.999, 1e-8, 0.01);
        var losses = new float[e.Steps];
        for (int step = 0; step < e.Steps; step++)
        {
            var (x, y) = LookBackTask.Batch(data, e.Batch, e.Context, e.Vocab, e.Offset);
            losses[step] = model.TrainStep(x, y, optimizer);
        }
        return (model, losses, data);
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Built_from_the_seed_it_has_TorchSharps_initial_weights_bit_for_bit_in_parameters_order(int index, string name)
    {
        var e = Run(index, name);
        var model = LookBack(e.Vocab, e.Dim, e.Context, new TorchGenerator(unchecked((ulong)e.Seed), Parity.Fixtures.Capability(e.CpuCapability)));
        Assert.Equal(e.InitialParameters.Select(p => p.Name), model.Parameters.Select(p => p.Name));
        foreach (var (expected, actual) in e.InitialParameters.Zip(model.Parameters))
            Parity.Fixtures.AssertBitIdentical(expected.Values, actual.ToRowMajorArray(), expected.Name);
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void The_first_batch_is_torch_randint_from_the_seeded_data_generator(int index, string name)
    {
        var e = Run(index, name);
        var (x, y) = LookBackTask.Batch(new TorchGenerator(unchecked((ulong)e.DataSeed)), e.Batch, e.Context, e.Vocab, e.Offset);
        Assert.Equal(e.FirstBatch, x.SelectMany(r => r));
        for (int b = 0; b < e.Batch; b++)
            for (int t = 0; t < e.Context; t++)
                Assert.Equal(t >= e.Offset ? x[b][t - e.Offset] : CrossEntropy.IgnoreIndex, y[b][t]);
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Every_steps_loss_matches_the_TorchSharp_AdamW_run_within_1e_4_relative(int index, string name)
    {
        var e = Run(index, name);
        Assert.True(e.Steps >= 200);
        var (_, losses, _) = Train(e);
        double worst = 0;
        int worstStep = 0;
        for (int step = 0; step < e.Steps; step++)
        {
            double relative = Math.Abs(losses[step] - e.Losses[step]) / Math.Abs(e.Losses[step]);
            if (relative > worst)
                (worst, worstStep) = (relative, step);
        }
        output.WriteLine($"{name}: largest relative loss difference {worst:E2} at step {worstStep} ({losses[worstStep]:R} vs libtorch {e.Losses[worstStep]:R}); final loss {losses[^1]:R} vs {e.Losses[^1]:R}");
        Assert.True(worst <= LossTolerance, $"step {worstStep}: loss {losses[worstStep]:R} but libtorch has {e.Losses[worstStep]:R} (relative difference {worst:E2} > {LossTolerance:E0}).");
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void After_training_the_average_attention_weight_on_position_t_minus_k_is_at_least_0_9(int index, string name)
    {
        var e = Run(index, name);
        var (model, losses, data) = Train(e);
        var (x, _) = LookBackTask.Batch(data, 64, e.Context, e.Vocab, e.Offset);
        var weights = model.Forward(x).Head(0);
        double weight = LookBackTask.AverageWeightOnOffset(weights, e.Offset);
        // The heatmap's off-diagonal band: every query t >= k puts its largest weight on key t - k.
        for (int b = 0; b < weights.Count; b++)
            for (int t = e.Offset; t < e.Context; t++)
                Assert.Equal(t - e.Offset, Enumerable.Range(0, e.Context).MaxBy(j => weights[b][t, j]));
        output.WriteLine($"{name}: loss {losses[0]:F4} -> {losses[^1]:F4}, average weight on t-{e.Offset} {weight:F4} (libtorch {e.AverageWeightOnOffset:F4})");
        Assert.True(weight >= 0.9, $"average weight on t-{e.Offset} is {weight:F4}");
        Assert.True(Math.Abs(weight - e.AverageWeightOnOffset) <= 1e-3, $"average weight {weight:F6} but libtorch's run has {e.AverageWeightOnOffset:F6}");
    }

    [Fact]
    public void The_same_seed_gives_the_same_losses_bit_for_bit_on_one_or_two_threads()
    {
        var e = TrainingFixtures.Training[0] with { Steps = 30 };
        int saved = Control.MaxDegreeOfParallelism;
        try
        {
            Control.MaxDegreeOfParallelism = 1;
            var one = Train(e).Losses;
            Control.MaxDegreeOfParallelism = 2;
            var two = Train(e).Losses;
            var again = Train(e).Losses;
            Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), two.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(two.Select(BitConverter.SingleToInt32Bits), again.Select(BitConverter.SingleToInt32Bits));
        }
        finally
        {
            Control.MaxDegreeOfParallelism = saved;
        }
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void One_backward_pass_gives_libtorchs_loss_and_every_parameter_gradient(int index, string name)
    {
        var e = TrainingFixtures.Gradient(index, name);
        var model = LookBack(e.Vocab!.Value, e.DOut, e.Context!.Value, new TorchGenerator(unchecked((ulong)e.Seed), Parity.Fixtures.Capability(e.CpuCapability)));
        foreach (var p in model.Parameters)
            Parity.Fixtures.AssertBitIdentical(e.Tensor(p.Name).Values, p.ToRowMajorArray(), p.Name);
        var ids = e.TokenIds!.Chunk(e.Tokens).ToArray();
        var targets = e.Targets!.Chunk(e.Tokens).ToArray();
        var loss = CrossEntropy.Mean(model.Forward(ids).Logits, targets);
        model.Backward(loss.LogitsGradient);
        Assert.True(Math.Abs(loss.Loss - e.Loss!.Value) <= 1e-5, $"loss {loss.Loss:R} but libtorch has {e.Loss:R}");
        foreach (var p in model.Parameters)
            TrainingFixtures.AssertGradient(e.Tensor(p.Name).Grad!, p.GradientToRowMajorArray(), p.Name + ".grad");
    }

    public static TheoryData<int, string> GradientCases() => TrainingFixtures.GradientCases("LookBackModel");

    [Fact]
    public void Every_parameter_gradient_matches_central_differences_of_the_double_precision_model()
    {
        const int vocab = 5, dim = 4, tokens = 5, batch = 2, offset = 1;
        foreach (ulong seed in new ulong[] { 1, 2, 3 })
        {
            var model = AttentionClassifier.WithCausalAttention(vocab, vocab, dim, tokens + 1, positions: true, new TorchGenerator(seed));
            var (x, y) = LookBackTask.Batch(new TorchGenerator(seed + 100), batch, tokens, vocab, offset);
            var loss = CrossEntropy.Mean(model.Forward(x).Logits, y);
            model.Backward(loss.LogitsGradient);

            var p = model.Parameters.ToDictionary(q => q.Name, q => q.Matrix is not null ? (object)D(q.Matrix) : D(q.Vector!));
            double Loss()
            {
                var tok = (double[,])p["tok_emb.weight"];
                var pos = (double[,])p["pos_emb.weight"];
                double sum = 0;
                int count = 0;
                for (int b = 0; b < batch; b++)
                {
                    var h = new double[tokens, dim];
                    for (int t = 0; t < tokens; t++)
                        for (int j = 0; j < dim; j++)
                            h[t, j] = tok[x[b][t], j] + pos[t, j];
                    var z = Attention(Linear(h, (double[,])p["att.W_query.weight"], null), Linear(h, (double[,])p["att.W_key.weight"], null),
                        Linear(h, (double[,])p["att.W_value.weight"], null), causal: true, 1 / Math.Sqrt(dim));
                    var logits = Linear(z, (double[,])p["out_head.weight"], (double[])p["out_head.bias"]);
                    for (int t = offset; t < tokens; t++, count++)
                    {
                        double max = Enumerable.Range(0, vocab).Max(j => logits[t, j]);
                        sum += max + Math.Log(Enumerable.Range(0, vocab).Sum(j => Math.Exp(logits[t, j] - max))) - logits[t, y[b][t]];
                    }
                }
                return sum / count;
            }
            foreach (var q in model.Parameters)
            {
                if (p[q.Name] is double[,] m)
                    FiniteDifferences.AssertClose(FiniteDifferences.Gradient(m, Loss), q.MatrixGradient!, q.Name + ".grad");
                else
                    FiniteDifferences.AssertClose(FiniteDifferences.Gradient((double[])p[q.Name], Loss), q.VectorGradient!, q.Name + ".grad");
            }
        }
    }

    [Fact]
    public void Backward_before_Forward_and_logits_gradients_of_the_wrong_shape_are_clear_errors()
    {
        var model = AttentionClassifier.WithCausalAttention(5, 5, 4, 6, positions: true, new TorchGenerator(1));
        Assert.Contains("AttentionClassifier.Backward", Assert.Throws<InvalidOperationException>(() => model.Backward(TestHelpers.RandomBatch(1, 6, 5, 1))).Message, StringComparison.Ordinal);
        model.Forward([[1, 2, 3]]);
        var ex = Assert.Throws<ArgumentException>(() => model.Backward(TestHelpers.RandomBatch(1, 3, 4, 1)));
        Assert.Contains("3x4", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3x5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tokens[0][1] is 7", Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward([[1, 7]])).Message, StringComparison.Ordinal);
        Assert.Contains("context length is 6", Assert.Throws<ArgumentException>(() => model.Forward([[1, 1, 1, 1, 1, 1, 1]])).Message, StringComparison.Ordinal);
    }
}
