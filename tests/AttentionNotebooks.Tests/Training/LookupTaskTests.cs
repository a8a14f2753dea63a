using AttentionNotebooks.Training;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Tests.Training;

public sealed class LookupTaskTests
{
    [Fact]
    public void Each_sequence_holds_distinct_keys_and_the_target_is_the_value_stored_with_the_queried_key()
    {
        const int keys = 7, values = 5, pairs = 4;
        var batch = LookupTask.Batch(new TorchGenerator(3), 50, pairs, keys, values);
        Assert.Equal(7 * 5 + 7, LookupTask.VocabSize(keys, values));
        for (int b = 0; b < 50; b++)
        {
            var entries = batch.Inputs[b][..pairs];
            Assert.All(entries, e => Assert.InRange(e, 0, keys * values - 1));
            var entryKeys = entries.Select(e => e / values).ToArray();
            Assert.Equal(pairs, entryKeys.Distinct().Count());
            int query = batch.Inputs[b][pairs] - keys * values;
            Assert.InRange(query, 0, keys - 1);
            int position = batch.KeyPositions[b];
            Assert.Equal(query, entryKeys[position]);
            Assert.Equal(entries[position] % values, batch.Targets[b][pairs]);
            Assert.All(batch.Targets[b][..pairs], t => Assert.Equal(CrossEntropy.IgnoreIndex, t));
        }
        // Every position is queried sometimes: the model cannot rely on where the key stands.
        Assert.Equal(pairs, batch.KeyPositions.Distinct().Count());
        Assert.Equal(2 * values + 3, LookupTask.Entry(2, 3, values));
        Assert.Equal(keys * values + 2, LookupTask.Query(2, keys, values));
    }

    [Fact]
    public void The_same_seed_gives_the_same_batch()
    {
        var one = LookupTask.Batch(new TorchGenerator(11), 4, 3, 6, 6);
        var two = LookupTask.Batch(new TorchGenerator(11), 4, 3, 6, 6);
        Assert.Equal(one.Inputs, two.Inputs);
        Assert.Equal(one.Targets, two.Targets);
        Assert.Equal(one.KeyPositions, two.KeyPositions);
    }

    [Fact]
    public void The_average_weight_on_the_key_reads_the_last_row_at_the_key_position()
    {
        var w1 = Matrix<float>.Build.Dense(3, 3);
        w1[2, 1] = 0.5f;
        var w2 = Matrix<float>.Build.Dense(3, 3);
        w2[2, 0] = 0.9f;
        w2[1, 0] = 0.1f;
        Assert.Equal(0.7, LookupTask.AverageWeightOnKey([w1, w2], [1, 0]), 6);
    }

    [Fact]
    public void Bad_arguments_are_clear_errors()
    {
        Assert.Contains("at most keys (3)", Assert.Throws<ArgumentOutOfRangeException>(() => LookupTask.Batch(new TorchGenerator(1), 2, 4, 3, 3)).Message, StringComparison.Ordinal);
        Assert.Equal("values", Assert.Throws<ArgumentOutOfRangeException>(() => LookupTask.VocabSize(3, 0)).ParamName);
        Assert.Contains("keyPositions has 1 entries but weights has 2", Assert.Throws<ArgumentException>(() =>
            LookupTask.AverageWeightOnKey([Matrix<float>.Build.Dense(2, 2), Matrix<float>.Build.Dense(2, 2)], [0])).Message, StringComparison.Ordinal);
    }
}
