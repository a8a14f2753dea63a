using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>
/// Trains a <see cref="MultiHeadAttention"/> module: <see cref="Forward"/> runs the module's own forward pass (the
/// same code, the same dropout draws, sequence by sequence and head by head) and keeps what the backward pass needs; <see cref="Backward"/> adds the gradients of all four projections (out_proj included) to
/// <see cref="Parameters"/> and returns the gradient with respect to the input.
/// </summary>
/// <remarks>
/// Backwards through output = Z·W_oᵀ + b_o: dZ = dOutput·W_o. Head h owns columns h·headDim … of Q, K, V and Z, so
/// its (dQ_h, dK_h, dV_h) from <see cref="AttentionBackward"/> fill the same columns of dQ, dK, dV; then each
/// projection's <see cref="LinearBackward"/>, and dX = dQ·W_q + dK·W_k + dV·W_v.
/// <para>A trainer serves one call at a time, as a PyTorch module does: Backward differentiates the latest Forward,
/// whichever thread ran it, and a call that starts while another thread is inside one throws an
/// <see cref="InvalidOperationException"/> (for parallel training, one module and trainer per thread).</para>
/// </remarks>
public sealed class MultiHeadAttentionTrainer
{
    private readonly TrainedLinear _query;
    private readonly TrainedLinear _key;
    private readonly TrainedLinear _value;
    private readonly TrainedLinear _outProj;
    private readonly OneCallAtATime _calls = new(nameof(MultiHeadAttentionTrainer));
    private IReadOnlyList<Matrix<float>>? _inputs;
    private MultiHeadStep[]? _steps;

    /// <summary>A trainer for <paramref name="module"/>, whose weights it trains in place.</summary>
    /// <param name="module">The module.</param>
    /// <param name="prefix">Prepended to the parameter names, e.g. <c>att.</c>.</param>
    public MultiHeadAttentionTrainer(MultiHeadAttention module, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(prefix);
        Module = module;
        var parameters = new List<Parameter>();
        _query = new TrainedLinear(module.WQuery, prefix + "W_query", parameters);
        _key = new TrainedLinear(module.WKey, prefix + "W_key", parameters);
        _value = new TrainedLinear(module.WValue, prefix + "W_value", parameters);
        _outProj = new TrainedLinear(module.OutProj, prefix + "out_proj", parameters);
        Parameters = parameters;
    }

    /// <summary>The module being trained.</summary>
    public MultiHeadAttention Module { get; }

    /// <summary>
    /// The trainable parameters in the order PyTorch's <c>parameters()</c> yields them for the book's class:
    /// W_query.weight (, .bias), W_key.…, W_value.…, out_proj.weight, out_proj.bias.
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
    /// <returns>Per sequence: (tokens, dOut) outputs, and each head's (tokens, tokens) weights after dropout.</returns>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch)
    {
        using var call = _calls.Enter(nameof(Forward));
        Check.Batch(batch, Module.DIn, Module.ContextLength, nameof(batch), "W_query", Module.DOut);
        Module.CheckMemory(batch, batch, nameof(batch));
        var steps = Module.Attend(batch, lengths: null);
        (_inputs, _steps) = (batch.ToArray(), steps);
        return new MultiHeadAttentionResult(
            steps.Select(s => s.Output).ToArray(),
            steps.Select(s => (IReadOnlyList<Matrix<float>>)s.Heads.Select(h => h.Dropped).ToArray()).ToArray());
    }

    /// <summary>
    /// The backward pass of the last <see cref="Forward"/>: adds the gradients of W_query, W_key, W_value and out_proj
    /// to <see cref="Parameters"/> and returns dL/dX. Each forward allows one backward.
    /// </summary>
    /// <param name="outputGradient">dL/dOutput: one (tokens, dOut) matrix per sequence of the forward batch.</param>
    /// <returns>dL/dX: one (tokens, dIn) matrix per sequence.</returns>
    public Matrix<float>[] Backward(IReadOnlyList<Matrix<float>> outputGradient)
    {
        using var call = _calls.Enter(nameof(Backward));
        var steps = _steps ?? throw Check.BackwardBeforeForward(nameof(MultiHeadAttentionTrainer));
        var inputs = _inputs!;
        int tokens = inputs[0].RowCount, headDim = Module.HeadDim;
        Check.GradientBatch(outputGradient, steps.Length, tokens, Module.DOut, nameof(outputGradient), "outputs");
        (_inputs, _steps) = (null, null);
        float scale = 1f / MathF.Sqrt(headDim);
        var inputGradient = new Matrix<float>[steps.Length];
        for (int b = 0; b < steps.Length; b++)
        {
            var s = steps[b];
            var dContext = _outProj.Backward(s.Context, outputGradient[b]);                // (T, dOut)
            var dq = Matrix<float>.Build.Dense(tokens, Module.DOut);                       // (T, dOut)
            var dk = Matrix<float>.Build.Dense(tokens, Module.DOut);                       // (T, dOut)
            var dv = Matrix<float>.Build.Dense(tokens, Module.DOut);                       // (T, dOut)
            for (int h = 0; h < Module.NumHeads; h++)
            {
                int first = h * headDim;
                var dz = dContext.SubMatrix(0, tokens, first, headDim);                    // (T, headDim)
                var head = s.Heads[h];
                var g = AttentionBackward.Compute(head.Queries, head.Keys, head.Values, head.Weights, dz, causal: true, head.DropoutMask, scale);
                dq.SetSubMatrix(0, first, g.Queries);                                       // (T, headDim) into (T, dOut)
                dk.SetSubMatrix(0, first, g.Keys);
                dv.SetSubMatrix(0, first, g.Values);
            }
            var dx = _query.Backward(inputs[b], dq);                                        // (T, dIn)
            dx += _key.Backward(inputs[b], dk);                                             // (T, dIn)
            dx += _value.Backward(inputs[b], dv);                                           // (T, dIn)
            inputGradient[b] = dx;
        }
        return inputGradient;
    }
}
