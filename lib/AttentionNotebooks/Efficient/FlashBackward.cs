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

    /// <summary>dQ, dK, dV of slice <paramref name="slice"/> (tensors (slices, tokens, headDim), log-sum-exp (slices, tokens)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Slice(in BackwardArguments a, int slice)
    {
        int tokens = a.Tokens, headDim = a.HeadDim;
        long offset = (long)slice * tokens * headDim;
        float* q = a.Query + offset, k = a.Key + offset, v = a.Value + offset, o = a.Output + offset, dO = a.OutputGradient + offset;
        float* dQ = a.QueryGradient + offset, dK = a.KeyGradient + offset, dV = a.ValueGradient + offset;
        float* lse = a.LogSumExp + (long)slice * tokens;
        float scale = a.Scale;

        float* scratch = ThreadScratch.Get(tokens + 2L * KeyBlock);
        float* rowDot = scratch;                  // (tokens) D_i = dO_i · O_i
        float* p = rowDot + tokens;               // (KeyBlock) one query row's weights for the block's keys
        float* dS = p + KeyBlock;                 // (KeyBlock) their score gradients

        for (int i = 0; i < tokens; i++)
            rowDot[i] = Dot(dO + (long)i * headDim, o + (long)i * headDim, headDim);
        long sliceFloats = (long)tokens * headDim;
        new Span<float>(dQ, (int)sliceFloats).Clear();
        new Span<float>(dK, (int)sliceFloats).Clear();
        new Span<float>(dV, (int)sliceFloats).Clear();

        for (int firstKey = 0; firstKey < tokens; firstKey += KeyBlock)
        {
            int blockEnd = Math.Min(tokens, firstKey + KeyBlock);
            for (int i = a.Causal ? firstKey : 0; i < tokens; i++)
            {
                int keyEnd = a.Causal ? Math.Min(blockEnd, i + 1) : blockEnd;   // keys firstKey … keyEnd − 1 seen by row i
                float* qi = q + (long)i * headDim, dOi = dO + (long)i * headDim;
                float rowLse = lse[i], di = rowDot[i];
                for (int j = firstKey; j < keyEnd; j++)
                {
                    float weight = MathF.Exp(scale * Dot(qi, k + (long)j * headDim, headDim) - rowLse);     // P_ij
                    float weightGradient = Dot(dOi, v + (long)j * headDim, headDim);                        // dP_ij
                    p[j - firstKey] = weight;
                    dS[j - firstKey] = weight * (weightGradient - di);                                     // dS_ij
                }
                float* dQi = dQ + (long)i * headDim;
                for (int j = firstKey; j < keyEnd; j++)
                {
                    float weight = p[j - firstKey], scoreGradient = dS[j - firstKey] * scale;
                    AddScaled(dV + (long)j * headDim, dOi, weight, headDim);            // dV_j += P_ij · dO_i
                    AddScaled(dK + (long)j * headDim, qi, scoreGradient, headDim);      // dK_j += scale · dS_ij · q_i
                    AddScaled(dQi, k + (long)j * headDim, scoreGradient, headDim);      // dQ_i += scale · dS_ij · k_j
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

/// <summary>Pointers and shapes of one backward call; every tensor (batch·heads, tokens, headDim) contiguous, pinned by the caller.</summary>
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
    public int Slices;
    public int Tokens;
    public int HeadDim;
    public bool Causal;
    public float Scale;
}
