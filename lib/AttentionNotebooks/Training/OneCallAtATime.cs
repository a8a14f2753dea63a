namespace AttentionNotebooks.Training;

/// <summary>
/// Why a trainer refuses calls from several threads at once, enforced: a trainer keeps what its latest <c>Forward</c>
/// computed for the <c>Backward</c> that follows (as a PyTorch module keeps its autograd graph), and a backward pass
/// adds to the parameters' gradients, so two calls running at the same time would mix their states and gradients. A
/// call that starts while another thread is inside a call of the same trainer throws an
/// <see cref="InvalidOperationException"/> naming both, instead of computing silently wrong gradients. One thread may
/// call after another (notebook cells may run on different threads); for parallel training, give each thread its own
/// module and trainer.
/// </summary>
internal sealed class OneCallAtATime(string owner)
{
    private int _busyThread;            // the thread inside a call, 0 when none is
    private string _busyMethod = "";

    /// <summary>Enters <paramref name="method"/>; dispose the result when it returns or throws.</summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call of the same trainer.</exception>
    public Call Enter(string method)
    {
        int me = Environment.CurrentManagedThreadId;
        int other = Interlocked.CompareExchange(ref _busyThread, me, 0);
        if (other == me)
            return new Call(null);                                  // a call inside a call of this thread (TrainStep → Forward)
        if (other != 0)
            throw new InvalidOperationException(
                $"{owner}.{method} was called on thread {me} while thread {other} is inside {owner}.{Volatile.Read(ref _busyMethod)}: " +
                $"a trainer keeps its latest forward pass for the backward pass that follows, so it serves one call at a time, as a PyTorch module does. " +
                $"Give each thread its own module and trainer.");
        Volatile.Write(ref _busyMethod, method);
        return new Call(this);
    }

    /// <summary>One call inside the trainer; disposing it lets the next call in.</summary>
    public readonly struct Call(OneCallAtATime? gate) : IDisposable
    {
        public void Dispose()
        {
            if (gate is not null)
                Volatile.Write(ref gate._busyThread, 0);
        }
    }
}
