using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace AttentionNotebooks.Benchmarks;

/// <summary>How many floating-point operations a rung does, by category name.</summary>
public static class Flops
{
    /// <summary>Causal attention core: 2·b·h·n²·d.</summary>
    public const string Causal = "causal";

    /// <summary>Attention core without mask: 4·b·h·n²·d.</summary>
    public const string Full = "full";

    /// <summary>Causal core plus QKV and output projections: 2·b·h·n²·d + 8·b·n·dModel².</summary>
    public const string Module = "module";

    /// <summary>Causal core plus QKV projections only (the wrapper has no output projection): 2·b·h·n²·d + 6·b·n·dModel².</summary>
    public const string Wrapper = "wrapper";

    /// <summary>Training step of MultiHeadAttention: about 3 × the module's forward flops (backward ≈ 2 × forward).</summary>
    public const string TrainMultiHead = "train-mha";

    /// <summary>Training step of notebook 06's task-2 model: 3 × (module + read-out to symbols² classes).</summary>
    public const string TrainModel = "train-model";

    /// <summary>
    /// Causal forward + backward of the attention core: 2·b·h·n²·d forward and 5·b·h·n²·d backward (scores recomputed,
    /// dV, dP, dQ and dK: five products, each half under the mask).
    /// </summary>
    public const string Training = "training";

    public static double Of(BenchmarkCase benchmark)
    {
        var shape = (AttentionShape)benchmark.Parameters["Shape"];
        var categories = benchmark.Descriptor.Categories;
        if (categories.Contains(TrainMultiHead))
            return 3 * shape.ModuleFlops(causal: true);
        if (categories.Contains(TrainModel))
            return 3 * (shape.ModuleFlops(causal: true) + 2.0 * shape.Batch * shape.Tokens * shape.DModel * TrainingStep.Symbols * TrainingStep.Symbols);
        if (categories.Contains(Full))
            return shape.AttentionFlops(causal: false);
        if (categories.Contains(Training))
            return 3.5 * shape.AttentionFlops(causal: true);
        if (categories.Contains(Module))
            return shape.ModuleFlops(causal: true);
        if (categories.Contains(Wrapper))
            return shape.AttentionFlops(causal: true) + 6.0 * shape.Batch * shape.Tokens * (double)shape.DModel * shape.DModel;
        return shape.AttentionFlops(causal: true);
    }

    /// <summary>The libtorch rung a rung is compared with: same category, same thread count (one thread or all).</summary>
    public static string Reference(BenchmarkCase benchmark)
    {
        string method = benchmark.Descriptor.WorkloadMethod.Name;
        var categories = benchmark.Descriptor.Categories;
        bool oneThread = method.EndsWith("1Thread", StringComparison.Ordinal);
        if (categories.Contains(TrainMultiHead))
            return oneThread ? "TorchMultiHead1Thread" : "TorchMultiHead";
        if (categories.Contains(TrainModel))
            return oneThread ? "TorchModel1Thread" : "TorchModel";
        if (categories.Contains(Full))
            return oneThread ? "SdpaNonCausal1Thread" : "SdpaNonCausal";
        if (categories.Contains(Training))
            return oneThread ? "TorchForwardBackward1Thread" : "TorchForwardBackward";
        if (categories.Contains(Module) || categories.Contains(Wrapper))
            return oneThread ? "TorchModule1Thread" : "TorchModule";
        return oneThread ? "Sdpa1Thread" : "Sdpa";
    }
}

/// <summary>GFLOP/s from the mean time and the rung's flop count.</summary>
public sealed class GflopsColumn : IColumn
{
    public string Id => nameof(GflopsColumn);
    public string ColumnName => "GFLOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Floating-point operations per second: 2·b·h·n²·d causal, 4·b·h·n²·d non-causal, + 2·b·n·dModel² per projection";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return mean is double ns ? (Flops.Of(benchmarkCase) / ns).ToString("F1") : "?";
    }
}

/// <summary>Mean time ÷ the mean time of the libtorch rung with the same shape, category and thread count (≤ 1 is faster than libtorch).</summary>
public sealed class RatioToTorchColumn : IColumn
{
    public string Id => nameof(RatioToTorchColumn);
    public string ColumnName => "÷ torch";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Time ÷ libtorch's time for the same shape and thread count (SDPA for the core, linear+SDPA+linear for the module)";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        string reference = Flops.Reference(benchmarkCase);
        var shape = benchmarkCase.Parameters["Shape"];
        var torch = summary.Reports.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == reference && Equals(r.BenchmarkCase.Parameters["Shape"], shape));
        var torchMean = torch?.ResultStatistics?.Mean;
        return mean is double m && torchMean is double t ? (m / t).ToString("F2") : "–";
    }
}

/// <summary>Settings shared by every ladder: in-process (TorchSharp's patched native library is in this output folder), memory, flops, ratio.</summary>
public class LadderConfig : ManualConfig
{
    public LadderConfig(Job job, TimeSpan? timeout = null)
    {
        AddJob(job.WithToolchain(timeout is { } limit ? new InProcessEmitToolchain(limit, logOutput: true) : InProcessEmitToolchain.Instance));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new GflopsColumn(), new RatioToTorchColumn());
        AddColumn(CategoriesColumn.Default);
        WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared, MethodOrderPolicy.Declared));
        WithOption(ConfigOptions.JoinSummary, true);
    }
}

/// <summary>Millisecond rungs: 3 warm-up and 12 measured iterations.</summary>
public sealed class FastConfig() : LadderConfig(Job.Default.WithWarmupCount(3).WithIterationCount(12).WithId("fast"));

/// <summary>Rungs of seconds per call: 1 warm-up and 2 measured iterations; a benchmark may take up to an hour in process.</summary>
public sealed class SlowConfig() : LadderConfig(Job.Default.WithWarmupCount(1).WithIterationCount(2).WithId("slow"), TimeSpan.FromHours(1));
