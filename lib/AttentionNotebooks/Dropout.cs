using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Inverted dropout: during training each element is zeroed with probability <see cref="P"/> and the survivors are
/// scaled by 1/(1−p), so the expected value of every element is unchanged; in evaluation mode it is the identity.
/// </summary>
/// <remarks>
/// The keep/drop decisions are PyTorch's on the CPU: <c>nn.Dropout(p)</c> draws its mask with <c>bernoulli_(1 − p)</c>,
/// and the <see cref="TorchGenerator"/> passed in reproduces the portable kernel of that call (one float64 uniform u per
/// element, in row-major order, the element kept when u &lt; 1 − p), with 1 − p computed in float64 from the decimal
/// value of <see cref="P"/> (the p a caller writes, as Python's float). So <c>new Dropout(0.5f, new TorchGenerator(123))</c>
/// drops the elements <c>torch.manual_seed(123); nn.Dropout(0.5)</c> drops in the book. libtorch built with MKL on an Intel
/// CPU draws its masks with MKL's generator instead (see <see cref="TorchGenerator.NextBernoulli"/>), which is not reproduced.
/// </remarks>
public sealed class Dropout
{
    private readonly TorchGenerator _generator;

    /// <summary>A dropout layer that zeroes each element with probability <paramref name="p"/> in training mode.</summary>
    /// <param name="p">Drop probability in [0, 1).</param>
    /// <param name="generator">The seeded generator that decides which elements are dropped; a fresh one if null.</param>
    public Dropout(float p, TorchGenerator? generator = null)
    {
        CheckProbability(p, nameof(p));
        P = p;
        _generator = generator ?? new TorchGenerator();
    }

    /// <summary>A drop probability in [0, 1), named as the caller names it (<c>p</c>, or a module's <c>dropout</c>).</summary>
    internal static void CheckProbability(float p, string name)
    {
        if (!(p >= 0f && p < 1f))
            throw new ArgumentOutOfRangeException(name, p, $"dropout probability {name} must be in [0, 1), but is {p}.");
    }

    /// <summary>
    /// 1 − p in float64 as PyTorch computes it from the Python float p: p is taken as the shortest decimal that
    /// round-trips the float32 (0.1f is 0.1, not 0.100000001490116), so 1 − p is the number the caller meant.
    /// </summary>
    internal static double KeepProbability(float p) =>
        1.0 - double.Parse(p.ToString("R", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The probability of zeroing an element in training mode.</summary>
    public float P { get; }

    /// <summary>True (the default, as in PyTorch) to drop elements; false (evaluation mode) to pass inputs through unchanged.</summary>
    public bool Training { get; set; } = true;

    /// <summary>Applies dropout.</summary>
    /// <param name="inputs">(rows, cols) values.</param>
    /// <returns>(rows, cols): a copy with each element zeroed with probability p and survivors scaled by 1/(1−p); an unchanged copy in evaluation mode or when p = 0.</returns>
    public Matrix<float> Forward(Matrix<float> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Draw(inputs.RowCount, inputs.ColumnCount)?.Apply(inputs) ?? inputs.Clone();
    }

    /// <summary>
    /// The keep/drop decisions of one forward pass over a (rows, cols) matrix — the one draw every dropout of the
    /// library makes: one float64 uniform per element from the generator, row-major, kept when it is &lt; 1 − p. Null, and no
    /// draws, when dropout is off (evaluation mode or p = 0).
    /// </summary>
    internal DropoutMask? Draw(int rows, int cols)
    {
        if (!Training || P == 0f)
            return null;
        var draws = new bool[(long)rows * cols];                   // row-major, drawn in one call (one block of a shared generator's sequence)
        _generator.FillBernoulli(draws, KeepProbability(P));        // bernoulli_(1 - p): u < 1 - p
        var kept = new bool[rows, cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                kept[i, j] = draws[(long)i * cols + j];
        return new DropoutMask(kept, P);
    }
}
