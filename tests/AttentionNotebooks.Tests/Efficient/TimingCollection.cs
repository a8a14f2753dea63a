namespace AttentionNotebooks.Tests.Efficient;

/// <summary>
/// Tests that time the calling thread against the wall clock, or load every core on purpose: one at a time, after the
/// test project's parallel collections, so that neither disturbs the other nor the rest of this project.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing: the thread clock and the read probe, one test at a time";
}
