namespace AttentionNotebooks.Efficient;

/// <summary>
/// Pointers and shapes of one backward call, pinned by the caller: Q, K, V, dQ, dK, dV laid out by
/// <see cref="InputLayout"/>, O and dO by <see cref="OutputLayout"/> (<see cref="HeadLayout.HeadsFirst"/> for
/// contiguous (batch, heads, tokens, headDim) tensors, <see cref="HeadLayout.TokensFirst"/> for projection outputs).
/// </summary>
internal unsafe struct BackwardArguments
{
    public float* Query;
    public float* Key;
    public float* Value;
    public float* Output;
    public float* OutputGradient;

    /// <summary>(batch·heads, tokens).</summary>
    public float* LogSumExp;

    public float* QueryGradient;
    public float* KeyGradient;
    public float* ValueGradient;
    /// <summary>Where (batch, head, token) of Q, K, V and of dQ, dK, dV starts.</summary>
    public HeadLayout InputLayout;

    /// <summary>Where (batch, head, token) of O and dO starts.</summary>
    public HeadLayout OutputLayout;

    /// <summary>batch·Heads work items.</summary>
    public int Slices;
    public int Heads;
    public int Tokens;
    public int HeadDim;
    public bool Causal;
    public float Scale;
}
