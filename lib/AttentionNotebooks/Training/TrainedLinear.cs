using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>A <see cref="Linear"/> layer together with its parameters, as the trainers hold each projection.</summary>
internal sealed class TrainedLinear
{
    /// <summary>Wraps <paramref name="layer"/> and appends "{name}.weight" (then "{name}.bias") to <paramref name="parameters"/>: nn.Linear's registration order.</summary>
    public TrainedLinear(Linear layer, string name, List<Parameter> parameters)
    {
        Layer = layer;
        Weight = Parameter.Of(name + ".weight", layer.Weight);
        parameters.Add(Weight);
        if (layer.Bias is not null)
        {
            Bias = Parameter.Of(name + ".bias", layer.Bias);
            parameters.Add(Bias);
        }
    }

    public Linear Layer { get; }

    public Parameter Weight { get; }

    public Parameter? Bias { get; }

    /// <summary>Adds dW = dYᵀ·X (and db = column sums of dY) to the parameters' gradients and returns dX = dY·W.</summary>
    /// <returns>(T, in).</returns>
    public Matrix<float> Backward(Matrix<float> inputs, Matrix<float> outputGradient)
    {
        Weight.Accumulate(LinearBackward.WeightGradient(inputs, outputGradient));     // (out, in)
        Bias?.Accumulate(LinearBackward.BiasGradient(outputGradient));                // (out)
        return LinearBackward.InputGradient(Layer.Weight, outputGradient);            // (T, in)
    }
}
