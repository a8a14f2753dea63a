namespace AttentionNotebooks.Efficient;

/// <summary>Pointers and shapes of one projection call (pinned by the caller for its duration).</summary>
internal unsafe struct GemmArguments
{
    /// <summary>(Rows, InFeatures) row-major.</summary>
    public float* Input;

    /// <summary>(Rows, OutFeatures) row-major.</summary>
    public float* Output;

    /// <summary>Panels of Wᵀ, see <see cref="GemmKernel{TSimd, TVec}"/>.</summary>
    public float* PackedWeight;

    /// <summary>Bias padded with zeros to a whole number of panels.</summary>
    public float* PackedBias;

    public int Rows;
    public int InFeatures;
    public int OutFeatures;
}
