using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// A fully connected layer, y = x·Wᵀ + b as in <see cref="Linear"/>, with its weight packed once into the panel layout
/// of a blocked SIMD matrix multiplication (about 50 times faster than MathNet's managed multiply), and its backward
/// pass (<see cref="Backward"/>) on the same kernel.
/// </summary>
/// <remarks>
/// Inputs and outputs are row-major spans: x is (rows, inFeatures), y is (rows, outFeatures). Several layers with the
/// same input width can be stacked into one (<see cref="Stack"/>): the fused query/key/value projection of
/// <see cref="FusedMultiHeadAttention"/> is one (3·dOut × dIn) weight. The layer keeps the row-major weight
/// (<see cref="Weight"/>) beside the packed panels, and the first <see cref="Backward"/> packs Wᵀ as well (so a trained
/// layer holds its weight about three times). Instances are immutable and thread-safe.
/// </remarks>
public sealed unsafe partial class PackedLinear
{
    private const int Panel = GemmKernel<SimdScalar, float>.PanelWidth;

    private readonly float[] _packed;      // pinned; panels of Wᵀ from _packedOffset
    private readonly int _packedOffset;
    private readonly float[] _bias;        // pinned; padded to whole panels, zeros if the layer has no bias
    private readonly int _biasOffset;
    private readonly float[] _weight;      // (outFeatures, inFeatures) row-major, as given
    private readonly float[] _biasValues;  // (outFeatures), or empty
    private PackedLinear? _transposed;     // the layer g ↦ g·W (weight Wᵀ, no bias), packed on the first backward

    /// <summary>A layer from a row-major (outFeatures, inFeatures) weight and an optional bias (copied and packed).</summary>
    /// <param name="weight">(outFeatures, inFeatures), row k holding the weights of output k (PyTorch's layout).</param>
    /// <param name="bias">(outFeatures), or empty for a layer without bias.</param>
    /// <param name="outFeatures">Outputs per row, ≥ 1.</param>
    /// <param name="inFeatures">Inputs per row, ≥ 1.</param>
    public PackedLinear(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int outFeatures, int inFeatures)
    {
        Check.Positive(outFeatures, nameof(outFeatures));
        Check.Positive(inFeatures, nameof(inFeatures));
        if (weight.Length != (long)outFeatures * inFeatures)
            throw new ArgumentException($"weight has {weight.Length} floats but ({outFeatures}, {inFeatures}) needs {(long)outFeatures * inFeatures}.", nameof(weight));
        if (!bias.IsEmpty && bias.Length != outFeatures)
            throw new ArgumentException($"bias has {bias.Length} floats but the layer has {outFeatures} outputs (pass an empty span for no bias).", nameof(bias));
        OutFeatures = outFeatures;
        InFeatures = inFeatures;
        int panels = (outFeatures - 1) / Panel + 1;              // outFeatures + Panel − 1 could overflow
        long packedFloats = (long)panels * Panel * inFeatures;
        if (packedFloats + 16 > Array.MaxLength)
            throw new ArgumentException($"weight is ({outFeatures}, {inFeatures}): packed in panels of {Panel} outputs it would need {packedFloats} floats, more than one array holds ({Array.MaxLength}).", nameof(weight));
        (_packed, _packedOffset) = AllocateAligned(packedFloats);
        (_bias, _biasOffset) = AllocateAligned((long)panels * Panel);
        var packed = _packed.AsSpan(_packedOffset);
        packed.Clear();
        for (int o = 0; o < outFeatures; o++)
        {
            int panel = o / Panel, lane = o % Panel;
            var row = weight.Slice(o * inFeatures, inFeatures);
            long start = (long)panel * inFeatures * Panel + lane;
            for (int k = 0; k < inFeatures; k++)
                packed[(int)(start + (long)k * Panel)] = row[k];
        }
        var paddedBias = _bias.AsSpan(_biasOffset, panels * Panel);
        paddedBias.Clear();
        bias.CopyTo(paddedBias);
        HasBias = !bias.IsEmpty;
        _weight = weight.ToArray();
        _biasValues = bias.ToArray();
    }

    /// <summary>The weight W, (OutFeatures, InFeatures) row-major: row k holds the weights of output k.</summary>
    public ReadOnlySpan<float> Weight => _weight;

    /// <summary>The bias b, (OutFeatures); empty for a layer without bias.</summary>
    public ReadOnlySpan<float> Bias => _biasValues;

    /// <summary>Inputs per row.</summary>
    public int InFeatures { get; }

    /// <summary>Outputs per row.</summary>
    public int OutFeatures { get; }

    /// <summary>Whether the layer adds a bias.</summary>
    public bool HasBias { get; }

    /// <summary>The same layer as <paramref name="layer"/> (its weight and bias are copied).</summary>
    public static PackedLinear From(Linear layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return Stack(layer);
    }

    /// <summary>
    /// One layer whose outputs are those of <paramref name="layers"/> side by side: the weights stacked row-wise
    /// ((Σ out) × in), e.g. [W_query; W_key; W_value] for a fused projection. Layers without bias contribute zeros.
    /// </summary>
    /// <param name="layers">At least one layer, all with the same number of input features.</param>
    public static PackedLinear Stack(params Linear[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0)
            throw new ArgumentException("layers is empty: stacking needs at least one layer.", nameof(layers));
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null)
                throw new ArgumentNullException(nameof(layers), $"layers[{i}] is null.");
            if (layers[i].InFeatures != layers[0].InFeatures)
                throw new ArgumentException($"layers[{i}] has {layers[i].InFeatures} input features but layers[0] has {layers[0].InFeatures}: stacked layers must read the same inputs.", nameof(layers));
        }
        int inFeatures = layers[0].InFeatures;
        int outFeatures = layers.Sum(l => l.OutFeatures);
        bool anyBias = layers.Any(l => l.Bias is not null);
        var weight = new float[(long)outFeatures * inFeatures];
        var bias = new float[anyBias ? outFeatures : 0];
        int first = 0;
        foreach (var layer in layers)
        {
            for (int o = 0; o < layer.OutFeatures; o++)
            {
                for (int k = 0; k < inFeatures; k++)
                    weight[(long)(first + o) * inFeatures + k] = layer.Weight[o, k];
                if (layer.Bias is not null)
                    bias[first + o] = layer.Bias[o];
            }
            first += layer.OutFeatures;
        }
        return new PackedLinear(weight, bias, outFeatures, inFeatures);
    }

    /// <summary>y = x·Wᵀ + b for every row.</summary>
    /// <param name="input">(rows, InFeatures), row-major.</param>
    /// <param name="output">Receives (rows, OutFeatures), row-major; must not overlap <paramref name="input"/>.</param>
    /// <param name="rows">Number of rows (tokens), ≥ 1.</param>
    /// <param name="options">Threads and instruction set; <see cref="KernelOptions.Default"/> if null.</param>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, KernelOptions? options = null)
    {
        Check.Positive(rows, nameof(rows));
        options ??= KernelOptions.Default;
        options.Validate();
        if (input.Length != (long)rows * InFeatures)
            throw new ArgumentException($"input has {input.Length} floats but ({rows}, {InFeatures}) needs {(long)rows * InFeatures}.", nameof(input));
        if (output.Length != (long)rows * OutFeatures)
            throw new ArgumentException($"output has {output.Length} floats but ({rows}, {OutFeatures}) needs {(long)rows * OutFeatures}.", nameof(output));
        if (output.Overlaps(input))
            throw new ArgumentException("output overlaps input: the layer needs a separate output buffer.", nameof(output));
        fixed (float* x = input, y = output)
            Run(x, y, rows, options);
    }

    /// <summary>The unchecked call used by <see cref="FusedMultiHeadAttention"/> on buffers it owns.</summary>
    internal void Run(float* input, float* output, int rows, KernelOptions options)
    {
        var arguments = new GemmArguments
        {
            Input = input,
            Output = output,
            PackedWeight = AlignedPointer(_packed, _packedOffset),
            PackedBias = AlignedPointer(_bias, _biasOffset),
            Rows = rows,
            InFeatures = InFeatures,
            OutFeatures = OutFeatures,
        };
        Dispatch(in arguments, options);
    }

    /// <summary>Runs the kernel compiled for the resolved vector width.</summary>
    private static void Dispatch(in GemmArguments arguments, KernelOptions options)
    {
        var call = new GemmCall(arguments, options.MaxDegreeOfParallelism);
        SimdDispatch.Run(options.Simd, ref call);
    }

    /// <summary>One call of <see cref="GemmKernel{TSimd, TVec}"/> at the dispatched width.</summary>
    private readonly struct GemmCall(GemmArguments arguments, int threads) : ISimdKernel
    {
        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged => GemmKernel<TSimd, TVec>.Run(in arguments, threads);
    }

    /// <summary>A pinned array with at least <paramref name="floats"/> floats from a 64-byte aligned offset.</summary>
    private static (float[] Array, int Offset) AllocateAligned(long floats)
    {
        if (floats + 16 > Array.MaxLength)
            throw new ArgumentException($"The packed weight would need {floats} floats, more than one buffer can hold.");
        var array = GC.AllocateUninitializedArray<float>((int)floats + 16, pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        int offset = (int)((((start + 63) & ~(nint)63) - start) / sizeof(float));
        return (array, offset);
    }

    private static float* AlignedPointer(float[] pinned, int offset) =>
        (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned)) + offset;
}
