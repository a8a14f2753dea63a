namespace AttentionNotebooks.Efficient;

/// <summary>How the efficient kernels run: threads, instruction set and softmax scale.</summary>
public sealed class FlashAttentionOptions
{
    /// <summary>The defaults: every core, the widest accelerated vectors, scale 1/√headDim.</summary>
    public static FlashAttentionOptions Default { get; } = new();

    /// <summary>Threads to use at most, the calling one included; default <see cref="Environment.ProcessorCount"/>. 1 runs on the calling thread only.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The instruction set; <see cref="SimdPath.Scalar"/> forces the fallback without vector instructions.</summary>
    public SimdPath Simd { get; init; } = SimdPath.Auto;

    /// <summary>The factor applied to the scores before softmax; null means 1/√headDim, as in PyTorch's <c>scaled_dot_product_attention</c>.</summary>
    public float? Scale { get; init; }

    internal void Validate()
    {
        if (MaxDegreeOfParallelism <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, $"MaxDegreeOfParallelism must be positive, but is {MaxDegreeOfParallelism}.");
        if (!Enum.IsDefined(Simd))
            throw new ArgumentOutOfRangeException(nameof(Simd), Simd, $"Simd is {Simd}, which is not a SimdPath.");
        if (Scale is { } scale && (!float.IsFinite(scale) || scale <= 0f))
            throw new ArgumentOutOfRangeException(nameof(Scale), scale, $"Scale must be a positive finite number, but is {scale}.");
    }
}
