namespace AttentionNotebooks.Efficient;

/// <summary>Shared constants of the vectorised exponential.</summary>
internal static class Exp2Polynomial
{
    // 2^f on f ∈ [−½, ½] as a degree-6 polynomial: the Taylor series of e^(f·ln 2), coefficients (ln 2)^k / k!.
    // Its relative error is below 1.2e-7 (the first omitted term, (½·ln 2)^7 / 7!), about one float32 ulp.
    public const float C0 = 1f;
    public const float C1 = 0.693147180559945f;
    public const float C2 = 0.240226506959101f;
    public const float C3 = 0.0555041086648216f;
    public const float C4 = 0.00961812910762848f;
    public const float C5 = 0.00133335581464284f;
    public const float C6 = 0.000154035303933816f;

    /// <summary>Below this exponent the result is flushed to 0 (2^−125 ≈ 2.4e-38 is far below any weight that matters).</summary>
    public const float Underflow = -125f;
}
