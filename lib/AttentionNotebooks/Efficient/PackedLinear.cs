using System.Buffers;
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
public sealed unsafe class PackedLinear
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

    /// <summary>
    /// The backward pass of y = x·Wᵀ + b: given x and dY = dL/dy, writes dX = dL/dx and adds dW = dL/dW and db = dL/db to
    /// the gradients passed in (accumulated like PyTorch's <c>.grad</c>: clear them before the first backward).
    /// </summary>
    /// <remarks>
    /// dX = dY·W (rows, in); dW = dYᵀ·x (out, in): weight (k, j) collects output k's gradient times input j over the
    /// rows; db = Σ_rows dY (out): the bias is added to every row. Both products run on the forward's GEMM kernel:
    /// dX with Wᵀ packed once (on the first call), dW with x packed per call and dYᵀ as its input, each output element
    /// reduced by one thread, so the results are the same for any number of threads.
    /// </remarks>
    /// <param name="input">x, (rows, InFeatures) row-major: the forward's input.</param>
    /// <param name="outputGradient">dY, (rows, OutFeatures) row-major.</param>
    /// <param name="inputGradient">Receives dX, (rows, InFeatures) row-major (overwritten); empty to skip it (a first layer).</param>
    /// <param name="weightGradient">(OutFeatures, InFeatures) row-major; dW is added to it.</param>
    /// <param name="biasGradient">(OutFeatures); db is added to it. Empty for a layer without bias.</param>
    /// <param name="rows">Number of rows (tokens), ≥ 1.</param>
    /// <param name="options">Threads and instruction set; <see cref="KernelOptions.Default"/> if null.</param>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, Span<float> weightGradient,
        Span<float> biasGradient, int rows, KernelOptions? options = null)
    {
        Check.Positive(rows, nameof(rows));
        options ??= KernelOptions.Default;
        options.Validate();
        long inputs = (long)rows * InFeatures, outputs = (long)rows * OutFeatures, weights = (long)OutFeatures * InFeatures;
        if (input.Length != inputs)
            throw new ArgumentException($"input has {input.Length} floats but ({rows}, {InFeatures}) needs {inputs}.", nameof(input));
        if (outputGradient.Length != outputs)
            throw new ArgumentException($"outputGradient has {outputGradient.Length} floats but ({rows}, {OutFeatures}) needs {outputs}.", nameof(outputGradient));
        if (!inputGradient.IsEmpty && inputGradient.Length != inputs)
            throw new ArgumentException($"inputGradient has {inputGradient.Length} floats but ({rows}, {InFeatures}) needs {inputs} (or pass an empty span to skip it).", nameof(inputGradient));
        if (weightGradient.Length != weights)
            throw new ArgumentException($"weightGradient has {weightGradient.Length} floats but the weight is ({OutFeatures}, {InFeatures}), {weights} floats.", nameof(weightGradient));
        if (HasBias && biasGradient.Length != OutFeatures)
            throw new ArgumentException($"biasGradient has {biasGradient.Length} floats but the layer's bias has {OutFeatures}.", nameof(biasGradient));
        if (!HasBias && !biasGradient.IsEmpty)
            throw new ArgumentException($"biasGradient has {biasGradient.Length} floats but the layer has no bias: pass an empty span.", nameof(biasGradient));
        CheckBackwardSizes(rows);
        if (inputGradient.Overlaps(input) || inputGradient.Overlaps(outputGradient) || inputGradient.Overlaps(weightGradient) || inputGradient.Overlaps(biasGradient))
            throw new ArgumentException("inputGradient overlaps input, outputGradient or another gradient: it needs its own buffer.", nameof(inputGradient));
        if (weightGradient.Overlaps(input) || weightGradient.Overlaps(outputGradient) || weightGradient.Overlaps(biasGradient))
            throw new ArgumentException("weightGradient overlaps input, outputGradient or biasGradient: it needs its own buffer.", nameof(weightGradient));
        if (biasGradient.Overlaps(input) || biasGradient.Overlaps(outputGradient))
            throw new ArgumentException("biasGradient overlaps input or outputGradient: it needs its own buffer.", nameof(biasGradient));
        fixed (float* x = input, dY = outputGradient, dX = inputGradient, dW = weightGradient, db = biasGradient)
            RunBackward(x, dY, inputGradient.IsEmpty ? null : dX, dW, HasBias ? db : null, rows, options);
    }

    /// <summary>Rejects a row count whose backward buffers (x packed in panels, dYᵀ) would not fit in one array.</summary>
    internal void CheckBackwardSizes(int rows)
    {
        long panels = (InFeatures - 1L) / Panel + 1;
        if (panels * Panel * rows + 16 > Array.MaxLength || (long)rows * OutFeatures > Array.MaxLength)
            throw new ArgumentException($"rows is {rows}: the backward's packed input of {panels * Panel * rows} floats (rows x {InFeatures} features padded to {panels * Panel}) must fit in one array.", nameof(rows));
    }

    /// <summary>The unchecked backward used by <see cref="FusedMultiHeadAttention"/>; <paramref name="inputGradient"/> and <paramref name="biasGradient"/> may be null (skipped).</summary>
    internal void RunBackward(float* input, float* outputGradient, float* inputGradient, float* weightGradient, float* biasGradient, int rows, KernelOptions options)
    {
        int inFeatures = InFeatures, outFeatures = OutFeatures;

        // dX = dY·W = dY·(Wᵀ)ᵀ: the forward of a layer whose weight is Wᵀ (in, out).
        if (inputGradient is not null)
            TransposedLayer().Run(outputGradient, inputGradient, rows, options);                 // (rows, in)

        // dW = dYᵀ·x = dYᵀ·(xᵀ)ᵀ: the forward kernel on input dYᵀ (out, rows) with the weight xᵀ (in, rows) packed.
        int panels = (inFeatures - 1) / Panel + 1;
        int packedFloats = panels * Panel * rows + 16, weightFloats = outFeatures * inFeatures;
        float[] packed = ArrayPool<float>.Shared.Rent(packedFloats);
        float[] zeros = ArrayPool<float>.Shared.Rent(panels * Panel);
        float[] transposed = ArrayPool<float>.Shared.Rent(outFeatures * rows);
        float[] product = ArrayPool<float>.Shared.Rent(weightFloats);
        try
        {
            fixed (float* packedStart = packed, bias = zeros, dYt = transposed, dW = product)
            {
                float* panel = packedStart + (16 - (int)(((nint)packedStart & 63) / sizeof(float))) % 16;   // 64-byte aligned
                PackRows(input, rows, inFeatures, panel);                                                 // panels of x
                new Span<float>(bias, panels * Panel).Clear();
                for (int r = 0; r < rows; r++)
                    for (int o = 0; o < outFeatures; o++)
                        dYt[(long)o * rows + r] = outputGradient[(long)r * outFeatures + o];              // (out, rows)
                var arguments = new GemmArguments
                {
                    Input = dYt, Output = dW, PackedWeight = panel, PackedBias = bias,
                    Rows = outFeatures, InFeatures = rows, OutFeatures = inFeatures,
                };
                Dispatch(in arguments, options);                                                          // (out, in)
                var gradient = new Span<float>(weightGradient, weightFloats);
                for (int i = 0; i < weightFloats; i++)
                    gradient[i] += dW[i];                                                                 // .grad += dW
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(product);
            ArrayPool<float>.Shared.Return(transposed);
            ArrayPool<float>.Shared.Return(zeros);
            ArrayPool<float>.Shared.Return(packed);
        }

        // db = Σ_rows dY: summed first, then added to .grad.
        if (biasGradient is not null)
        {
            float[] sums = new float[outFeatures];
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < outFeatures; o++)
                    sums[o] += outputGradient[(long)r * outFeatures + o];                                 // (out)
            for (int o = 0; o < outFeatures; o++)
                biasGradient[o] += sums[o];
        }
    }

    /// <summary>
    /// Packs a row-major (rows, columns) matrix B into the kernel's panels, so that the kernel multiplies by B itself:
    /// panel p holds, for each row r, B[r, 64p … 64p + 63] side by side, zeros past the last column.
    /// </summary>
    private static void PackRows(float* source, int rows, int columns, float* packed)
    {
        int panels = (columns - 1) / Panel + 1;
        for (int p = 0; p < panels; p++)
        {
            int first = p * Panel, width = Math.Min(Panel, columns - first);
            for (int r = 0; r < rows; r++)
            {
                float* target = packed + ((long)p * rows + r) * Panel;
                new ReadOnlySpan<float>(source + (long)r * columns + first, width).CopyTo(new Span<float>(target, width));
                new Span<float>(target + width, Panel - width).Clear();
            }
        }
    }

    /// <summary>The layer with weight Wᵀ (InFeatures, OutFeatures) and no bias, built once.</summary>
    private PackedLinear TransposedLayer()
    {
        if (Volatile.Read(ref _transposed) is { } layer)
            return layer;
        int inFeatures = InFeatures, outFeatures = OutFeatures;
        var transposed = new float[(long)inFeatures * outFeatures];
        for (int o = 0; o < outFeatures; o++)
            for (int k = 0; k < inFeatures; k++)
                transposed[(long)k * outFeatures + o] = _weight[(long)o * inFeatures + k];
        Interlocked.CompareExchange(ref _transposed, new PackedLinear(transposed, [], inFeatures, outFeatures), null);
        return _transposed!;
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
