using Xunit.Abstractions;
using Xunit.Sdk;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// The order of the test collections, which run one after another: first every ordinary collection (one per test
/// class), then <see cref="Alone"/>, then the tests that read the course checks' results
/// (<see cref="CourseChecks.Collection"/>); each group by name, so that the order is the same in every run. If the
/// course checks' tests are part of this run, their checks start here, in the background (<see cref="CourseChecks.Start"/>):
/// they take minutes of one core or two, and the runner's own tests take the rest of the machine meanwhile.
/// </summary>
public sealed class TestOrder : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections)
    {
        var ordered = testCollections.OrderBy(Rank).ThenBy(c => c.DisplayName, StringComparer.Ordinal).ToList();
        if (ordered.Any(c => c.DisplayName == CourseChecks.Collection))
            CourseChecks.Start();
        return ordered;
    }

    private static int Rank(ITestCollection collection) => collection.DisplayName switch
    {
        CourseChecks.Collection => 2,
        Alone.Name => 1,
        _ => 0,
    };
}

/// <summary>
/// Tests that need the test process, and the machine, to themselves (they stop every runner in it, count its kernel
/// processes, or give a fresh kernel a few seconds only): they run after the ordinary collections, and each first
/// waits until the course checks, if started, are done (<see cref="AloneTest.InitializeAsync"/>).
/// </summary>
[CollectionDefinition(Name)]
public sealed class Alone
{
    public const string Name = "Alone: tests that stop or count every kernel process, or time a fresh kernel closely";
}

/// <summary>The base of the tests in <see cref="Alone"/>: before each, the course checks running in the background
/// (if any) are waited for, whatever their outcome (their own tests report it).</summary>
public abstract class AloneTest : IAsyncLifetime
{
    public Task InitializeAsync() => CourseChecks.IdleAsync();

    public Task DisposeAsync() => Task.CompletedTask;
}

/// <summary>The tests that read <see cref="CourseChecks"/>' results: one collection, run last.</summary>
[CollectionDefinition(CourseChecks.Collection)]
public sealed class CourseChecksCollection
{
}
