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

    /// <summary>Where (batch, key/value head, token) of K, V, dK and dV starts (<see cref="InputLayout"/> when every query head has its own).</summary>
    public HeadLayout KeyLayout;

    /// <summary>Where (batch, head, token) of O and dO starts.</summary>
    public HeadLayout OutputLayout;

    /// <summary>batch·Heads query slices (batch·Heads / Group work items: one per key/value head).</summary>
    public int Slices;
    public int Heads;
    public int Tokens;
    public int HeadDim;
    public bool Causal;

    /// <summary>Query heads per key/value head (grouped-query attention); 1: one each.</summary>
    public int Group;

    /// <summary>0, or with <see cref="Causal"/> the number of most recent keys a query sees (as <see cref="AttentionArguments.Window"/>).</summary>
    public int Window;
    public float Scale;
}
