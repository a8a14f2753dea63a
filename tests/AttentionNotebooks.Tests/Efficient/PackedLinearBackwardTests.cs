using AttentionNotebooks.Efficient;
using AttentionNotebooks.Training;
using CsCheck;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class PackedLinearBackwardTests
{
    /// <summary>
    /// The definitions in double precision for y = x·Wᵀ + b, W (out, in): dX[r, j] = Σ_k dY[r, k]·W[k, j],
    /// dW[k, j] = Σ_r dY[r, k]·x[r, j], db[k] = Σ_r dY[r, k].
    /// </summary>
    private static (double[] Dx, double[] Dw, double[] Db) Reference(float[] x, float[] dY, float[] w, int rows, int inFeatures, int outFeatures)
    {
        double[] dx = new double[rows * inFeatures], dw = new double[outFeatures * inFeatures], db = new double[outFeatures];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < outFeatures; k++)
            {
                double g = dY[r * outFeatures + k];
                db[k] += g;
                for (int j = 0; j < inFeatures; j++)
                {
                    dx[r * inFeatures + j] += g * w[k * inFeatures + j];
                    dw[k * inFeatures + j] += g * x[r * inFeatures + j];
                }
            }
        return (dx, dw, db);
    }

    private static double Largest(double[] values) => Math.Max(values.Max(Math.Abs), 1e-30);

    private static void Check(int rows, int inFeatures, int outFeatures, bool bias, SimdPath path, int seed)
    {
        float[] w = Uniform(outFeatures * inFeatures, seed), b = bias ? Uniform(outFeatures, seed + 1) : [];
        float[] x = Uniform(rows * inFeatures, seed + 2), dY = Uniform(rows * outFeatures, seed + 3);
        var layer = new PackedLinear(w, b, outFeatures, inFeatures);
        float[] dx = new float[rows * inFeatures], dw = new float[outFeatures * inFeatures], db = new float[bias ? outFeatures : 0];
        layer.Backward(x, dY, dx, dw, db, rows, new KernelOptions { Simd = path, MaxDegreeOfParallelism = 2 });
        var (ex, ew, eb) = Reference(x, dY, w, rows, inFeatures, outFeatures);
        string what = $"rows {rows}, {inFeatures} → {outFeatures}, bias {bias}, {path}";
        AssertClose(ex, dx, $"{what}: dX", 1e-5 * Largest(ex));
        AssertClose(ew, dw, $"{what}: dW", 1e-5 * Largest(ew));
        if (bias)
            AssertClose(eb, db, $"{what}: db", 1e-5 * Largest(eb));
    }

    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(6, 3, 2, false)]
    [InlineData(7, 65, 64, true)]
    [InlineData(13, 64, 65, true)]
    [InlineData(97, 20, 130, false)]
    [InlineData(200, 33, 192, true)]
    public void Gradients_match_the_double_precision_definition_within_1e_5_of_the_largest_on_every_path(int rows, int inFeatures, int outFeatures, bool bias)
    {
        foreach (var path in Paths)
            Check(rows, inFeatures, outFeatures, bias, path, rows * 100 + outFeatures);
    }

    [Fact]
    public void Random_shapes_match_the_definition()
    {
        Gen.Select(Gen.Int[1, 40], Gen.Int[1, 90], Gen.Int[1, 150], Gen.Bool, Gen.OneOfConst(Paths), Gen.Int[0, 1_000_000])
            .Sample((rows, inFeatures, outFeatures, bias, path, seed) => Check(rows, inFeatures, outFeatures, bias, path, seed), iter: 40, threads: 1);
    }

    [Fact]
    public void Gradients_equal_the_teaching_LinearBackward()
    {
        var generator = new TorchGenerator(11);
        var linear = new Linear(9, 5, bias: true, generator);
        var x = generator.Uniform(4, 9, -1f, 1f);
        var dY = generator.Uniform(4, 5, -1f, 1f);
        var expected = LinearBackward.Compute(linear, x, dY);
        float[] dx = new float[4 * 9], dw = new float[5 * 9], db = new float[5];
        PackedLinear.From(linear).Backward(x.ToRowMajorArray(), dY.ToRowMajorArray(), dx, dw, db, 4);
        AssertClose(expected.Inputs, Matrix<float>.Build.Dense(4, 9, (i, j) => dx[i * 9 + j]), "dX");
        AssertClose(expected.Weight, Matrix<float>.Build.Dense(5, 9, (i, j) => dw[i * 9 + j]), "dW");
        AssertClose(expected.Bias!.ToArray().Select(f => (double)f).ToArray(), db, "db");
    }

    [Fact]
    public void Weight_and_bias_gradients_are_added_to_what_the_buffers_hold_and_the_input_gradient_is_overwritten()
    {
        const int rows = 8, inFeatures = 7, outFeatures = 70;
        float[] w = Uniform(outFeatures * inFeatures, 1), b = Uniform(outFeatures, 2), x = Uniform(rows * inFeatures, 3), dY = Uniform(rows * outFeatures, 4);
        var layer = new PackedLinear(w, b, outFeatures, inFeatures);
        float[] dx = Uniform(rows * inFeatures, 5, 100f), dw = Uniform(outFeatures * inFeatures, 6), db = Uniform(outFeatures, 7);
        float[] dw0 = (float[])dw.Clone(), db0 = (float[])db.Clone();
        layer.Backward(x, dY, dx, dw, db, rows);
        var (ex, ew, eb) = Reference(x, dY, w, rows, inFeatures, outFeatures);
        AssertClose(ex, dx, "dX (overwritten)");
        AssertClose(ew.Select((g, i) => g + dw0[i]).ToArray(), dw, "dW added to the initial gradient");
        AssertClose(eb.Select((g, i) => g + db0[i]).ToArray(), db, "db added to the initial gradient");
        layer.Backward(x, dY, [], dw, db, rows);
        AssertClose(ew.Select((g, i) => 2 * g + dw0[i]).ToArray(), dw, "dW after a second backward (skipping dX)");
        AssertClose(eb.Select((g, i) => 2 * g + db0[i]).ToArray(), db, "db after a second backward");
    }

    [Theory]
    [InlineData(SimdPath.Vector512)]
    [InlineData(SimdPath.Vector256)]
    [InlineData(SimdPath.Vector128)]
    [InlineData(SimdPath.Scalar)]
    public void One_and_two_threads_give_identical_gradients(SimdPath path)
    {
        const int rows = 300, inFeatures = 90, outFeatures = 150;
        float[] w = Uniform(outFeatures * inFeatures, 1), x = Uniform(rows * inFeatures, 2), dY = Uniform(rows * outFeatures, 3);
        var layer = new PackedLinear(w, Uniform(outFeatures, 4), outFeatures, inFeatures);
        float[][] Gradients(int threads)
        {
            float[] dx = new float[rows * inFeatures], dw = new float[outFeatures * inFeatures], db = new float[outFeatures];
            layer.Backward(x, dY, dx, dw, db, rows, new KernelOptions { Simd = path, MaxDegreeOfParallelism = threads });
            return [dx, dw, db];
        }
        var one = Gradients(1);
        var two = Gradients(2);
        for (int t = 0; t < 3; t++)
            Assert.Equal(one[t], two[t]);
    }

    [Fact]
    public void The_layer_keeps_its_row_major_weight_and_bias()
    {
        var generator = new TorchGenerator(2);
        var first = new Linear(4, 3, bias: false, generator);
        var second = new Linear(4, 2, bias: true, generator);
        var stacked = PackedLinear.Stack(first, second);
        var expected = first.Weight.ToRowMajorArray().Concat(second.Weight.ToRowMajorArray()).ToArray();
        Assert.Equal(expected, stacked.Weight.ToArray());
        Assert.Equal(new[] { 0f, 0f, 0f }.Concat(second.Bias!.ToArray()).ToArray(), stacked.Bias.ToArray());
        Assert.True(new PackedLinear(new float[6], [], 2, 3).Bias.IsEmpty);
    }

    [Fact]
    public void Wrong_lengths_and_overlaps_are_rejected_by_name()
    {
        var layer = new PackedLinear(new float[6], new float[2], 2, 3);
        float[] x = new float[12], dY = new float[8], dx = new float[12], dw = new float[6], db = new float[2];
        var error = Assert.Throws<ArgumentException>(() => layer.Backward(new float[11], dY, dx, dw, db, 4));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("input has 11 floats but (4, 3) needs 12", error.Message);
        error = Assert.Throws<ArgumentException>(() => layer.Backward(x, new float[7], dx, dw, db, 4));
        Assert.Equal("outputGradient", error.ParamName);
        Assert.Contains("outputGradient has 7 floats but (4, 2) needs 8", error.Message);
        error = Assert.Throws<ArgumentException>(() => layer.Backward(x, dY, new float[3], dw, db, 4));
        Assert.Equal("inputGradient", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => layer.Backward(x, dY, dx, new float[5], db, 4));
        Assert.Equal("weightGradient", error.ParamName);
        Assert.Contains("weightGradient has 5 floats but the weight is (2, 3), 6 floats", error.Message);
        error = Assert.Throws<ArgumentException>(() => layer.Backward(x, dY, dx, dw, [], 4));
        Assert.Equal("biasGradient", error.ParamName);
        var noBias = new PackedLinear(new float[6], [], 2, 3);
        error = Assert.Throws<ArgumentException>(() => noBias.Backward(x, dY, dx, dw, db, 4));
        Assert.Equal("biasGradient", error.ParamName);
        Assert.Contains("the layer has no bias", error.Message);
        error = Assert.Throws<ArgumentException>(() => layer.Backward(x, dY, x, dw, db, 4));
        Assert.Equal("inputGradient", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => layer.Backward(x, dY, dx, x.AsSpan(0, 6), db, 4));
        Assert.Equal("weightGradient", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => layer.Backward(x, dY, dx, dw, dY.AsSpan(0, 2), 4));
        Assert.Equal("biasGradient", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.Backward(x, dY, dx, dw, db, 0));
    }
}
