namespace AttentionNotebooks.Efficient;

/// <summary>Where one (batch, head) slice of a tensor starts and how far apart its token rows are, in floats.</summary>
/// <param name="BatchStride">Floats from one sequence to the next.</param>
/// <param name="HeadStride">Floats from one head to the next.</param>
/// <param name="TokenStride">Floats from one token's headDim values to the next token's.</param>
internal readonly record struct HeadLayout(long BatchStride, long HeadStride, int TokenStride)
{
    /// <summary>(batch, heads, tokens, headDim), contiguous: PyTorch's layout for <c>scaled_dot_product_attention</c>.</summary>
    public static HeadLayout HeadsFirst(int heads, int tokens, int headDim) =>
        new((long)heads * tokens * headDim, (long)tokens * headDim, headDim);

    /// <summary>(batch, tokens, heads, headDim) inside rows of <paramref name="rowWidth"/> floats per token: a projection's output.</summary>
    public static HeadLayout TokensFirst(int tokens, int headDim, int rowWidth) =>
        new((long)tokens * rowWidth, headDim, rowWidth);
}
