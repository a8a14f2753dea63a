using System.Diagnostics;
using AttentionNotebooks.Training;
using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace AttentionNotebooks.Benchmarks;

/// <summary>
/// One training step — forward, loss, backward, AdamW — of the teaching classes (hand-derived backward passes,
/// <see cref="AdamW"/>) against libtorch (TorchSharp autograd and <c>torch.optim.AdamW</c>) with the same weights, the
/// same data and the same optimiser settings: <see cref="MultiHeadAttention"/> alone (loss Σ output ⊙ G for a fixed G)
/// and notebook 06's task-2 model (<see cref="AttentionClassifier"/>: embeddings, multi-head attention, read-out,
/// cross-entropy on the ordered pair of the two previous tokens).
/// </summary>
public sealed class TrainingStep : IDisposable
{
    /// <summary>Symbols of the task-2 data (classes = symbols²), as in notebook 06.</summary>
    public const int Symbols = 8;

    private readonly AttentionShape _shape;
    private readonly MultiHeadAttentionTrainer _mha;
    private readonly AdamW _mhaOptimizer;
    private readonly Matrix<float>[] _x;
    private readonly Matrix<float>[] _upstream;
    private readonly AttentionClassifier _model;
    private readonly AdamW _modelOptimizer;
    private readonly int[][] _tokens;
    private readonly int[][] _targets;
    private readonly Dictionary<string, TorchSharp.Modules.Parameter> _tm;    // MultiHeadAttention's weights in libtorch
    private readonly Dictionary<string, TorchSharp.Modules.Parameter> _tc;    // the classifier's weights in libtorch
    private readonly optim.Optimizer _tmOptimizer, _tcOptimizer;
    private readonly Tensor _tx, _tUpstream, _tTokens, _tTargets, _positions, _mask;

    public TrainingStep(AttentionShape shape)
    {
        _shape = shape;
        int b = shape.Batch, t = shape.Tokens, d = shape.DModel;
        var module = new MultiHeadAttention(d, d, t, 0f, shape.Heads, qkvBias: false, new TorchGenerator(42));
        _mha = new MultiHeadAttentionTrainer(module);
        _mhaOptimizer = new AdamW(_mha.Parameters);
        var x = Inputs.Uniform(b * t * d, 4);
        var g = Inputs.Uniform(b * t * d, 5);
        _x = Inputs.AsBatch(x, shape);
        _upstream = Inputs.AsBatch(g, shape);
        _model = AttentionClassifier.WithMultiHeadAttention(Symbols, TwoOffsetTask.Classes(Symbols), d, t, shape.Heads, positions: true, new TorchGenerator(123));
        _modelOptimizer = new AdamW(_model.Parameters);
        (_tokens, _targets) = TwoOffsetTask.Batch(new TorchGenerator(456), b, t, Symbols);

        _tm = ToTorch(_mha.Parameters);
        _tc = ToTorch(_model.Parameters);
        _tmOptimizer = optim.AdamW(_tm.Values, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
        _tcOptimizer = optim.AdamW(_tc.Values, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.01);
        _tx = TorchAttention.Tensor(x, b, t, d);
        _tUpstream = TorchAttention.Tensor(g, b, t, d);
        _tTokens = torch.tensor(_tokens.SelectMany(r => r).Select(i => (long)i).ToArray(), [b, t]);
        _tTargets = torch.tensor(_targets.SelectMany(r => r).Select(i => (long)i).ToArray(), [b * t]);
        _positions = torch.arange(t);
        _mask = torch.ones(t, t).triu(1).to(ScalarType.Bool);
    }

    private static Dictionary<string, TorchSharp.Modules.Parameter> ToTorch(IReadOnlyList<Parameter> parameters) =>
        parameters.ToDictionary(p => p.Name, p =>
        {
            long[] shape = p.Matrix is not null ? [p.Matrix.RowCount, p.Matrix.ColumnCount] : [p.Vector!.Count];
            return new TorchSharp.Modules.Parameter(TorchAttention.Tensor(p.ToRowMajorArray(), shape));
        });

    /// <summary>The teaching MultiHeadAttention: zero_grad, forward, backward of dL/dOutput = G, AdamW step.</summary>
    public void TeachingMultiHead()
    {
        _mhaOptimizer.ZeroGrad();
        _mha.Forward(_x);
        _mha.Backward(_upstream);
        _mhaOptimizer.Step();
    }

    /// <summary>The same in libtorch: loss = (mha(x) * G).sum(); zero_grad; backward; step.</summary>
    public float TorchMultiHead()
    {
        using var scope = torch.NewDisposeScope();
        var output = Attend(_tx, _tm, "");
        var loss = (output * _tUpstream).sum();
        _tmOptimizer.zero_grad();
        loss.backward();
        _tmOptimizer.step();
        return loss.item<float>();
    }

    /// <summary>The teaching task-2 model: <see cref="AttentionClassifier.TrainStep"/>.</summary>
    public float TeachingModel() => _model.TrainStep(_tokens, _targets, _modelOptimizer);

    /// <summary>The same in libtorch: embeddings, attention, read-out, F.cross_entropy (ignore_index −100), AdamW.</summary>
    public float TorchModel()
    {
        using var scope = torch.NewDisposeScope();
        int b = _shape.Batch, t = _shape.Tokens, d = _shape.DModel;
        var x = _tc["tok_emb.weight"].index_select(0, _tTokens.view(-1)).view(b, t, d) + _tc["pos_emb.weight"].index_select(0, _positions);
        var logits = nn.functional.linear(Attend(x, _tc, "att."), _tc["out_head.weight"], _tc["out_head.bias"]);
        var loss = nn.functional.cross_entropy(logits.view(-1, TwoOffsetTask.Classes(Symbols)), _tTargets);
        _tcOptimizer.zero_grad();
        loss.backward();
        _tcOptimizer.step();
        return loss.item<float>();
    }

    /// <summary>The book's MultiHeadAttention forward in libtorch: view, transpose, matmul, masked_fill, softmax, matmul, out_proj.</summary>
    private Tensor Attend(Tensor x, Dictionary<string, TorchSharp.Modules.Parameter> p, string prefix)
    {
        int b = _shape.Batch, t = _shape.Tokens, d = _shape.DModel, h = _shape.Heads, hd = _shape.HeadDim;
        var q = nn.functional.linear(x, p[prefix + "W_query.weight"]).view(b, t, h, hd).transpose(1, 2);   // (b, h, t, hd)
        var k = nn.functional.linear(x, p[prefix + "W_key.weight"]).view(b, t, h, hd).transpose(1, 2);
        var v = nn.functional.linear(x, p[prefix + "W_value.weight"]).view(b, t, h, hd).transpose(1, 2);
        var scores = q.matmul(k.transpose(2, 3)).masked_fill(_mask, float.NegativeInfinity);            // (b, h, t, t)
        var weights = nn.functional.softmax(scores / MathF.Sqrt(hd), -1);
        var context = weights.matmul(v).transpose(1, 2).contiguous().view(b, t, d);                       // (b, t, d)
        return nn.functional.linear(context, p[prefix + "out_proj.weight"], p[prefix + "out_proj.bias"]);
    }

    /// <summary>The first step's loss of the teaching model and of libtorch (call on fresh instances only).</summary>
    public (float Teaching, float Torch) FirstLosses() => (TeachingModel(), TorchModel());

    /// <summary>
    /// Where the teaching classes' step spends its time: the median over <paramref name="rounds"/> steps of each phase
    /// (forward, loss, backward, optimiser), for MultiHeadAttention alone and for the task-2 model.
    /// </summary>
    public IReadOnlyList<(string Model, string Phase, double Ms)> Profile(int rounds)
    {
        var phases = new Dictionary<(string, string), List<double>>();
        void Add(string model, string phase, Stopwatch w)
        {
            if (!phases.TryGetValue((model, phase), out var list))
                phases[(model, phase)] = list = [];
            list.Add(w.Elapsed.TotalMilliseconds);
            w.Restart();
        }
        for (int r = 0; r < rounds; r++)
        {
            var w = Stopwatch.StartNew();
            _mhaOptimizer.ZeroGrad();
            Add("MultiHeadAttention", "zero_grad", w);
            _mha.Forward(_x);
            Add("MultiHeadAttention", "forward", w);
            _mha.Backward(_upstream);
            Add("MultiHeadAttention", "backward", w);
            _mhaOptimizer.Step();
            Add("MultiHeadAttention", "AdamW step", w);

            _modelOptimizer.ZeroGrad();
            Add("task-2 model", "zero_grad", w);
            var output = _model.Forward(_tokens);
            Add("task-2 model", "forward", w);
            var loss = CrossEntropy.Mean(output.Logits, _targets);
            Add("task-2 model", "loss", w);
            _model.Backward(loss.LogitsGradient);
            Add("task-2 model", "backward", w);
            _modelOptimizer.Step();
            Add("task-2 model", "AdamW step", w);
        }
        return phases.Select(p => (p.Key.Item1, p.Key.Item2, p.Value.Order().ElementAt(p.Value.Count / 2))).ToList();
    }

    public void Dispose()
    {
        foreach (var p in _tm.Values.Concat(_tc.Values))
            p.Dispose();
        _tmOptimizer.Dispose();
        _tcOptimizer.Dispose();
        foreach (var t in new[] { _tx, _tUpstream, _tTokens, _tTargets, _positions, _mask })
            t.Dispose();
    }
}

/// <summary>
/// The training step in BenchmarkDotNet: teaching classes (MathNet's products on one thread, or MathNet's default
/// parallelism over every core) against libtorch on as many threads.
/// </summary>
[Config(typeof(FastConfig))]
public class TrainingLadder
{
    private TrainingStep? _step;

    public static IEnumerable<AttentionShape> Shapes => AttentionShape.TrainingShapes;

    [ParamsSource(nameof(Shapes))]
    public AttentionShape Shape { get; set; } = AttentionShape.Training;

    [GlobalSetup]
    public void Setup() => _step = new TrainingStep(Shape);

    [GlobalCleanup]
    public void Cleanup()
    {
        _step?.Dispose();
        MathNet.Numerics.Control.MaxDegreeOfParallelism = Environment.ProcessorCount;
    }

    [Benchmark, BenchmarkCategory(Flops.TrainMultiHead)]
    public void TeachingMultiHead1Thread()
    {
        MathNet.Numerics.Control.MaxDegreeOfParallelism = 1;
        _step!.TeachingMultiHead();
    }

    [Benchmark, BenchmarkCategory(Flops.TrainMultiHead)]
    public void TeachingMultiHead()
    {
        MathNet.Numerics.Control.MaxDegreeOfParallelism = Environment.ProcessorCount;
        _step!.TeachingMultiHead();
    }

    [Benchmark, BenchmarkCategory(Flops.TrainMultiHead)]
    public float TorchMultiHead1Thread()
    {
        TorchAttention.UseThreads(1);
        return _step!.TorchMultiHead();
    }

    [Benchmark, BenchmarkCategory(Flops.TrainMultiHead)]
    public float TorchMultiHead()
    {
        TorchAttention.UseThreads(Environment.ProcessorCount);
        return _step!.TorchMultiHead();
    }

    [Benchmark, BenchmarkCategory(Flops.TrainModel)]
    public float TeachingModel1Thread()
    {
        MathNet.Numerics.Control.MaxDegreeOfParallelism = 1;
        return _step!.TeachingModel();
    }

    [Benchmark, BenchmarkCategory(Flops.TrainModel)]
    public float TeachingModel()
    {
        MathNet.Numerics.Control.MaxDegreeOfParallelism = Environment.ProcessorCount;
        return _step!.TeachingModel();
    }

    [Benchmark, BenchmarkCategory(Flops.TrainModel)]
    public float TorchModel1Thread()
    {
        TorchAttention.UseThreads(1);
        return _step!.TorchModel();
    }

    [Benchmark, BenchmarkCategory(Flops.TrainModel)]
    public float TorchModel()
    {
        TorchAttention.UseThreads(Environment.ProcessorCount);
        return _step!.TorchModel();
    }
}

/// <summary>
/// The <c>train</c> command: the teaching step and libtorch's called alternately (so machine load hits both alike),
/// medians and ratios, then the teaching step's time by phase.
/// </summary>
internal static class TrainingCompare
{
    public static void Run(AttentionShape shape, int rounds)
    {
        using (var fresh = new TrainingStep(shape))
        {
            var (teaching, torchLoss) = fresh.FirstLosses();
            Console.WriteLine($"{shape}: first step's loss of the task-2 model: teaching {teaching:R}, libtorch {torchLoss:R}");
        }
        using var step = new TrainingStep(shape);
        Console.WriteLine("| shape | model | threads (MathNet and libtorch) | teaching ms | libtorch ms | teaching ÷ libtorch (median of per-round ratios) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, teachingStep, torchStep) in new (string, Action, Action)[]
        {
            ("MultiHeadAttention", step.TeachingMultiHead, () => step.TorchMultiHead()),
            ("task-2 model", () => step.TeachingModel(), () => step.TorchModel()),
        })
            foreach (int threads in new[] { 1, Environment.ProcessorCount })
            {
                TorchAttention.UseThreads(threads);
                MathNet.Numerics.Control.MaxDegreeOfParallelism = threads;     // MathNet parallelises its products above a size
                var warmUp = Stopwatch.StartNew();
                for (int r = 0; r < 5 || warmUp.ElapsedMilliseconds < 1500; r++)
                {
                    teachingStep();
                    torchStep();
                }
                var ours = new List<double>();
                var theirs = new List<double>();
                for (int r = 0; r < rounds; r++)
                {
                    ours.Add(Time(teachingStep));
                    theirs.Add(Time(torchStep));
                }
                var ratios = ours.Zip(theirs, (a, b) => a / b).ToList();
                Console.WriteLine($"| {shape} | {name} | {threads} | {Median(ours):F3} | {Median(theirs):F3} | {Median(ratios):F2} |");
            }
        Console.WriteLine();
        Console.WriteLine("| model | MathNet threads | phase | median ms | share |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int threads in new[] { 1, Environment.ProcessorCount })
        {
            MathNet.Numerics.Control.MaxDegreeOfParallelism = threads;
            var profile = step.Profile(rounds);
            foreach (var group in profile.GroupBy(p => p.Model))
            {
                double total = group.Sum(p => p.Ms);
                foreach (var p in group)
                    Console.WriteLine($"| {p.Model} | {threads} | {p.Phase} | {p.Ms:F3} | {p.Ms / total:P0} |");
            }
        }
        MathNet.Numerics.Control.MaxDegreeOfParallelism = Environment.ProcessorCount;
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
