using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// The keep/drop decisions of one dropout forward pass, kept for its backward pass: Y = X ⊙ M / (1 − p) with M the
/// kept mask, so dX = dY ⊙ M / (1 − p) — the same elements kept, scaled the same way.
/// </summary>
public sealed class DropoutMask
{
    private readonly bool[,] _kept;

    internal DropoutMask(bool[,] kept, float p)
    {
        _kept = kept;
        P = p;
        Scale = 1f / (float)Dropout.KeepProbability(p);                 // PyTorch: noise.div_(1 - p) in float32
    }

    /// <summary>The drop probability.</summary>
    public float P { get; }

    /// <summary>1 / (1 − p) as PyTorch computes it: 1 − p in float64, rounded to float32, then 1 divided by it in float32.</summary>
    public float Scale { get; }

    /// <summary>Rows of the mask.</summary>
    public int Rows => _kept.GetLength(0);

    /// <summary>Columns of the mask.</summary>
    public int Columns => _kept.GetLength(1);

    /// <summary>Whether element (i, j) was kept.</summary>
    public bool IsKept(int i, int j) => _kept[i, j];

    /// <summary>
    /// Draws the mask <paramref name="dropout"/>'s next <see cref="Dropout.Forward"/> of a (rows, cols) matrix would use,
    /// from the same generator in the same order (it is that draw); null, and no draws, when dropout is off (evaluation
    /// mode or p = 0), exactly when <see cref="Dropout.Forward"/> draws nothing.
    /// </summary>
    public static DropoutMask? Draw(Dropout dropout, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(dropout);
        Check.Positive(rows, nameof(rows));
        Check.Positive(cols, nameof(cols));
        return dropout.Draw(rows, cols);
    }

    /// <summary>A mask with the given decisions (true = kept).</summary>
    /// <param name="kept">(rows, cols) decisions.</param>
    /// <param name="p">The drop probability in [0, 1) the survivors are scaled for.</param>
    public static DropoutMask Of(bool[,] kept, float p)
    {
        ArgumentNullException.ThrowIfNull(kept);
        if (kept.Length == 0)
            throw new ArgumentException("kept is empty: a mask needs at least one element.", nameof(kept));
        Dropout.CheckProbability(p, nameof(p));
        return new DropoutMask((bool[,])kept.Clone(), p);
    }

    /// <summary>The forward pass: Y = X ⊙ M / (1 − p), bit for bit what <see cref="Dropout.Forward"/> returns with this mask.</summary>
    /// <param name="inputs">(rows, cols).</param>
    /// <returns>(rows, cols).</returns>
    public Matrix<float> Forward(Matrix<float> inputs)
    {
        CheckShape(inputs, nameof(inputs));
        return Apply(inputs);
    }

    /// <summary>The backward pass: dX = dY ⊙ M / (1 − p).</summary>
    /// <param name="outputGradient">dY, (rows, cols).</param>
    /// <returns>dX, (rows, cols).</returns>
    public Matrix<float> Backward(Matrix<float> outputGradient)
    {
        CheckShape(outputGradient, nameof(outputGradient));
        return Apply(outputGradient);
    }

    internal Matrix<float> Apply(Matrix<float> x)
    {
        var y = Matrix<float>.Build.Dense(x.RowCount, x.ColumnCount);  // (rows, cols)
        for (int i = 0; i < x.RowCount; i++)
            for (int j = 0; j < x.ColumnCount; j++)
                y[i, j] = _kept[i, j] ? x[i, j] * Scale : 0f;          // M ⊙ x / (1 − p)
        return y;
    }

    private void CheckShape(Matrix<float> m, string name)
    {
        ArgumentNullException.ThrowIfNull(m, name);
        if (m.RowCount != Rows || m.ColumnCount != Columns)
            throw new ArgumentException($"{name} is {Shape.Of(m)} but the dropout mask is {Rows}x{Columns}.", name);
    }
}
