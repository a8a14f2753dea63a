using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// The position-wise feed-forward network of a transformer block (Vaswani et al. 2017, section 3.3), with GELU as in
/// BERT and GPT (<c>nn.Sequential(nn.Linear(d, h), nn.GELU(), nn.Linear(h, d))</c>): every token on its own is
/// expanded to h hidden features (usually 4·d), passed through <see cref="Gelu"/>, and projected back to d:
/// <code>
///   H = GELU(X·W₁ᵀ + b₁)      (T, h)
///   Y = H·W₂ᵀ + b₂            (T, d)
/// </code>
/// Attention mixes information between tokens; this network transforms each token's features, and holds about two
/// thirds of a BERT layer's parameters.
/// </summary>
public sealed class FeedForward
{
    /// <summary>
    /// A network initialised as <c>nn.Sequential(nn.Linear(features, hidden), nn.GELU(), nn.Linear(hidden, features))</c>
    /// is after <c>torch.manual_seed</c>: <see cref="Up"/>'s weight and bias, then <see cref="Down"/>'s, drawn from
    /// <paramref name="generator"/> in that order.
    /// </summary>
    /// <param name="features">Features per token (d), positive.</param>
    /// <param name="hidden">Hidden features (h), positive.</param>
    /// <param name="generator">The seeded generator; a fresh one (PyTorch's start-up state) if null.</param>
    public FeedForward(int features, int hidden, TorchGenerator? generator = null)
    {
        Check.Projection(features, nameof(features), hidden, nameof(hidden));
        generator ??= new TorchGenerator();
        Up = new Linear(features, hidden, bias: true, generator);
        Down = new Linear(hidden, features, bias: true, generator);
    }

    /// <summary>A network with the given layers (used as they are, not copied), e.g. a trained model's.</summary>
    /// <param name="up">W₁, (h, d), with its bias b₁ (or none).</param>
    /// <param name="down">W₂, (d, h), with its bias b₂ (or none).</param>
    public FeedForward(Linear up, Linear down)
    {
        ArgumentNullException.ThrowIfNull(up);
        ArgumentNullException.ThrowIfNull(down);
        if (down.InFeatures != up.OutFeatures || down.OutFeatures != up.InFeatures)
            throw new ArgumentException(
                $"down is {down.OutFeatures}x{down.InFeatures} (out x in) but up is {up.OutFeatures}x{up.InFeatures}: down must map up's {up.OutFeatures} hidden features back to its {up.InFeatures} input features.",
                nameof(down));
        Up = up;
        Down = down;
    }

    /// <summary>W₁ and b₁: d → h (BERT's <c>intermediate.dense</c>).</summary>
    public Linear Up { get; }

    /// <summary>W₂ and b₂: h → d (BERT's <c>output.dense</c>).</summary>
    public Linear Down { get; }

    /// <summary>Features per token (d).</summary>
    public int Features => Up.InFeatures;

    /// <summary>Hidden features (h).</summary>
    public int Hidden => Up.OutFeatures;

    /// <summary>Number of trainable values: both layers.</summary>
    public long ParameterCount => Up.ParameterCount + Down.ParameterCount;

    /// <summary>Applies the network to every token.</summary>
    /// <param name="inputs">(tokens, d), finite.</param>
    /// <returns>(tokens, d).</returns>
    /// <exception cref="OverflowException">A hidden feature or an output overflowed float32 (the message says which).</exception>
    public Matrix<float> Forward(Matrix<float> inputs)
    {
        Check.Columns(inputs, Features, nameof(inputs), "this FeedForward's Up layer expects");
        Check.MatrixSize(inputs.RowCount, "inputs tokens", Hidden, "hidden", "the hidden features", nameof(inputs));
        return Apply(inputs, nameof(inputs));
    }

    /// <summary><see cref="Forward"/> without the input checks, for modules that validate their inputs once.</summary>
    /// <param name="inputs">(tokens, d), already validated.</param>
    /// <param name="name">The caller's name for the inputs, for overflow messages.</param>
    /// <returns>(tokens, d).</returns>
    internal Matrix<float> Apply(Matrix<float> inputs, string name)
    {
        var preActivation = Up.Apply(inputs);                                  // (T, h)  X·W₁ᵀ + b₁
        Overflow.InProjection(preActivation, "hidden features", inputs, name, Up, "Up", "");
        var hidden = GeluMap.Apply(preActivation);                             // (T, h)  GELU, element by element
        var outputs = Down.Apply(hidden);                                      // (T, d)  H·W₂ᵀ + b₂
        Overflow.InProjection(outputs, "outputs", hidden, "the hidden features", Down, "Down", "");
        return outputs;
    }
}
