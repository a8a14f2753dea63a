namespace AttentionNotebooks.Training;

/// <summary>
/// Adam with decoupled weight decay, PyTorch's <c>torch.optim.AdamW</c> with its defaults (lr 1e-3, betas (0.9,
/// 0.999), eps 1e-8, weight_decay 0.01) and its single-tensor update order, float32 per element.
/// </summary>
/// <remarks>
/// <para>For each parameter θ with gradient g, in the order given (PyTorch's <c>parameters()</c> order), at step t:</para>
/// <list type="number">
/// <item>θ ← θ·(1 − lr·λ) (decoupled decay: the decay never enters the moments);</item>
/// <item>m ← m + (1 − β₁)·(g − m) (PyTorch's <c>exp_avg.lerp_(grad, 1 − β₁)</c>, one fused multiply-add as libtorch's vectorised lerp computes it);</item>
/// <item>v ← β₂·v + (1 − β₂)·g·g (<c>exp_avg_sq.mul_(β₂).addcmul_(grad, grad, value=1 − β₂)</c>);</item>
/// <item>c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ, step = lr / c₁, computed in double as Python computes them;</item>
/// <item>denominator = √v / √c₂ + ε (<c>(exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)</c>);</item>
/// <item>θ ← θ + (−step)·m / denominator (<c>param.addcdiv_(exp_avg, denom, value=-step_size)</c>).</item>
/// </list>
/// <para>Every double scalar is rounded to float32 before it meets the float32 tensors, as libtorch's CPU kernels do.
/// TorchSharp's managed <c>AdamW</c> (the optimiser of the training fixture) computes the first moment as
/// m·β₁ + (1 − β₁)·g, the form PyTorch's Python optimiser used before <c>lerp_</c>: the same value in exact arithmetic,
/// rounded differently in the last bit.</para>
/// </remarks>
public sealed class AdamW
{
    private readonly Parameter[] _parameters;
    private readonly float[][] _expAvg;
    private readonly float[][] _expAvgSq;

    /// <summary>An optimiser over <paramref name="parameters"/> with PyTorch's defaults unless given.</summary>
    /// <param name="parameters">The parameters to update, in PyTorch's <c>parameters()</c> order; each at most once.</param>
    /// <param name="lr">Learning rate, ≥ 0; lr / (1 − β₁) and 1 − lr·λ must fit in float32, or no update could be finite.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="eps">Added to the denominator, &gt; 0 in float32 (with 0, a weight whose gradient is 0 becomes 0/0 = NaN).</param>
    /// <param name="weightDecay">Decoupled weight decay λ, ≥ 0.</param>
    public AdamW(IReadOnlyList<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
            throw new ArgumentException("parameters is empty: there is nothing to optimise.", nameof(parameters));
        for (int i = 0; i < parameters.Count; i++)
        {
            ArgumentNullException.ThrowIfNull(parameters[i], $"parameters[{i}]");
            for (int j = 0; j < i; j++)
                if (ReferenceEquals(parameters[i], parameters[j]))
                    throw new ArgumentException($"parameters[{i}] ({parameters[i].Name}) is parameters[{j}] again: each parameter must appear once.", nameof(parameters));
        }
        if (!(lr >= 0) || double.IsInfinity(lr))
            throw new ArgumentOutOfRangeException(nameof(lr), lr, $"lr must be finite and >= 0, but is {lr}.");
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"beta1 must be in [0, 1), but is {beta1}.");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"beta2 must be in [0, 1), but is {beta2}.");
        if (!(eps >= 0) || double.IsInfinity(eps))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, $"eps must be finite and >= 0, but is {eps}.");
        if ((float)eps == 0f)
            throw new ArgumentOutOfRangeException(nameof(eps), eps,
                $"eps is {eps}, which is 0 in float32: a weight whose gradient is 0 would be updated by 0 / (sqrt(0) + 0) = NaN. Use eps >= {float.Epsilon:R} (PyTorch's default is 1e-8).");
        if (!(weightDecay >= 0) || double.IsInfinity(weightDecay))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"weightDecay must be finite and >= 0, but is {weightDecay}.");
        if (!float.IsFinite((float)(lr / (1 - beta1))))
            throw new ArgumentOutOfRangeException(nameof(lr), lr,
                $"lr is {lr} and beta1 {beta1}: the first step's size lr / (1 - beta1) = {lr / (1 - beta1)} exceeds float32's range (3.4E+38), so every update would be infinite.");
        if (!float.IsFinite((float)(1 - lr * weightDecay)))
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay,
                $"lr is {lr} and weightDecay {weightDecay}: the decay factor 1 - lr * weightDecay = {1 - lr * weightDecay} exceeds float32's range (3.4E+38), so every decayed weight would be infinite.");
        _parameters = [.. parameters];
        _expAvg = _parameters.Select(p => new float[p.Count]).ToArray();
        _expAvgSq = _parameters.Select(p => new float[p.Count]).ToArray();
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>λ, the decoupled weight decay.</summary>
    public double WeightDecay { get; }

    /// <summary>Steps taken so far (PyTorch's <c>state['step']</c>, the same for every parameter here).</summary>
    public long StepCount { get; private set; }

    /// <summary>The parameters, in update order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
            p.ZeroGrad();
    }

    /// <summary>One update of every parameter from its current gradient (see the class remarks for the formula).</summary>
    public void Step()
    {
        for (int i = 0; i < _parameters.Length; i++)
            foreach (float g in _parameters[i].Gradient)
                if (!float.IsFinite(g))
                    throw new InvalidOperationException($"the gradient of {_parameters[i].Name} contains {g}: AdamW refuses to step on a non-finite gradient.");
        StepCount++;
        double biasCorrection1 = 1 - Math.Pow(Beta1, StepCount);                 // c₁, double as in Python
        double biasCorrection2 = 1 - Math.Pow(Beta2, StepCount);                 // c₂
        double stepSize = LearningRate / biasCorrection1;                        // lr / c₁
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);                 // √c₂
        var decay = (float)(1 - LearningRate * WeightDecay);
        var lerpWeight = (float)(1 - Beta1);
        var beta2 = (float)Beta2;
        var oneMinusBeta2 = (float)(1 - Beta2);
        var c2Sqrt = (float)biasCorrection2Sqrt;
        var eps = (float)Eps;
        var negativeStep = (float)-stepSize;
        for (int i = 0; i < _parameters.Length; i++)
            Update(_parameters[i].Values, _parameters[i].Gradient, _expAvg[i], _expAvgSq[i], decay, lerpWeight, beta2, oneMinusBeta2, c2Sqrt, eps, negativeStep);
    }

    private static void Update(Span<float> theta, ReadOnlySpan<float> grad, float[] m, float[] v,
        float decay, float lerpWeight, float beta2, float oneMinusBeta2, float c2Sqrt, float eps, float negativeStep)
    {
        for (int j = 0; j < theta.Length; j++)
        {
            float g = grad[j];
            theta[j] *= decay;                                                   // θ·(1 − lr·λ)
            m[j] = MathF.FusedMultiplyAdd(lerpWeight, g - m[j], m[j]);           // m + (1 − β₁)(g − m)
            v[j] = v[j] * beta2 + oneMinusBeta2 * g * g;                         // β₂v + (1 − β₂)g²
            float denominator = MathF.Sqrt(v[j]) / c2Sqrt + eps;                 // √v/√c₂ + ε
            theta[j] += negativeStep * m[j] / denominator;                       // θ − step·m/denominator
        }
    }
}
