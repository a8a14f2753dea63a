namespace AttentionNotebooks.Efficient;

/// <summary>Constants of <see cref="FlashBackward{TSimd, TVec}"/>, the same for every vector width.</summary>
internal static class FlashBackwardLayout
{
    /// <summary>Keys per block: their K, V, dK and dV (5 × 64 × headDim floats) stay in L1/L2 while every query tile passes.</summary>
    public const int KeyBlock = 64;

    /// <summary>Query rows per tile: the tile's S and dP (2 × 64 × 64 floats, 32 KB) stay in L1/L2 between the five products.</summary>
    public const int QueryTile = 64;

    /// <summary>log₂ e: e^x = 2^(x·log₂ e).</summary>
    public const float Log2E = 1.44269504088896341f;

    /// <summary>Tokens rounded up to a multiple of 4 (the micro-kernels' rows).</summary>
    public static int PaddedTokens(int tokens) => (int)(((long)tokens + 3) / 4 * 4);

    /// <summary>headDim rounded up to a whole register of <paramref name="width"/> floats.</summary>
    public static int PaddedHeadDim(int headDim, int width) => (int)(((long)headDim + width - 1) / width * width);

    /// <summary>
    /// Scratch floats per thread: D and padded copies of Q, dO and dQ for the slice ((4 + 3·padded) per token), and per
    /// key block its Kᵀ and Vᵀ, scale·K, dK and dV and a tile's S and dP. 64-bit: callers check it fits in one array.
    /// </summary>
    public static long ScratchFloats(long tokens, long headDim, int width)
    {
        long rows = (tokens + 3) / 4 * 4, padded = (headDim + width - 1) / width * width;
        return rows + 3 * rows * padded + 2 * headDim * KeyBlock + 3L * KeyBlock * padded + 2L * QueryTile * KeyBlock;
    }
}
