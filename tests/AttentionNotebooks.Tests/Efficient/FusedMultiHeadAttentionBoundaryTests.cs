using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>What FusedMultiHeadAttention checks at its public boundary: finite inputs in, finite outputs out.</summary>
public sealed class FusedMultiHeadAttentionBoundaryTests
{
    private static FusedMultiHeadAttention Module() =>
        FusedMultiHeadAttention.FromTeaching(new MultiHeadAttention(3, 4, 6, 0f, 2, generator: new TorchGenerator(123)));

    [Fact]
    public void A_sliding_window_option_is_refused_rather_than_ignored()
    {
        var e = Assert.Throws<ArgumentException>(() => Module().Forward(new float[6 * 3], new float[6 * 4], 1, 6, new FlashAttentionOptions { Window = 2 }));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("FusedMultiHeadAttention has no sliding window", e.Message);
    }

    [Fact]
    public void NaN_in_the_span_input_is_an_error_naming_sequence_token_and_feature_as_the_matrix_overload_does()
    {
        var fused = Module();
        var input = new float[2 * 6 * 3];
        input[(1 * 6 + 4) * 3 + 2] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => fused.Forward(input, new float[2 * 6 * 4], 2, 6));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("input contains NaN at sequence 1, token 4, feature 2", e.Message);
        var batch = SampleData.Batch();
        batch[1][4, 2] = float.NaN;
        Assert.Contains("batch[1] contains NaN at row 4, column 2", Assert.Throws<ArgumentException>(() => fused.Forward(batch)).Message);
        input[(1 * 6 + 4) * 3 + 2] = float.NegativeInfinity;
        Assert.Contains("input contains -Infinity at sequence 1, token 4, feature 2", Assert.Throws<ArgumentException>(() => fused.Forward(input, new float[2 * 6 * 4], 2, 6)).Message);
    }

    [Fact]
    public void Outputs_that_overflow_float32_are_an_error_not_silent_NaN()
    {
        var fused = Module();
        var e = Assert.Throws<OverflowException>(() => fused.Forward([Matrix<float>.Build.Dense(6, 3, 1e20f)]));
        Assert.StartsWith("the outputs overflowed: sequence 0, token 0, feature 0 is ", e.Message);
        Assert.Contains("(the largest |value| in the input is 1E+20; float32 holds up to 3.4E+38)", e.Message);
        var input = Enumerable.Repeat(1e20f, 6 * 3).ToArray();
        Assert.Throws<OverflowException>(() => fused.Forward(input, new float[6 * 4], 1, 6));
    }
}
