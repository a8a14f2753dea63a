using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// One pinned, 64-byte aligned float buffer per thread, grown on demand and kept for the thread's lifetime: the only
/// memory the kernels use besides their arguments.
/// </summary>
internal static unsafe class ThreadScratch
{
    /// <summary>Floats added to every request so that a 64-byte aligned start fits.</summary>
    public const int AlignmentFloats = 16;

    [ThreadStatic]
    private static float[]? s_buffer;

    [ThreadStatic]
    private static nint s_aligned;

    /// <summary>At least <paramref name="floats"/> floats, aligned to 64 bytes; the contents are undefined.</summary>
    public static float* Get(long floats)
    {
        Ensure(floats);
        return (float*)s_aligned;
    }

    /// <summary>Grows this thread's buffer to at least <paramref name="floats"/> floats from its aligned start.</summary>
    /// <remarks>
    /// The cached buffer is reused only if it holds the whole request. Callers validate sizes first (the kernels run on
    /// pool threads, where an exception ends the process); a request that cannot fit in one array still throws here
    /// rather than wrap around.
    /// </remarks>
    public static void Ensure(long floats)
    {
        long needed = floats + AlignmentFloats;
        if (floats < 0 || needed > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(floats), floats, $"A scratch buffer of {floats} floats (+{AlignmentFloats} for alignment) does not fit in one array of at most {Array.MaxLength} floats.");
        if (s_buffer is null || s_buffer.Length < needed)
        {
            s_buffer = GC.AllocateUninitializedArray<float>((int)needed, pinned: true);
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_buffer));
            s_aligned = (start + 63) & ~(nint)63;
        }
    }

    /// <summary>Floats usable from the aligned start of this thread's buffer (0 before the first <see cref="Get"/>).</summary>
    internal static long Capacity =>
        s_buffer is null ? 0 : s_buffer.Length - (s_aligned - (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_buffer))) / sizeof(float);
}
