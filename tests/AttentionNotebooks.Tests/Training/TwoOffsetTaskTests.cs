using AttentionNotebooks.Training;

namespace AttentionNotebooks.Tests.Training;

public sealed class TwoOffsetTaskTests
{
    [Fact]
    public void The_target_is_the_ordered_pair_of_the_two_previous_tokens_and_nothing_before_position_2()
    {
        var (x, y) = TwoOffsetTask.Batch(new TorchGenerator(7), 3, 10, 5);
        Assert.Equal(new TorchGenerator(7).RandInt(5, 3, 10), x);
        for (int b = 0; b < 3; b++)
        {
            Assert.Equal(CrossEntropy.IgnoreIndex, y[b][0]);
            Assert.Equal(CrossEntropy.IgnoreIndex, y[b][1]);
            for (int t = 2; t < 10; t++)
            {
                Assert.Equal(5 * x[b][t - 1] + x[b][t - 2], y[b][t]);
                Assert.Equal((x[b][t - 1], x[b][t - 2]), (y[b][t] / 5, y[b][t] % 5));
            }
        }
        Assert.Equal(25, TwoOffsetTask.Classes(5));
    }

    [Fact]
    public void Swapping_the_two_tokens_changes_the_class_unless_they_are_equal()
    {
        for (int a = 0; a < 4; a++)
            for (int c = 0; c < 4; c++)
            {
                int ac = 4 * a + c, ca = 4 * c + a;
                Assert.Equal(a == c, ac == ca);
            }
    }

    [Fact]
    public void Bad_arguments_are_clear_errors()
    {
        Assert.Contains("at least 3", Assert.Throws<ArgumentOutOfRangeException>(() => TwoOffsetTask.Batch(new TorchGenerator(1), 2, 2, 4)).Message, StringComparison.Ordinal);
        Assert.Equal("symbols", Assert.Throws<ArgumentOutOfRangeException>(() => TwoOffsetTask.Batch(new TorchGenerator(1), 2, 5, 0)).ParamName);
        Assert.Equal("symbols", Assert.Throws<ArgumentOutOfRangeException>(() => TwoOffsetTask.Classes(50_000)).ParamName);
    }
}
