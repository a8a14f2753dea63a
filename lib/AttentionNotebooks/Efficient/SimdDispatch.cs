using System.Runtime.Intrinsics;

namespace AttentionNotebooks.Efficient;

/// <summary>The one place that maps a <see cref="SimdPath"/> to the kernels' vector types.</summary>
/// <remarks>
/// The kernel is a struct passed by reference and constrained to <see cref="ISimdKernel"/>, so the call is resolved
/// at compile time for each kernel type: no boxing, no allocation, no virtual call, and the kernel itself runs its
/// width-specialised code. A kernel may return results through its fields.
/// </remarks>
internal static class SimdDispatch
{
    /// <summary>Runs <paramref name="kernel"/> on the path <paramref name="requested"/> resolves to on this processor (see <see cref="SimdSelection.Resolve"/>).</summary>
    public static void Run<TKernel>(SimdPath requested, ref TKernel kernel)
        where TKernel : struct, ISimdKernel
    {
        switch (SimdSelection.Resolve(requested))
        {
            case SimdPath.Vector512:
                kernel.Run<Simd512, Vector512<float>>();
                break;
            case SimdPath.Vector256:
                kernel.Run<Simd256, Vector256<float>>();
                break;
            case SimdPath.Vector128:
                kernel.Run<Simd128, Vector128<float>>();
                break;
            default:
                kernel.Run<SimdScalar, float>();
                break;
        }
    }
}
