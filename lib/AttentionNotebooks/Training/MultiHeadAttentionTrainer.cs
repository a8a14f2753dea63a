using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>
/// Trains a <see cref="MultiHeadAttention"/> module: <see cref="Forward"/> computes what the module's own forward
/// pass computes (the same operations, the same dropout draws, sequence by sequence and head by head) and keeps what
/// the backward pass needs; <see cref="Backward"/> adds the gradients of all four projections (out_proj included) to
/// <see cref="Parameters"/> and returns the gradient with respect to the input.
/// </summary>
/// <remarks>
/// Backwards through output = Z·W_oᵀ + b_o: dZ = dOutput·W_o. Head h owns columns h·headDim … of Q, K, V and Z, so
/// its (dQ_h, dK_h, dV_h) from <see cref="AttentionBackward"/> fill the same columns of dQ, dK, dV; then each
/// projection's <see cref="LinearBackward"/>, and dX = dQ·W_q + dK·W_k + dV·W_v.
/// </remarks>
public sealed class MultiHeadAttentionTrainer
{
    private readonly TrainedLinear _query;
    private readonly TrainedLinear _key;
    private readonly TrainedLinear _value;
    private readonly TrainedLinear _outProj;
    private Step[]? _steps;

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
        Guard.Batch(batch, Module.DIn, Module.ContextLength, nameof(batch), "W_query");
        var steps = new Step[batch.Count];
        var outputs = new Matrix<float>[batch.Count];
        var weights = new IReadOnlyList<Matrix<float>>[batch.Count];
        for (int b = 0; b < batch.Count; b++)
        {
            steps[b] = Attend(batch[b]);
            outputs[b] = steps[b].Output;
            weights[b] = steps[b].Dropped;
        }
        _steps = steps;
        return new MultiHeadAttentionResult(outputs, weights);
    }

    /// <summary>
    /// The backward pass of the last <see cref="Forward"/>: adds the gradients of W_query, W_key, W_value and out_proj
    /// to <see cref="Parameters"/> and returns dL/dX. Each forward allows one backward.
    /// </summary>
    /// <param name="outputGradient">dL/dOutput: one (tokens, dOut) matrix per sequence of the forward batch.</param>
    /// <returns>dL/dX: one (tokens, dIn) matrix per sequence.</returns>
    public Matrix<float>[] Backward(IReadOnlyList<Matrix<float>> outputGradient)
    {
        var steps = _steps ?? throw Guard.BackwardBeforeForward(nameof(MultiHeadAttentionTrainer));
        int tokens = steps[0].Input.RowCount, headDim = Module.HeadDim;
        Guard.GradientBatch(outputGradient, steps.Length, tokens, Module.DOut, nameof(outputGradient), "outputs");
        _steps = null;
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
                var g = AttentionBackward.Compute(s.Q[h], s.K[h], s.V[h], s.Weights[h], dz, causal: true, s.Masks[h], scale);
                dq.SetSubMatrix(0, first, g.Queries);                                       // (T, headDim) into (T, dOut)
                dk.SetSubMatrix(0, first, g.Keys);
                dv.SetSubMatrix(0, first, g.Values);
            }
            var dx = _query.Backward(s.Input, dq);                                          // (T, dIn)
            dx += _key.Backward(s.Input, dk);                                               // (T, dIn)
            dx += _value.Backward(s.Input, dv);                                             // (T, dIn)
            inputGradient[b] = dx;
        }
        return inputGradient;
    }

    private Step Attend(Matrix<float> x)
    {
        int tokens = x.RowCount, headDim = Module.HeadDim, heads = Module.NumHeads;
        var queries = Module.WQuery.Forward(x);                                 // (T, dOut)
        var keys = Module.WKey.Forward(x);                                      // (T, dOut)
        var values = Module.WValue.Forward(x);                                  // (T, dOut)
        var context = Matrix<float>.Build.Dense(tokens, Module.DOut);           // (T, dOut)
        var q = new Matrix<float>[heads];
        var k = new Matrix<float>[heads];
        var v = new Matrix<float>[heads];
        var weights = new Matrix<float>[heads];
        var masks = new DropoutMask?[heads];
        var dropped = new Matrix<float>[heads];
        for (int h = 0; h < heads; h++)
        {
            int first = h * headDim;
            q[h] = queries.SubMatrix(0, tokens, first, headDim);                // (T, headDim)  head h's columns
            k[h] = keys.SubMatrix(0, tokens, first, headDim);                   // (T, headDim)
            v[h] = values.SubMatrix(0, tokens, first, headDim);                 // (T, headDim)
            var scores = q[h] * k[h].Transpose();                               // (T, T)
            var masked = CausalMask.MaskedFill(scores, Module.Mask);            // (T, T)
            weights[h] = Softmax.Stable(masked / MathF.Sqrt(headDim));          // (T, T)
            masks[h] = DropoutMask.Draw(Module.Dropout, tokens, tokens);        // kept elements, or null
            dropped[h] = masks[h]?.Apply(weights[h]) ?? weights[h].Clone();     // (T, T)
            context.SetSubMatrix(0, first, dropped[h] * v[h]);                  // (T, headDim) into (T, dOut)
        }
        var output = Module.OutProj.Forward(context);                           // (T, dOut)
        return new Step(x, q, k, v, weights, masks, dropped, context, output);
    }

    private sealed record Step(
        Matrix<float> Input, Matrix<float>[] Q, Matrix<float>[] K, Matrix<float>[] V, Matrix<float>[] Weights,
        DropoutMask?[] Masks, Matrix<float>[] Dropped, Matrix<float> Context, Matrix<float> Output);
}
