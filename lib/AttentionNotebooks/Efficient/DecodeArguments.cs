namespace AttentionNotebooks.Efficient;

/// <summary>Pointers and shapes of one decode call (<see cref="FlashAttention.Decode"/>), pinned by the caller.</summary>
internal unsafe struct DecodeArguments
{
    /// <summary>(batch, heads, queries, headDim): the newest queries, at cache positions cacheLength − queries … cacheLength − 1.</summary>
    public float* Query;

    /// <summary>(batch, kvHeads, cacheLength, headDim).</summary>
    public float* Key;

    /// <summary>(batch, kvHeads, cacheLength, headDim).</summary>
    public float* Value;

    /// <summary>(batch, heads, queries, headDim): the context vectors.</summary>
    public float* Output;

    /// <summary>
    /// (batch·kvHeads·Splits, heads / kvHeads · queries, 2 + headDim): for every split of every key/value slice, each of its
    /// query rows' running maximum m (log₂ units), sum l and unnormalised output.
    /// </summary>
    public float* Partial;

    public int Batch;
    public int Heads;
    public int KvHeads;
    public int Queries;
    public int CacheLength;
    public int HeadDim;

    /// <summary>0, or the number of most recent keys a query sees.</summary>
    public int Window;

    /// <summary>Splits of <see cref="DecodeLayout.SplitKeys"/> keys per key/value slice.</summary>
    public int Splits;

    /// <summary>The softmax scale times log₂ e.</summary>
    public float ScaleLog2E;
}
