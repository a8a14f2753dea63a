using AttentionNotebooks.Training;
using Xunit.Abstractions;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

public sealed class AttentionClassifierTests(ITestOutputHelper output)
{
    /// <summary>Notebook 06's task 2: ordered pairs of 8 symbols (64 classes), 2 heads of 8 features, 150 steps.</summary>
    private static (AttentionClassifier Model, float[] Losses, TorchGenerator Data) TrainTwoOffset(int heads, int steps = 150)
    {
        const int symbols = 8, tokens = 12;
        var model = AttentionClassifier.WithMultiHeadAttention(symbols, TwoOffsetTask.Classes(symbols), 16, tokens, heads, positions: true, new TorchGenerator(123));
        var optimizer = new AdamW(model.Parameters, lr: 1e-2);
        var data = new TorchGenerator(456);
        var losses = new float[steps];
        for (int step = 0; step < steps; step++)
        {
            var (x, y) = TwoOffsetTask.Batch(data, 16, tokens, symbols);
            losses[step] = model.TrainStep(x, y, optimizer);
        }
        return (model, losses, data);
    }

    [Fact]
    public void Parameters_come_in_PyTorchs_order_with_and_without_positions_and_output_projection()
    {
        var multi = AttentionClassifier.WithMultiHeadAttention(5, 7, 4, 6, 2, positions: true, new TorchGenerator(1));
        Assert.Equal(
            ["tok_emb.weight", "pos_emb.weight", "att.W_query.weight", "att.W_key.weight", "att.W_value.weight", "att.out_proj.weight", "att.out_proj.bias", "out_head.weight", "out_head.bias"],
            multi.Parameters.Select(p => p.Name));
        Assert.Equal("7x4", multi.Parameters[^2].Shape);
        var single = AttentionClassifier.WithCausalAttention(5, 7, 4, 6, positions: false, new TorchGenerator(1));
        Assert.Equal(["tok_emb.weight", "att.W_query.weight", "att.W_key.weight", "att.W_value.weight", "out_head.weight", "out_head.bias"], single.Parameters.Select(p => p.Name));
        Assert.Null(single.PositionEmbedding);
        Assert.Equal(1, single.NumHeads);
        Assert.Equal(2, multi.NumHeads);
    }

    [Fact]
    public void Without_positions_the_token_embedding_is_drawn_first_and_the_attention_second_as_PyTorch_would_build_it()
    {
        var expected = new TorchGenerator(9);
        var tok = new Embedding(5, 4, expected);
        var att = new CausalAttention(4, 4, 6, 0f, qkvBias: false, expected);
        var model = AttentionClassifier.WithCausalAttention(5, 3, 4, 6, positions: false, new TorchGenerator(9));
        Assert.Equal(tok.Weight.ToRowMajorArray(), model.TokenEmbedding.Weight.ToRowMajorArray());
        Assert.Equal(att.WQuery.Weight.ToRowMajorArray(), model.CausalAttention!.WQuery.Weight.ToRowMajorArray());
    }

    public static TheoryData<int, bool> Variants() => new() { { 0, false }, { 1, true }, { 1, false }, { 2, true }, { 2, false } };

    /// <param name="heads">0 for the single CausalAttention head, else the heads of a MultiHeadAttention.</param>
    /// <param name="positions">Whether pos_emb is added.</param>
    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_parameter_gradient_matches_central_differences_of_the_double_precision_model(int heads, bool positions)
    {
        const int vocab = 5, classes = 3, dim = 4, tokens = 5, batch = 2;
        foreach (ulong seed in new ulong[] { 1, 2 })
        {
            var model = heads == 0
                ? AttentionClassifier.WithCausalAttention(vocab, classes, dim, tokens + 1, positions, new TorchGenerator(seed))
                : AttentionClassifier.WithMultiHeadAttention(vocab, classes, dim, tokens + 1, heads, positions, new TorchGenerator(seed));
            var data = new TorchGenerator(seed + 100);
            var x = data.RandInt(vocab, batch, tokens);
            var y = data.RandInt(classes, batch, tokens);
            y[0][0] = CrossEntropy.IgnoreIndex;
            var loss = CrossEntropy.Mean(model.Forward(x).Logits, y);
            model.Backward(loss.LogitsGradient);

            var p = model.Parameters.ToDictionary(q => q.Name, q => q.Matrix is not null ? (object)D(q.Matrix) : D(q.Vector!));
            double[,] M(string name) => (double[,])p[name];
            double Loss()
            {
                double sum = 0;
                int count = 0;
                for (int b = 0; b < batch; b++)
                {
                    var h = new double[tokens, dim];
                    for (int t = 0; t < tokens; t++)
                        for (int j = 0; j < dim; j++)
                            h[t, j] = M("tok_emb.weight")[x[b][t], j] + (positions ? M("pos_emb.weight")[t, j] : 0);
                    var q = Linear(h, M("att.W_query.weight"), null);
                    var k = Linear(h, M("att.W_key.weight"), null);
                    var v = Linear(h, M("att.W_value.weight"), null);
                    double[,] z;
                    if (heads == 0)
                        z = Attention(q, k, v, causal: true, 1 / Math.Sqrt(dim));
                    else
                    {
                        int hd = dim / heads;
                        var concatenated = new double[tokens, dim];
                        for (int head = 0; head < heads; head++)
                        {
                            var zh = Attention(Columns(q, head * hd, hd), Columns(k, head * hd, hd), Columns(v, head * hd, hd), causal: true, 1 / Math.Sqrt(hd));
                            for (int t = 0; t < tokens; t++)
                                for (int j = 0; j < hd; j++)
                                    concatenated[t, head * hd + j] = zh[t, j];
                        }
                        z = Linear(concatenated, M("att.out_proj.weight"), (double[])p["att.out_proj.bias"]);
                    }
                    var logits = Linear(z, M("out_head.weight"), (double[])p["out_head.bias"]);
                    for (int t = 0; t < tokens; t++)
                    {
                        if (y[b][t] == CrossEntropy.IgnoreIndex)
                            continue;
                        double max = Enumerable.Range(0, classes).Max(j => logits[t, j]);
                        sum += max + Math.Log(Enumerable.Range(0, classes).Sum(j => Math.Exp(logits[t, j] - max))) - logits[t, y[b][t]];
                        count++;
                    }
                }
                return sum / count;
            }
            Assert.True(Math.Abs(Loss() - loss.Loss) <= 1e-5, $"loss {loss.Loss:R} but the double-precision model gives {Loss():R}");
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
    public void The_same_seeds_give_the_same_losses_bit_for_bit()
    {
        var one = TrainTwoOffset(2, steps: 20).Losses;
        var two = TrainTwoOffset(2, steps: 20).Losses;
        Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), two.Select(BitConverter.SingleToInt32Bits));
        Assert.True(one[^1] < one[0], $"loss {one[0]} -> {one[^1]} did not fall in 20 steps");
    }

    [Fact]
    public void Trained_on_ordered_pairs_each_of_two_heads_attends_to_its_own_offset()
    {
        var (model, losses, data) = TrainTwoOffset(2);
        var (x, _) = TwoOffsetTask.Batch(data, 64, 12, 8);
        var output1 = model.Forward(x);
        var onOffset = Enumerable.Range(0, 2).Select(h => new[] { LookBackTask.AverageWeightOnOffset(output1.Head(h), 1), LookBackTask.AverageWeightOnOffset(output1.Head(h), 2) }).ToArray();
        output.WriteLine($"loss {losses[0]:F4} -> {losses[^1]:F4}; head 0 on t-1 {onOffset[0][0]:F3}, t-2 {onOffset[0][1]:F3}; head 1 on t-1 {onOffset[1][0]:F3}, t-2 {onOffset[1][1]:F3}");
        Assert.True(losses[^1] < 0.1, $"final loss {losses[^1]}");
        // One head per offset, whichever head takes which: head h's best offset differs from the other head's.
        int best0 = onOffset[0][0] > onOffset[0][1] ? 1 : 2, best1 = onOffset[1][0] > onOffset[1][1] ? 1 : 2;
        Assert.NotEqual(best0, best1);
        Assert.True(onOffset[0][best0 - 1] >= 0.8 && onOffset[1][best1 - 1] >= 0.8, "each head should put at least 0.8 on its own offset");
    }

    [Fact]
    public void Trained_on_the_lookup_the_query_attends_to_the_entry_holding_its_key_without_any_positions()
    {
        const int keys = 8, values = 8, pairs = 4;
        var model = AttentionClassifier.WithCausalAttention(LookupTask.VocabSize(keys, values), values, 32, pairs + 1, positions: false, new TorchGenerator(123));
        var optimizer = new AdamW(model.Parameters, lr: 5e-3);
        var data = new TorchGenerator(456);
        float first = 0, last = 0;
        for (int step = 0; step < 300; step++)
        {
            var b = LookupTask.Batch(data, 32, pairs, keys, values);
            last = model.TrainStep(b.Inputs, b.Targets, optimizer);
            if (step == 0)
                first = last;
        }
        var test = LookupTask.Batch(data, 256, pairs, keys, values);
        var result = model.Forward(test.Inputs);
        double weight = LookupTask.AverageWeightOnKey(result.Head(0), test.KeyPositions);
        double accuracy = Enumerable.Range(0, 256).Count(b => result.Logits[b].Row(pairs).MaximumIndex() == test.Targets[b][pairs]) / 256.0;
        output.WriteLine($"loss {first:F4} -> {last:F4}; weight on the key {weight:F3}; accuracy {accuracy:P1}");
        Assert.True(weight >= 0.7, $"average weight on the queried key is {weight:F3}");
        Assert.True(accuracy >= 0.9, $"accuracy {accuracy:P1}");
    }

    [Fact]
    public void Without_positions_the_model_does_not_learn_to_look_back()
    {
        var model = AttentionClassifier.WithCausalAttention(16, 16, 16, 12, positions: false, new TorchGenerator(123));
        var optimizer = new AdamW(model.Parameters, lr: 3e-3);
        var data = new TorchGenerator(456);
        float loss = 0;
        for (int step = 0; step < 200; step++)
        {
            var (x, y) = LookBackTask.Batch(data, 16, 12, 16, 1);
            loss = model.TrainStep(x, y, optimizer);
        }
        var (xt, yt) = LookBackTask.Batch(data, 64, 12, 16, 1);
        double weight = LookBackTask.AverageWeightOnOffset(model.Forward(xt).Head(0), 1);
        float testLoss = model.Loss(xt, yt);
        output.WriteLine($"last training loss {loss:F4}, test loss {testLoss:F4}, weight on t-1 {weight:F3}");
        Assert.True(testLoss > 1.0, $"test loss {testLoss} (with positions the same run reaches about 0.02)");
        Assert.True(weight < 0.4, $"weight on t-1 {weight}");
    }

    [Fact]
    public void Bad_arguments_are_clear_errors_naming_the_values()
    {
        Assert.Contains("embeddingDim (6) must be divisible by numHeads (4)",
            Assert.Throws<ArgumentException>(() => AttentionClassifier.WithMultiHeadAttention(5, 5, 6, 8, 4, true, new TorchGenerator(1))).Message, StringComparison.Ordinal);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => AttentionClassifier.WithCausalAttention(5, 0, 4, 8, true, new TorchGenerator(1))).ParamName);
        var model = AttentionClassifier.WithMultiHeadAttention(5, 3, 4, 6, 2, false, new TorchGenerator(1));
        var result = model.Forward([[1, 2, 3]]);
        Assert.Contains("between 0 and 1", Assert.Throws<ArgumentOutOfRangeException>(() => result.Head(2)).Message, StringComparison.Ordinal);
        var ex = Assert.Throws<ArgumentException>(() => model.Backward(TestHelpers.RandomBatch(1, 3, 5, 1)));
        Assert.Contains("3x5", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3x3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_optimiser_over_another_models_parameters_is_refused_naming_both_before_anything_changes()
    {
        var a = AttentionClassifier.WithMultiHeadAttention(5, 3, 4, 6, 2, false, new TorchGenerator(1));
        var b = AttentionClassifier.WithMultiHeadAttention(5, 3, 4, 6, 2, false, new TorchGenerator(2));
        var before = a.Parameters.Select(p => p.ToRowMajorArray()).ToArray();
        var e = Assert.Throws<ArgumentException>(() => a.TrainStep([[1, 2, 3]], [[0, 1, 2]], new AdamW(b.Parameters)));
        Assert.Equal("optimizer", e.ParamName);
        Assert.StartsWith("optimizer.Parameters[0] (tok_emb.weight) is not a parameter of this model", e.Message, StringComparison.Ordinal);
        Assert.Contains("(tok_emb.weight, att.W_query.weight,", e.Message, StringComparison.Ordinal);
        Assert.All(a.Parameters, p => Assert.All(p.GradientToRowMajorArray(), g => Assert.Equal(0f, g)));
        Assert.Equal(before, a.Parameters.Select(p => p.ToRowMajorArray()).ToArray());

        var subset = new AdamW(a.Parameters.Where(p => p.Name.StartsWith("att.", StringComparison.Ordinal)).ToArray());
        Assert.True(float.IsFinite(a.TrainStep([[1, 2, 3]], [[0, 1, 2]], subset)));          // some of its own parameters: fine
    }
}
