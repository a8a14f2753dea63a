using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class SimdSum4Tests
{
    [Theory]
    [InlineData(SimdPath.Vector512)]
    [InlineData(SimdPath.Vector256)]
    [InlineData(SimdPath.Vector128)]
    [InlineData(SimdPath.Scalar)]
    public void Sum4_gives_each_of_four_registers_lane_sum_in_order(SimdPath path)
    {
        var kernel = new Sum4Kernel();
        SimdDispatch.Run(path, ref kernel);

        // Lanes hold small integers, so every order of adding them gives the exact sum.
        for (int register = 0; register < 4; register++)
        {
            float expected = 0;
            for (int lane = 0; lane < kernel.Width; lane++)
                expected += Lane(register, lane);
            Assert.Equal(expected, kernel.Sums[register]);
        }
    }

    /// <summary>A value that differs by register and by lane, so a swapped register or a lost lane changes a sum.</summary>
    private static float Lane(int register, int lane) => (register + 1) * 100 + lane * lane + 1;

    private struct Sum4Kernel : ISimdKernel
    {
        public float[] Sums;
        public int Width;

        public unsafe void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged
        {
            Width = TSimd.Width;
            var lanes = new float[4 * Width];
            for (int register = 0; register < 4; register++)
                for (int lane = 0; lane < Width; lane++)
                    lanes[register * Width + lane] = Lane(register, lane);
            Sums = new float[4];
            fixed (float* x = lanes)
            fixed (float* sums = Sums)
                TSimd.Sum4(TSimd.Load(x), TSimd.Load(x + Width), TSimd.Load(x + 2 * Width), TSimd.Load(x + 3 * Width), sums);
        }
    }
}
