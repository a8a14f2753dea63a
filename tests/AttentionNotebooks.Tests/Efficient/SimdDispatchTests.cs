using System.Runtime.Intrinsics;
using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class SimdDispatchTests
{
    [Theory]
    [InlineData(SimdPath.Auto)]
    [InlineData(SimdPath.Vector512)]
    [InlineData(SimdPath.Vector256)]
    [InlineData(SimdPath.Vector128)]
    [InlineData(SimdPath.Scalar)]
    public void The_kernel_runs_once_on_the_vector_types_of_the_resolved_path(SimdPath requested)
    {
        var kernel = new RecordingKernel();
        SimdDispatch.Run(requested, ref kernel);
        var (simd, vector, width) = FlashAttention.ResolvedPath(requested) switch
        {
            SimdPath.Vector512 => (typeof(Simd512), typeof(Vector512<float>), 16),
            SimdPath.Vector256 => (typeof(Simd256), typeof(Vector256<float>), 8),
            SimdPath.Vector128 => (typeof(Simd128), typeof(Vector128<float>), 4),
            _ => (typeof(SimdScalar), typeof(float), 1),
        };
        Assert.Equal(1, kernel.Calls);
        Assert.Equal(simd, kernel.Simd);
        Assert.Equal(vector, kernel.Vector);
        Assert.Equal(width, kernel.Width);
        Assert.Equal(width, SimdSelection.Width(requested));
    }

    /// <summary>Records the types it was run with; the results come back through the reference.</summary>
    private struct RecordingKernel : ISimdKernel
    {
        public int Calls;
        public Type? Simd;
        public Type? Vector;
        public int Width;

        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged
        {
            Calls++;
            Simd = typeof(TSimd);
            Vector = typeof(TVec);
            Width = TSimd.Width;
        }
    }
}
