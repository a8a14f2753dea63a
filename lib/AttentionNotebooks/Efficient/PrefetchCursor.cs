using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// Software prefetch of two equally long ranges (the next block's keys and values) spread over the work of the current
/// one: each <see cref="Step"/> asks for the next few 64-byte lines of both, so the memory works while the core
/// computes instead of after it. Does nothing where the processor has no prefetch instruction .NET exposes (not x86).
/// </summary>
internal unsafe struct PrefetchCursor
{
    private const int Line = 64;
    private readonly byte* _first;
    private readonly byte* _second;
    private readonly int _lines;
    private int _done;
    private readonly int _perStep;

    /// <summary>Prefetches <paramref name="bytes"/> from each of <paramref name="first"/> and <paramref name="second"/> over <paramref name="steps"/> calls of <see cref="Step"/>.</summary>
    public PrefetchCursor(float* first, float* second, long bytes, int steps)
    {
        _first = (byte*)first;
        _second = (byte*)second;
        _lines = (int)((bytes + Line - 1) / Line);
        _done = 0;
        _perStep = Math.Max(1, (_lines + Math.Max(1, steps) - 1) / Math.Max(1, steps));
    }

    /// <summary>Prefetches the next lines of both ranges into L1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Step()
    {
        if (!Sse.IsSupported || _done >= _lines)
            return;
        int end = Math.Min(_lines, _done + _perStep);
        for (int l = _done; l < end; l++)
        {
            Sse.Prefetch0(_first + (long)l * Line);
            Sse.Prefetch0(_second + (long)l * Line);
        }
        _done = end;
    }
}
