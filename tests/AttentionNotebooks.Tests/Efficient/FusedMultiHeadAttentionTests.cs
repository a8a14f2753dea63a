using AttentionNotebooks.Efficient;
using CsCheck;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class FusedMultiHeadAttentionTests
{
    private static (MultiHeadAttention Teaching, Matrix<float>[] Batch) Build(int batch, int tokens, int dIn, int dOut, int heads, bool qkvBias, ulong seed)
    {
        var generator = new TorchGenerator(seed);
        var teaching = new MultiHeadAttention(dIn, dOut, contextLength: Math.Max(tokens, 8), dropout: 0f, heads, qkvBias, generator) { Training = false };
        var inputs = Enumerable.Range(0, batch).Select(_ => generator.Uniform(tokens, dIn, -1f, 1f)).ToArray();
        return (teaching, inputs);
    }

    private static void CheckAgainstTeaching(int batch, int tokens, int dIn, int headDim, int heads, bool qkvBias, SimdPath path, ulong seed)
    {
        var (teaching, inputs) = Build(batch, tokens, dIn, headDim * heads, heads, qkvBias, seed);
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        var actual = fused.Forward(inputs, new FlashAttentionOptions { Simd = path });
        var expected = teaching.Forward(inputs).Context;
        string what = $"(batch {batch}, tokens {tokens}, dIn {dIn}, heads {heads} × {headDim}) {path}";
        for (int b = 0; b < batch; b++)
        {
            AssertClose(expected[b], actual[b], $"{what} against MultiHeadAttention, sequence {b}");
            var reference = MultiHeadAttention(inputs[b], teaching);
            var flat = new float[actual[b].RowCount * actual[b].ColumnCount];
            for (int t = 0; t < actual[b].RowCount; t++)
                for (int o = 0; o < actual[b].ColumnCount; o++)
                    flat[t * actual[b].ColumnCount + o] = actual[b][t, o];
            AssertClose(reference, flat, $"{what} against the double-precision reference, sequence {b}");
        }
    }

    [Theory]
    [InlineData(1, 1, 3, 1, 2)]
    [InlineData(2, 6, 3, 1, 2)]
    [InlineData(2, 6, 3, 3, 1)]
    [InlineData(1, 65, 16, 3, 4)]
    [InlineData(2, 70, 40, 64, 2)]
    [InlineData(1, 131, 24, 80, 2)]
    public void Equals_the_teaching_MultiHeadAttention_in_evaluation_mode_on_every_vector_path(int batch, int tokens, int dIn, int headDim, int heads)
    {
        foreach (var path in Paths)
            CheckAgainstTeaching(batch, tokens, dIn, headDim, heads, qkvBias: tokens % 2 == 0, path, (ulong)(tokens * 7 + headDim));
    }

    [Fact]
    public void Random_modules_and_inputs_equal_the_teaching_module()
    {
        Gen.Select(Gen.Int[1, 2], Gen.Int[1, 80], Gen.Int[1, 24], Gen.OneOfConst(1, 3, 8, 64), Gen.Int[1, 3], Gen.Bool, Gen.OneOfConst(Paths), Gen.ULong[0, 1_000_000])
            .Sample((batch, tokens, dIn, headDim, heads, qkvBias, path, seed) => CheckAgainstTeaching(batch, tokens, dIn, headDim, heads, qkvBias, path, seed), iter: 25, threads: 1);
    }

    [Fact]
    public void Full_attention_without_the_causal_mask_equals_the_reference()
    {
        var (teaching, inputs) = Build(2, 37, 12, 12, 3, qkvBias: true, seed: 5);
        var fused = new FusedMultiHeadAttention(teaching.WQuery, teaching.WKey, teaching.WValue, teaching.OutProj, teaching.ContextLength, teaching.NumHeads, causal: false);
        Assert.False(fused.Causal);
        var actual = fused.Forward(inputs);
        for (int b = 0; b < inputs.Length; b++)
        {
            var flat = Enumerable.Range(0, 37 * 12).Select(i => actual[b][i / 12, i % 12]).ToArray();
            AssertClose(MultiHeadAttention(inputs[b], teaching, causal: false), flat, $"non-causal sequence {b}");
        }
    }

    [Fact]
    public void The_span_forward_reads_and_writes_batch_tokens_features_row_major()
    {
        var (teaching, inputs) = Build(2, 9, 5, 4, 2, qkvBias: false, seed: 8);
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        var input = new float[2 * 9 * 5];
        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 9; t++)
                for (int i = 0; i < 5; i++)
                    input[(b * 9 + t) * 5 + i] = inputs[b][t, i];
        var output = new float[2 * 9 * 4];
        fused.Forward(input, output, batch: 2, tokens: 9, new FlashAttentionOptions { MaxDegreeOfParallelism = 1 });
        var expected = teaching.Forward(inputs).Context;
        for (int b = 0; b < 2; b++)
            AssertClose(expected[b], Matrix<float>.Build.Dense(9, 4, (t, o) => output[(b * 9 + t) * 4 + o]), $"sequence {b}");
    }

    [Fact]
    public void Dropout_is_rejected_because_the_module_has_no_dropout()
    {
        var teaching = new MultiHeadAttention(4, 4, 8, dropout: 0.1f, numHeads: 2, generator: new TorchGenerator(1));
        var error = Assert.Throws<NotSupportedException>(() => FusedMultiHeadAttention.FromTeaching(teaching));
        Assert.Contains("dropout 0.1", error.Message);
        error = Assert.Throws<NotSupportedException>(() => new FusedMultiHeadAttention(teaching.WQuery, teaching.WKey, teaching.WValue, teaching.OutProj, 8, 2, dropout: 0.5f));
        Assert.Contains("has no dropout, neither in inference nor in its training step", error.Message);
        teaching.Training = false;
        Assert.Equal(2, FusedMultiHeadAttention.FromTeaching(teaching).NumHeads);
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_rejected_with_what_was_expected()
    {
        var (teaching, _) = Build(1, 8, 5, 6, 3, qkvBias: false, seed: 2);
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        var error = Assert.Throws<ArgumentException>(() => fused.Forward(new float[2 * 9 * 5], new float[2 * 9 * 6], 2, 9));
        Assert.Contains("9 tokens but the context length is 8", error.Message);
        error = Assert.Throws<ArgumentException>(() => fused.Forward(new float[2 * 4 * 5 - 1], new float[2 * 4 * 6], 2, 4));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("(batch 2, tokens 4, dIn 5) needs 40", error.Message);
        error = Assert.Throws<ArgumentException>(() => fused.Forward(new float[40], new float[47], 2, 4));
        Assert.Equal("output", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => fused.Forward([Matrix<float>.Build.Dense(3, 4, 0.5f)]));
        Assert.Contains("expects 5 input features", error.Message);
        error = Assert.Throws<ArgumentException>(() => new FusedMultiHeadAttention(teaching.WQuery, teaching.WKey, teaching.WValue, teaching.OutProj, 8, numHeads: 4));
        Assert.Contains("W_query's output features (6) must be divisible by numHeads (4)", error.Message);
    }

    [Fact]
    public void Sizes_whose_products_wrap_64_bits_are_rejected_before_any_work()
    {
        // batch·tokens = 2^60, so batch·tokens·dIn, ·dOut and ·3·dOut are multiples of 2^64: in 64 bits they all wrapped to 0
        // and matched the empty spans, and the call returned without computing anything.
        var generator = new TorchGenerator(3);
        Linear Layer() => new(16, 16, bias: true, generator);
        var fused = new FusedMultiHeadAttention(Layer(), Layer(), Layer(), Layer(), contextLength: 1 << 30, numHeads: 1);
        var error = Assert.Throws<ArgumentException>(() => fused.Forward([], [], batch: 1 << 30, tokens: 1 << 30));
        Assert.Equal("batch", error.ParamName);
        Assert.Contains("(batch 1073741824, tokens 1073741824) with dIn 16 and dOut 16 needs more floats than one buffer can hold", error.Message);
    }
}
