namespace AttentionNotebooks.Efficient;

/// <summary>The scratch layout of <see cref="FlashKernel{TSimd, TVec}"/>, the same for every vector width.</summary>
internal static class FlashKernelLayout
{
    /// <summary>Keys per chunk (see <see cref="FlashKernel{TSimd, TVec}.KeyChunk"/>).</summary>
    public const int KeyChunk = 128;

    /// <summary>Queries per tile on the widest path: 4 registers of 16 floats (AVX-512).</summary>
    public const int MaxQueryTile = 64;

    /// <summary>Rows of one query tile's width besides the 2·headDim of queries and accumulator: KeyChunk scores and m, l, α.</summary>
    public const int ScoreRows = KeyChunk + 3;

    /// <summary>Scratch floats one thread needs for <paramref name="headDim"/> with tiles of <paramref name="queryTile"/> queries (64-bit: no overflow).</summary>
    public static long ScratchFloats(long headDim, int queryTile) => (2 * headDim + ScoreRows) * queryTile;

    /// <summary>
    /// Scratch floats the unfused kernel needs per thread for <paramref name="tokens"/> and <paramref name="headDim"/>: a
    /// tile's queries and accumulator, m, l and α of every tile, and every tile's score rows over all keys (64-bit: no overflow).
    /// </summary>
    public static long UnfusedScratchFloats(long tokens, long headDim, int queryTile)
    {
        long tiles = (tokens - 1) / queryTile + 1;
        return (2 * headDim + 3 * tiles + tiles * tokens) * queryTile;
    }
}
