namespace AttentionNotebooks.Tests.Parity;

/// <summary>
/// modern.json replayed: RoPE, grouped-query and multi-query attention (with RoPE and sliding windows, also decoded
/// token by token with a KV cache) and latent attention (naive and absorbed) against libtorch, within
/// <see cref="ModuleParity.Tolerance"/>.
/// </summary>
public sealed class ModernParityTests
{
    public static TheoryData<int, string> RopeCases() => ModernFixtures.Cases("rope");

    public static TheoryData<int, string> GqaCases() => ModernFixtures.Cases("gqa");

    public static TheoryData<int, string> MlaCases() => ModernFixtures.Cases("mla");

    [Theory]
    [MemberData(nameof(RopeCases))]
    public void RotaryEmbedding_rotates_as_libtorchs_rotate_half_formula(int index, string name)
    {
        var e = ModernFixtures.Entry(index, name);
        var rope = new RotaryEmbedding(e.HeadDim, e.Theta!.Value);
        for (int h = 0; h < e.Heads; h++)
        {
            int offset = h * e.Tokens * e.HeadDim;
            var rotated = rope.Rotate(Fixtures.Matrix(e.X!, e.Tokens, e.HeadDim, offset), e.First);
            TestHelpers.AssertClose(Fixtures.Matrix(e.Rotated!, e.Tokens, e.HeadDim, offset), rotated, ModuleParity.Tolerance, $"{name}: head {h}");
        }
    }

    [Theory]
    [MemberData(nameof(GqaCases))]
    public void GroupedQueryAttention_gives_sdpa_on_repeated_key_value_heads(int index, string name)
    {
        var e = ModernFixtures.Entry(index, name);
        var gqa = Module(e);
        Assert.Equal(e.Groups, gqa.NumKvGroups);
        var result = gqa.Forward(Fixtures.Matrices(e.Inputs!, e.Batch, e.Tokens, e.DIn));
        ModuleParity.AssertBatchClose(e.Outputs!, result.Context, e.Tokens, e.DOut, $"{name}: outputs");
    }

    [Theory]
    [MemberData(nameof(GqaCases))]
    public void GroupedQueryAttention_decoded_token_by_token_with_a_cache_gives_libtorchs_outputs(int index, string name)
    {
        var e = ModernFixtures.Entry(index, name);
        var gqa = Module(e);
        var inputs = Fixtures.Matrices(e.Inputs!, e.Batch, e.Tokens, e.DIn);
        for (int b = 0; b < e.Batch; b++)
        {
            var cache = gqa.NewCache();
            for (int t = 0; t < e.Tokens; t++)
            {
                var output = gqa.Decode(inputs[b].SubMatrix(t, 1, 0, e.DIn), cache).Context[0];
                TestHelpers.AssertClose(Fixtures.Matrix(e.Outputs!, 1, e.DOut, (b * e.Tokens + t) * e.DOut), output, ModuleParity.Tolerance, $"{name}: sequence {b}, token {t}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(MlaCases))]
    public void MultiHeadLatentAttention_naive_and_absorbed_give_libtorchs_naive_form(int index, string name)
    {
        var e = ModernFixtures.Entry(index, name);
        var mla = new MultiHeadLatentAttention(e.Linear("W_query"), e.Linear("W_DKV"), e.Linear("W_UK"), e.Linear("W_UV"), e.Linear("out_proj"), e.Tokens, e.Heads);
        Assert.Equal(e.Latent, mla.LatentDim);
        var inputs = Fixtures.Matrices(e.Inputs!, e.Batch, e.Tokens, e.DIn);
        ModuleParity.AssertBatchClose(e.Outputs!, mla.Forward(inputs).Context, e.Tokens, e.DOut, $"{name}: naive outputs");
        ModuleParity.AssertBatchClose(e.Outputs!, mla.ForwardAbsorbed(inputs).Context, e.Tokens, e.DOut, $"{name}: absorbed outputs");
        for (int b = 0; b < e.Batch; b++)
            TestHelpers.AssertClose(Fixtures.Matrix(e.Latents!, e.Tokens, e.Latent, b * e.Tokens * e.Latent), mla.Latent(inputs[b]), ModuleParity.Tolerance, $"{name}: latent {b}");
    }

    [Fact]
    public void Every_entry_says_which_libtorch_made_it()
    {
        Assert.All(ModernFixtures.Entries, e => Assert.Equal(("2.10.0", "0.107.0"), (e.LibtorchVersion, e.TorchSharpVersion)));
        Assert.Equal(3, RopeCases().Count);
        Assert.Equal(6, GqaCases().Count);
        Assert.Equal(2, MlaCases().Count);
    }

    private static GroupedQueryAttention Module(ModernEntry e) =>
        new(e.Linear("W_query"), e.Linear("W_key"), e.Linear("W_value"), e.Linear("out_proj"), e.Tokens, e.Heads)
        {
            Rotary = e.Theta is { } theta ? new RotaryEmbedding(e.DOut / e.Heads, theta) : null,
            Window = e.Window,
        };
}
