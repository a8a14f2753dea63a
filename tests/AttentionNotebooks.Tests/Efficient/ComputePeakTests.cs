using System.Runtime.Intrinsics;
using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>The multiply-add probe does the arithmetic it counts, and a wider vector does more of it per second.</summary>
public sealed class ComputePeakTests
{
    [Fact]
    public void The_scalar_loop_counts_two_FLOPs_per_multiply_add_and_computes_a_times_b_plus_c()
    {
        var (flops, result) = ComputePeak.Loop<SimdScalar, float>(steps: 10);
        float b = 0.999999f, c = 1e-7f, a = b;
        for (int i = 0; i < 10; i++)
            a = a * b + c;                                          // the scalar path's a·b + c, rounded twice
        Assert.Equal(2.0 * 12 * 10, flops);
        Assert.Equal(8 * a + 4 * a, result);                        // twelve equal accumulators, summed as a tree
    }

    [Fact]
    public void A_vector_loop_counts_every_lane()
    {
        Assert.Equal(2.0 * 12 * 4 * 7, ComputePeak.Loop<Simd128, Vector128<float>>(steps: 7).Flops);
        if (Vector256.IsHardwareAccelerated)
            Assert.Equal(2.0 * 12 * 8 * 7, ComputePeak.Loop<Simd256, Vector256<float>>(steps: 7).Flops);
    }

    [Fact]
    public void The_widest_path_multiplies_and_adds_at_least_twice_as_fast_as_one_float_at_a_time()
    {
        var (widest, path) = ComputePeak.MultiplyAdd(seconds: 0.05, rounds: 2);
        var (scalar, scalarPath) = ComputePeak.MultiplyAdd(seconds: 0.05, rounds: 2, simd: SimdPath.Scalar);
        Assert.Equal(FlashAttention.ResolvedPath(), path);
        Assert.Equal(SimdPath.Scalar, scalarPath);
        Assert.True(scalar > 0 && double.IsFinite(scalar), $"scalar {scalar} GFLOP/s");
        if (path != SimdPath.Scalar)
            Assert.True(widest > 2 * scalar, $"{path}: {widest:F1} GFLOP/s, scalar {scalar:F1}");
    }

    [Fact]
    public void A_duration_or_round_count_out_of_range_is_rejected_by_name()
    {
        foreach (double seconds in new[] { 0, -1, 10.5, double.NaN })
            Assert.Equal("seconds", Assert.Throws<ArgumentOutOfRangeException>(() => ComputePeak.MultiplyAdd(seconds)).ParamName);
        Assert.Equal("rounds", Assert.Throws<ArgumentOutOfRangeException>(() => ComputePeak.MultiplyAdd(0.01, rounds: 0)).ParamName);
    }
}
