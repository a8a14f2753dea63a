namespace AttentionNotebooks.Efficient;

/// <summary>
/// The options of an attention call: what the attention computes besides its shape and mask (the softmax scale), and
/// how its kernels run (threads and instruction set, from <see cref="KernelOptions"/>).
/// </summary>
/// <remarks>
/// Taken by <see cref="FlashAttention"/>'s forward and backward and by <see cref="FusedMultiHeadAttention"/>'s forward
/// passes, which also run their projections with the kernel options.
/// </remarks>
public sealed class FlashAttentionOptions : KernelOptions
{
    /// <summary>The defaults: every core, the widest accelerated vectors, scale 1/√headDim.</summary>
    public static new FlashAttentionOptions Default { get; } = new();

    /// <summary>The factor applied to the scores before softmax; null means 1/√headDim, as in PyTorch's <c>scaled_dot_product_attention</c>.</summary>
    public float? Scale { get; init; }

    /// <summary>The scale for heads of <paramref name="headDim"/> features: <see cref="Scale"/>, or 1/√headDim.</summary>
    internal float ScaleFor(int headDim) => Scale ?? 1f / MathF.Sqrt(headDim);

    /// <inheritdoc/>
    internal override void Validate()
    {
        base.Validate();
        if (Scale is { } scale && (!float.IsFinite(scale) || scale <= 0f))
            throw new ArgumentOutOfRangeException(nameof(Scale), scale, $"Scale must be a positive finite number, but is {scale}.");
    }
}
