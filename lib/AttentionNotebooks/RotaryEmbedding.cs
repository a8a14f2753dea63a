using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Rotary position embedding, RoPE (Su et al. 2021, "RoFormer: Enhanced Transformer with Rotary Position Embedding"):
/// instead of adding a position to the token, rotate each query and key by an angle proportional to its position, pair
/// of dimensions by pair, each pair at its own frequency θ_i = theta^(−2i / headDim). A query at position m and a key
/// at position n then score
/// <code>
///   (R_m q)·(R_n k) = q·(R_mᵀ R_n) k = q·R_(n−m) k
/// </code>
/// which depends on their positions only through n − m: attention sees relative positions, and nothing is learned
/// per position, so any position has its rotation.
/// </summary>
/// <remarks>
/// <para><b>Pairing.</b> Dimension i is paired with dimension i + headDim/2 (the "split halves" or <c>rotate_half</c>
/// layout of Hugging Face's Llama, Mistral, Qwen and Gemma code and of rasbt's Llama notebooks):
/// <code>
///   out[:, i]         = x[:, i]·cos(pθ_i) − x[:, i + d/2]·sin(pθ_i)
///   out[:, i + d/2]   = x[:, i + d/2]·cos(pθ_i) + x[:, i]·sin(pθ_i)        i &lt; d/2, p the row's position
/// </code>
/// The paper (and Meta's original Llama code, with complex numbers) pairs neighbours (2i, 2i + 1) instead. The two are
/// the same rotation after permuting the columns of W_query and W_key, so they train and score alike; we follow the
/// split halves because that is how the checkpoints a reader downloads today are laid out (Hugging Face permutes Meta's
/// weights on conversion) and it needs no interleaving.</para>
/// <para>Changed from <see cref="MultiHeadAttention"/>: nothing but Q and K, which are rotated per head after the
/// projections and before Q·Kᵀ; V is not rotated, and no position is added to the inputs. Angles are computed in double
/// precision for each position and rounded once (Hugging Face computes them in float32, which differs by about
/// position · 6e-8 radians).</para>
/// </remarks>
public sealed class RotaryEmbedding
{
    /// <summary>RoPE for heads of <paramref name="headDim"/> features.</summary>
    /// <param name="headDim">d, features per head: even and positive.</param>
    /// <param name="theta">The base of the frequencies: 10,000 in the paper and Llama 2, 500,000 in Llama 3, 1,000,000 in Qwen3.</param>
    public RotaryEmbedding(int headDim, double theta = 10000)
    {
        Check.Positive(headDim, nameof(headDim));
        if (headDim % 2 != 0)
            throw new ArgumentException($"headDim ({headDim}) must be even: RoPE rotates pairs of dimensions.", nameof(headDim));
        if (!(theta > 1) || !double.IsFinite(theta))
            throw new ArgumentOutOfRangeException(nameof(theta), theta, $"theta must be a finite number above 1, but is {theta}.");
        HeadDim = headDim;
        Theta = theta;
        Frequencies = Enumerable.Range(0, headDim / 2).Select(i => Math.Pow(theta, -2.0 * i / headDim)).ToArray();
    }

    /// <summary>Features per head.</summary>
    public int HeadDim { get; }

    /// <summary>The base of the frequencies.</summary>
    public double Theta { get; }

    /// <summary>θ_i = theta^(−2i / headDim), i &lt; headDim / 2: radians per position of pair i (dimensions i and i + headDim/2).</summary>
    public IReadOnlyList<double> Frequencies { get; }

    /// <summary>The rotation angle of pair <paramref name="pair"/> at <paramref name="position"/>: position · θ_pair, in radians.</summary>
    public double Angle(int position, int pair) => position * Frequencies[pair];

    /// <summary>Rotates every row of <paramref name="x"/>: row t is the query or key at position firstPosition + t.</summary>
    /// <param name="x">(T, headDim), finite.</param>
    /// <param name="firstPosition">The position of row 0 (≥ 0): the number of tokens before it, e.g. in a <see cref="KVCache"/>.</param>
    /// <returns>(T, headDim), a new matrix.</returns>
    public Matrix<float> Rotate(Matrix<float> x, int firstPosition = 0)
    {
        CheckInput(x, firstPosition, nameof(x));
        return Apply(x, firstPosition, inverse: false);
    }

    /// <summary>
    /// The inverse rotation (by −position·θ_i), which is also the transpose: what the backward pass applies to the
    /// gradient of a rotated matrix, and what undoes <see cref="Rotate"/>.
    /// </summary>
    /// <param name="x">(T, headDim), finite.</param>
    /// <param name="firstPosition">The position of row 0 (≥ 0).</param>
    /// <returns>(T, headDim), a new matrix.</returns>
    public Matrix<float> RotateBack(Matrix<float> x, int firstPosition = 0)
    {
        CheckInput(x, firstPosition, nameof(x));
        return Apply(x, firstPosition, inverse: true);
    }

    /// <summary>Rotates each head's column block of a validated (T, heads · headDim) matrix, in place.</summary>
    internal void RotateHeadsInPlace(Matrix<float> x, int firstPosition)
    {
        for (int first = 0; first < x.ColumnCount; first += HeadDim)
            x.SetSubMatrix(0, first, Apply(x.SubMatrix(0, x.RowCount, first, HeadDim), firstPosition, inverse: false));
    }

    /// <summary>Rotates a validated (T, headDim) matrix by +angle or −angle.</summary>
    internal Matrix<float> Apply(Matrix<float> x, int firstPosition, bool inverse)
    {
        int half = HeadDim / 2;
        var result = Matrix<float>.Build.Dense(x.RowCount, HeadDim);
        for (int t = 0; t < x.RowCount; t++)
            for (int i = 0; i < half; i++)
            {
                double angle = Angle(firstPosition + t, i);
                float cos = (float)Math.Cos(angle), sin = (float)(inverse ? -Math.Sin(angle) : Math.Sin(angle));
                float a = x[t, i], b = x[t, i + half];
                result[t, i] = a * cos - b * sin;                  // first half:  x1·cos − x2·sin
                result[t, i + half] = b * cos + a * sin;           // second half: x2·cos + x1·sin
            }
        return result;
    }

    private void CheckInput(Matrix<float> x, int firstPosition, string name)
    {
        Check.Finite(x, name);
        if (x.ColumnCount != HeadDim)
            throw new ArgumentException($"{name} is {Shape.Of(x)} but this RoPE rotates {HeadDim} features per row (headDim).", name);
        if (firstPosition < 0 || (long)firstPosition + x.RowCount - 1 > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(firstPosition), firstPosition, $"firstPosition must be at least 0 and leave every row's position an int, but is {firstPosition}.");
    }
}
