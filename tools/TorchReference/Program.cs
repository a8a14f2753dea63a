using System.Diagnostics;
using TorchReference;
using TorchSharp;

// TorchReference: the libtorch reference behind the Attention Notebooks tests.
//
//   dotnet run --project tools/TorchReference -c Release              writes every fixture (generate)
//   dotnet run --project tools/TorchReference -c Release -- check     compares TorchGenerator with live libtorch
//
// Each part runs in a child process so that the environment variable ATEN_CPU_CAPABILITY, which libtorch reads once,
// can select its CPU kernels: the generator fixtures are written for the AVX-512 (= AVX2) kernels and the portable
// ones; the attention fixtures with this machine's own choice.

string command = args.Length > 0 ? args[0] : "generate";
switch (command)
{
    case "generate":
    {
        string outDir = args.Length > 2 && args[1] == "--out" ? Path.GetFullPath(args[2]) : DefaultFixtureFolder();
        Directory.CreateDirectory(outDir);
        int rc = 0;
        rc |= RunPart("generator", Path.Combine(outDir, "generator.avx2.json"), "avx512");
        rc |= RunPart("generator", Path.Combine(outDir, "generator.default.json"), "default");
        rc |= RunPart("pretrained", Path.Combine(outDir, "pretrained.json"), null);
        rc |= RunPart("sdpa", Path.Combine(outDir, "sdpa.json"), null);
        rc |= RunPart("modules", Path.Combine(outDir, "modules.json"), null);
        rc |= RunPart("gradients", Path.Combine(outDir, "gradients.json"), null);
        rc |= RunPart("training", Path.Combine(outDir, "training.json"), null);
        rc |= RunPart("masks", Path.Combine(outDir, "masks.json"), null);
        rc |= RunPart("modern", Path.Combine(outDir, "modern.json"), null);
        rc |= RunPart("sdpa-grouped", Path.Combine(outDir, "sdpa-grouped.json"), null);
        rc |= RunPart("dropout", Path.Combine(outDir, "dropout.json"), null);
        foreach (var file in Directory.GetFiles(outDir, "*.json").Order())
            Console.WriteLine($"{Path.GetFileName(file),-24} {new FileInfo(file).Length,10:N0} bytes");
        return rc;
    }
    case "check":
    {
        string scale = args.Length > 1 ? args[1] : "1";
        int rc = 0;
        foreach (string capability in new[] { "avx512", "avx2", "default" })
            rc |= RunPart("check", scale, capability);
        return rc;
    }
    case "part":
        return RunInProcess(args[1], args[2]);
    default:
        Console.Error.WriteLine("usage: TorchReference [generate [--out DIR] | check [SCALE]]");
        return 2;
}

// One part in this process: the environment is already set.
static int RunInProcess(string part, string argument)
{
    torch.set_num_threads(1);
    switch (part)
    {
        case "check":
            return LiveCheck.Run(int.Parse(argument, System.Globalization.CultureInfo.InvariantCulture));
        case "generator":
            File.WriteAllText(argument, GeneratorFixtures.Build().ToJson());
            return 0;
        case "pretrained":
            File.WriteAllText(argument, PretrainedFixtures.Build().ToJson());
            return 0;
        case "sdpa":
            File.WriteAllText(argument, SdpaFixtures.Build().ToJson());
            return 0;
        case "modules":
            File.WriteAllText(argument, ModuleFixtures.Build().ToJson());
            return 0;
        case "gradients":
            File.WriteAllText(argument, GradientFixtures.Build().ToJson());
            return 0;
        case "training":
            File.WriteAllText(argument, TrainingFixtures.Build().ToJson());
            return 0;
        case "masks":
            File.WriteAllText(argument, MaskFixtures.Build().ToJson());
            return 0;
        case "modern":
            File.WriteAllText(argument, ModernFixtures.Build().ToJson());
            return 0;
        case "sdpa-grouped":
            File.WriteAllText(argument, GroupedSdpaFixtures.Build().ToJson());
            return 0;
        case "dropout":
            File.WriteAllText(argument, DropoutFixtures.Build().ToJson());
            return 0;
        default:
            throw new ArgumentException($"unknown part {part}");
    }
}

// Runs this program again with "part NAME ARGUMENT" and ATEN_CPU_CAPABILITY set (or left as it is when null).
static int RunPart(string part, string argument, string? capability)
{
    string host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
    var start = new ProcessStartInfo(host) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        start.ArgumentList.Add(typeof(JsonFields).Assembly.Location);
    foreach (string a in new[] { "part", part, argument })
        start.ArgumentList.Add(a);
    if (capability is not null)
        start.Environment["ATEN_CPU_CAPABILITY"] = capability;
    Console.WriteLine($"{part} {(part == "check" ? "" : Path.GetFileName(argument))} (ATEN_CPU_CAPABILITY={capability ?? Environment.GetEnvironmentVariable("ATEN_CPU_CAPABILITY") ?? "unset"})");
    using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a part");
    process.WaitForExit();
    if (process.ExitCode != 0)
        Console.Error.WriteLine($"part {part} failed with exit code {process.ExitCode}");
    return process.ExitCode;
}

// tests/AttentionNotebooks.Tests/Fixtures of the repository this tool was built in.
static string DefaultFixtureFolder()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "AttentionNotebooks.sln")))
            return Path.Combine(dir.FullName, "tests", "AttentionNotebooks.Tests", "Fixtures");
    throw new InvalidOperationException("cannot find the repository (AttentionNotebooks.sln) above " + AppContext.BaseDirectory);
}
