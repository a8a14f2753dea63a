using System.Runtime.Intrinsics;

namespace AttentionNotebooks.Efficient;

/// <summary>Resolves <see cref="SimdPath.Auto"/> and paths the processor does not accelerate.</summary>
internal static class SimdSelection
{
    /// <summary>
    /// The path the kernels run for <paramref name="requested"/>: a vector width the processor does not accelerate falls back
    /// to the next narrower one it does (Vector512 → Vector256 → Vector128 → Scalar), so forcing a width never runs a
    /// software-emulated vector.
    /// </summary>
    public static SimdPath Resolve(SimdPath requested)
    {
        bool has512 = Vector512.IsHardwareAccelerated;
        bool has256 = Vector256.IsHardwareAccelerated;
        bool has128 = Vector128.IsHardwareAccelerated;
        SimdPath From128() => has128 ? SimdPath.Vector128 : SimdPath.Scalar;
        SimdPath From256() => has256 ? SimdPath.Vector256 : From128();
        return requested switch
        {
            SimdPath.Scalar => SimdPath.Scalar,
            SimdPath.Vector128 => From128(),
            SimdPath.Vector256 => From256(),
            SimdPath.Vector512 or SimdPath.Auto => has512 ? SimdPath.Vector512 : From256(),
            _ => throw new ArgumentOutOfRangeException(nameof(requested), requested, $"Unknown SIMD path {requested}."),
        };
    }

    /// <summary>Floats per register on the path <paramref name="requested"/> resolves to (1 for <see cref="SimdPath.Scalar"/>).</summary>
    public static int Width(SimdPath requested)
    {
        var width = new RegisterWidth();
        SimdDispatch.Run(requested, ref width);
        return width.Floats;
    }

    /// <summary>Reads the dispatched path's register width.</summary>
    private struct RegisterWidth : ISimdKernel
    {
        public int Floats;

        public void Run<TSimd, TVec>()
            where TSimd : struct, ISimd<TVec>
            where TVec : unmanaged => Floats = TSimd.Width;
    }
}
