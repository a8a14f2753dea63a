using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The backward pass of <see cref="FlashAttention"/> for one (batch, head) slice per work item (FlashAttention-2's
/// algorithm, in register tiles): key blocks of <see cref="KeyBlock"/> keys in the outer loop, tiles of
/// <see cref="QueryTile"/> query rows that see the block in the inner one, the weights recomputed from the saved
/// log-sum-exp. Every product is one call of the register-tiled <see cref="StridedGemm{TSimd, TVec}"/>; written once over a
/// vector width <typeparamref name="TSimd"/>.
/// </summary>
/// <remarks>
/// <para>
/// For a key block j ∈ J and a query tile i ∈ I (c = scale·log₂e, so that 2^(c·q·k) = e^(scale·q·k)):
/// </para>
/// <list type="number">
/// <item>S = Q_I · (c·K_J)ᵀ and dP = dO_I · V_Jᵀ (tile × block, keys along the registers);</item>
/// <item>P = 2^(S − log₂e·L_I), zero where the mask hides a key; dS = P ∘ (dP − D_I);</item>
/// <item>dV_J += Pᵀ · dO_I, dK_J += dSᵀ · Q_I (block × headDim, kept in scratch for the whole block; dK is scaled at the
/// end) and dQ_I += dS · (scale·K_J) (tile × headDim, kept for the whole slice).</item>
/// </list>
/// <para>
/// The products take rows in fours and columns in whole registers, so Q, dO and the dQ accumulator are copied once per
/// slice with headDim padded to a whole register and tokens to a multiple of 4 (zeros), and no kernel has a tail; padded
/// rows and keys get P = dS = 0. Scratch per thread: <see cref="FlashBackwardLayout.ScratchFloats"/>, linear in tokens —
/// never a tokens × tokens matrix.
/// </para>
/// </remarks>
internal static unsafe class FlashBackward<TSimd, TVec>
    where TSimd : struct, ISimd<TVec>
    where TVec : unmanaged
{
    /// <summary>Keys per block (see <see cref="FlashBackwardLayout.KeyBlock"/>).</summary>
    public const int KeyBlock = FlashBackwardLayout.KeyBlock;

    /// <summary>Query rows per tile.</summary>
    public const int QueryTile = FlashBackwardLayout.QueryTile;

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
        int tokens = a.Tokens, headDim = a.HeadDim, width = TSimd.Width, batch = slice / a.Heads, head = slice % a.Heads;
        int rows = FlashBackwardLayout.PaddedTokens(tokens);                 // tokens rounded up to 4
        int padded = FlashBackwardLayout.PaddedHeadDim(headDim, width);      // headDim rounded up to a register
        int vectors = padded / width;
        long inOffset = batch * a.InputLayout.BatchStride + head * a.InputLayout.HeadStride;
        long outOffset = batch * a.OutputLayout.BatchStride + head * a.OutputLayout.HeadStride;
        int inStride = a.InputLayout.TokenStride, outStride = a.OutputLayout.TokenStride;   // floats from token i to i + 1
        float* q = a.Query + inOffset, k = a.Key + inOffset, v = a.Value + inOffset;
        float* o = a.Output + outOffset, dO = a.OutputGradient + outOffset;
        float* dQ = a.QueryGradient + inOffset, dK = a.KeyGradient + inOffset, dV = a.ValueGradient + inOffset;
        float* lse = a.LogSumExp + (long)slice * tokens;
        float scale = a.Scale, c = scale * FlashBackwardLayout.Log2E;

        float* scratch = ThreadScratch.Get(FlashBackwardLayout.ScratchFloats(tokens, headDim, width));
        float* rowDot = scratch;                                    // (rows) D_i = dO_i · O_i
        float* qp = rowDot + rows;                                  // (rows, padded) Q
        float* dOp = qp + (long)rows * padded;                      // (rows, padded) dO
        float* dQp = dOp + (long)rows * padded;                     // (rows, padded) dQ accumulator
        float* kt = dQp + (long)rows * padded;                      // (headDim, KeyBlock) c·K_Jᵀ
        float* vt = kt + headDim * KeyBlock;                        // (headDim, KeyBlock) V_Jᵀ
        float* ks = vt + headDim * KeyBlock;                        // (KeyBlock, padded) scale·K_J
        float* dKp = ks + KeyBlock * padded;                        // (KeyBlock, padded) dK_J accumulator, unscaled
        float* dVp = dKp + KeyBlock * padded;                       // (KeyBlock, padded) dV_J accumulator
        float* p = dVp + KeyBlock * padded;                         // (QueryTile, KeyBlock) S, then P
        float* dS = p + QueryTile * KeyBlock;                       // (QueryTile, KeyBlock) dP, then dS

        for (int i = 0; i < rows; i++)
            rowDot[i] = i < tokens ? Dot(dO + (long)i * outStride, o + (long)i * outStride, headDim) : 0f;
        Packing<TSimd, TVec>.Padded(q, inStride, tokens, headDim, 1f, qp, rows, padded);
        Packing<TSimd, TVec>.Padded(dO, outStride, tokens, headDim, 1f, dOp, rows, padded);
        new Span<float>(dQp, rows * padded).Clear();

        for (int firstKey = 0; firstKey < tokens; firstKey += KeyBlock)
        {
            int keys = Math.Min(KeyBlock, tokens - firstKey);
            Packing<TSimd, TVec>.Transposed(k + (long)firstKey * inStride, inStride, keys, headDim, c, kt, KeyBlock);                   // (headDim, KeyBlock)
            Packing<TSimd, TVec>.Transposed(v + (long)firstKey * inStride, inStride, keys, headDim, 1f, vt, KeyBlock);                  // (headDim, KeyBlock)
            Packing<TSimd, TVec>.Padded(k + (long)firstKey * inStride, inStride, keys, headDim, scale, ks, KeyBlock, padded);
            new Span<float>(dKp, KeyBlock * padded).Clear();
            new Span<float>(dVp, KeyBlock * padded).Clear();

            // Under the mask, tiles that end before the block's first key see none of it.
            for (int firstQuery = a.Causal ? firstKey / QueryTile * QueryTile : 0; firstQuery < rows; firstQuery += QueryTile)
            {
                int tileRows = Math.Min(QueryTile, rows - firstQuery);
                float* qi = qp + (long)firstQuery * padded, dOi = dOp + (long)firstQuery * padded;
                StridedGemm<TSimd, TVec>.Run(qi, padded, 1, kt, KeyBlock, headDim, p, KeyBlock, tileRows, KeyBlock / width, accumulate: false);   // S = Q_I·(c·K_J)ᵀ      (tile, KeyBlock)
                StridedGemm<TSimd, TVec>.Run(dOi, padded, 1, vt, KeyBlock, headDim, dS, KeyBlock, tileRows, KeyBlock / width, accumulate: false); // dP = dO_I·V_Jᵀ       (tile, KeyBlock)
                Weights(a, lse, rowDot, firstQuery, tileRows, firstKey, keys, p, dS);                                    // P, dS = P∘(dP − D)  (tile, KeyBlock)
                StridedGemm<TSimd, TVec>.Run(p, 1, KeyBlock, dOi, padded, tileRows, dVp, padded, KeyBlock, vectors, accumulate: true);            // dV_J += Pᵀ·dO_I      (KeyBlock, padded)
                StridedGemm<TSimd, TVec>.Run(dS, 1, KeyBlock, qi, padded, tileRows, dKp, padded, KeyBlock, vectors, accumulate: true);            // dK_J += dSᵀ·Q_I      (KeyBlock, padded)
                StridedGemm<TSimd, TVec>.Run(dS, KeyBlock, 1, ks, padded, KeyBlock, dQp + (long)firstQuery * padded, padded, tileRows, vectors, accumulate: true); // dQ_I += dS·(scale·K_J) (tile, padded)
            }

            Packing<TSimd, TVec>.Unpadded(dKp, keys, padded, scale, dK + (long)firstKey * inStride, inStride, headDim);  // dK_J = scale·dSᵀ·Q
            Packing<TSimd, TVec>.Unpadded(dVp, keys, padded, 1f, dV + (long)firstKey * inStride, inStride, headDim);
        }

        Packing<TSimd, TVec>.Unpadded(dQp, tokens, padded, 1f, dQ, inStride, headDim);
    }

    /// <summary>
    /// Turns a tile's scores <paramref name="p"/> into weights P = 2^(S − log₂e·L) and its dP <paramref name="dS"/> into
    /// dS = P ∘ (dP − D), with P = dS = 0 wherever the query does not see the key (the causal mask, keys past the end,
    /// padded rows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Weights(in BackwardArguments a, float* lse, float* rowDot, int firstQuery, int tileRows, int firstKey, int keys, float* p, float* dS)
    {
        int width = TSimd.Width;
        for (int r = 0; r < tileRows; r++)
        {
            int i = firstQuery + r;
            int seen = i >= a.Tokens ? 0 : a.Causal ? Math.Clamp(i - firstKey + 1, 0, keys) : keys;   // keys firstKey … firstKey + seen − 1
            TVec rowLse = TSimd.Broadcast(i < a.Tokens ? lse[i] * FlashBackwardLayout.Log2E : 0f);
            TVec di = TSimd.Broadcast(rowDot[i]);
            float* pr = p + r * KeyBlock, dSr = dS + r * KeyBlock;
            for (int j = 0; j < KeyBlock; j += width)
            {
                TVec weight = TSimd.Exp2(TSimd.Subtract(TSimd.Load(pr + j), rowLse));          // P_ij
                if (seen - j < width)
                    weight = TSimd.KeepFirst(weight, seen - j);
                TSimd.Store(pr + j, weight);
                TSimd.Store(dSr + j, TSimd.Multiply(weight, TSimd.Subtract(TSimd.Load(dSr + j), di)));   // dS_ij = P_ij·(dP_ij − D_i)
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
}
