using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>
/// Trains a <see cref="CausalAttention"/> module: <see cref="Forward"/> runs the module's own forward pass (the same
/// code, the same dropout draws) and keeps what it computed — Q, K, V, the weights and the dropout mask;
/// <see cref="Backward"/> then adds the gradients of the three projections to <see cref="Parameters"/> and returns
/// the gradient with respect to the input.
/// </summary>
/// <remarks>
/// Per sequence, with the input X (T, dIn): Q = X·W_qᵀ (+ b_q), K, V likewise; A = softmax(mask(Q·Kᵀ)/√dOut);
/// Z = D(A)·V. Backwards: (dQ, dK, dV) from <see cref="AttentionBackward"/> (rotated back by −position·θ when the
/// module applies RoPE, <see cref="CausalAttention.Rotary"/>: a rotation's transpose is its inverse), then each projection's
/// <see cref="LinearBackward"/>, and dX = dQ·W_q + dK·W_k + dV·W_v because X feeds all three.
/// <para>A trainer serves one call at a time, as a PyTorch module does: Backward differentiates the latest Forward,
/// whichever thread ran it, and a call that starts while another thread is inside one throws an
/// <see cref="InvalidOperationException"/> (for parallel training, one module and trainer per thread).</para>
/// </remarks>
public sealed class CausalAttentionTrainer
{
    private readonly TrainedLinear _query;
    private readonly TrainedLinear _key;
    private readonly TrainedLinear _value;
    private readonly OneCallAtATime _calls = new(nameof(CausalAttentionTrainer));
    private IReadOnlyList<Matrix<float>>? _inputs;
    private AttentionStep[]? _steps;

    /// <summary>A trainer for <paramref name="module"/>, whose weights it trains in place.</summary>
    /// <param name="module">The module.</param>
    /// <param name="prefix">Prepended to the parameter names, e.g. <c>att.</c> for a module stored as <c>self.att</c>.</param>
    public CausalAttentionTrainer(CausalAttention module, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        Module = module;
        var parameters = new List<Parameter>();
        _query = new TrainedLinear(module.WQuery, prefix + "W_query", parameters);
        _key = new TrainedLinear(module.WKey, prefix + "W_key", parameters);
        _value = new TrainedLinear(module.WValue, prefix + "W_value", parameters);
        Parameters = parameters;
    }

    /// <summary>The module being trained.</summary>
    public CausalAttention Module { get; }

    /// <summary>
    /// The trainable parameters in the order PyTorch's <c>parameters()</c> yields them for the book's class:
    /// W_query.weight, W_query.bias (with qkv_bias), W_key.…, W_value.….
    /// </summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters)
            p.ZeroGrad();
    }

    /// <summary>The module's forward pass over a batch, remembering what <see cref="Backward"/> needs.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length.</param>
    /// <returns>Per sequence: context vectors (tokens, dOut) and attention weights after dropout (tokens, tokens).</returns>
    public BatchAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        using var call = _calls.Enter(nameof(Forward));
        Check.Batch(batch, Module.DIn, Module.ContextLength, nameof(batch), "W_query", Module.DOut);
        CausalAttention.CheckMemory(batch, nameof(batch));
        var steps = Module.Attend(batch, lengths: null);
        (_inputs, _steps) = (batch.ToArray(), steps);
        return new BatchAttentionResult(steps.Select(s => s.Context).ToArray(), steps.Select(s => s.Dropped).ToArray());
    }

    /// <summary>
    /// The backward pass of the last <see cref="Forward"/>: adds dL/dW (and dL/db) of W_query, W_key and W_value to
    /// <see cref="Parameters"/>' gradients and returns dL/dX. Each forward allows one backward.
    /// </summary>
    /// <param name="contextGradient">dL/dZ: one (tokens, dOut) matrix per sequence of the forward batch.</param>
    /// <returns>dL/dX: one (tokens, dIn) matrix per sequence.</returns>
    public Matrix<float>[] Backward(IReadOnlyList<Matrix<float>> contextGradient)
    {
        using var call = _calls.Enter(nameof(Backward));
        var steps = _steps ?? throw Check.BackwardBeforeForward(nameof(CausalAttentionTrainer));
        var inputs = _inputs!;
        int tokens = inputs[0].RowCount;
        Check.GradientBatch(contextGradient, steps.Length, tokens, Module.DOut, nameof(contextGradient), "context vectors");
        (_inputs, _steps) = (null, null);
        var inputGradient = new Matrix<float>[steps.Length];
        float scale = 1f / MathF.Sqrt(Module.DOut);
        for (int b = 0; b < steps.Length; b++)
        {
            var s = steps[b];
            var g = AttentionBackward.Compute(s.Queries, s.Keys, s.Values, s.Weights, contextGradient[b], causal: true, s.DropoutMask, scale);
            var (dQueries, dKeys) = Module.Rotary is { } rope                   // through RoPE: rotate the gradients back
                ? (rope.Apply(g.Queries, 0, inverse: true), rope.Apply(g.Keys, 0, inverse: true))
                : (g.Queries, g.Keys);
            var dx = _query.Backward(inputs[b], dQueries);                      // (T, dIn)
            dx += _key.Backward(inputs[b], dKeys);                              // (T, dIn)
            dx += _value.Backward(inputs[b], g.Values);                         // (T, dIn)
            inputGradient[b] = dx;
        }
        return inputGradient;
    }
}
