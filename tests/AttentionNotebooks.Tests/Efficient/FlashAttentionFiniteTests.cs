using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>The fused paths say what the teaching modules say when numbers stop being finite.</summary>
public sealed class FlashAttentionFiniteTests
{
    private const int Batch = 2, Heads = 2, Tokens = 5, HeadDim = 4;
    private const int Size = Batch * Heads * Tokens * HeadDim;

    private static float[] Random(int seed, int size = Size) => TestHelpers.Random(1, size, (ulong)seed).ToRowMajorArray();

    private static int Index(int b, int h, int t, int d) => ((b * Heads + h) * Tokens + t) * HeadDim + d;

    public static TheoryData<SimdPath> Paths => [.. Enum.GetValues<SimdPath>().Where(p => p != SimdPath.Auto && FlashAttention.ResolvedPath(p) == p)];

    [Theory]
    [MemberData(nameof(Paths))]
    public void A_query_and_key_near_1e20_overflow_the_scores_and_the_forward_names_the_row(SimdPath path)
    {
        var q = Random(1);
        var k = Random(2);
        var v = Random(3);
        q[Index(1, 0, 3, 2)] = 1e20f;                               // batch 1, head 0, token 3 (causal: sees keys 0..3)
        k[Index(1, 0, 1, 2)] = 1e20f;
        var output = new float[Size];
        var e = Assert.Throws<OverflowException>(() => FlashAttention.Forward(q, k, v, output, Batch, Heads, Tokens, HeadDim, causal: true,
            new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = 1 }));
        Assert.StartsWith("the attention output of batch 1, head 0, token 3 overflowed: feature 0 is NaN although its query and the keys and values it attends to are finite", e.Message, StringComparison.Ordinal);
        Assert.Contains("the largest |value| in query is 1E+20, in key 1E+20", e.Message, StringComparison.Ordinal);
        Assert.True(float.IsFinite(output[Index(1, 0, 2, 0)]));     // the other rows are computed as before
    }

    [Fact]
    public void A_non_finite_input_still_reaches_only_the_rows_that_read_it_without_an_error()
    {
        var q = Random(1);
        var k = Random(2);
        var v = Random(3);
        v[Index(0, 1, 3, 0)] = float.NaN;                           // causal: rows 3 and 4 of batch 0, head 1 read it
        var output = new float[Size];
        FlashAttention.Forward(q, k, v, output, Batch, Heads, Tokens, HeadDim, causal: true);
        Assert.True(float.IsNaN(output[Index(0, 1, 3, 0)]));
        Assert.True(float.IsFinite(output[Index(0, 1, 2, 0)]));
    }

    [Theory]
    [InlineData("query")]
    [InlineData("outputGradient")]
    [InlineData("logSumExp")]
    public void The_backward_refuses_a_non_finite_input_naming_where(string poisoned)
    {
        var q = Random(1);
        var k = Random(2);
        var v = Random(3);
        var o = new float[Size];
        var lse = new float[Batch * Heads * Tokens];
        FlashAttention.Forward(q, k, v, o, lse, Batch, Heads, Tokens, HeadDim, causal: true);
        var dO = Random(4);
        switch (poisoned)
        {
            case "query": q[Index(0, 1, 2, 3)] = float.PositiveInfinity; break;
            case "outputGradient": dO[Index(0, 1, 2, 3)] = float.NaN; break;
            default: lse[(0 * Heads + 1) * Tokens + 2] = float.NaN; break;
        }
        var e = Assert.Throws<ArgumentException>(() => FlashAttention.Backward(q, k, v, o, dO, lse, new float[Size], new float[Size], new float[Size],
            Batch, Heads, Tokens, HeadDim, causal: true));
        Assert.Equal(poisoned, e.ParamName);
        Assert.Contains(poisoned == "logSumExp" ? "at batch 0, head 1, token 2:" : "at batch 0, head 1, token 2, feature 3:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fused_module_backward_refuses_a_non_finite_output_gradient_before_touching_any_gradient()
    {
        var teaching = new MultiHeadAttention(4, 4, 6, 0f, 2, generator: new TorchGenerator(5));
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        var input = Random(6, 2 * 3 * 4);
        var output = new float[2 * 3 * 4];
        var saved = fused.ForwardForTraining(input, output, 2, 3);
        var dY = Random(7, 2 * 3 * 4);
        dY[1 * 12 + 2 * 4 + 1] = float.NaN;                          // sequence 1, token 2, feature 1
        var gradients = new FusedMultiHeadAttentionGradients(fused);
        var e = Assert.Throws<ArgumentException>(() => fused.Backward(saved, dY, new float[input.Length], gradients));
        Assert.StartsWith("outputGradient contains NaN at sequence 1, token 2, feature 1", e.Message, StringComparison.Ordinal);
        Assert.All(gradients.QkvWeight, g => Assert.Equal(0f, g));
    }
}
