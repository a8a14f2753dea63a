namespace AttentionNotebooks.Efficient;

/// <summary>Which instruction set the efficient kernels use. <see cref="Auto"/> picks the widest one the processor accelerates.</summary>
/// <remarks>A width the processor does not accelerate falls back to the next narrower one it does (see each member).</remarks>
public enum SimdPath
{
    /// <summary>The widest accelerated width: Vector512 (AVX-512), else Vector256 (AVX2), else Vector128 (NEON on ARM64, SSE on x86), else <see cref="Scalar"/>.</summary>
    Auto,

    /// <summary>16 floats per vector; falls back to <see cref="Auto"/>'s choice when the processor does not accelerate it.</summary>
    Vector512,

    /// <summary>8 floats per vector; falls back to <see cref="Vector128"/> when the processor does not accelerate it (ARM64).</summary>
    Vector256,

    /// <summary>4 floats per vector: NEON on ARM64 (Apple Silicon, Linux ARM), SSE/AVX at 128 bits on x86; falls back to <see cref="Scalar"/> when not accelerated.</summary>
    Vector128,

    /// <summary>One float at a time: the same tiled algorithm with no vector instructions (for checking and for old processors).</summary>
    Scalar,
}
