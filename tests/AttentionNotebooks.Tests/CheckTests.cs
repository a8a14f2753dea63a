namespace AttentionNotebooks.Tests;

/// <summary>The guard clauses that are more than a comparison.</summary>
public sealed class CheckTests
{
    [Fact]
    public void Attention_memory_beyond_what_the_process_can_get_is_said_up_front_with_the_sizes()
    {
        // T = 20,000 under a 3 GB limit: CausalAttention keeps 4 matrices of 1.6 GB.
        var e = Assert.Throws<InsufficientMemoryException>(() =>
            Check.AttentionMemory(20_000, 20_000, 4, "batch", limitBytes: 3_000_000_000, inUseBytes: 200_000_000));
        Assert.Equal(
            "batch: attention over 20000 queries and 20000 keys needs about 6.4 GB for 4 matrices of 20000 x 20000 float32 scores and weights " +
            "(1.6 GB each) held at once, but this process can allocate about 2.8 GB more (the garbage collector's limit is 3.0 GB, 0.2 GB in use). " +
            "Use shorter sequences, fewer sequences per call, or AttentionNotebooks.Efficient.FlashAttention, which never stores a tokens x tokens matrix.",
            e.Message);
        Check.AttentionMemory(20_000, 20_000, 4, "batch", limitBytes: 7_000_000_000, inUseBytes: 200_000_000);   // 6.4 GB of 6.8: fine
    }

    [Fact]
    public void A_context_too_long_for_this_machine_fails_before_allocating_anything()
    {
        const int tokens = 46_340;                                  // the longest context a (T, T) matrix allows
        long needed = 4L * tokens * tokens * 4;                     // 4 matrices of 8.6 GB
        if (needed <= GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)
            return;                                                 // a machine with more than 34 GB could run it; the test above covers the rule
        var module = new CausalAttention(1, 1, tokens, generator: new TorchGenerator(1));
        var x = Matrix<float>.Build.Dense(tokens, 1, 0.5f);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InsufficientMemoryException>(() => module.Forward(x));
        Assert.StartsWith($"inputs: attention over {tokens} queries and {tokens} keys needs about 34.4 GB for 4 matrices", e.Message, StringComparison.Ordinal);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100_000_000, "the check should come before the projections and scores");
    }
}
