using AttentionNotebooks.Efficient;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// The whole causal multi-head attention module (projections included) with the same weights: the fused module on
/// one thread and on every core against libtorch (linear + SDPA + linear) on as many threads.
/// </summary>
[Config(typeof(FastConfig))]
public class ModuleLadder
{
    private float[] _x = [], _y = [];
    private FusedMultiHeadAttention? _fused;
    private Tensor? _tx, _qkvWeight, _qkvBias, _outWeight, _outBias;

    public static IEnumerable<AttentionShape> Shapes => AttentionShape.All;

    [ParamsSource(nameof(Shapes))]
    public AttentionShape Shape { get; set; } = AttentionShape.Small;

    [GlobalSetup]
    public void Setup()
    {
        var teaching = Inputs.TeachingModule(Shape);
        _fused = FusedMultiHeadAttention.FromTeaching(teaching);
        _x = Inputs.Uniform(Shape.Batch * Shape.Tokens * Shape.DModel, 4);
        _y = new float[_x.Length];
        int d = Shape.DModel;
        var qkvWeight = new float[3 * d * d];
        var qkvBias = new float[3 * d];
        foreach (var (layer, part) in new[] { (teaching.WQuery, 0), (teaching.WKey, 1), (teaching.WValue, 2) })
        {
            Inputs.RowMajor(layer.Weight).CopyTo(qkvWeight, part * d * d);
            layer.Bias!.ToArray().CopyTo(qkvBias, part * d);
        }
        _tx = TorchAttention.Tensor(_x, Shape.Batch, Shape.Tokens, d);
        _qkvWeight = TorchAttention.Tensor(qkvWeight, 3 * d, d);
        _qkvBias = TorchAttention.Tensor(qkvBias, 3 * d);
        _outWeight = TorchAttention.Tensor(Inputs.RowMajor(teaching.OutProj.Weight), d, d);
        _outBias = TorchAttention.Tensor(teaching.OutProj.Bias!.ToArray(), d);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _tx, _qkvWeight, _qkvBias, _outWeight, _outBias })
            t?.Dispose();
    }

    [Benchmark, BenchmarkCategory(Flops.Module)]
    public void FusedModule1Thread() => _fused!.Forward(_x, _y, Shape.Batch, Shape.Tokens, Inputs.Threads(1));

    [Benchmark, BenchmarkCategory(Flops.Module)]
    public void FusedModule() => _fused!.Forward(_x, _y, Shape.Batch, Shape.Tokens, Inputs.Threads(Environment.ProcessorCount));

    [Benchmark, BenchmarkCategory(Flops.Module)]
    public void TorchModule1Thread() => Torch(1);

    [Benchmark, BenchmarkCategory(Flops.Module)]
    public void TorchModule() => Torch(Environment.ProcessorCount);

    private void Torch(int threads)
    {
        TorchAttention.UseThreads(threads);
        using var output = TorchAttention.MultiHead(_tx!, _qkvWeight!, _qkvBias, _outWeight!, _outBias!, Shape.Heads, causal: true);
    }
}

/// <summary>The teaching modules themselves (MathNet, per head or split heads), at L and S only.</summary>
[Config(typeof(SlowConfig))]
public class SlowModuleLadder
{
    private MultiHeadAttention? _teaching;
    private MultiHeadAttentionWrapper? _wrapper;
    private MathNet.Numerics.LinearAlgebra.Matrix<float>[] _batch = [];

    public static IEnumerable<AttentionShape> Shapes => [AttentionShape.Large, AttentionShape.Small];

    [ParamsSource(nameof(Shapes))]
    public AttentionShape Shape { get; set; } = AttentionShape.Small;

    [GlobalSetup]
    public void Setup()
    {
        _teaching = Inputs.TeachingModule(Shape);
        _wrapper = new MultiHeadAttentionWrapper(Shape.DModel, Shape.HeadDim, Shape.Tokens, 0f, Shape.Heads, qkvBias: true, new TorchGenerator(43));
        _wrapper.Training = false;
        _batch = Inputs.AsBatch(Inputs.Uniform(Shape.Batch * Shape.Tokens * Shape.DModel, 4), Shape);
    }

    /// <summary>One CausalAttention per head, outputs concatenated (no output projection).</summary>
    [Benchmark, BenchmarkCategory(Flops.Wrapper)]
    public MultiHeadAttentionResult TeachingWrapper() => _wrapper!.Forward(_batch);

    /// <summary>Shared projections split into heads, plus the output projection.</summary>
    [Benchmark, BenchmarkCategory(Flops.Module)]
    public MultiHeadAttentionResult TeachingMultiHead() => _teaching!.Forward(_batch);
}
