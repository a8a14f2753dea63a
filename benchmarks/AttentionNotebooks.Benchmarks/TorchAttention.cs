using TorchSharp;
using static TorchSharp.torch;

namespace AttentionNotebooks.Benchmarks;

/// <summary>libtorch 2.10 through TorchSharp: the reference rungs.</summary>
public static class TorchAttention
{
    private static int s_threads = -1;

    /// <summary>Sets libtorch's intra-op thread count (only when it changes: the call rebuilds libtorch's pool).</summary>
    public static void UseThreads(int threads)
    {
        if (s_threads == threads)
            return;
        torch.set_num_threads(threads);
        s_threads = threads;
    }

    /// <summary>A float32 tensor of the given shape holding a copy of <paramref name="values"/>.</summary>
    public static Tensor Tensor(float[] values, params long[] shape) => torch.tensor(values, shape, ScalarType.Float32);

    /// <summary><c>scaled_dot_product_attention</c> on (batch, heads, tokens, headDim) tensors (TorchSharp spells the flag is_casual).</summary>
    public static Tensor Sdpa(Tensor q, Tensor k, Tensor v, bool causal) =>
        torch.nn.functional.scaled_dot_product_attention(q, k, v, is_casual: causal);

    /// <summary>
    /// The module the way PyTorch code writes it for inference: fused QKV linear, view as (b, t, 3, h, d), permute to
    /// (3, b, h, t, d), SDPA, back to (b, t, dModel), output linear.
    /// </summary>
    public static Tensor MultiHead(Tensor x, Tensor qkvWeight, Tensor? qkvBias, Tensor outWeight, Tensor outBias, int heads, bool causal)
    {
        long batch = x.shape[0], tokens = x.shape[1], dModel = outWeight.shape[0];
        using var qkv = torch.nn.functional.linear(x, qkvWeight, qkvBias);
        using var split = qkv.view(batch, tokens, 3, heads, dModel / heads).permute(2, 0, 3, 1, 4);
        using var q = split[0];
        using var k = split[1];
        using var v = split[2];
        using var context = Sdpa(q, k, v, causal);
        using var merged = context.transpose(1, 2).reshape(batch, tokens, dModel);
        return torch.nn.functional.linear(merged, outWeight, outBias);
    }
}
