namespace AttentionNotebooks.Efficient;

/// <summary>
/// A batch of independent work items run on the calling thread plus up to <c>degree − 1</c> thread-pool threads, each
/// taking the next item from a shared counter (so faster threads take more items). The job object is reused from call
/// to call, so running one allocates nothing.
/// </summary>
/// <remarks>
/// The calling thread drains the items itself, so a call never waits for a thread-pool thread to start (a busy pool only
/// means fewer helpers). Before returning it closes the run and waits only for helpers that are inside it; a helper that
/// starts after that finds the run closed (or joins a later run of the same job, within that run's helper slots).
/// </remarks>
internal abstract class ParallelJob : IThreadPoolWorkItem
{
    /// <summary>
    /// Work below this many floating-point operations per thread (about 20 µs) runs on fewer threads: waking a helper
    /// thread costs more than it saves.
    /// </summary>
    public const double MinFlopsPerThread = 2e6;

    private int _itemCount;
    private int _nextItem;
    private int _open;          // 1 while the current run accepts helpers
    private int _helperSlots;   // helpers the current run may still take
    private int _activeHelpers; // helpers between their check of _open and their exit

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
        _helperSlots = helpers;
        Volatile.Write(ref _open, 1);
        for (int i = 0; i < helpers; i++)
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        Drain();
        Interlocked.Exchange(ref _open, 0);
        var spinner = new SpinWait();
        while (Volatile.Read(ref _activeHelpers) != 0)
            spinner.SpinOnce();
    }

    /// <summary>Does item <paramref name="item"/>; must not throw (arguments are validated before <see cref="Run"/>).</summary>
    protected abstract void RunItem(int item);

    void IThreadPoolWorkItem.Execute()
    {
        Interlocked.Increment(ref _activeHelpers);
        if (Volatile.Read(ref _open) == 1 && Interlocked.Decrement(ref _helperSlots) >= 0)
            Drain();
        Interlocked.Decrement(ref _activeHelpers);
    }

    private void Drain()
    {
        int item;
        while ((item = Interlocked.Increment(ref _nextItem) - 1) < _itemCount)
            RunItem(item);
    }
}
