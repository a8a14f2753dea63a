using System.Text;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace AttentionNotebooks.Pretrained.Tests;

/// <summary>
/// What the tests share, loaded once per test run: the model run by the course's modules, and ONNX Runtime running the
/// package's model.onnx with every layer's Softmax output (the attention weights) added to the graph's outputs.
/// </summary>
internal static class SharedModel
{
    private static readonly Lazy<MiniLm> LazyModel = new(() => MiniLm.Load());
    private static readonly Lazy<OnnxOracle> LazyOracle = new(() => new OnnxOracle());

    /// <summary>all-MiniLM-L6-v2 on the course's modules.</summary>
    public static MiniLm Model => LazyModel.Value;

    /// <summary>ONNX Runtime on the same file.</summary>
    public static OnnxOracle Oracle => LazyOracle.Value;
}

/// <summary>ONNX Runtime with the attention weights as extra outputs (one session, used by one test at a time).</summary>
internal sealed class OnnxOracle
{
    private readonly InferenceSession _session;
    private readonly string[] _softmaxOutputs;
    private readonly Lock _gate = new();

    public OnnxOracle()
    {
        var path = MiniLmPackage.Locate();
        var model = MiniLmPackage.ReadResource(path, MiniLmPackage.ModelResource);
        _softmaxOutputs = OnnxGraph.Parse(model).Nodes.Where(n => n.OpType == "Softmax").Select(n => n.Outputs[0]).ToArray();
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        _session = new InferenceSession(WithOutputs(model, _softmaxOutputs), options);
    }

    /// <summary>The Softmax outputs' names, in graph order (one per layer).</summary>
    public IReadOnlyList<string> SoftmaxOutputs => _softmaxOutputs;

    /// <summary>Runs the model on token ids: the last hidden state (T, d) row-major, and per layer the weights (heads, T, T) row-major.</summary>
    public (float[] LastHiddenState, float[][] Attention) Run(IReadOnlyList<int> ids)
    {
        int t = ids.Count;
        var inputIds = new DenseTensor<long>(ids.Select(i => (long)i).ToArray(), [1, t]);
        var mask = new DenseTensor<long>(Enumerable.Repeat(1L, t).ToArray(), [1, t]);
        var types = new DenseTensor<long>(new long[t], [1, t]);
        var inputs = new[]
        {
            NamedOnnxValue.CreateFromTensor("input_ids", inputIds),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        };
        lock (_gate)
        {
            using var results = _session.Run(inputs, ["last_hidden_state", .. _softmaxOutputs]);
            var list = results.ToList();
            return (list[0].AsTensor<float>().ToArray(), list.Skip(1).Select(r => r.AsTensor<float>().ToArray()).ToArray());
        }
    }

    /// <summary>
    /// The model with extra graph outputs: a second ModelProto.graph (field 7) holding only <c>output</c> ValueInfos
    /// (field 12: name = 1, type = 2 → tensor_type = 1 → elem_type = 1, float) is appended to the bytes; protobuf
    /// merges a repeated message field, so the graph gains the outputs.
    /// </summary>
    private static byte[] WithOutputs(byte[] model, IEnumerable<string> names)
    {
        using var graph = new MemoryStream();
        var g = new Google.Protobuf.CodedOutputStream(graph);
        foreach (var name in names)
        {
            var valueInfo = Message(o => { o.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited); o.WriteString(name); o.WriteTag(2, Google.Protobuf.WireFormat.WireType.LengthDelimited); o.WriteBytes(Google.Protobuf.ByteString.CopyFrom(Message(t => { t.WriteTag(1, Google.Protobuf.WireFormat.WireType.LengthDelimited); t.WriteBytes(Google.Protobuf.ByteString.CopyFrom(Message(e => { e.WriteTag(1, Google.Protobuf.WireFormat.WireType.Varint); e.WriteInt32(1); }))); }))); });
            g.WriteTag(12, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            g.WriteBytes(Google.Protobuf.ByteString.CopyFrom(valueInfo));
        }
        g.Flush();
        var tail = Message(o => { o.WriteTag(7, Google.Protobuf.WireFormat.WireType.LengthDelimited); o.WriteBytes(Google.Protobuf.ByteString.CopyFrom(graph.ToArray())); });
        return [.. model, .. tail];
    }

    private static byte[] Message(Action<Google.Protobuf.CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new Google.Protobuf.CodedOutputStream(stream);
        write(output);
        output.Flush();
        return stream.ToArray();
    }
}

/// <summary>The texts the parity tests run: short, with word pieces, with accents, and over 100 tokens.</summary>
internal static class Texts
{
    public const string Course = "Your journey starts with one step";

    public const string WordPieces = "Tokenization splits unbelievably rare words, like punctuation, into pieces.";

    public const string Accents = "Naïve café owners serve crème brûlée.";

    /// <summary>Over 100 tokens.</summary>
    public static readonly string Long = new StringBuilder()
        .Append("Attention lets every token of a sentence look at every other token and decide how much of each to take. ")
        .Append("In a trained encoder such as BERT, some heads follow the previous word, some the next one, and many rest on the ")
        .Append("classification token when nothing else is useful. The feed-forward network then transforms each token on its own, ")
        .Append("and layer normalisation keeps the numbers in a range the next layer expects. Six such layers, twelve heads each, ")
        .Append("turn a sentence into vectors whose average says what the sentence means.")
        .ToString();
}
