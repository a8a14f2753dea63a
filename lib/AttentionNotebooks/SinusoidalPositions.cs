using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// The fixed sinusoidal position encoding of the original transformer (Vaswani et al. 2017, "Attention Is All You
/// Need", section 3.5), added to the token embeddings before the first layer:
/// <code>
///   PE[pos, 2i]     = sin(pos / 10000^(2i / d))
///   PE[pos, 2i + 1] = cos(pos / 10000^(2i / d))
/// </code>
/// Each pair of dimensions is a clock turning at its own speed, from one radian per token (i = 0) down to one turn per
/// 2π·10000 tokens; nothing is learned, so it has a row for every position, however far.
/// </summary>
/// <remarks>
/// Changed from GPT-2's learned position embedding (a trained (contextLength, d) table, notebook 06): computed, not
/// trained, and defined for any position. It is still absolute — a position is added to the token's content — which
/// is what rotary embeddings (<see cref="RotaryEmbedding"/>) change.
/// </remarks>
public static class SinusoidalPositions
{
    /// <summary>The encodings of positions 0..tokens − 1, computed in double precision and rounded to float32.</summary>
    /// <param name="tokens">T, the number of positions.</param>
    /// <param name="dModel">d, the features per token (an odd d leaves the last column a sine).</param>
    /// <param name="theta">The base of the wavelengths, 10000 in the paper.</param>
    /// <returns>(T, d).</returns>
    public static Matrix<float> Create(int tokens, int dModel, double theta = 10000)
    {
        Check.Positive(tokens, nameof(tokens));
        Check.Positive(dModel, nameof(dModel));
        Check.MatrixSize(tokens, nameof(tokens), dModel, nameof(dModel), "the encoding", nameof(tokens));
        if (!(theta > 1) || !double.IsFinite(theta))
            throw new ArgumentOutOfRangeException(nameof(theta), theta, $"theta must be a finite number above 1, but is {theta}.");
        return Matrix<float>.Build.Dense(tokens, dModel, (pos, c) =>
        {
            double angle = pos * Math.Pow(theta, -2.0 * (c / 2) / dModel);     // pair c / 2 turns at this speed
            return (float)(c % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
        });
    }
}
