namespace AttentionNotebooks.Efficient;

/// <summary>Constants of <see cref="DecodeKernel{TSimd, TVec}"/>, the same for every vector width.</summary>
internal static class DecodeLayout
{
    /// <summary>
    /// Keys per split, a fixed number: the splits (and so the order of every sum) do not depend on the thread count, so
    /// the result is bit-identical for any number of threads. 1024 keys of headDim 64 are 512 KB of keys and values.
    /// </summary>
    public const int SplitKeys = 1024;

    /// <summary>Keys per block: their keys and values (32 KB at headDim 64) and every row's scores stay in L1 while the group's rows use them.</summary>
    public const int KeyBlock = 64;

    /// <summary>Splits of a cache of <paramref name="cacheLength"/> keys.</summary>
    public static int Splits(int cacheLength) => (cacheLength - 1) / SplitKeys + 1;

    /// <summary>Floats of one query row's partial result: m, l and headDim unnormalised outputs.</summary>
    public static int PartialRow(int headDim) => headDim + 2;

    /// <summary>Scratch floats per thread: one block of scores for each of the group's rows, one register's lanes and the scaled queries.</summary>
    public static long ScratchFloats(long rows, long headDim) => rows * KeyBlock + 16 + rows * headDim;
}
