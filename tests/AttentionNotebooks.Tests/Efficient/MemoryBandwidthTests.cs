using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>The read-bandwidth probe reads every float it is given (its sum proves it) and reports a finite rate.</summary>
public sealed class MemoryBandwidthTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(67)]
    [InlineData(100_003)]
    public void Read_sums_every_float_of_the_buffer_and_reports_a_positive_rate(int length)
    {
        var buffer = new float[length];
        for (int i = 0; i < length; i++)
            buffer[i] = i % 7 - 3f;                              // small integers: every partial sum is exact in float32
        double expected = buffer.Sum(x => (double)x);
        var (rate, sum) = MemoryBandwidth.Read(buffer, passes: 2);
        Assert.Equal(expected, sum);
        Assert.True(rate > 0 && double.IsFinite(rate), $"rate {rate}");
    }

    [Fact]
    public void An_empty_buffer_or_no_pass_is_rejected_by_name()
    {
        Assert.Equal("buffer", Assert.Throws<ArgumentException>(() => MemoryBandwidth.Read([], 1)).ParamName);
        Assert.Equal("passes", Assert.Throws<ArgumentOutOfRangeException>(() => MemoryBandwidth.Read(new float[4], 0)).ParamName);
    }
}
