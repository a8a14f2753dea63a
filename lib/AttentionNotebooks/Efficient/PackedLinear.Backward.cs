using System.Buffers;

namespace AttentionNotebooks.Efficient;

/// <summary>The backward pass of <see cref="PackedLinear"/>, on the forward's GEMM kernel.</summary>
public sealed unsafe partial class PackedLinear
{
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
}
