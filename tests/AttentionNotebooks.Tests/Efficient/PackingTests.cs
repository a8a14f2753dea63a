using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class PackingTests
{
    [Theory]
    [InlineData(SimdPath.Vector512, 64, 64, 64)]
    [InlineData(SimdPath.Vector256, 64, 64, 64)]
    [InlineData(SimdPath.Vector256, 5, 64, 64)]
    [InlineData(SimdPath.Vector256, 13, 19, 24)]
    [InlineData(SimdPath.Vector256, 30, 7, 35)]
    [InlineData(SimdPath.Vector128, 13, 19, 24)]
    [InlineData(SimdPath.Scalar, 13, 19, 24)]
    public void Transposed_writes_each_feature_as_a_row_of_scaled_keys_and_zeros_after_the_last_key(SimdPath path, int count, int headDim, int width)
    {
        const int stride = 70;
        const float factor = 0.37f;
        var source = new float[count * stride];
        for (int i = 0; i < source.Length; i++)
            source[i] = (i % 97 - 48) / 7f;
        var kernel = new TransposedKernel { Source = source, Stride = stride, Count = count, HeadDim = headDim, Factor = factor, Width = width };
        SimdDispatch.Run(path, ref kernel);

        for (int d = 0; d < headDim; d++)
            for (int j = 0; j < width; j++)
                Assert.Equal(j < count ? source[j * stride + d] * factor : 0f, kernel.Target![d * width + j]);
    }

    private struct TransposedKernel : ISimdKernel
    {
        public float[] Source;
        public int Stride, Count, HeadDim, Width;
        public float Factor;
        public float[]? Target;

        public unsafe void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged
        {
            Target = new float[HeadDim * Width];
            Array.Fill(Target, float.NaN);                   // every element must be written
            fixed (float* source = Source)
            fixed (float* target = Target)
                Packing<TSimd, TVec>.Transposed(source, Stride, Count, HeadDim, Factor, target, Width);
        }
    }
}
