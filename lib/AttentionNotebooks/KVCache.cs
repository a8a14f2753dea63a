using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// The key-value cache of one attention layer during generation: the keys and values of every token seen so far, per
/// key-value head, so that a decode step computes K and V for the new tokens only and attends over the rest from
/// memory. Without it, generating token T recomputes the keys and values of all T tokens (and, in a naive loop, the
/// whole T × T attention) again; with it, a step costs O(T) (one query row against T cached keys).
/// </summary>
/// <remarks>
/// <para>Layout: per head a (<see cref="Count"/>, <see cref="HeadDim"/>) block of keys and one of values, rows in token
/// order; the keys are stored as the attention used them (after RoPE, when the module rotates them). Memory:
/// 2 · kvHeads · headDim numbers per token and layer (<see cref="BytesPerToken"/>) — which is what multi-query and
/// grouped-query attention shrink (fewer kvHeads) and latent attention replaces (one small latent per token).</para>
/// <para>With a <see cref="Window"/> (sliding-window layers, Mistral 7B and Gemma's local layers) a token never looks
/// further back than window − 1 tokens, so the cache drops older rows and holds at most window rows after a one-token
/// step: its memory stops growing (Mistral's "rolling buffer cache").</para>
/// <para>Changed from <see cref="MultiHeadAttention"/>: nothing in the arithmetic; the modules' decode steps
/// (<see cref="GroupedQueryAttention.Decode"/>) append to it and read from it, one sequence per cache.</para>
/// </remarks>
public sealed class KVCache
{
    private readonly float[][] _keys;
    private readonly float[][] _values;

    /// <summary>An empty cache for <paramref name="kvHeads"/> heads of <paramref name="headDim"/> features.</summary>
    /// <param name="kvHeads">Key-value heads (numKvGroups of <see cref="GroupedQueryAttention"/>).</param>
    /// <param name="headDim">Features per head.</param>
    /// <param name="window">Null: keep every token; otherwise keep only what a sliding window of this many tokens can still see (≥ 1).</param>
    public KVCache(int kvHeads, int headDim, int? window = null)
    {
        Check.Positive(kvHeads, nameof(kvHeads));
        Check.Positive(headDim, nameof(headDim));
        if (window is { } w)
            Check.Positive(w, nameof(window));
        KvHeads = kvHeads;
        HeadDim = headDim;
        Window = window ?? int.MaxValue;
        _keys = NewBlocks(kvHeads, 16 * headDim);
        _values = NewBlocks(kvHeads, 16 * headDim);
    }

    /// <summary>Key-value heads.</summary>
    public int KvHeads { get; }

    /// <summary>Features per head.</summary>
    public int HeadDim { get; }

    /// <summary>How many tokens back a query sees (itself included); <see cref="int.MaxValue"/> without a window.</summary>
    public int Window { get; }

    /// <summary>Tokens appended so far: the position the next token will have.</summary>
    public int Length { get; private set; }

    /// <summary>Rows held per head (Length, or fewer with a window).</summary>
    public int Count { get; private set; }

    /// <summary>The position of the first row held: Length − Count.</summary>
    public int Start => Length - Count;

    /// <summary>float32 bytes of keys and values held: 2 · kvHeads · Count · headDim · 4.</summary>
    public long Bytes => 2L * KvHeads * Count * HeadDim * sizeof(float);

    /// <summary>float32 bytes one token adds: 2 · kvHeads · headDim · 4.</summary>
    public long BytesPerToken => 2L * KvHeads * HeadDim * sizeof(float);

    /// <summary>The cached keys of head <paramref name="head"/>, positions Start..Length − 1.</summary>
    /// <returns>(Count, headDim), a copy.</returns>
    public Matrix<float> Keys(int head) => Block(_keys, head, nameof(head));

    /// <summary>The cached values of head <paramref name="head"/>, positions Start..Length − 1.</summary>
    /// <returns>(Count, headDim), a copy.</returns>
    public Matrix<float> Values(int head) => Block(_values, head, nameof(head));

    /// <summary>Forgets every token (for a new sequence).</summary>
    public void Clear() => (Length, Count) = (0, 0);

    /// <summary>
    /// Appends the keys and values of <paramref name="keys"/>.RowCount new tokens, after first dropping the rows no new
    /// query can see (with a window). The caller has validated the shapes: (Tnew, kvHeads · headDim) each.
    /// </summary>
    internal void Append(Matrix<float> keys, Matrix<float> values)
    {
        int added = keys.RowCount;
        if (Window != int.MaxValue && Count > Window - 1)
            Drop(Count - (Window - 1));                      // the new queries see at most window − 1 earlier tokens
        Reserve(Count + added);
        for (int h = 0; h < KvHeads; h++)
            for (int t = 0; t < added; t++)
                for (int c = 0; c < HeadDim; c++)
                {
                    _keys[h][(Count + t) * HeadDim + c] = keys[t, h * HeadDim + c];
                    _values[h][(Count + t) * HeadDim + c] = values[t, h * HeadDim + c];
                }
        Count += added;
        Length += added;
    }

    private void Drop(int rows)
    {
        foreach (var block in _keys.Concat(_values))
            Array.Copy(block, rows * HeadDim, block, 0, (Count - rows) * HeadDim);
        Count -= rows;
    }

    private void Reserve(int rows)
    {
        if ((long)rows * HeadDim <= _keys[0].Length)
            return;
        int capacity = (int)Math.Min(Array.MaxLength, Math.Max(2L * _keys[0].Length, (long)rows * HeadDim));
        for (int h = 0; h < KvHeads; h++)
        {
            Array.Resize(ref _keys[h], capacity);
            Array.Resize(ref _values[h], capacity);
        }
    }

    private Matrix<float> Block(float[][] blocks, int head, string name)
    {
        if (head < 0 || head >= KvHeads)
            throw new ArgumentOutOfRangeException(name, head, $"{name} must be between 0 and {KvHeads - 1} (the cache holds {KvHeads} key-value heads), but is {head}.");
        var block = blocks[head];
        return Matrix<float>.Build.Dense(Count, HeadDim, (t, c) => block[t * HeadDim + c]);
    }

    private static float[][] NewBlocks(int heads, int size) => Enumerable.Range(0, heads).Select(_ => new float[size]).ToArray();
}
