using CsCheck;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Tests;

/// <summary>
/// The vectorised X·Wᵀ + b behind every <see cref="Linear"/> layer gives, element by element and to the bit, what
/// MathNet.Numerics gives for <c>x.TransposeAndMultiply(w)</c> and then <c>+ b</c> on each row — so switching to it
/// changed no number the course prints.
/// </summary>
public sealed class ExactProductTests
{
    private static void AssertSameBits(Matrix<float> expected, Matrix<float> actual, string what)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
                if (BitConverter.SingleToInt32Bits(expected[i, j]) != BitConverter.SingleToInt32Bits(actual[i, j]))
                    Assert.Fail($"{what}: element ({i}, {j}) is {actual[i, j]:R}, MathNet's is {expected[i, j]:R}");
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(6, 3, 2)]                       // the book's inputs through a 3 → 2 projection
    [InlineData(4, 7, 16)]                      // one 4 × 2-vector tile exactly (AVX2)
    [InlineData(5, 9, 17)]                      // a row and a column left over
    [InlineData(7, 33, 40)]                     // a tile, a one-vector panel and a scalar column
    [InlineData(12, 384, 384)]                  // the encoder's projections (notebook 7)
    [InlineData(13, 384, 1536)]                 // its feed-forward network's first layer
    [InlineData(3, 1536, 384)]                  // and second
    [InlineData(64, 64, 64)]
    public void Every_element_has_the_bits_MathNet_computes_with_and_without_bias(int tokens, int inFeatures, int outFeatures)
    {
        var generator = new TorchGenerator((ulong)(tokens * 1000 + inFeatures * 10 + outFeatures));
        var x = generator.Uniform(tokens, inFeatures, -3f, 3f);
        var w = generator.Uniform(outFeatures, inFeatures, -1f, 1f);
        var b = generator.UniformVector(outFeatures, -1f, 1f);
        foreach (bool vectorised in new[] { true, false })
        {
            AssertSameBits(ExactProduct.Reference(x, w, null), ExactProduct.TimesTransposed(x, w, null, vectorised), $"no bias, vectorised {vectorised}");
            AssertSameBits(ExactProduct.Reference(x, w, b), ExactProduct.TimesTransposed(x, w, b, vectorised), $"bias, vectorised {vectorised}");
        }
    }

    [Fact]
    public void Random_shapes_and_magnitudes_agree_to_the_bit()
    {
        Gen.Select(Gen.Int[1, 11], Gen.Int[1, 70], Gen.Int[1, 50], Gen.Float[-1e3f, 1e3f], Gen.ULong).Sample((tokens, inFeatures, outFeatures, scale, seed) =>
        {
            var generator = new TorchGenerator(seed);
            var x = generator.Randn(tokens, inFeatures) * scale;
            var w = generator.Randn(outFeatures, inFeatures);
            var b = generator.UniformVector(outFeatures, -Math.Abs(scale), Math.Abs(scale));
            AssertSameBits(ExactProduct.Reference(x, w, b), ExactProduct.TimesTransposed(x, w, b), $"({tokens}, {inFeatures}) · ({outFeatures}, {inFeatures})ᵀ");
        }, iter: 200);
    }

    [Fact]
    public void Zeros_negative_zeros_infinities_and_NaN_come_out_as_MathNet_gives_them()
    {
        var x = Matrix<float>.Build.DenseOfArray(new float[,]
        {
            { 0f, -0f, 1f, 2f, 0f, 1f, 0f, 0f, 3f },
            { -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f },
            { float.PositiveInfinity, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f },
            { float.NaN, 1f, 1f, 1f, 1f, 1f, 1f, 1f, 1f },
            { 3e38f, 3e38f, 0f, 0f, 0f, 0f, 0f, 0f, 0f },
        });
        var w = new TorchGenerator(5).Uniform(20, 9, -1f, 1f);
        w[3, 0] = -0f;
        w[4, 2] = float.NegativeInfinity;
        var b = new TorchGenerator(6).UniformVector(20, -1f, 1f);
        b[7] = -0f;
        foreach (bool vectorised in new[] { true, false })
            for (int i = 0; i < x.RowCount; i++)
            {
                var expected = ExactProduct.Reference(x, w, b);
                var actual = ExactProduct.TimesTransposed(x, w, b, vectorised);
                for (int j = 0; j < w.RowCount; j++)
                    if (float.IsNaN(expected[i, j]))
                        Assert.True(float.IsNaN(actual[i, j]), $"({i}, {j}) is {actual[i, j]}, MathNet's NaN");
                    else
                        Assert.Equal(BitConverter.SingleToInt32Bits(expected[i, j]), BitConverter.SingleToInt32Bits(actual[i, j]));
            }
    }

    [Fact]
    public void A_matrix_of_another_storage_goes_through_MathNet_itself()
    {
        var x = Matrix<float>.Build.Sparse(3, 4);
        x[0, 1] = 2f;
        x[2, 3] = -1.5f;
        var w = new TorchGenerator(7).Uniform(5, 4, -1f, 1f);
        var b = new TorchGenerator(8).UniformVector(5, -1f, 1f);
        AssertSameBits(ExactProduct.Reference(x, w, b), ExactProduct.TimesTransposed(x, w, b), "sparse inputs");
        AssertSameBits(ExactProduct.Reference(w, x, null), ExactProduct.TimesTransposed(w, x, null), "sparse weights");
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_rejected_with_both_shapes()
    {
        var error = Assert.Throws<ArgumentException>(() => ExactProduct.TimesTransposed(Matrix<float>.Build.Dense(6, 3), Matrix<float>.Build.Dense(2, 4), null));
        Assert.Equal("w", error.ParamName);
        Assert.Contains("x is 6x3 and w is 2x4", error.Message, StringComparison.Ordinal);
        var bias = Assert.Throws<ArgumentException>(() => ExactProduct.TimesTransposed(Matrix<float>.Build.Dense(6, 3), Matrix<float>.Build.Dense(2, 3), Vector<float>.Build.Dense(3)));
        Assert.Equal("bias", bias.ParamName);
    }
}
