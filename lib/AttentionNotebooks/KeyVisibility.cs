namespace AttentionNotebooks;

/// <summary>
/// Which keys the queries of one attention call may see, described rather than stored: the attention core hides a key
/// by these rules (<see cref="AttentionMask.IsHidden(int, int, in KeyVisibility)"/>, the one place they are applied),
/// and the public masks of <see cref="AttentionMask"/> are these rules written out as matrices.
/// </summary>
/// <remarks>
/// Key j sits at position j; query i at position p = <see cref="QueryOffset"/> + i in the same count (0 for a whole
/// sequence; the number of cached tokens before it for a decode step, see <see cref="KVCache"/>). Key j is hidden from
/// query i when
/// <list type="bullet">
/// <item>j ≥ <see cref="KeyLength"/> (a padding key), or</item>
/// <item><see cref="Causal"/> and j &gt; p (a later token), or</item>
/// <item>|p − j| ≥ <see cref="Window"/> (outside the sliding window; with the causal rule, the query sees its last
/// Window tokens, itself included).</item>
/// </list>
/// </remarks>
/// <param name="Causal">Whether keys after the query's position are hidden.</param>
/// <param name="KeyLength">Keys j ≥ KeyLength are padding (<see cref="int.MaxValue"/>: none).</param>
/// <param name="Window">How far a query sees: keys at distance ≥ Window are hidden (<see cref="int.MaxValue"/>: no window).</param>
/// <param name="QueryOffset">The position of query 0 among the keys.</param>
internal readonly record struct KeyVisibility(bool Causal, int KeyLength = int.MaxValue, int Window = int.MaxValue, int QueryOffset = 0)
{
    /// <summary>Every key visible to every query.</summary>
    public static KeyVisibility All => new(Causal: false);

    /// <summary>The causal mask alone.</summary>
    public static KeyVisibility CausalOnly => new(Causal: true);
}
