using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace TorchReference;

/// <summary>What every fixture entry records about the libtorch that produced it.</summary>
internal static class TorchInfo
{
    /// <summary>libtorch's version, e.g. 2.10.0 (TorchSharp reports the package's four-part version).</summary>
    public static string LibtorchVersion
    {
        get
        {
            var parts = torch.__version__.Split('.');
            return string.Join('.', parts.Take(3));
        }
    }

    /// <summary>TorchSharp's version, e.g. 0.107.0.</summary>
    public static string TorchSharpVersion
    {
        get
        {
            var assembly = typeof(torch).Assembly;
            string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetName().Version?.ToString();
            return version?.Split('+')[0] ?? "unknown";
        }
    }

    /// <summary>
    /// The CPU kernels libtorch dispatches to in this process (DEFAULT, AVX2 or AVX512): <c>at::get_cpu_capability()</c>,
    /// chosen from the CPU unless the environment variable ATEN_CPU_CAPABILITY overrides it.
    /// </summary>
    public static string CpuCapability()
    {
        using var probe = torch.zeros(1);                               // makes sure libtorch is loaded
        IntPtr result = Marshal.AllocHGlobal(64);                       // room for a libstdc++ std::string
        try
        {
            GetCpuCapability(result);
            IntPtr text = Marshal.ReadIntPtr(result);
            long length = Marshal.ReadInt64(result, IntPtr.Size);
            string capability = Marshal.PtrToStringAnsi(text, checked((int)length));
            if (text != result + 2 * IntPtr.Size)
                throw new InvalidOperationException("unexpected long capability string");  // would need freeing
            return capability;
        }
        finally
        {
            Marshal.FreeHGlobal(result);
        }
    }

    // std::string at::get_cpu_capability(): the string comes back through the hidden result pointer (Itanium C++ ABI).
    [DllImport("libtorch_cpu.so", EntryPoint = "_ZN2at18get_cpu_capabilityB5cxx11Ev")]
    private static extern void GetCpuCapability(IntPtr result);

    /// <summary>The fields every entry starts with.</summary>
    public static JsonFields Header(string name, long? seed) => new JsonFields()
        .Add("name", name)
        .Add("libtorchVersion", LibtorchVersion)
        .Add("torchSharpVersion", TorchSharpVersion)
        .Add("cpuCapability", CpuCapability())
        .Add("seed", seed);
}
