using System.Globalization;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// What the fused kernels say when numbers are not finite, as the teaching modules do: the forward names a row whose
/// output is not finite although everything that row reads is (a score or a sum overflowed float32); the backward
/// refuses non-finite inputs and names a gradient that overflowed. Each check reads its buffers once, vectorised, after
/// or before the kernel (a small share of the kernel's time: benchmarks/README.md states it).
/// </summary>
public static partial class FlashAttention
{
    private const string Float32Range = "float32 holds up to 3.4E+38";

    /// <summary>
    /// Throws <see cref="OverflowException"/> for the first output row that is not finite while its query and the keys and
    /// values it attends to are all finite. Rows that read a non-finite input keep what IEEE arithmetic gives (the
    /// class remarks say which rows those are), as before.
    /// </summary>
    private static void CheckOutputFinite(ReadOnlySpan<float> query, ReadOnlySpan<float> key, ReadOnlySpan<float> value, ReadOnlySpan<float> output,
        int batch, int heads, int kvHeads, int tokens, int headDim, bool causal)
    {
        if (FirstNonFinite(output) < 0)
            return;
        int slice = tokens * headDim, group = heads / kvHeads;      // fits: the spans hold batch·heads slices
        for (int s = 0; s < batch * heads; s++)
        {
            var o = output.Slice(s * slice, slice);
            int first = FirstNonFinite(o);
            if (first < 0)
                continue;
            int kv = s / heads * kvHeads + s % heads / group;       // the key/value slice this query head reads
            var q = query.Slice(s * slice, slice);
            var k = key.Slice(kv * slice, slice);
            var v = value.Slice(kv * slice, slice);
            int firstBadKey = Math.Min(RowOf(FirstNonFinite(k), headDim, tokens), RowOf(FirstNonFinite(v), headDim, tokens));
            for (int t = first / headDim; t < tokens; t++)
            {
                int feature = FirstNonFinite(o.Slice(t * headDim, headDim));
                if (feature < 0 || FirstNonFinite(q.Slice(t * headDim, headDim)) >= 0 || firstBadKey <= (causal ? t : tokens - 1))
                    continue;
                throw new OverflowException(
                    $"the attention output of batch {s / heads}, head {s % heads}, token {t} overflowed: feature {feature} is {Format(o[t * headDim + feature])} " +
                    $"although its query and the keys and values it attends to are finite (a scaled score q·k or a weighted sum exceeded float32; in this " +
                    $"head the largest |value| in query is {Format(MaxAbs(q))}, in key {Format(MaxAbs(k))} and in value {Format(MaxAbs(v))}; {Float32Range}).");
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming (batch, head, token, feature) of the first non-finite value of a (batch, heads, tokens, headDim) tensor.</summary>
    private static void CheckFiniteTensor(ReadOnlySpan<float> data, int heads, int tokens, int headDim, string name)
    {
        int index = FirstNonFinite(data);
        if (index < 0)
            return;
        int slice = tokens * headDim, s = index / slice;
        throw new ArgumentException(
            $"{name} contains {Format(data[index])} at batch {s / heads}, head {s % heads}, token {index % slice / headDim}, feature {index % headDim}: " +
            "the backward pass needs finite inputs (a non-finite value would make every gradient it reaches NaN).", name);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming (batch, head, token) of the first non-finite log-sum-exp.</summary>
    private static void CheckFiniteRows(ReadOnlySpan<float> data, int heads, int tokens, string name)
    {
        int index = FirstNonFinite(data);
        if (index < 0)
            return;
        int s = index / tokens;
        throw new ArgumentException(
            $"{name} contains {Format(data[index])} at batch {s / heads}, head {s % heads}, token {index % tokens}: the forward's log-sum-exp of a row is finite " +
            "(save it with the same inputs, mask and scale).", name);
    }

    /// <summary>Throws <see cref="OverflowException"/> if a gradient computed from finite inputs is not finite.</summary>
    private static void CheckGradientFinite(ReadOnlySpan<float> gradient, int heads, int tokens, int headDim, string name)
    {
        int index = FirstNonFinite(gradient);
        if (index < 0)
            return;
        int slice = tokens * headDim, s = index / slice;
        throw new OverflowException(
            $"{name} overflowed: batch {s / heads}, head {s % heads}, token {index % slice / headDim}, feature {index % headDim} is {Format(gradient[index])} " +
            $"although every input is finite ({Float32Range}).");
    }

    /// <summary>The index of the first NaN or ±∞, or −1 (vectorised: NaN and ±∞ lie outside every range of floats).</summary>
    internal static int FirstNonFinite(ReadOnlySpan<float> data) => data.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);

    private static int RowOf(int index, int headDim, int tokens) => index < 0 ? tokens : index / headDim;

    private static float MaxAbs(ReadOnlySpan<float> data)
    {
        float max = 0f;
        foreach (float x in data)
            max = Math.Max(max, Math.Abs(x));
        return max;
    }

    private static string Format(float value) => float.IsPositiveInfinity(value) ? "+Infinity" : value.ToString("G3", CultureInfo.InvariantCulture);
}
