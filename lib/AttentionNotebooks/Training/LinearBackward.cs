using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>The gradients of a <see cref="Linear"/> layer's loss with respect to its input and parameters.</summary>
/// <param name="Inputs">dL/dX, (tokens, in).</param>
/// <param name="Weight">dL/dW, (out, in): PyTorch's <c>weight.grad</c>.</param>
/// <param name="Bias">dL/db, (out), or null for a layer without bias.</param>
public sealed record LinearGradients(Matrix<float> Inputs, Matrix<float> Weight, Vector<float>? Bias);

/// <summary>
/// The backward pass of <see cref="Linear"/>, Y = X·Wᵀ + b with W stored (out, in): given dY = dL/dY, the gradients
/// of the loss with respect to X, W and b.
/// </summary>
public static class LinearBackward
{
    /// <summary>All three gradients of one forward pass Y = X·Wᵀ + b.</summary>
    /// <param name="layer">The layer the forward pass used.</param>
    /// <param name="inputs">X, (tokens, in): the forward pass's input.</param>
    /// <param name="outputGradient">dY, (tokens, out): the gradient of the loss with respect to the output.</param>
    public static LinearGradients Compute(Linear layer, Matrix<float> inputs, Matrix<float> outputGradient)
    {
        ArgumentNullException.ThrowIfNull(layer);
        Check.Columns(inputs, layer.InFeatures, nameof(inputs), "the layer's weight is " + Shape.Of(layer.Weight) + ", so it needs");
        Check.Shaped(outputGradient, inputs.RowCount, layer.OutFeatures, nameof(outputGradient), $"inputs are {Shape.Of(inputs)} and the layer has {layer.OutFeatures} outputs, so the output gradient must be");
        return new LinearGradients(
            InputGradient(layer.Weight, outputGradient),
            WeightGradient(inputs, outputGradient),
            layer.Bias is null ? null : BiasGradient(outputGradient));
    }

    /// <summary>dX = dY·W: each input feature collects the output gradients through the weights it feeds.</summary>
    /// <returns>(tokens, in).</returns>
    internal static Matrix<float> InputGradient(Matrix<float> weight, Matrix<float> outputGradient) =>
        outputGradient * weight;                                    // (T, out)·(out, in) = (T, in)

    /// <summary>dW = dYᵀ·X: weight (k, j) collects output k's gradient times input j, summed over tokens.</summary>
    /// <returns>(out, in).</returns>
    internal static Matrix<float> WeightGradient(Matrix<float> inputs, Matrix<float> outputGradient) =>
        outputGradient.TransposeThisAndMultiply(inputs);            // (out, T)·(T, in) = (out, in)

    /// <summary>db = column sums of dY: the bias is added to every token, so its gradient sums over tokens.</summary>
    /// <returns>(out).</returns>
    internal static Vector<float> BiasGradient(Matrix<float> outputGradient) =>
        outputGradient.ColumnSums();                                // (out)
}
