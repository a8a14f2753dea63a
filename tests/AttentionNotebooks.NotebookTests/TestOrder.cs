using Xunit.Abstractions;
using Xunit.Sdk;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The order in which test collections start: the course checks first (the longest chain: every notebook checked in
/// one kernel process while the apps are built and run), then the collections that start kernel processes, then the
/// rest; each group by name, so that the order is the same in every run.
/// </summary>
public sealed class TestOrder : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static int Rank(ITestCollection collection) => collection.DisplayName switch
    {
        CourseChecks.Collection => 0,
        var name when name.EndsWith(".RunnerTests", StringComparison.Ordinal) => 1,
        var name when name.EndsWith(".KernelProcessTests", StringComparison.Ordinal) => 2,
        _ => 3,
    };
}

/// <summary>Tests that need the test process, and the machine, to themselves (they stop every runner in it, count
/// its kernel processes, or give a fresh kernel a few seconds only): xUnit runs this collection after the others,
/// alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Alone
{
    public const string Name = "Alone: tests that stop or count every kernel process, or time a fresh kernel closely";
}

/// <summary>The tests that wait for <see cref="CourseChecks"/>: one collection, so they hold one of the two threads
/// between them, and it starts first.</summary>
[CollectionDefinition(CourseChecks.Collection)]
public sealed class CourseChecksCollection
{
}
