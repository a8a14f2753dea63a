// Runs the test project's xunit tests in-process by reflection: every [Fact], and every [Theory] with its [InlineData]
// and [MemberData] rows, of the test classes whose full name contains the filter (default ".Efficient."). For a platform
// with a .NET runtime but no SDK or test host (linux-arm64 under qemu-user):
//   dotnet publish tools/ReflectionTestRunner -c Release -r linux-arm64 --self-contained -o /tmp/tests-arm64
//   cd /tmp/tests-arm64 && DOTNET_EnableWriteXorExecute=0 qemu-aarch64-static -L /usr/aarch64-linux-gnu ./ReflectionTestRunner .Efficient.
// Not a replacement for `dotnet test`: no fixtures, no parallelism, no skipping; a class taking xunit's ITestOutputHelper
// gets one that keeps the test's output, printed under its failure line. It prints one line per failure and the totals,
// and exits with 1 if any test failed. `AttentionNotebooks.Tests.` as the filter runs every test of the project.
using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Xunit;

string filter = args.Length > 0 ? args[0] : ".Efficient.";
var assembly = typeof(AttentionNotebooks.Tests.Efficient.FlashAttentionTests).Assembly;
Console.WriteLine($"{RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; tests in classes matching \"{filter}\"; " +
    $"FlashAttention.ResolvedPath() = {AttentionNotebooks.Efficient.FlashAttention.ResolvedPath()}");
int passed = 0, failed = 0;
var output = new BufferedOutput();
var clock = Stopwatch.StartNew();
foreach (var type in assembly.GetTypes().Where(t => t.IsClass && t.IsPublic && !t.IsAbstract && t.FullName!.Contains(filter, StringComparison.Ordinal)).OrderBy(t => t.FullName))
{
    int passedBefore = passed, failedBefore = failed;
    Console.Out.Flush();
    foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static).OrderBy(m => m.Name))
    {
        var rows = new List<object?[]>();
        if (method.GetCustomAttribute<TheoryAttribute>() is not null)
        {
            foreach (var inline in method.GetCustomAttributes<InlineDataAttribute>())
                rows.AddRange(inline.GetData(method));
            foreach (var member in method.GetCustomAttributes<MemberDataAttribute>())
            {
                var source = member.MemberType ?? type;
                var data = source.GetMethod(member.MemberName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.Invoke(null, member.Parameters)
                    ?? source.GetProperty(member.MemberName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)?.GetValue(null);
                foreach (var row in (IEnumerable)data!)
                    rows.Add((object?[])row);
            }
        }
        else if (method.GetCustomAttribute<FactAttribute>() is not null)
            rows.Add([]);
        foreach (var row in rows)
        {
            string name = $"{type.Name}.{method.Name}({string.Join(", ", row)})";
            try
            {
                output.Clear();
                var instance = method.IsStatic ? null : Create(type, output);
                var parameters = method.GetParameters();
                var arguments = row.Select((value, i) => value is null || parameters[i].ParameterType.IsInstanceOfType(value) ? value : Convert.ChangeType(value, parameters[i].ParameterType)).ToArray();
                var result = method.Invoke(instance, arguments);
                if (result is Task task)
                    task.GetAwaiter().GetResult();
                (instance as IDisposable)?.Dispose();
                passed++;
            }
            catch (Exception e)
            {
                var inner = e is TargetInvocationException { InnerException: { } cause } ? cause : e;
                Console.WriteLine($"FAILED {name}: {inner.GetType().Name}: {inner.Message.Split('\n')[0]}");
                if (output.Text.Length > 0)
                    Console.Write(output.Text);
                failed++;
            }
        }
    }
    if (passed + failed > passedBefore + failedBefore)
        Console.WriteLine($"{type.Name}: {passed - passedBefore} passed, {failed - failedBefore} failed");
}
Console.WriteLine($"{passed} passed, {failed} failed ({clock.Elapsed.TotalSeconds:F0} s)");
return failed == 0 ? 0 : 1;

// A test class is made with its one constructor; a class that takes an ITestOutputHelper (xunit's per-test output) gets
// one that buffers what the test writes, printed only if the test fails.
static object Create(Type type, BufferedOutput output)
{
    var constructor = type.GetConstructors().Single();
    var arguments = constructor.GetParameters()
        .Select(p => p.ParameterType == typeof(Xunit.Abstractions.ITestOutputHelper) ? output : throw new NotSupportedException($"{type.Name} takes a {p.ParameterType.Name}, which this runner cannot make."))
        .ToArray<object?>();
    return constructor.Invoke(arguments);
}

/// <summary>xunit's per-test output, kept in memory.</summary>
internal sealed class BufferedOutput : Xunit.Abstractions.ITestOutputHelper
{
    private readonly System.Text.StringBuilder _text = new();

    public string Text => _text.ToString();

    public void Clear() => _text.Clear();

    public void WriteLine(string message) => _text.Append("    ").AppendLine(message);

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}
