namespace AttentionNotebooks.Efficient;

/// <summary>
/// What <see cref="FusedMultiHeadAttention.ForwardForTraining"/> keeps for <see cref="FusedMultiHeadAttention.Backward"/>
/// (PyTorch's saved tensors): a copy of the input x (B·T, dIn), the fused projection QKV (B·T, 3·dOut), the heads'
/// context C before the output projection (B·T, dOut), every query row's log-sum-exp (B, H, T), and the score scale.
/// </summary>
/// <remarks>Immutable once the forward has returned: any number of backward passes may read it, from any thread.</remarks>
public sealed class FusedMultiHeadAttentionActivations
{
    internal FusedMultiHeadAttentionActivations(FusedMultiHeadAttention module, int batch, int tokens, float[] input, float[] qkv, float[] context, float[] logSumExp, float scale)
    {
        Module = module;
        Batch = batch;
        Tokens = tokens;
        Input = input;
        Qkv = qkv;
        Context = context;
        LogSumExp = logSumExp;
        Scale = scale;
    }

    /// <summary>The module whose forward pass this is.</summary>
    public FusedMultiHeadAttention Module { get; }

    /// <summary>Number of sequences.</summary>
    public int Batch { get; }

    /// <summary>Tokens per sequence.</summary>
    public int Tokens { get; }

    /// <summary>The scale the scores were multiplied by (1/√headDim unless the options gave one).</summary>
    public float Scale { get; }

    /// <summary>x, (B·T, dIn) row-major.</summary>
    internal float[] Input { get; }

    /// <summary>[Q | K | V], (B·T, 3·dOut) row-major.</summary>
    internal float[] Qkv { get; }

    /// <summary>The heads' context C = [Z₁ | … | Z_H], (B·T, dOut) row-major.</summary>
    internal float[] Context { get; }

    /// <summary>(B, H, T): ln Σ_j exp(scale·q_i·k_j) over the keys row i sees.</summary>
    internal float[] LogSumExp { get; }
}
