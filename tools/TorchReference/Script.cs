using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace TorchReference;

/// <summary>
/// Runs libtorch calls and writes down each one twice, as PyTorch code and as TorchSharp code, so that every fixture
/// entry says exactly how its numbers were made.
/// </summary>
internal sealed class Script
{
    private readonly List<string> _python = [];
    private readonly List<string> _torchSharp = [];

    public void Line(string python, string torchSharp)
    {
        _python.Add(python);
        _torchSharp.Add(torchSharp);
    }

    /// <summary>torch.manual_seed(seed), or nothing for a process that was never seeded.</summary>
    public void Seed(long? seed)
    {
        if (seed is not long s)
            return;
        torch.manual_seed(s);
        Line($"torch.manual_seed({s})", $"torch.manual_seed({s});");
    }

    public string Python => string.Join('\n', _python);

    public string TorchSharp => string.Join('\n', _torchSharp);

    public static string Dims(IEnumerable<long> shape) => string.Join(", ", shape);

    public static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string PyBool(bool value) => value ? "True" : "False";

    public static string CsBool(bool value) => value ? "true" : "false";

    /// <summary>A tensor's elements in memory (row-major) order.</summary>
    public static float[] Values(Tensor t)
    {
        using var c = t.detach().contiguous();
        return c.data<float>().ToArray();
    }
}
