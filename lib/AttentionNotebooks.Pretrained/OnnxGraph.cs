using System.Runtime.InteropServices;
using Google.Protobuf;

namespace AttentionNotebooks.Pretrained;

/// <summary>One node of an ONNX graph: an operator, the names of the values it reads and of those it writes.</summary>
internal sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);

/// <summary>One float32 initializer (a weight) of an ONNX graph: its name, dimensions and row-major values.</summary>
internal sealed record OnnxTensor(string Name, IReadOnlyList<long> Dims, float[] Values);

/// <summary>
/// The parts of an ONNX model (a protobuf <c>ModelProto</c>) that hold a transformer's weights and how they connect:
/// the float32 initializers and the nodes. Read with Google.Protobuf's <see cref="CodedInputStream"/> directly from the
/// model's bytes: each sub-message is read in place (a stream over its slice of the same array), never copied.
/// </summary>
/// <remarks>
/// Field numbers (onnx.proto3): ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto input = 1,
/// output = 2, op_type = 4; TensorProto dims = 1, data_type = 2, float_data = 4, name = 8, raw_data = 9.
/// Initializers of other types (the model's int64 position ids) are skipped.
/// </remarks>
internal sealed class OnnxGraph
{
    private const int FloatType = 1;

    private OnnxGraph(Dictionary<string, OnnxTensor> initializers, List<OnnxNode> nodes)
    {
        Initializers = initializers;
        Nodes = nodes;
    }

    /// <summary>The float32 initializers by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>The nodes in the graph's order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Parses a serialised ModelProto.</summary>
    /// <param name="model">The model's bytes.</param>
    /// <exception cref="InvalidDataException">The bytes hold no graph.</exception>
    public static OnnxGraph Parse(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        bool sawGraph = false;
        foreach (var graph in Fields(model, 0, model.Length, 7))
        {
            sawGraph = true;
            foreach (var (field, offset, length) in Fields(model, graph.Offset, graph.Length))
            {
                if (field == 1)
                    nodes.Add(Node(model, offset, length));
                else if (field == 5 && Tensor(model, offset, length) is { } tensor)
                    initializers[tensor.Name] = tensor;
            }
        }
        if (!sawGraph)
            throw new InvalidDataException($"the {model.Length} bytes hold no ONNX graph (ModelProto field 7).");
        return new OnnxGraph(initializers, nodes);
    }

    /// <summary>An initializer by name.</summary>
    /// <exception cref="InvalidDataException">The graph has no float32 initializer of that name.</exception>
    public OnnxTensor Initializer(string name) =>
        Initializers.TryGetValue(name, out var tensor)
            ? tensor
            : throw new InvalidDataException($"the model has no float32 initializer named {name}.");

    /// <summary>
    /// The weight W of the layer whose bias is <paramref name="biasName"/>, found through the graph: exported from
    /// PyTorch, <c>nn.Linear</c> becomes MatMul(x, W) → Add(·, bias), and W is an unnamed initializer ("927" …),
    /// stored (in, out), the transpose of <c>nn.Linear.weight</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">No Add reads the bias, or what it adds is not a MatMul by an initializer.</exception>
    public OnnxTensor MatMulWeightFor(string biasName)
    {
        var add = Nodes.FirstOrDefault(n => n.OpType == "Add" && n.Inputs.Contains(biasName))
            ?? throw new InvalidDataException($"no Add node reads the bias {biasName}.");
        var other = add.Inputs.First(i => i != biasName);
        var matMul = Nodes.FirstOrDefault(n => n.OpType == "MatMul" && n.Outputs.Contains(other))
            ?? throw new InvalidDataException($"the Add that reads {biasName} adds {other}, which no MatMul node produces.");
        var weight = matMul.Inputs.FirstOrDefault(Initializers.ContainsKey)
            ?? throw new InvalidDataException($"the MatMul before {biasName} multiplies {string.Join(" by ", matMul.Inputs)}, neither of which is an initializer.");
        return Initializers[weight];
    }

    private static OnnxNode Node(byte[] buffer, int offset, int length)
    {
        var inputs = new List<string>();
        var outputs = new List<string>();
        string opType = "";
        var input = new CodedInputStream(buffer, offset, length);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: inputs.Add(input.ReadString()); break;
                case 2: outputs.Add(input.ReadString()); break;
                case 4: opType = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new OnnxNode(opType, inputs, outputs);
    }

    /// <summary>A float32 initializer, or null for another type.</summary>
    private static OnnxTensor? Tensor(byte[] buffer, int offset, int length)
    {
        var dims = new List<long>();
        int dataType = 0;
        string name = "";
        float[]? values = null;
        var input = new CodedInputStream(buffer, offset, length);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            if (field == 1 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.Varint)
                dims.Add(input.ReadInt64());
            else if (field == 2)
                dataType = input.ReadInt32();
            else if (field == 8)
                name = input.ReadString();
            else if (field is 1 or 4 or 9 && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                var (start, count) = Slice(buffer, input);
                if (field == 1)
                    dims.AddRange(PackedInt64(buffer, start, count));
                else
                    values = MemoryMarshal.Cast<byte, float>(buffer.AsSpan(start, count)).ToArray();   // raw_data and packed float_data: little-endian float32
            }
            else
                input.SkipLastField();
        }
        if (dataType != FloatType)
            return null;
        long expected = dims.Aggregate(1L, (a, d) => a * d);
        values ??= [];
        if (values.Length != expected)
            throw new InvalidDataException($"initializer {name} has dims [{string.Join(", ", dims)}] ({expected} values) but holds {values.Length}.");
        return new OnnxTensor(name, dims, values);
    }

    private static IEnumerable<long> PackedInt64(byte[] buffer, int start, int count)
    {
        var input = new CodedInputStream(buffer, start, count);
        var result = new List<long>();
        while (!input.IsAtEnd)
            result.Add(input.ReadInt64());
        return result;
    }

    /// <summary>The length-delimited fields of a message (all of them, or only number <paramref name="only"/>), as slices of the buffer.</summary>
    private static IEnumerable<(int Field, int Offset, int Length)> Fields(byte[] buffer, int offset, int length, int only = 0)
    {
        var input = new CodedInputStream(buffer, offset, length);
        var fields = new List<(int, int, int)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && (only == 0 || field == only))
            {
                var (start, count) = Slice(buffer, input);
                fields.Add((field, start, count));
            }
            else
                input.SkipLastField();
        }
        return fields;
    }

    /// <summary>
    /// The bytes of the length-delimited field whose tag was just read, as (offset, length) in the buffer; the stream
    /// moves past them. (<see cref="CodedInputStream.Position"/> counts from the start of the buffer.)
    /// </summary>
    private static (int Offset, int Length) Slice(byte[] buffer, CodedInputStream input)
    {
        int lengthAt = checked((int)input.Position);
        input.SkipLastField();                                    // reads the length varint and skips the bytes
        int end = checked((int)input.Position);
        int varint = 1;
        while ((buffer[lengthAt + varint - 1] & 0x80) != 0)
            varint++;
        return (lengthAt + varint, end - lengthAt - varint);
    }
}
