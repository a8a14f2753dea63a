namespace AttentionNotebooks.Efficient;

/// <summary>Which instruction set the efficient kernels use. <see cref="Auto"/> picks the widest one the processor accelerates.</summary>
public enum SimdPath
{
    /// <summary>Vector512 (AVX-512) if accelerated, else Vector256 (AVX2) if accelerated, else <see cref="Scalar"/>.</summary>
    Auto,

    /// <summary>16 floats per vector; falls back to <see cref="Auto"/>'s choice when the processor does not accelerate it.</summary>
    Vector512,

    /// <summary>8 floats per vector; falls back to <see cref="Scalar"/> when the processor does not accelerate it.</summary>
    Vector256,

    /// <summary>One float at a time: the same tiled algorithm with no vector instructions (for checking and for old processors).</summary>
    Scalar,
}
