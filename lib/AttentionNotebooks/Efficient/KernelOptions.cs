namespace AttentionNotebooks.Efficient;

/// <summary>How the efficient kernels run: how many threads and which instruction set. They never change what is computed.</summary>
/// <remarks>
/// Every efficient entry point takes these: <see cref="PackedLinear"/>'s forward and backward and
/// <see cref="FusedMultiHeadAttention.Backward"/>. The attention calls take <see cref="FlashAttentionOptions"/>, which
/// adds what attention computes (its scale) to these.
/// </remarks>
public class KernelOptions
{
    /// <summary>The defaults: every core and the widest accelerated vectors.</summary>
    public static KernelOptions Default { get; } = new();

    /// <summary>Threads to use at most, the calling one included; default <see cref="Environment.ProcessorCount"/>. 1 runs on the calling thread only.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>The instruction set; <see cref="SimdPath.Scalar"/> forces the fallback without vector instructions.</summary>
    public SimdPath Simd { get; init; } = SimdPath.Auto;

    /// <summary>Throws, naming the property, if a setting is out of range.</summary>
    internal virtual void Validate()
    {
        if (MaxDegreeOfParallelism <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, $"MaxDegreeOfParallelism must be positive, but is {MaxDegreeOfParallelism}.");
        if (!Enum.IsDefined(Simd))
            throw new ArgumentOutOfRangeException(nameof(Simd), Simd, $"Simd is {Simd}, which is not a SimdPath.");
    }
}
