using AttentionNotebooks.Efficient;
using CsCheck;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class PackedLinearTests
{
    private static float[] RowMajor(Matrix<float> m)
    {
        var values = new float[m.RowCount * m.ColumnCount];
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                values[i * m.ColumnCount + j] = m[i, j];
        return values;
    }

    private static void CheckLayer(int rows, int inFeatures, int outFeatures, bool bias, SimdPath path, ulong seed)
    {
        var generator = new TorchGenerator(seed);
        var layer = new Linear(inFeatures, outFeatures, bias, generator);
        var x = generator.Uniform(rows, inFeatures, -1f, 1f);
        var output = new float[rows * outFeatures];
        PackedLinear.From(layer).Forward(RowMajor(x), output, rows, new KernelOptions { Simd = path });
        var input = RowMajor(x).Select(f => (double)f).ToArray();
        AssertClose(Linear(input, rows, layer), output, $"rows {rows}, {inFeatures} → {outFeatures}, bias {bias}, {path}");
        AssertClose(layer.Forward(x), Matrix<float>.Build.Dense(rows, outFeatures, (i, j) => output[i * outFeatures + j]), "against Linear.Forward");
    }

    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(6, 3, 2, false)]
    [InlineData(7, 768, 64, true)]
    [InlineData(13, 64, 65, true)]
    [InlineData(97, 20, 130, false)]
    [InlineData(200, 33, 192, true)]
    public void Equals_Linear_and_a_double_precision_product_on_every_vector_path(int rows, int inFeatures, int outFeatures, bool bias)
    {
        foreach (var path in Paths)
            CheckLayer(rows, inFeatures, outFeatures, bias, path, (ulong)(rows * 1000 + outFeatures));
    }

    [Fact]
    public void Random_shapes_equal_the_reference()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 90], Gen.Int[1, 150], Gen.Bool, Gen.OneOfConst(Paths), Gen.ULong[0, 1_000_000])
            .Sample((rows, inFeatures, outFeatures, bias, path, seed) => CheckLayer(rows, inFeatures, outFeatures, bias, path, seed), iter: 40, threads: 1);
    }

    [Fact]
    public void A_stack_of_layers_puts_their_outputs_side_by_side()
    {
        var generator = new TorchGenerator(3);
        var first = new Linear(10, 7, bias: true, generator);
        var second = new Linear(10, 70, bias: false, generator);
        var x = generator.Uniform(9, 10, -1f, 1f);
        var stacked = PackedLinear.Stack(first, second);
        Assert.Equal(77, stacked.OutFeatures);
        Assert.True(stacked.HasBias);
        var output = new float[9 * 77];
        stacked.Forward(RowMajor(x), output, 9);
        var y = Matrix<float>.Build.Dense(9, 77, (i, j) => output[i * 77 + j]);
        AssertClose(first.Forward(x), y.SubMatrix(0, 9, 0, 7), "first layer's columns");
        AssertClose(second.Forward(x), y.SubMatrix(0, 9, 7, 70), "second layer's columns");
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_rejected_with_what_was_expected()
    {
        var layer = new PackedLinear(new float[6], [], 2, 3);
        var error = Assert.Throws<ArgumentException>(() => layer.Forward(new float[8], new float[8], 4));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("input has 8 floats but (4, 3) needs 12", error.Message);
        error = Assert.Throws<ArgumentException>(() => layer.Forward(new float[12], new float[7], 4));
        Assert.Equal("output", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => new PackedLinear(new float[5], [], 2, 3));
        Assert.Equal("weight", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => new PackedLinear(new float[6], new float[3], 2, 3));
        Assert.Equal("bias", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => PackedLinear.Stack(new Linear(3, 2), new Linear(4, 2)));
        Assert.Contains("layers[1] has 4 input features but layers[0] has 3", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward(new float[3], new float[2], 0));
    }
}
