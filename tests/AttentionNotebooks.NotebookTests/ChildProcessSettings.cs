using System.Runtime.CompilerServices;

namespace AttentionNotebooks.NotebookTests;

/// <summary>
/// Settings of the .NET runtime for every process these tests start (kernel hosts, the apps' <c>dotnet build</c> and
/// <c>dotnet run</c>), set in this process's environment before any test runs, so that every child inherits them.
/// They change how much CPU a process spends, not what it prints (the notebooks' and apps' outputs are compared byte
/// for byte, and still match).
/// </summary>
internal static class ChildProcessSettings
{
    /// <summary>
    /// Dynamic PGO off (<c>DOTNET_TieredPGO=0</c>): the JIT does not instrument hot methods before optimising them.
    /// Measured with cpumeasure (CPU-seconds of every process started, 2 runs each, load 4-5): <c>check</c> of
    /// notebooks 06 and solutions/07 in one kernel 70.1 -> 51.7 CPU-s; the app of notebook 06 (<c>dotnet run
    /// --no-build -c Release</c>) 9.8 -> 8.2; a kernel that runs Fixtures/passing.ipynb 6.2 -> 5.9.
    /// A variable already set (by whoever runs the tests) is kept.
    /// </summary>
#pragma warning disable CA2255 // A test assembly's own start-up, not a library's.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_TieredPGO") is null)
            Environment.SetEnvironmentVariable("DOTNET_TieredPGO", "0");
    }
}
