using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The backward pass of <see cref="FlashAttention"/> for one (batch, head) slice per work item (FlashAttention-2's
/// algorithm): key blocks of <see cref="KeyBlock"/> keys in the outer loop, every query row that sees the block in the
/// inner one, the weights recomputed from the saved log-sum-exp. Written once over a vector width
/// <typeparamref name="TSimd"/>: the dot products and the gradient updates run along headDim in registers of that width
/// (a first version: one query row at a time, not yet the forward's register tiles).
/// </summary>
internal static unsafe class FlashBackward<TSimd, TVec>
    where TSimd : struct, ISimd<TVec>
    where TVec : unmanaged
{
    /// <summary>Keys per block (see <see cref="FlashBackwardLayout.KeyBlock"/>).</summary>
    public const int KeyBlock = FlashBackwardLayout.KeyBlock;

    /// <summary>Runs every slice on up to <paramref name="degreeOfParallelism"/> threads (one thread per slice: bit-identical for any count).</summary>
    public static void Run(in BackwardArguments arguments, int degreeOfParallelism)
    {
        var job = t_job ??= new Job();
        job.Arguments = arguments;
        double flops = (arguments.Causal ? 5.0 : 10.0) * arguments.Slices * (double)arguments.Tokens * arguments.Tokens * arguments.HeadDim;
        job.Run(arguments.Slices, ParallelJob.Threads(flops, degreeOfParallelism));
        job.Arguments = default;
    }

    [ThreadStatic]
    private static Job? t_job;

    private sealed class Job : ParallelJob
    {
        public BackwardArguments Arguments;

        protected override void RunItem(int item) => Slice(in Arguments, item);
    }

    /// <summary>
    /// dQ, dK, dV of slice <paramref name="slice"/> = batch·Heads + head: Q, K, V and their gradients read and written
    /// through <see cref="BackwardArguments.InputLayout"/>, O and dO through <see cref="BackwardArguments.OutputLayout"/>,
    /// log-sum-exp (batch·heads, tokens).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Slice(in BackwardArguments a, int slice)
    {
        int tokens = a.Tokens, headDim = a.HeadDim, batch = slice / a.Heads, head = slice % a.Heads;
        long inOffset = batch * a.InputLayout.BatchStride + head * a.InputLayout.HeadStride;
        long outOffset = batch * a.OutputLayout.BatchStride + head * a.OutputLayout.HeadStride;
        long inStride = a.InputLayout.TokenStride, outStride = a.OutputLayout.TokenStride;   // floats from token i to i + 1
        float* q = a.Query + inOffset, k = a.Key + inOffset, v = a.Value + inOffset;
        float* o = a.Output + outOffset, dO = a.OutputGradient + outOffset;
        float* dQ = a.QueryGradient + inOffset, dK = a.KeyGradient + inOffset, dV = a.ValueGradient + inOffset;
        float* lse = a.LogSumExp + (long)slice * tokens;
        float scale = a.Scale;

        float* scratch = ThreadScratch.Get(tokens + 2L * KeyBlock);
        float* rowDot = scratch;                  // (tokens) D_i = dO_i · O_i
        float* p = rowDot + tokens;               // (KeyBlock) one query row's weights for the block's keys
        float* dS = p + KeyBlock;                 // (KeyBlock) their score gradients

        for (int i = 0; i < tokens; i++)
        {
            rowDot[i] = Dot(dO + i * outStride, o + i * outStride, headDim);
            new Span<float>(dQ + i * inStride, headDim).Clear();
            new Span<float>(dK + i * inStride, headDim).Clear();
            new Span<float>(dV + i * inStride, headDim).Clear();
        }

        for (int firstKey = 0; firstKey < tokens; firstKey += KeyBlock)
        {
            int blockEnd = Math.Min(tokens, firstKey + KeyBlock);
            for (int i = a.Causal ? firstKey : 0; i < tokens; i++)
            {
                int keyEnd = a.Causal ? Math.Min(blockEnd, i + 1) : blockEnd;   // keys firstKey … keyEnd − 1 seen by row i
                float* qi = q + i * inStride, dOi = dO + i * outStride;
                float rowLse = lse[i], di = rowDot[i];
                for (int j = firstKey; j < keyEnd; j++)
                {
                    float weight = MathF.Exp(scale * Dot(qi, k + j * inStride, headDim) - rowLse);          // P_ij
                    float weightGradient = Dot(dOi, v + j * inStride, headDim);                             // dP_ij
                    p[j - firstKey] = weight;
                    dS[j - firstKey] = weight * (weightGradient - di);                                     // dS_ij
                }
                float* dQi = dQ + i * inStride;
                for (int j = firstKey; j < keyEnd; j++)
                {
                    float weight = p[j - firstKey], scoreGradient = dS[j - firstKey] * scale;
                    AddScaled(dV + j * inStride, dOi, weight, headDim);                 // dV_j += P_ij · dO_i
                    AddScaled(dK + j * inStride, qi, scoreGradient, headDim);           // dK_j += scale · dS_ij · q_i
                    AddScaled(dQi, k + j * inStride, scoreGradient, headDim);           // dQ_i += scale · dS_ij · k_j
                }
            }
        }
    }

    /// <summary>Σ_d x[d]·y[d]: two register accumulators along headDim, summed across lanes, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* x, float* y, int count)
    {
        int w = TSimd.Width, d = 0;
        TVec sum0 = TSimd.Zero, sum1 = TSimd.Zero;
        for (; d + 2 * w <= count; d += 2 * w)
        {
            sum0 = TSimd.MultiplyAdd(TSimd.Load(x + d), TSimd.Load(y + d), sum0);
            sum1 = TSimd.MultiplyAdd(TSimd.Load(x + d + w), TSimd.Load(y + d + w), sum1);
        }
        for (; d + w <= count; d += w)
            sum0 = TSimd.MultiplyAdd(TSimd.Load(x + d), TSimd.Load(y + d), sum0);
        float sum = TSimd.Sum(TSimd.Add(sum0, sum1));
        for (; d < count; d++)
            sum += x[d] * y[d];
        return sum;
    }

    /// <summary>target += factor · source, a register at a time along headDim.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(float* target, float* source, float factor, int count)
    {
        int w = TSimd.Width, d = 0;
        TVec f = TSimd.Broadcast(factor);
        for (; d + w <= count; d += w)
            TSimd.Store(target + d, TSimd.MultiplyAdd(f, TSimd.Load(source + d), TSimd.Load(target + d)));
        for (; d < count; d++)
            target[d] += factor * source[d];
    }
}

/// <summary>Constants of <see cref="FlashBackward{TSimd, TVec}"/>, the same for every vector width.</summary>
internal static class FlashBackwardLayout
{
    /// <summary>Keys per block: their rows of K, V, dK and dV (4 × 64 × headDim floats) stay in L1/L2 while every query passes.</summary>
    public const int KeyBlock = 64;
}

/// <summary>
/// Pointers and shapes of one backward call, pinned by the caller: Q, K, V, dQ, dK, dV laid out by
/// <see cref="InputLayout"/>, O and dO by <see cref="OutputLayout"/> (<see cref="HeadLayout.HeadsFirst"/> for
/// contiguous (batch, heads, tokens, headDim) tensors, <see cref="HeadLayout.TokensFirst"/> for projection outputs).
/// </summary>
internal unsafe struct BackwardArguments
{
    public float* Query;
    public float* Key;
    public float* Value;
    public float* Output;
    public float* OutputGradient;

    /// <summary>(batch·heads, tokens).</summary>
    public float* LogSumExp;

    public float* QueryGradient;
    public float* KeyGradient;
    public float* ValueGradient;
    /// <summary>Where (batch, head, token) of Q, K, V and of dQ, dK, dV starts.</summary>
    public HeadLayout InputLayout;

    /// <summary>Where (batch, head, token) of O and dO starts.</summary>
    public HeadLayout OutputLayout;

    /// <summary>batch·Heads work items.</summary>
    public int Slices;
    public int Heads;
    public int Tokens;
    public int HeadDim;
    public bool Causal;
    public float Scale;
}
