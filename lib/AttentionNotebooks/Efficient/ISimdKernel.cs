namespace AttentionNotebooks.Efficient;

/// <summary>
/// One call of a kernel written once over a vector width: a struct holding the call's arguments, whose
/// <see cref="Run{TSimd, TVec}"/> calls the kernel instantiated for one vector width. <see cref="SimdDispatch"/>
/// picks the width; the JIT compiles one specialised copy of the kernel per width, as if each were written out.
/// </summary>
internal interface ISimdKernel
{
    /// <summary>Runs the kernel on vectors of <typeparamref name="TVec"/> (<typeparamref name="TSimd"/>'s registers).</summary>
    void Run<TSimd, TVec>()
        where TSimd : struct, ISimd<TVec>
        where TVec : unmanaged;
}
