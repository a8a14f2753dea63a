using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// A batch of independent work items run on the calling thread plus up to <c>degree − 1</c> thread-pool threads, each
/// taking the next item from a shared counter (so faster threads take more items). The job object is reused from call
/// to call, so running one allocates nothing.
/// </summary>
internal abstract class ParallelJob : IThreadPoolWorkItem
{
    private readonly ManualResetEventSlim _helpersDone = new(false);
    private int _itemCount;
    private int _nextItem;
    private int _pendingHelpers;

    /// <summary>
    /// Work below this many floating-point operations per thread (about 20 µs) runs on fewer threads: waking a helper
    /// thread costs more than it saves.
    /// </summary>
    public const double MinFlopsPerThread = 2e6;

    /// <summary>The threads worth using for <paramref name="flops"/> operations, at most <paramref name="degreeOfParallelism"/>.</summary>
    public static int Threads(double flops, int degreeOfParallelism) =>
        (int)Math.Clamp(flops / MinFlopsPerThread, 1, degreeOfParallelism);

    /// <summary>Runs items 0 … <paramref name="itemCount"/> − 1 and returns when all have finished.</summary>
    /// <param name="itemCount">Number of work items.</param>
    /// <param name="degreeOfParallelism">Threads to use at most, including the calling one.</param>
    public void Run(int itemCount, int degreeOfParallelism)
    {
        _itemCount = itemCount;
        _nextItem = 0;
        int helpers = Math.Min(degreeOfParallelism, itemCount) - 1;
        if (helpers <= 0)
        {
            Drain();
            return;
        }
        _helpersDone.Reset();
        Volatile.Write(ref _pendingHelpers, helpers);
        for (int i = 0; i < helpers; i++)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        Drain();
        _helpersDone.Wait();
    }

    /// <summary>Does item <paramref name="item"/>; must not throw (arguments are validated before <see cref="Run"/>).</summary>
    protected abstract void RunItem(int item);

    void IThreadPoolWorkItem.Execute()
    {
        Drain();
        if (Interlocked.Decrement(ref _pendingHelpers) == 0)
            _helpersDone.Set();
    }

    private void Drain()
    {
        int item;
        while ((item = Interlocked.Increment(ref _nextItem) - 1) < _itemCount)
            RunItem(item);
    }
}

/// <summary>
/// One pinned, 64-byte aligned float buffer per thread, grown on demand and kept for the thread's lifetime: the only
/// memory the kernels use besides their arguments.
/// </summary>
internal static unsafe class ThreadScratch
{
    private const int AlignmentFloats = 16;

    [ThreadStatic]
    private static float[]? s_buffer;

    [ThreadStatic]
    private static nint s_aligned;

    /// <summary>At least <paramref name="floats"/> floats, aligned to 64 bytes; the contents are undefined.</summary>
    public static float* Get(int floats)
    {
        if (s_buffer is null || s_buffer.Length < floats + AlignmentFloats)
        {
            s_buffer = GC.AllocateUninitializedArray<float>(floats + AlignmentFloats, pinned: true);
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(s_buffer));
            s_aligned = (start + 63) & ~(nint)63;
        }
        return (float*)s_aligned;
    }
}
