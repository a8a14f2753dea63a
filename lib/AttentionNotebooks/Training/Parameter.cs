using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Single;

namespace AttentionNotebooks.Training;

/// <summary>
/// A trainable tensor, PyTorch's <c>nn.Parameter</c>: a float32 matrix or vector that belongs to a layer (trained in
/// place, so the layer sees every update), its gradient of the same shape (PyTorch's <c>.grad</c>, accumulated by the
/// backward passes until <see cref="ZeroGrad"/>), and the name <c>named_parameters()</c> gives it.
/// </summary>
public sealed class Parameter
{
    private readonly float[] _values;
    private readonly float[] _gradient;

    private Parameter(string name, float[] values, Matrix<float>? matrix, Vector<float>? vector)
    {
        Name = name;
        _values = values;
        _gradient = new float[values.Length];
        Matrix = matrix;
        Vector = vector;
        if (matrix is not null)
            MatrixGradient = new DenseMatrix(matrix.RowCount, matrix.ColumnCount, _gradient);
        else
            VectorGradient = new DenseVector(_gradient);
    }

    /// <summary>A parameter that trains <paramref name="value"/> in place (the matrix itself, not a copy).</summary>
    /// <param name="name">The state_dict name, e.g. <c>att.W_query.weight</c>.</param>
    /// <param name="value">A dense (rows, cols) matrix, e.g. a <see cref="Linear.Weight"/>.</param>
    public static Parameter Of(string name, Matrix<float> value)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value is not DenseMatrix dense)
            throw new ArgumentException($"parameter {name} is a {value.GetType().Name}, but only dense matrices can be trained in place.", nameof(value));
        return new Parameter(name, dense.Values, dense, null);
    }

    /// <summary>A parameter that trains <paramref name="value"/> in place (the vector itself, not a copy).</summary>
    /// <param name="name">The state_dict name, e.g. <c>out_head.bias</c>.</param>
    /// <param name="value">A dense (n) vector, e.g. a <see cref="Linear.Bias"/>.</param>
    public static Parameter Of(string name, Vector<float> value)
    {
        CheckName(name);
        ArgumentNullException.ThrowIfNull(value);
        if (value is not DenseVector dense)
            throw new ArgumentException($"parameter {name} is a {value.GetType().Name}, but only dense vectors can be trained in place.", nameof(value));
        return new Parameter(name, dense.Values, null, dense);
    }

    /// <summary>The state_dict name.</summary>
    public string Name { get; }

    /// <summary>The trained matrix, or null when the parameter is a vector.</summary>
    public Matrix<float>? Matrix { get; }

    /// <summary>The trained vector, or null when the parameter is a matrix.</summary>
    public Vector<float>? Vector { get; }

    /// <summary>The gradient of a matrix parameter, same shape as <see cref="Matrix"/>; null for a vector parameter.</summary>
    public Matrix<float>? MatrixGradient { get; }

    /// <summary>The gradient of a vector parameter, same shape as <see cref="Vector"/>; null for a matrix parameter.</summary>
    public Vector<float>? VectorGradient { get; }

    /// <summary>The shape as the library writes it: <c>6x3</c> for a matrix, <c>6</c> for a vector.</summary>
    public string Shape => Matrix is not null ? AttentionNotebooks.Shape.Of(Matrix) : $"{Vector!.Count}";

    /// <summary>Number of trained values.</summary>
    public int Count => _values.Length;

    /// <summary>Sets the gradient to zero (PyTorch's <c>zero_grad</c>, which since 2.0 sets it to None; the next backward then starts from zero either way).</summary>
    public void ZeroGrad() => Array.Clear(_gradient);

    /// <summary>Adds <paramref name="gradient"/> to the gradient of a matrix parameter, as autograd accumulates into <c>.grad</c>.</summary>
    /// <param name="gradient">Same shape as <see cref="Matrix"/>.</param>
    public void Accumulate(Matrix<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (Matrix is null)
            throw new ArgumentException($"parameter {Name} is a vector of {Shape} but a {AttentionNotebooks.Shape.Of(gradient)} matrix gradient was given.", nameof(gradient));
        if (gradient.RowCount != Matrix.RowCount || gradient.ColumnCount != Matrix.ColumnCount)
            throw new ArgumentException($"gradient is {AttentionNotebooks.Shape.Of(gradient)} but parameter {Name} is {Shape}.", nameof(gradient));
        MatrixGradient!.Add(gradient, MatrixGradient);
    }

    /// <summary>Adds <paramref name="gradient"/> to the gradient of a vector parameter.</summary>
    /// <param name="gradient">Same length as <see cref="Vector"/>.</param>
    public void Accumulate(Vector<float> gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        if (Vector is null)
            throw new ArgumentException($"parameter {Name} is a {Shape} matrix but a vector gradient of {gradient.Count} was given.", nameof(gradient));
        if (gradient.Count != Vector.Count)
            throw new ArgumentException($"gradient has {gradient.Count} elements but parameter {Name} has {Vector.Count}.", nameof(gradient));
        VectorGradient!.Add(gradient, VectorGradient);
    }

    /// <summary>The values in storage order (column-major for a matrix), shared with the layer.</summary>
    internal Span<float> Values => _values;

    /// <summary>The gradient in the same order as <see cref="Values"/>.</summary>
    internal ReadOnlySpan<float> Gradient => _gradient;

    /// <summary>The values in PyTorch's (row-major) order, a copy.</summary>
    public float[] ToRowMajorArray() => Matrix is not null ? Matrix.ToRowMajorArray() : Vector!.ToArray();

    /// <summary>The gradient in PyTorch's (row-major) order, a copy.</summary>
    public float[] GradientToRowMajorArray() => MatrixGradient is not null ? MatrixGradient.ToRowMajorArray() : VectorGradient!.ToArray();

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
            throw new ArgumentException("a parameter needs a name (its state_dict key).", nameof(name));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Shape})";
}
