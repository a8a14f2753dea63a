using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Which keys each query may see, as a (queries, keys) matrix with 1 where a position is hidden and 0 where it is
/// visible (the convention of <c>masked_fill</c> and of <see cref="CausalMask.Create"/>): the causal mask, the
/// key-padding mask of a sequence with padding at its end, both combined, and sliding windows (alone or with the causal
/// mask). Use them with
/// <see cref="CausalMask.MaskedFill"/> to set the hidden scores to −∞.
/// </summary>
/// <remarks>
/// A batch holds sequences of different lengths by padding the shorter ones at the end up to a common T (d2l's
/// <c>valid_lens</c>, the Annotated Transformer's <c>src_mask</c>). A sequence with <c>length</c> real tokens hides
/// every key j ≥ length: no query may draw information from a padding token. The query rows of the padding positions
/// are not hidden: that would leave rows with nothing to attend to, whose softmax is 0/0 (NaN in a plain softmax;
/// libtorch 2.10's <c>scaled_dot_product_attention</c> returns zeros for such a row). Under the causal mask they see
/// exactly the real tokens, so their outputs are finite, and a loss must ignore them.
/// PyTorch's boolean <c>attn_mask</c> of <c>scaled_dot_product_attention</c> uses the opposite convention (true = may
/// attend): pass it <c>mask == 0</c>.
/// </remarks>
public static class AttentionMask
{
    /// <summary>The causal mask: 1 where key j comes after query i (j &gt; i). The same matrix as <see cref="CausalMask.Create"/>.</summary>
    /// <param name="tokens">T, the number of tokens (queries and keys).</param>
    /// <returns>(T, T).</returns>
    public static Matrix<float> Causal(int tokens)
    {
        CheckTokens(tokens, nameof(tokens));
        return Build(tokens, tokens, tokens, causal: true);
    }

    /// <summary>The key-padding mask of a sequence with <paramref name="length"/> real tokens among <paramref name="tokens"/>: 1 in every column j ≥ length.</summary>
    /// <param name="tokens">T, the padded sequence length (queries and keys).</param>
    /// <param name="length">The number of real tokens, 1 ≤ length ≤ T.</param>
    /// <returns>(T, T).</returns>
    public static Matrix<float> KeyPadding(int tokens, int length)
    {
        CheckTokens(tokens, nameof(tokens));
        CheckLength(length, nameof(length), tokens, nameof(tokens));
        return Build(tokens, tokens, length, causal: false);
    }

    /// <summary>
    /// The key-padding mask for queries from one sequence and keys from another (cross-attention): 1 in every column
    /// j ≥ <paramref name="length"/>, for every query.
    /// </summary>
    /// <param name="queries">Tq, the number of queries.</param>
    /// <param name="keys">Tk, the padded number of keys.</param>
    /// <param name="length">The number of real keys, 1 ≤ length ≤ Tk.</param>
    /// <returns>(Tq, Tk).</returns>
    public static Matrix<float> KeyPadding(int queries, int keys, int length)
    {
        Check.Positive(queries, nameof(queries));
        Check.Positive(keys, nameof(keys));
        Check.MatrixSize(queries, nameof(queries), keys, nameof(keys), "the mask", nameof(keys));
        CheckLength(length, nameof(length), keys, nameof(keys));
        return Build(queries, keys, length, causal: false);
    }

    /// <summary>
    /// The causal mask combined with the key-padding mask: 1 where j &gt; i or j ≥ <paramref name="length"/>. Query rows
    /// i &lt; length see keys 0..i; padding rows i ≥ length see the real tokens 0..length − 1.
    /// </summary>
    /// <param name="tokens">T, the padded sequence length.</param>
    /// <param name="length">The number of real tokens, 1 ≤ length ≤ T.</param>
    /// <returns>(T, T).</returns>
    public static Matrix<float> CausalWithPadding(int tokens, int length)
    {
        CheckTokens(tokens, nameof(tokens));
        CheckLength(length, nameof(length), tokens, nameof(tokens));
        return Build(tokens, tokens, length, causal: true);
    }

    /// <summary>
    /// The sliding-window mask (Beltagy et al. 2020, "Longformer"): 1 where |i − j| ≥ <paramref name="window"/>, so
    /// every token sees the tokens less than window positions away on either side (2·window − 1 of them inside the
    /// sequence), whatever the sequence's length.
    /// </summary>
    /// <param name="tokens">T, the number of tokens (queries and keys).</param>
    /// <param name="window">How far a token sees, ≥ 1 (1: only itself).</param>
    /// <returns>(T, T), a band of 0s around the diagonal.</returns>
    public static Matrix<float> SlidingWindow(int tokens, int window)
    {
        CheckTokens(tokens, nameof(tokens));
        Check.Positive(window, nameof(window));
        return Build(tokens, tokens, new KeyVisibility(Causal: false, Window: window));
    }

    /// <summary>
    /// The causal mask within a sliding window, as the local layers of Mistral 7B (Jiang et al. 2023) and Gemma 2/3 use
    /// it: 1 where j &gt; i or i − j ≥ <paramref name="window"/>, so token i sees its last window tokens, itself
    /// included (Hugging Face's convention, q − k &lt; window; Mistral's paper counts positions i − W … i). With window ≥
    /// T it is <see cref="Causal"/>.
    /// </summary>
    /// <param name="tokens">T, the number of tokens (queries and keys).</param>
    /// <param name="window">How many tokens a query sees, ≥ 1 (1: only itself).</param>
    /// <returns>(T, T), a band of 0s on and below the diagonal.</returns>
    public static Matrix<float> CausalSlidingWindow(int tokens, int window)
    {
        CheckTokens(tokens, nameof(tokens));
        Check.Positive(window, nameof(window));
        return Build(tokens, tokens, new KeyVisibility(Causal: true, Window: window));
    }

    /// <summary>
    /// Whether query <paramref name="i"/> may not see key <paramref name="j"/> under <paramref name="visible"/>: a
    /// padding key, a later one (causal), or one outside the window. Every mask of the library is decided here.
    /// </summary>
    internal static bool IsHidden(int i, int j, in KeyVisibility visible)
    {
        if (j >= visible.KeyLength)
            return true;
        long position = (long)visible.QueryOffset + i;             // the query's position among the keys
        if (visible.Causal && j > position)
            return true;
        return Math.Abs(position - j) >= visible.Window;
    }

    /// <summary>Sets every hidden position of <paramref name="scores"/> (see <see cref="IsHidden"/>) to −∞, in place.</summary>
    internal static void HideInPlace(Matrix<float> scores, in KeyVisibility visible)
    {
        for (int j = 0; j < scores.ColumnCount; j++)
            for (int i = 0; i < scores.RowCount; i++)
                if (IsHidden(i, j, visible))
                    scores[i, j] = float.NegativeInfinity;
    }

    private static Matrix<float> Build(int rows, int columns, int keyLength, bool causal) =>
        Build(rows, columns, new KeyVisibility(causal, keyLength));

    private static Matrix<float> Build(int rows, int columns, KeyVisibility visible) =>
        Matrix<float>.Build.Dense(rows, columns, (i, j) => IsHidden(i, j, visible) ? 1f : 0f);

    private static void CheckTokens(int tokens, string name)
    {
        Check.Positive(tokens, name);
        Check.MatrixSize(tokens, name, tokens, name, "the mask", name);
    }

    private static void CheckLength(int length, string name, int tokens, string tokensName)
    {
        if (length < 1 || length > tokens)
            throw new ArgumentOutOfRangeException(name, length,
                $"{name} is {length} but must be between 1 and {tokensName} ({tokens}): a sequence has at least one real token and at most as many as its padded length.");
    }
}
