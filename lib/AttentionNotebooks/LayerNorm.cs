using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Layer normalisation (Ba, Kiros and Hinton 2016, "Layer Normalization"; PyTorch's <c>nn.LayerNorm(d)</c>): each
/// token's features are shifted to mean 0 and scaled to variance 1, then multiplied by a learned gain γ and shifted by
/// a learned bias β, per feature:
/// <code>
///   μ_i  = (1/d) Σ_k x_ik
///   σ²_i = (1/d) Σ_k (x_ik − μ_i)²          the biased variance, as PyTorch computes it
///   y_ik = (x_ik − μ_i) / √(σ²_i + ε) · γ_k + β_k
/// </code>
/// A transformer block applies it around attention and the feed-forward network; BERT (and the MiniLM of notebook 7)
/// after each residual sum, <c>x = LN(x + sublayer(x))</c>, GPT-2 before each sublayer.
/// </summary>
public sealed class LayerNorm
{
    /// <summary>A layer as <c>nn.LayerNorm(features, eps)</c> builds it: γ = 1, β = 0, so it only normalises.</summary>
    /// <param name="features">Features per token (d), positive.</param>
    /// <param name="epsilon">ε, added to the variance so a constant row does not divide by 0; positive and finite (PyTorch's default 1e-5; BERT uses 1e-12).</param>
    public LayerNorm(int features, float epsilon = 1e-5f)
        : this(Ones(features), Vector<float>.Build.Dense(features), epsilon)
    {
    }

    /// <summary>A layer with the given gain and bias (copied), e.g. a trained model's.</summary>
    /// <param name="weight">γ, (d), finite, at least one element.</param>
    /// <param name="bias">β, (d), finite.</param>
    /// <param name="epsilon">ε, positive and finite.</param>
    public LayerNorm(Vector<float> weight, Vector<float> bias, float epsilon = 1e-5f)
    {
        Check.Finite(weight, nameof(weight));
        if (weight.Count == 0)
            throw new ArgumentException("weight is empty: a layer normalises at least one feature.", nameof(weight));
        Check.Finite(bias, nameof(bias));
        if (bias.Count != weight.Count)
            throw new ArgumentException($"bias has {bias.Count} elements but weight has {weight.Count}: both have one element per feature.", nameof(bias));
        if (!(epsilon > 0f) || !float.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"epsilon must be positive and finite, but is {epsilon}.");
        Weight = weight.Clone();
        Bias = bias.Clone();
        Epsilon = epsilon;
    }

    /// <summary>γ = 1 for <paramref name="features"/> features, checked first so a bad count is named as the caller named it.</summary>
    private static Vector<float> Ones(int features)
    {
        Check.Positive(features, nameof(features));
        return Vector<float>.Build.Dense(features, 1f);
    }

    /// <summary>γ, (d): the learned gain per feature.</summary>
    public Vector<float> Weight { get; }

    /// <summary>β, (d): the learned bias per feature.</summary>
    public Vector<float> Bias { get; }

    /// <summary>ε, added to the variance.</summary>
    public float Epsilon { get; }

    /// <summary>Features per token (d).</summary>
    public int Features => Weight.Count;

    /// <summary>Number of trainable values: γ and β, 2·d.</summary>
    public long ParameterCount => 2L * Features;

    /// <summary>Normalises every token (row).</summary>
    /// <param name="inputs">(tokens, d), finite.</param>
    /// <returns>(tokens, d): each row with mean β and, before γ, variance σ²/(σ² + ε) ≈ 1.</returns>
    public Matrix<float> Forward(Matrix<float> inputs)
    {
        Check.Columns(inputs, Features, nameof(inputs), "this LayerNorm normalises");
        return Apply(inputs);
    }

    /// <summary><see cref="Forward"/> without checks, for modules that validate their inputs once.</summary>
    /// <param name="inputs">(tokens, d), already validated.</param>
    /// <returns>(tokens, d).</returns>
    internal Matrix<float> Apply(Matrix<float> inputs)
    {
        int tokens = inputs.RowCount, d = Features;
        var outputs = Matrix<float>.Build.Dense(tokens, d);                    // (T, d)
        for (int i = 0; i < tokens; i++)
        {
            float mean = 0f;
            for (int k = 0; k < d; k++)
                mean += inputs[i, k];
            mean /= d;                                                        // μ_i
            float variance = 0f;
            for (int k = 0; k < d; k++)
            {
                float centred = inputs[i, k] - mean;
                variance += centred * centred;
            }
            variance /= d;                                                    // σ²_i (biased)
            float scale = 1f / MathF.Sqrt(variance + Epsilon);                // 1 / √(σ²_i + ε)
            for (int k = 0; k < d; k++)
                outputs[i, k] = (inputs[i, k] - mean) * scale * Weight[k] + Bias[k];
        }
        return outputs;
    }
}
