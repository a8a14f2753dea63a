using AttentionNotebooks.Efficient;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using static TorchSharp.torch;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The attention core (Q, K, V given in (batch, heads, tokens, headDim)) from the fused kernel to libtorch's SDPA, at
/// every shape. Rung names ending in "1Thread" run on one thread and are compared with SDPA on one thread; the others
/// use every core and are compared with SDPA on every core. The fused rungs run on <see cref="Inputs.Simd"/>
/// (ATTENTION_SIMD), libtorch on the capability ATEN_CPU_CAPABILITY selects.
/// </summary>
[Config(typeof(FastConfig))]
public class AttentionLadder
{
    private float[] _q = [], _k = [], _v = [], _output = [];
    private Tensor? _tq, _tk, _tv;

    public static IEnumerable<AttentionShape> Shapes => AttentionShape.All;

    [ParamsSource(nameof(Shapes))]
    public AttentionShape Shape { get; set; } = AttentionShape.Small;

    [GlobalSetup]
    public void Setup()
    {
        _q = Inputs.Uniform(Shape.Elements, 1);
        _k = Inputs.Uniform(Shape.Elements, 2);
        _v = Inputs.Uniform(Shape.Elements, 3);
        _output = new float[Shape.Elements];
        long[] dims = [Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim];
        _tq = TorchAttention.Tensor(_q, dims);
        _tk = TorchAttention.Tensor(_k, dims);
        _tv = TorchAttention.Tensor(_v, dims);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tq?.Dispose();
        _tk?.Dispose();
        _tv?.Dispose();
    }

    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public void Fused1Thread() => Fused(1, causal: true);

    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public void Fused() => Fused(Environment.ProcessorCount, causal: true);

    /// <summary>The fused rung's SIMD micro-kernels unfused: each head's whole score matrix written to memory and read back (what fusion alone is worth).</summary>
    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public void Unfused1Thread() => Unfused(1);

    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public void Unfused() => Unfused(Environment.ProcessorCount);

    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public void Sdpa1Thread() => Sdpa(1, causal: true);

    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public void Sdpa() => Sdpa(Environment.ProcessorCount, causal: true);

    [Benchmark, BenchmarkCategory(Flops.Full)]
    public void FusedNonCausal1Thread() => Fused(1, causal: false);

    [Benchmark, BenchmarkCategory(Flops.Full)]
    public void FusedNonCausal() => Fused(Environment.ProcessorCount, causal: false);

    [Benchmark, BenchmarkCategory(Flops.Full)]
    public void SdpaNonCausal1Thread() => Sdpa(1, causal: false);

    [Benchmark, BenchmarkCategory(Flops.Full)]
    public void SdpaNonCausal() => Sdpa(Environment.ProcessorCount, causal: false);

    private void Fused(int threads, bool causal) =>
        FlashAttention.Forward(_q, _k, _v, _output, Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim, causal, Inputs.Threads(threads));

    private void Unfused(int threads) =>
        FlashAttention.ForwardUnfused(_q, _k, _v, _output, Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim, causal: true, Inputs.Threads(threads));

    private void Sdpa(int threads, bool causal)
    {
        TorchAttention.UseThreads(threads);
        using var output = TorchAttention.Sdpa(_tq!, _tk!, _tv!, causal);
    }
}

/// <summary>
/// The slow rungs of the same ladder — naive loops and the teaching MathNet code — at the shapes where they finish in
/// seconds (L and S; at XL they would take minutes per call and are skipped). Few iterations.
/// </summary>
[Config(typeof(SlowConfig))]
public class SlowAttentionLadder
{
    private float[] _q = [], _k = [], _v = [], _output = [];
    private MathNetAttention? _mathNet;

    public static IEnumerable<AttentionShape> Shapes => [AttentionShape.Large, AttentionShape.Small];

    [ParamsSource(nameof(Shapes))]
    public AttentionShape Shape { get; set; } = AttentionShape.Small;

    [GlobalSetup]
    public void Setup()
    {
        _q = Inputs.Uniform(Shape.Elements, 1);
        _k = Inputs.Uniform(Shape.Elements, 2);
        _v = Inputs.Uniform(Shape.Elements, 3);
        _output = new float[Shape.Elements];
        _mathNet = new MathNetAttention(_q, _k, _v, Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim);
    }

    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public void Naive1Thread() => NaiveAttention.Forward(_q, _k, _v, _output, Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim);

    [Benchmark, BenchmarkCategory(Flops.Causal)]
    public Matrix<float>[] MathNet() => _mathNet!.Forward();
}
