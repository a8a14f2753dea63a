using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class LinearTests
{
    [Fact]
    public void Forward_computes_x_times_W_transposed_plus_bias()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 7], Gen.Int[1, 7], Gen.Bool, Gen.ULong).Sample((tokens, dIn, dOut, bias, seed) =>
        {
            var layer = new Linear(dIn, dOut, bias, new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, dIn, seed + 1);
            TestHelpers.AssertClose(Reference.Linear(Reference.ToDouble(x), layer), layer.Forward(x));
        }, iter: 100);
    }

    [Fact]
    public void Weight_is_stored_out_by_in_as_in_PyTorch()
    {
        var layer = new Linear(3, 2);
        Assert.Equal(2, layer.Weight.RowCount);
        Assert.Equal(3, layer.Weight.ColumnCount);
        Assert.Equal(3, layer.InFeatures);
        Assert.Equal(2, layer.OutFeatures);
        Assert.Equal(2, layer.Bias!.Count);
    }

    [Fact]
    public void Default_initialisation_is_uniform_within_one_over_root_in_features()
    {
        var layer = new Linear(16, 64, bias: true, new TorchGenerator(1));
        float bound = 1f / MathF.Sqrt(16);
        Assert.All(layer.Weight.Enumerate(), w => Assert.InRange(w, -bound, bound));
        Assert.All(layer.Bias!, b => Assert.InRange(b, -bound, bound));
        // Spread over the whole interval, not a constant: the extremes come close to ±bound and the mean is near 0.
        Assert.True(layer.Weight.Enumerate().Max() > 0.9f * bound);
        Assert.True(layer.Weight.Enumerate().Min() < -0.9f * bound);
        Assert.InRange(layer.Weight.Enumerate().Average(), -0.05, 0.05);
    }

    [Fact]
    public void The_same_seed_gives_the_same_layer_and_another_seed_a_different_one()
    {
        var a = new Linear(3, 2, true, new TorchGenerator(123));
        var b = new Linear(3, 2, true, new TorchGenerator(123));
        var c = new Linear(3, 2, true, new TorchGenerator(124));
        Assert.Equal(a.Weight, b.Weight);
        Assert.Equal(a.Bias, b.Bias);
        Assert.NotEqual(a.Weight, c.Weight);
    }

    [Fact]
    public void Layers_built_in_sequence_from_one_generator_differ()
    {
        var g = new TorchGenerator(123);
        var first = new Linear(3, 2, false, g);
        var second = new Linear(3, 2, false, g);
        Assert.NotEqual(first.Weight, second.Weight);
    }

    [Fact]
    public void Parameter_count_is_in_times_out_plus_out_biases()
    {
        Assert.Equal(768L * 768 + 768, new Linear(768, 768, bias: true).ParameterCount);
        Assert.Equal(3L * 2, new Linear(3, 2, bias: false).ParameterCount);
    }

    [Fact]
    public void A_layer_built_from_weights_copies_them()
    {
        var w = Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 2, 3 }, { 4, 5, 6 } });
        var b = Vector<float>.Build.DenseOfArray([0.5f, -0.5f]);
        var layer = new Linear(w, b);
        w[0, 0] = 100f;
        b[0] = 100f;
        Assert.Equal(1f, layer.Weight[0, 0]);
        Assert.Equal(0.5f, layer.Bias![0]);
        var y = layer.Forward(Matrix<float>.Build.DenseOfArray(new float[,] { { 1, 1, 1 } }));
        Assert.Equal([6.5f, 14.5f], y.Row(0).ToArray());
    }

    [Fact]
    public void A_bias_of_the_wrong_length_is_an_error_naming_both_shapes()
    {
        var w = Matrix<float>.Build.Dense(2, 3, 1f);
        var e = Assert.Throws<ArgumentException>(() => new Linear(w, Vector<float>.Build.Dense(3)));
        Assert.Contains("bias has 3 elements but weight is 2x3", e.Message);
    }

    [Fact]
    public void Forward_rejects_inputs_with_the_wrong_number_of_features()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(3, 2).Forward(Matrix<float>.Build.Dense(6, 4)));
        Assert.Contains("inputs are 6x4 but this Linear layer expects 3 input features", e.Message);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(3, -1)]
    public void Non_positive_sizes_are_errors(int dIn, int dOut)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(dIn, dOut));
        Assert.Contains("must be positive", e.Message);
    }

    [Fact]
    public void A_weight_too_large_for_one_matrix_is_an_error_naming_both_sizes_and_the_product()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Linear(46341, 46341));
        Assert.Contains("outFeatures (46341) x inFeatures (46341) = 2147488281 elements, which exceeds the largest matrix (2147483591 elements", e.Message);
        Assert.Equal("outFeatures", e.ParamName);
    }

    [Fact]
    public void NaN_or_infinity_in_the_bias_is_an_error_naming_the_element()
    {
        var w = Matrix<float>.Build.Dense(2, 3, 1f);
        var e = Assert.Throws<ArgumentException>(() => new Linear(w, Vector<float>.Build.DenseOfArray([0.5f, float.NaN])));
        Assert.Equal("bias", e.ParamName);
        Assert.Contains("bias contains NaN at element 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Linear(w, Vector<float>.Build.DenseOfArray([float.NegativeInfinity, 0f])));
        Assert.Contains("bias contains -Infinity at element 0", e.Message);
    }

    [Fact]
    public void Outputs_that_overflow_float32_are_an_error_naming_the_position_and_the_magnitudes()
    {
        var layer = new Linear(Matrix<float>.Build.Dense(2, 3, 2f));
        var inputs = Matrix<float>.Build.Dense(4, 3, 1f);
        inputs[2, 1] = 3e38f;                                       // 2·3e38 overflows in row 2 of both outputs
        var e = Assert.Throws<OverflowException>(() => layer.Forward(inputs));
        Assert.Equal(
            "the outputs overflowed: row 2, column 0 of the 4x2 outputs is +Infinity " +
            "(the largest |value| in inputs is 3E+38 and in this Linear layer 2; float32 holds up to 3.4E+38).", e.Message);
    }
}
