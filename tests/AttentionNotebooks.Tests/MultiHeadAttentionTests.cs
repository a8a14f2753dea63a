using CsCheck;

namespace AttentionNotebooks.Tests;

public sealed class MultiHeadAttentionTests
{
    [Fact]
    public void Matches_the_definition_for_random_shapes_heads_and_seeds()
    {
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 7], Gen.Int[1, 6], Gen.Int[1, 4], Gen.ULong).Sample((heads, tokens, dIn, headDim, seed) =>
        {
            var mha = new MultiHeadAttention(dIn, heads * headDim, 8, 0f, heads, qkvBias: seed % 2 == 0, new TorchGenerator(seed));
            var batch = TestHelpers.RandomBatch(2, tokens, dIn, seed + 7);
            var result = mha.Forward(batch);
            for (int b = 0; b < batch.Length; b++)
            {
                var (output, weights) = Reference.MultiHead(Reference.ToDouble(batch[b]), mha);
                TestHelpers.AssertClose(output, result.Context[b], what: $"output[{b}]");
                for (int h = 0; h < heads; h++)
                    TestHelpers.AssertClose(weights[h], result.Weights[b][h], what: $"weights[{b}][{h}]");
            }
        }, iter: 100);
    }

    [Fact]
    public void Changing_later_tokens_never_changes_earlier_outputs()
    {
        Gen.Select(Gen.Int[2, 8], Gen.Int[1, 3], Gen.ULong).Sample((tokens, heads, seed) =>
        {
            var mha = new MultiHeadAttention(4, 2 * heads, 8, 0f, heads, generator: new TorchGenerator(seed));
            var x = TestHelpers.Random(tokens, 4, seed + 1);
            int t = (int)(seed % (ulong)(tokens - 1));
            var changed = x.Clone();
            changed.SetSubMatrix(t + 1, 0, TestHelpers.Random(tokens - t - 1, 4, seed + 2));
            var before = mha.Forward([x]).Context[0];
            var after = mha.Forward([changed]).Context[0];
            for (int i = 0; i <= t; i++)
                Assert.Equal(before.Row(i), after.Row(i));
        }, iter: 100);
    }

    [Fact]
    public void Seed_123_reproduces_the_books_two_dimensional_outputs()
    {
        var result = new MultiHeadAttention(3, 2, 6, 0f, numHeads: 2, generator: new TorchGenerator(123)).Forward(SampleData.Batch());
        TestHelpers.AssertRow([0.3190f, 0.4858f], result.Context[0].Row(0), 5e-5);
        TestHelpers.AssertRow([0.2575f, 0.4028f], result.Context[1].Row(5), 5e-5);
    }

    [Fact]
    public void A_GPT2_sized_module_has_2360064_parameters()
    {
        var mha = new MultiHeadAttention(768, 768, 1024, 0f, numHeads: 12, qkvBias: false);
        Assert.Equal(2_360_064, mha.ParameterCount);
        Assert.Equal(64, mha.HeadDim);
    }

    [Fact]
    public void A_GPT2_sized_module_with_query_key_and_value_biases_has_2362368_parameters()
    {
        // OpenAI's GPT-2 has biases on c_attn (the fused query, key and value projection): qkv_bias=True in the book.
        var mha = new MultiHeadAttention(768, 768, 1024, 0f, numHeads: 12, qkvBias: true);
        long counted = new[] { mha.WQuery, mha.WKey, mha.WValue, mha.OutProj }
            .Sum(layer => (long)layer.Weight.RowCount * layer.Weight.ColumnCount + (layer.Bias?.Count ?? 0));
        Assert.Equal(2_362_368, counted);
        Assert.Equal(counted, mha.ParameterCount);
        Assert.All(new[] { mha.WQuery, mha.WKey, mha.WValue }, layer => Assert.Equal(768, layer.Bias?.Count));
    }

    [Fact]
    public void D_out_not_divisible_by_the_number_of_heads_is_an_error_naming_both()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(3, 7, 6, 0f, numHeads: 2));
        Assert.Contains("dOut (7) must be divisible by numHeads (2)", e.Message);
    }

    [Fact]
    public void An_output_projection_of_the_wrong_shape_is_an_error()
    {
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(new Linear(3, 4), new Linear(3, 4), new Linear(3, 4), new Linear(4, 2), 6, 2));
        Assert.Contains("outProj is 2x4 but W_query has 4 outputs, so the output projection needs 4x4", e.Message);
    }

    [Fact]
    public void Inputs_with_the_wrong_number_of_features_are_an_error_naming_the_sequence()
    {
        var mha = new MultiHeadAttention(3, 4, 6, 0f, 2);
        var e = Assert.Throws<ArgumentException>(() => mha.Forward([Matrix<float>.Build.Dense(6, 4)]));
        Assert.Contains("batch[0] are 6x4 but W_query expects 3 input features", e.Message);
    }

    [Fact]
    public void Scores_that_overflow_float32_are_an_error_naming_the_head_and_sequence_not_NaN_inputs()
    {
        var mha = new MultiHeadAttention(3, 4, 6, 0f, 2, generator: new TorchGenerator(123));
        var x = Huge.Inputs(6, 3, 1e20f);
        var xd = Reference.ToDouble(x);
        string sign = Huge.SignOfFirstScore(Reference.Linear(xd, mha.WQuery), Reference.Linear(xd, mha.WKey), first: 0, count: 2);
        var e = Assert.Throws<OverflowException>(() => mha.Forward([x]));
        Assert.StartsWith($"the attention scores of head 0 on batch[0] overflowed: row 0, column 0 of the 6x6 attention scores is {sign} (the largest |value| in batch[0] is 1E+20, in the queries ", e.Message);
        Assert.DoesNotContain("NaN", e.Message);
    }

    [Fact]
    public void Outputs_that_overflow_float32_are_an_error_naming_the_output_projection()
    {
        // Zero queries and keys, identity values: the context vectors are the inputs (3e38), and OutProj doubles them.
        var zero = new Linear(Matrix<float>.Build.Dense(2, 2));
        var identity = new Linear(Matrix<float>.Build.DenseIdentity(2));
        var doubling = new Linear(2f * Matrix<float>.Build.DenseIdentity(2), Vector<float>.Build.Dense(2));
        var mha = new MultiHeadAttention(zero, zero, identity, doubling, 6, numHeads: 2);
        var e = Assert.Throws<OverflowException>(() => mha.Forward([Matrix<float>.Build.Dense(6, 2, 3e38f)]));
        Assert.Equal(
            "the outputs of batch[0] overflowed: row 0, column 0 of the 6x2 outputs is +Infinity (the largest |value| in the context vectors of batch[0] " +
            "is 3E+38 and in OutProj's weight and bias 2; float32 holds up to 3.4E+38).", e.Message);
    }

    [Fact]
    public void The_heads_check_is_shared_with_the_fused_module_and_names_the_callers_values()
    {
        var q = new Linear(3, 6);
        var e = Assert.Throws<ArgumentException>(() => new MultiHeadAttention(q, q, q, new Linear(6, 6), 8, numHeads: 4));
        var fused = Assert.Throws<ArgumentException>(() => new AttentionNotebooks.Efficient.FusedMultiHeadAttention(q, q, q, new Linear(6, 6), 8, numHeads: 4));
        Assert.Equal("W_query's output features (6) must be divisible by numHeads (4): each head gets an equal share of the 6 features. (Parameter 'numHeads')", e.Message);
        Assert.Equal(e.Message, fused.Message);
    }

    [Theory]
    [InlineData(0, 4, 6, 0f, 2, "dIn")]
    [InlineData(3, 0, 6, 0f, 2, "dOut")]
    [InlineData(3, 4, 0, 0f, 2, "contextLength")]
    [InlineData(3, 4, 6, -0.5f, 2, "dropout")]
    [InlineData(3, 4, 6, 0f, 0, "numHeads")]
    public void Invalid_arguments_are_errors_naming_the_callers_parameter_before_anything_is_drawn(int dIn, int dOut, int contextLength, float dropout, int numHeads, string name)
    {
        var g = new TorchGenerator(9);
        var e = Assert.ThrowsAny<ArgumentException>(() => new MultiHeadAttention(dIn, dOut, contextLength, dropout, numHeads, generator: g));
        Assert.Equal(name, e.ParamName);
        Assert.Equal(new TorchGenerator(9).NextUInt32(), g.NextUInt32());
    }

    [Fact]
    public void A_long_context_allocates_no_mask()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var mha = new MultiHeadAttention(3, 4, 20000, 0f, 2);
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 64 * 1024);
        Assert.Equal(CausalMask.Create(6), new MultiHeadAttention(3, 4, 6, 0f, 2).Mask);
        Assert.Equal(1f, mha.Mask[19998, 19999]);
    }

    [Fact]
    public void Both_constructors_build_the_same_module()
    {
        var built = new MultiHeadAttention(3, 4, 6, 0.1f, 2, generator: new TorchGenerator(4)) { Training = false };
        var wrapped = new MultiHeadAttention(built.WQuery, built.WKey, built.WValue, built.OutProj, 6, 2, 0.1f) { Training = false };
        Assert.Equal((built.ContextLength, built.NumHeads, built.HeadDim, built.Dropout.P), (wrapped.ContextLength, wrapped.NumHeads, wrapped.HeadDim, wrapped.Dropout.P));
        Assert.Equal(built.Mask, wrapped.Mask);
        Assert.Equal(built.Forward(SampleData.Batch()).Context, wrapped.Forward(SampleData.Batch()).Context);
    }

    [Fact]
    public void One_forward_pass_reads_its_input_once_to_validate_it()
    {
        // What Forward reads beyond the three projections' own reads is exactly one pass over the input (the old code read it 4 times).
        var mha = new MultiHeadAttention(3, 4, 6, 0f, 2, generator: new TorchGenerator(123));
        var x = new CountingMatrix(SampleData.Inputs());
        mha.Forward([x]);
        long forward = x.Reads;
        x.Reads = 0;
        mha.WQuery.Apply(x);
        mha.WKey.Apply(x);
        mha.WValue.Apply(x);
        Assert.Equal(6 * 3, forward - x.Reads);
    }
}
