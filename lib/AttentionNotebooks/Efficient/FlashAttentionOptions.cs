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

    /// <summary>
    /// Null, or a sliding window for causal attention (Mistral's, Gemma's local layers): the number of most recent keys
    /// a query sees, itself included — query t sees keys max(0, t − Window + 1) … t. At least 1; a window of tokens or
    /// more is causal attention, bit for bit. Only with causal: true.
    /// </summary>
    public int? Window { get; init; }

    /// <summary>The kernels' window for a call of <paramref name="tokens"/> tokens: 0 for none, else <see cref="Window"/> capped at tokens.</summary>
    internal int WindowFor(int tokens) => Window is { } window ? Math.Min(window, tokens) : 0;

    /// <summary>Throws, naming <paramref name="causalName"/>, if a <see cref="Window"/> is asked for attention that is not causal.</summary>
    internal void CheckWindowIsCausal(bool causal, string causalName)
    {
        if (Window is { } window && !causal)
            throw new ArgumentException($"options.Window is {window}, but a sliding window needs causal: true (it keeps the most recent keys up to each query).", causalName);
    }

    /// <summary>The scale for heads of <paramref name="headDim"/> features: <see cref="Scale"/>, or 1/√headDim.</summary>
    internal float ScaleFor(int headDim) => Scale ?? 1f / MathF.Sqrt(headDim);

    /// <inheritdoc/>
    internal override void Validate()
    {
        base.Validate();
        if (Scale is { } scale && (!float.IsFinite(scale) || scale <= 0f))
            throw new ArgumentOutOfRangeException(nameof(Scale), scale, $"Scale must be a positive finite number, but is {scale}.");
        if (Window is { } window && window < 1)
            throw new ArgumentOutOfRangeException(nameof(Window), window, $"Window must be at least 1 (a query sees itself), but is {window}.");
    }
}
