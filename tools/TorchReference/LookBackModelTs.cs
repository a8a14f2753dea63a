using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace TorchReference;

/// <summary>
/// Notebook 06's task-1 model in TorchSharp, the same module as AttentionNotebooks.Training.AttentionClassifier.WithCausalAttention with positions:
/// tok_emb = nn.Embedding(vocab, d), pos_emb = nn.Embedding(context, d), att = CausalAttention(d, d, context, 0.0),
/// out_head = nn.Linear(d, vocab), created in that order.
/// </summary>
internal sealed class LookBackModelTs : Module<Tensor, Tensor>
{
    public LookBackModelTs(long vocab, long dim, long context) : base("LookBackModel")
    {
        tok_emb = Embedding(vocab, dim);
        pos_emb = Embedding(context, dim);
        att = new CausalAttentionTs(dim, dim, context, 0.0, false);
        out_head = Linear(dim, vocab);
        RegisterComponents();
    }

#pragma warning disable IDE1006, SA1300 // PyTorch's attribute names, which become the state_dict names
    public TorchSharp.Modules.Embedding tok_emb { get; }

    public TorchSharp.Modules.Embedding pos_emb { get; }

    public CausalAttentionTs att { get; }

    public TorchSharp.Modules.Linear out_head { get; }
#pragma warning restore IDE1006, SA1300

    /// <summary>
    /// The parameters under the names PyTorch's named_parameters() gives the Python module (TorchSharp names C#
    /// properties after their backing fields), in parameters() order, which this checks.
    /// </summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> PyTorchNamedParameters()
    {
        var named = new List<(string, Parameter)>
        {
            ("tok_emb.weight", tok_emb.weight!),
            ("pos_emb.weight", pos_emb.weight!),
            ("att.W_query.weight", att.WQuery.weight!),
            ("att.W_key.weight", att.WKey.weight!),
            ("att.W_value.weight", att.WValue.weight!),
            ("out_head.weight", out_head.weight!),
            ("out_head.bias", out_head.bias!),
        };
        var order = parameters().ToList();
        if (order.Count != named.Count || order.Zip(named).Any(p => !p.First.shape.SequenceEqual(p.Second.Item2.shape) || !Script.Values(p.First).SequenceEqual(Script.Values(p.Second.Item2))))
            throw new InvalidOperationException("parameters() does not yield tok_emb, pos_emb, att, out_head in creation order");
        return named;
    }

    /// <summary>The attention weights of the last forward pass, (batch, tokens, tokens).</summary>
    public Tensor? LastWeights => att.LastWeights;

    public override Tensor forward(Tensor idx)
    {
        var x = tok_emb.forward(idx) + pos_emb.forward(torch.arange(idx.shape[1]));
        return out_head.forward(att.forward(x));
    }

    /// <summary>targets[:, t] = idx[:, t − k] for t ≥ k, −100 (ignored) before.</summary>
    public static Tensor Targets(Tensor idx, long offset)
    {
        var targets = torch.full(idx.shape, -100L, ScalarType.Int64);
        long tokens = idx.shape[1];
        targets.narrow(1, offset, tokens - offset).copy_(idx.narrow(1, 0, tokens - offset));
        return targets;
    }

    public static string TargetsPython(string idx, long offset) =>
        $"targets = torch.full_like({idx}, -100); targets[:, {offset}:] = {idx}[:, :-{offset}]";

    public static string TargetsTorchSharp(string idx, long offset) =>
        $"var targets = torch.full({idx}.shape, -100L, ScalarType.Int64); targets.narrow(1, {offset}, {idx}.shape[1] - {offset}).copy_({idx}.narrow(1, 0, {idx}.shape[1] - {offset}));";
}
