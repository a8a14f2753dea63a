using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>
/// The backward pass of the causal mask (<see cref="CausalMask.MaskedFill"/>): a masked score was replaced by −∞, a
/// constant, so nothing flows back to it; a visible score passed through unchanged, so its gradient does too.
/// </summary>
public static class CausalMaskBackward
{
    /// <summary>
    /// dScores = dMasked with every position above the diagonal (key j &gt; query i) set to exactly 0, visible positions
    /// unchanged. A non-square matrix is masked top-left aligned, as PyTorch's <c>is_causal</c> masks it.
    /// </summary>
    /// <param name="maskedGradient">(n, m) gradient with respect to the masked scores.</param>
    /// <returns>(n, m) gradient with respect to the scores before masking.</returns>
    public static Matrix<float> AboveDiagonal(Matrix<float> maskedGradient)
    {
        ArgumentNullException.ThrowIfNull(maskedGradient);
        return Compute(maskedGradient);
    }

    /// <summary>dScores = dMasked with (i, j &gt; i) set to 0, on an already validated argument.</summary>
    internal static Matrix<float> Compute(Matrix<float> maskedGradient)
    {
        var gradient = maskedGradient.Clone();                          // (n, m)
        for (int i = 0; i < gradient.RowCount; i++)
            for (int j = i + 1; j < gradient.ColumnCount; j++)
                gradient[i, j] = 0f;                                    // masked: exactly zero
        return gradient;
    }
}
