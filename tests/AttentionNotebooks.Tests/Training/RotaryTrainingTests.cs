using AttentionNotebooks.Training;
using CsCheck;
using static AttentionNotebooks.Tests.Training.DoubleForward;

namespace AttentionNotebooks.Tests.Training;

/// <summary>CausalAttention with RoPE (notebook 08's look-back model) and a sliding window: its forward pass and its trainer's gradients.</summary>
public sealed class RotaryTrainingTests
{
    [Fact]
    public void CausalAttention_with_rope_rotates_the_queries_and_keys_as_the_definition_does()
    {
        var module = new CausalAttention(3, 4, 8, generator: new TorchGenerator(5)) { Rotary = new RotaryEmbedding(4) };
        var x = TestHelpers.Random(7, 3, 2);
        var q = ModernReference.Rotate(Reference.Linear(Reference.ToDouble(x), module.WQuery), 0);
        var k = ModernReference.Rotate(Reference.Linear(Reference.ToDouble(x), module.WKey), 0);
        var (context, weights) = Reference.Attention(q, k, Reference.Linear(Reference.ToDouble(x), module.WValue), causal: true, 0.5);
        var result = module.Forward(x);
        TestHelpers.AssertClose(context, result.Context, what: "context");
        TestHelpers.AssertClose(weights, result.Weights, what: "weights");
    }

    [Fact]
    public void The_trainers_gradients_through_rope_and_a_sliding_window_match_central_differences()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[1, 4], Gen.Int[1, 2], Gen.ULong).Sample((tokens, dIn, pairs, seed) =>
        {
            int dOut = 2 * pairs;
            int window = (int)(seed % 3) + 1;                              // the gradients also hold under a sliding window
            var module = new CausalAttention(dIn, dOut, tokens, generator: new TorchGenerator(seed)) { Rotary = new RotaryEmbedding(dOut), Window = window };
            var trainer = new CausalAttentionTrainer(module);
            var x = TestHelpers.Random(tokens, dIn, seed ^ 7);
            var upstream = new TorchGenerator(seed ^ 9).Randn(tokens, dOut);
            trainer.Forward([x]);
            var dx = trainer.Backward([upstream]);
            var xd = D(x);
            var w = new[] { module.WQuery, module.WKey, module.WValue }.Select(l => D(l.Weight)).ToArray();
            double Loss()
            {
                var q = ModernReference.Rotate(Linear(xd, w[0], null), 0);
                var k = ModernReference.Rotate(Linear(xd, w[1], null), 0);
                return Dot(ModernReference.Attention(q, k, Linear(xd, w[2], null), causal: true, window, 0, dOut).Context, upstream);
            }
            var names = new[] { "W_query", "W_key", "W_value" };
            for (int i = 0; i < 3; i++)
                FiniteDifferences.AssertClose(FiniteDifferences.Gradient(w[i], Loss), trainer.Parameters[i].MatrixGradient!, names[i] + ".weight.grad");
            FiniteDifferences.AssertClose(FiniteDifferences.Gradient(xd, Loss), dx[0], "x.grad");
        }, iter: 25);
    }

    [Fact]
    public void A_rotary_classifier_has_no_position_embedding_and_runs_on_sequences_up_to_its_context_length()
    {
        var model = AttentionClassifier.WithRotaryCausalAttention(8, 8, 4, 24, new TorchGenerator(1));
        Assert.Null(model.PositionEmbedding);
        Assert.NotNull(model.CausalAttention!.Rotary);
        Assert.Equal(["tok_emb.weight", "att.W_query.weight", "att.W_key.weight", "att.W_value.weight", "out_head.weight", "out_head.bias"], model.Parameters.Select(p => p.Name));
        var (inputs, _) = LookBackTask.Batch(new TorchGenerator(2), 2, 24, 8, 1);
        Assert.Equal(24, model.Forward(inputs).Weights[0][0].RowCount);
        Assert.Equal("Rotary", Assert.Throws<ArgumentException>(() => new CausalAttention(2, 4, 4) { Rotary = new RotaryEmbedding(2) }).ParamName);
    }
}
