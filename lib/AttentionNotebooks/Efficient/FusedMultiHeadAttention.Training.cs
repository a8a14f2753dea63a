using System.Buffers;

namespace AttentionNotebooks.Efficient;

/// <summary>The training step of <see cref="FusedMultiHeadAttention"/>: a forward pass that keeps its activations, and the backward pass.</summary>
public sealed unsafe partial class FusedMultiHeadAttention
{
    /// <summary>
    /// Computes what <see cref="Forward(ReadOnlySpan{float}, Span{float}, int, int, FlashAttentionOptions?)"/> computes
    /// (the same kernels, bit for bit) and keeps what <see cref="Backward"/> needs: a copy of the input, the fused
    /// projection QKV = x·[W_q; W_k; W_v]ᵀ + b, the heads' context before the output projection, and every query row's
    /// log-sum-exp.
    /// </summary>
    /// <param name="input">x, (batch, tokens, dIn) row-major, all values finite.</param>
    /// <param name="output">Receives y, (batch, tokens, dOut) row-major; must not overlap <paramref name="input"/>.</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="tokens">Tokens per sequence, 1 … ContextLength.</param>
    /// <param name="options">Threads, instruction set and scale; <see cref="FlashAttentionOptions.Default"/> if null.</param>
    /// <returns>
    /// The saved activations, (batch·tokens)·(dIn + 4·dOut) + batch·heads·tokens floats, for one or more calls of
    /// <see cref="Backward"/> on this module.
    /// </returns>
    /// <exception cref="OverflowException">The outputs overflowed float32 (inputs or weights too large).</exception>
    public FusedMultiHeadAttentionActivations ForwardForTraining(ReadOnlySpan<float> input, Span<float> output, int batch, int tokens, FlashAttentionOptions? options = null)
    {
        CheckBuffers(input, output, batch, tokens, ref options);
        CheckFiniteInput(input, tokens);
        int rows = batch * tokens;                                            // fits: CheckBuffers bounded rows·3·dOut
        QkvProjection.CheckBackwardSizes(rows);
        OutProjection.CheckBackwardSizes(rows);
        var saved = new FusedMultiHeadAttentionActivations(
            this, batch, tokens, input.ToArray(),
            new float[(long)rows * 3 * DOut],                                  // (B·T, 3·dOut)
            new float[(long)rows * DOut],                                      // (B·T, dOut)
            new float[(long)batch * NumHeads * tokens],                        // (B, H, T)
            options!.ScaleFor(HeadDim));
        fixed (float* x = saved.Input, y = output, qkv = saved.Qkv, context = saved.Context, lse = saved.LogSumExp)
            Compute(x, y, qkv, context, lse, batch, tokens, options!);
        CheckFinite(output, input, tokens);
        return saved;
    }

    /// <summary>
    /// The backward pass of a <see cref="ForwardForTraining"/> of this module: from dL/dy, writes dL/dx and adds the
    /// gradients of the fused QKV projection and the output projection to <paramref name="gradients"/> (accumulated like
    /// PyTorch's <c>.grad</c>: <see cref="FusedMultiHeadAttentionGradients.Clear"/> them before a new step).
    /// </summary>
    /// <remarks>
    /// Backwards through y = C·W_oᵀ + b_o, C the heads' context (B·T, dOut): dC = dy·W_o, dW_o += dyᵀ·C, db_o += Σ dy.
    /// Then per (sequence, head) the FlashAttention-2 backward, the weights recomputed from the saved log-sum-exp, writes
    /// dQ_h, dK_h, dV_h into head h's columns of dQKV = [dQ | dK | dV] (B·T, 3·dOut). Finally through
    /// QKV = x·W_qkvᵀ + b_qkv: dx = dQKV·W_qkv, dW_qkv += dQKVᵀ·x, db_qkv += Σ dQKV. Every kernel reduces each
    /// element on one thread, so the gradients are the same for any number of threads.
    /// </remarks>
    /// <param name="saved">What <see cref="ForwardForTraining"/> of this module returned.</param>
    /// <param name="outputGradient">dL/dy, (batch, tokens, dOut) row-major, for the forward's batch and tokens.</param>
    /// <param name="inputGradient">Receives dL/dx, (batch, tokens, dIn) row-major (overwritten); empty to skip it.</param>
    /// <param name="gradients">The parameters' gradients, for a module of this shape; added to.</param>
    /// <param name="options">Threads and instruction set; <see cref="KernelOptions.Default"/> if null. The scale is the forward's (saved).</param>
    public void Backward(FusedMultiHeadAttentionActivations saved, ReadOnlySpan<float> outputGradient, Span<float> inputGradient,
        FusedMultiHeadAttentionGradients gradients, KernelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(gradients);
        if (!ReferenceEquals(saved.Module, this))
            throw new ArgumentException("saved comes from ForwardForTraining of another FusedMultiHeadAttention: the backward needs this module's own activations.", nameof(saved));
        gradients.CheckFits(this, nameof(gradients));
        options ??= KernelOptions.Default;
        options.Validate();
        int batch = saved.Batch, tokens = saved.Tokens, rows = batch * tokens, dIn = DIn, dOut = DOut, headDim = HeadDim;
        FlashAttention.CheckBackwardScratch(tokens, headDim, options, nameof(saved));
        if (outputGradient.Length != (long)rows * dOut)
            throw new ArgumentException($"outputGradient has {outputGradient.Length} floats but the forward's (batch {batch}, tokens {tokens}, dOut {dOut}) needs {(long)rows * dOut}.", nameof(outputGradient));
        if (!inputGradient.IsEmpty && inputGradient.Length != (long)rows * dIn)
            throw new ArgumentException($"inputGradient has {inputGradient.Length} floats but the forward's (batch {batch}, tokens {tokens}, dIn {dIn}) needs {(long)rows * dIn} (or pass an empty span to skip it).", nameof(inputGradient));
        if (inputGradient.Overlaps(outputGradient) || gradients.Overlaps(inputGradient) || gradients.Overlaps(outputGradient))
            throw new ArgumentException("inputGradient, outputGradient and the parameters' gradients overlap: each needs its own buffer.", nameof(inputGradient));

        float[] contextGradient = ArrayPool<float>.Shared.Rent(rows * dOut);
        float[] qkvGradient = ArrayPool<float>.Shared.Rent(rows * 3 * dOut);
        try
        {
            fixed (float* x = saved.Input, qkv = saved.Qkv, context = saved.Context, lse = saved.LogSumExp)
            fixed (float* dY = outputGradient, dX = inputGradient, dContext = contextGradient, dQkv = qkvGradient)
            fixed (float* dWqkv = gradients.QkvWeight, dbQkv = gradients.QkvBias, dWo = gradients.OutWeight, dbO = gradients.OutBias)
            {
                // dC = dy·W_o; dW_o += dyᵀ·C; db_o += Σ dy
                OutProjection.RunBackward(context, dY, dContext, dWo, OutProjection.HasBias ? dbO : null, rows, options);   // (B·T, dOut)

                // dQ_h, dK_h, dV_h = FlashBackward(Q_h, K_h, V_h, C_h, dC_h, lse) into head h's columns of each third
                var inQkv = HeadLayout.TokensFirst(tokens, headDim, 3 * dOut);
                var arguments = new BackwardArguments
                {
                    Query = qkv, Key = qkv + dOut, Value = qkv + 2 * dOut,
                    Output = context, OutputGradient = dContext, LogSumExp = lse,
                    QueryGradient = dQkv, KeyGradient = dQkv + dOut, ValueGradient = dQkv + 2 * dOut,
                    InputLayout = inQkv,
                    OutputLayout = HeadLayout.TokensFirst(tokens, headDim, dOut),
                    Slices = batch * NumHeads, Heads = NumHeads, Tokens = tokens, HeadDim = headDim,
                    Causal = Causal, Scale = saved.Scale,
                };
                FlashAttention.RunBackward(in arguments, options);                                                          // (B·T, 3·dOut)

                // dx = dQKV·W_qkv; dW_qkv += dQKVᵀ·x; db_qkv += Σ dQKV
                QkvProjection.RunBackward(x, dQkv, inputGradient.IsEmpty ? null : dX, dWqkv, QkvProjection.HasBias ? dbQkv : null, rows, options);   // (B·T, dIn)
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(qkvGradient);
            ArrayPool<float>.Shared.Return(contextGradient);
        }
    }
}
