using AttentionNotebooks.Efficient;
using BenchmarkDotNet.Attributes;
using static TorchSharp.torch;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// One training step of the causal attention core: forward (saving the log-sum-exp) and backward (dQ, dK, dV for a given
/// dO) of the fused kernel, against libtorch's SDPA forward and autograd backward (<c>.backward(dO)</c>) on as many
/// threads. Few iterations (L and XL take seconds per libtorch call; see benchmarks/README.md).
/// </summary>
[Config(typeof(SlowConfig))]
public class BackwardLadder
{
    private float[] _q = [], _k = [], _v = [], _dO = [], _output = [], _lse = [], _dq = [], _dk = [], _dv = [];
    private Tensor? _tq, _tk, _tv, _tdO;

    public static IEnumerable<AttentionShape> Shapes => AttentionShape.All;

    [ParamsSource(nameof(Shapes))]
    public AttentionShape Shape { get; set; } = AttentionShape.Small;

    [GlobalSetup]
    public void Setup()
    {
        _q = Inputs.Uniform(Shape.Elements, 1);
        _k = Inputs.Uniform(Shape.Elements, 2);
        _v = Inputs.Uniform(Shape.Elements, 3);
        _dO = Inputs.Uniform(Shape.Elements, 5);
        _output = new float[Shape.Elements];
        _dq = new float[Shape.Elements];
        _dk = new float[Shape.Elements];
        _dv = new float[Shape.Elements];
        _lse = new float[Shape.Batch * Shape.Heads * Shape.Tokens];
        long[] dims = [Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim];
        _tq = TorchAttention.Tensor(_q, dims).requires_grad_();
        _tk = TorchAttention.Tensor(_k, dims).requires_grad_();
        _tv = TorchAttention.Tensor(_v, dims).requires_grad_();
        _tdO = TorchAttention.Tensor(_dO, dims);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _tq, _tk, _tv, _tdO })
            t?.Dispose();
    }

    [Benchmark, BenchmarkCategory(Flops.Training)]
    public void FusedForwardBackward1Thread() => Fused(1);

    [Benchmark, BenchmarkCategory(Flops.Training)]
    public void FusedForwardBackward() => Fused(Environment.ProcessorCount);

    [Benchmark, BenchmarkCategory(Flops.Training)]
    public void TorchForwardBackward1Thread() => Torch(1);

    [Benchmark, BenchmarkCategory(Flops.Training)]
    public void TorchForwardBackward() => Torch(Environment.ProcessorCount);

    private void Fused(int threads)
    {
        var options = Inputs.Threads(threads);
        FlashAttention.Forward(_q, _k, _v, _output, _lse, Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim, causal: true, options);
        FlashAttention.Backward(_q, _k, _v, _output, _dO, _lse, _dq, _dk, _dv, Shape.Batch, Shape.Heads, Shape.Tokens, Shape.HeadDim, causal: true, options);
    }

    private void Torch(int threads)
    {
        TorchAttention.UseThreads(threads);
        foreach (var t in new[] { _tq!, _tk!, _tv! })
            t.grad?.zero_();     // as a training step's zero_grad: the gradients are written, not accumulated without bound
        using var output = TorchAttention.Sdpa(_tq!, _tk!, _tv!, causal: true);
        output.backward([_tdO!]);
    }
}
