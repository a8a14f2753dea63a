namespace AttentionNotebooks.Efficient;

/// <summary>Pointers, shapes and layouts of one attention call (the inputs are pinned by the caller for its duration).</summary>
internal unsafe struct AttentionArguments
{
    public float* Query;
    public float* Key;
    public float* Value;
    public float* Output;
    public HeadLayout QueryLayout;
    public HeadLayout KeyLayout;
    public HeadLayout ValueLayout;
    public HeadLayout OutputLayout;
    public int Batch;
    public int Heads;
    public int Tokens;
    public int HeadDim;
    public bool Causal;

    /// <summary>The softmax scale times log₂ e: scores come out in base-2 exponent units.</summary>
    public float ScaleLog2E;

    /// <summary>Null, or (batch, heads, tokens) receiving each query row's log-sum-exp of its scaled scores (natural log).</summary>
    public float* LogSumExp;
}
