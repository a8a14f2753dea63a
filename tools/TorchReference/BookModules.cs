using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchReference;

// The attention classes of "Build a Large Language Model (From Scratch)", chapter 3, rebuilt in TorchSharp with the
// same parameters created in the same order, so that torch.manual_seed gives them the weights PyTorch gives the
// book's classes. Each records its last attention weights for the fixtures.

/// <summary>SelfAttention_v1: three nn.Parameter(torch.rand(d_in, d_out)) matrices, x @ W.</summary>
internal sealed class SelfAttentionV1 : Module<Tensor, Tensor>
{
    public SelfAttentionV1(long dIn, long dOut) : base("SelfAttention_v1")
    {
        WQuery = Parameter(torch.rand(dIn, dOut));
        WKey = Parameter(torch.rand(dIn, dOut));
        WValue = Parameter(torch.rand(dIn, dOut));
        RegisterComponents();
    }

    public Parameter WQuery { get; }

    public Parameter WKey { get; }

    public Parameter WValue { get; }

    public Tensor? LastWeights { get; private set; }

    public override Tensor forward(Tensor x)
    {
        var keys = x.matmul(WKey);
        var queries = x.matmul(WQuery);
        var values = x.matmul(WValue);
        var scores = queries.matmul(keys.T);
        LastWeights = torch.softmax(scores / Math.Sqrt(keys.shape[^1]), -1);
        return LastWeights.matmul(values);
    }
}

/// <summary>SelfAttention_v2: the three projections are nn.Linear(d_in, d_out, bias=qkv_bias).</summary>
internal sealed class SelfAttentionV2 : Module<Tensor, Tensor>
{
    public SelfAttentionV2(long dIn, long dOut, bool qkvBias) : base("SelfAttention_v2")
    {
        WQuery = Linear(dIn, dOut, qkvBias);
        WKey = Linear(dIn, dOut, qkvBias);
        WValue = Linear(dIn, dOut, qkvBias);
        RegisterComponents();
    }

    public TorchSharp.Modules.Linear WQuery { get; }

    public TorchSharp.Modules.Linear WKey { get; }

    public TorchSharp.Modules.Linear WValue { get; }

    public Tensor? LastWeights { get; private set; }

    public override Tensor forward(Tensor x)
    {
        var keys = WKey.forward(x);
        var queries = WQuery.forward(x);
        var values = WValue.forward(x);
        var scores = queries.matmul(keys.T);
        LastWeights = torch.softmax(scores / Math.Sqrt(keys.shape[^1]), -1);
        return LastWeights.matmul(values);
    }
}

/// <summary>CausalAttention: batched, mask buffer triu(ones(context, context), 1), dropout on the weights.</summary>
internal sealed class CausalAttentionTs : Module<Tensor, Tensor>
{
    private readonly Tensor _mask;
    private readonly Dropout _dropout;

    public CausalAttentionTs(long dIn, long dOut, long contextLength, double dropout, bool qkvBias) : base("CausalAttention")
    {
        WQuery = Linear(dIn, dOut, qkvBias);
        WKey = Linear(dIn, dOut, qkvBias);
        WValue = Linear(dIn, dOut, qkvBias);
        _dropout = Dropout(dropout);
        _mask = torch.triu(torch.ones(contextLength, contextLength), 1);
        RegisterComponents();
    }

    public TorchSharp.Modules.Linear WQuery { get; }

    public TorchSharp.Modules.Linear WKey { get; }

    public TorchSharp.Modules.Linear WValue { get; }

    public Tensor? LastWeights { get; private set; }

    public override Tensor forward(Tensor x)
    {
        long tokens = x.shape[1];
        var keys = WKey.forward(x);
        var queries = WQuery.forward(x);
        var values = WValue.forward(x);
        var scores = queries.matmul(keys.transpose(1, 2));
        var maskBool = _mask.to_type(ScalarType.Bool).narrow(0, 0, tokens).narrow(1, 0, tokens);
        scores.masked_fill_(maskBool, double.NegativeInfinity);
        var weights = torch.softmax(scores / Math.Sqrt(keys.shape[^1]), -1);
        LastWeights = _dropout.forward(weights);
        return LastWeights.matmul(values);
    }
}

/// <summary>MultiHeadAttentionWrapper: num_heads CausalAttention modules built one after another, outputs concatenated.</summary>
internal sealed class MultiHeadAttentionWrapperTs : Module<Tensor, Tensor>
{
    public MultiHeadAttentionWrapperTs(long dIn, long dOut, long contextLength, double dropout, int numHeads, bool qkvBias)
        : base("MultiHeadAttentionWrapper")
    {
        Heads = new ModuleList<CausalAttentionTs>();
        for (int h = 0; h < numHeads; h++)
            Heads.Add(new CausalAttentionTs(dIn, dOut, contextLength, dropout, qkvBias));
        RegisterComponents();
    }

    public ModuleList<CausalAttentionTs> Heads { get; }

    /// <summary>(batch, heads, tokens, tokens).</summary>
    public Tensor? LastWeights { get; private set; }

    public override Tensor forward(Tensor x)
    {
        var outputs = Heads.Select(head => head.forward(x)).ToArray();
        LastWeights = torch.stack(Heads.Select(head => head.LastWeights!).ToArray(), 1);
        return torch.cat(outputs, -1);
    }
}

/// <summary>MultiHeadAttention: shared projections split into heads by view + transpose, then out_proj.</summary>
internal sealed class MultiHeadAttentionTs : Module<Tensor, Tensor>
{
    private readonly Tensor _mask;
    private readonly Dropout _dropout;
    private readonly long _dOut;
    private readonly long _numHeads;
    private readonly long _headDim;

    public MultiHeadAttentionTs(long dIn, long dOut, long contextLength, double dropout, int numHeads, bool qkvBias)
        : base("MultiHeadAttention")
    {
        if (dOut % numHeads != 0)
            throw new ArgumentException("d_out must be divisible by num_heads");
        _dOut = dOut;
        _numHeads = numHeads;
        _headDim = dOut / numHeads;
        WQuery = Linear(dIn, dOut, qkvBias);
        WKey = Linear(dIn, dOut, qkvBias);
        WValue = Linear(dIn, dOut, qkvBias);
        OutProj = Linear(dOut, dOut);
        _dropout = Dropout(dropout);
        _mask = torch.triu(torch.ones(contextLength, contextLength), 1);
        RegisterComponents();
    }

    public TorchSharp.Modules.Linear WQuery { get; }

    public TorchSharp.Modules.Linear WKey { get; }

    public TorchSharp.Modules.Linear WValue { get; }

    public TorchSharp.Modules.Linear OutProj { get; }

    /// <summary>(batch, heads, tokens, tokens).</summary>
    public Tensor? LastWeights { get; private set; }

    public override Tensor forward(Tensor x)
    {
        long b = x.shape[0], tokens = x.shape[1];
        var keys = WKey.forward(x).view(b, tokens, _numHeads, _headDim).transpose(1, 2);
        var queries = WQuery.forward(x).view(b, tokens, _numHeads, _headDim).transpose(1, 2);
        var values = WValue.forward(x).view(b, tokens, _numHeads, _headDim).transpose(1, 2);
        var scores = queries.matmul(keys.transpose(2, 3));
        var maskBool = _mask.to_type(ScalarType.Bool).narrow(0, 0, tokens).narrow(1, 0, tokens);
        scores.masked_fill_(maskBool, double.NegativeInfinity);
        var weights = torch.softmax(scores / Math.Sqrt(keys.shape[^1]), -1);
        LastWeights = _dropout.forward(weights);
        var context = LastWeights.matmul(values).transpose(1, 2).contiguous().view(b, tokens, _dOut);
        return OutProj.forward(context);
    }
}
