using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// A fully connected layer with PyTorch's conventions (<c>nn.Linear</c>): <see cref="Weight"/> is stored as
/// (out, in) and the forward pass computes y = x·Wᵀ + b.
/// </summary>
public sealed class Linear
{
    /// <summary>
    /// A layer initialised as <c>nn.Linear(inFeatures, outFeatures, bias)</c> does: weight, then bias, each uniform in
    /// ±1/√inFeatures, drawn from <paramref name="generator"/> in that order.
    /// </summary>
    /// <param name="inFeatures">Input features per token (d_in).</param>
    /// <param name="outFeatures">Output features per token (d_out); the (outFeatures, inFeatures) weight must fit in one matrix.</param>
    /// <param name="bias">Whether the layer adds a bias vector.</param>
    /// <param name="generator">The seeded generator to draw from; a fresh one (PyTorch's start-up state) if null.</param>
    public Linear(int inFeatures, int outFeatures, bool bias = true, TorchGenerator? generator = null)
    {
        Check.Projection(inFeatures, nameof(inFeatures), outFeatures, nameof(outFeatures));
        generator ??= new TorchGenerator();
        float weightBound = WeightInitBound(inFeatures);
        Weight = generator.Uniform(outFeatures, inFeatures, -weightBound, weightBound);
        float biasBound = (float)(1.0 / Math.Sqrt(inFeatures));
        Bias = bias ? generator.UniformVector(outFeatures, -biasBound, biasBound) : null;
    }

    /// <summary>A layer with the given parameters (copied).</summary>
    /// <param name="weight">(out, in) weight, PyTorch's layout.</param>
    /// <param name="bias">(out) bias, or null for a layer without bias.</param>
    public Linear(Matrix<float> weight, Vector<float>? bias = null)
    {
        Check.Sequence(weight, nameof(weight));
        if (bias is not null)
        {
            if (bias.Count != weight.RowCount)
                throw new ArgumentException($"bias has {bias.Count} elements but weight is {Shape.Of(weight)} and needs {weight.RowCount}.", nameof(bias));
            Check.Finite(bias, nameof(bias));
        }
        Weight = weight.Clone();
        Bias = bias?.Clone();
    }

    /// <summary>(out, in) weight matrix, PyTorch's layout: row k holds the weights of output feature k.</summary>
    public Matrix<float> Weight { get; }

    /// <summary>(out) bias vector, or null when the layer has none.</summary>
    public Vector<float>? Bias { get; }

    /// <summary>Input features per token.</summary>
    public int InFeatures => Weight.ColumnCount;

    /// <summary>Output features per token.</summary>
    public int OutFeatures => Weight.RowCount;

    /// <summary>Number of trainable values: in·out weights plus out biases if present.</summary>
    public long ParameterCount => (long)Weight.RowCount * Weight.ColumnCount + (Bias?.Count ?? 0);

    /// <summary>y = x·Wᵀ + b.</summary>
    /// <param name="inputs">(tokens, in), finite.</param>
    /// <returns>(tokens, out).</returns>
    /// <exception cref="OverflowException">An output overflowed float32 (inputs or weights too large).</exception>
    public Matrix<float> Forward(Matrix<float> inputs)
    {
        Check.Sequence(inputs, InFeatures, nameof(inputs), "this Linear layer");
        Check.MatrixSize(inputs.RowCount, "inputs tokens", OutFeatures, "outFeatures", "the outputs", nameof(inputs));
        var outputs = Apply(inputs);                                // (T, out)
        Overflow.InProjection(outputs, "outputs", inputs, nameof(inputs), this, "this Linear layer", "");
        return outputs;
    }

    /// <summary>
    /// y = x·Wᵀ + b without checks, for the modules, which validate their inputs once at their own boundary (with the
    /// caller's names) and check what they compute for overflow themselves.
    /// </summary>
    /// <param name="inputs">(tokens, in), already validated.</param>
    /// <returns>(tokens, out).</returns>
    internal Matrix<float> Apply(Matrix<float> inputs) =>
        ExactProduct.TimesTransposed(inputs, Weight, Bias);         // (T, out)  X·Wᵀ + b, MathNet's sums to the bit

    /// <summary>
    /// The weight's bound 1/√fan_in, computed as PyTorch's <c>kaiming_uniform_(a=√5)</c> computes it in double
    /// precision (√3·gain/√fan_in with gain = √(2/(1+a²))), then rounded to float32. The bias bound is 1/√fan_in
    /// computed directly, as <c>nn.Linear.reset_parameters</c> does; the two may differ in the last bit.
    /// </summary>
    internal static float WeightInitBound(int fanIn)
    {
        double a = Math.Sqrt(5.0);
        double gain = Math.Sqrt(2.0 / (1 + a * a));
        double std = gain / Math.Sqrt(fanIn);
        return (float)(Math.Sqrt(3.0) * std);
    }
}
