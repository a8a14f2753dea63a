using System.Runtime.CompilerServices;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// The backward pass of <see cref="FlashAttention"/> for one (batch, head) slice per work item (FlashAttention-2's
/// algorithm, in register tiles): key blocks of <see cref="KeyBlock"/> keys in the outer loop, tiles of
/// <see cref="QueryTile"/> query rows that see the block in the inner one, the weights recomputed from the saved
/// log-sum-exp. Every product is one blocked micro-kernel (<see cref="Gemm"/>), written once over a vector width
/// <typeparamref name="TSimd"/>.
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
/// The micro-kernel holds 4 rows × 4 registers of its result (with 16 registers, <see cref="ISimd{TVec}.WideBlocking"/>
/// false: 4 × 2) and, per step, broadcasts one element of each row against 4 (2) loaded registers. Q, dO and the dQ
/// accumulator are copied once per slice with headDim padded to a whole register and tokens to a multiple of 4 (zeros),
/// so no kernel has a tail; padded rows and keys get P = dS = 0. Scratch per thread:
/// <see cref="FlashBackwardLayout.ScratchFloats"/>, linear in tokens — never a tokens × tokens matrix.
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
        CopyPadded(q, inStride, tokens, headDim, 1f, qp, rows, padded);
        CopyPadded(dO, outStride, tokens, headDim, 1f, dOp, rows, padded);
        new Span<float>(dQp, rows * padded).Clear();

        for (int firstKey = 0; firstKey < tokens; firstKey += KeyBlock)
        {
            int keys = Math.Min(KeyBlock, tokens - firstKey);
            FlashKernel<TSimd, TVec>.PackTransposed(k + (long)firstKey * inStride, inStride, keys, headDim, c, kt, KeyBlock);                   // (headDim, KeyBlock)
            FlashKernel<TSimd, TVec>.PackTransposed(v + (long)firstKey * inStride, inStride, keys, headDim, 1f, vt, KeyBlock);                  // (headDim, KeyBlock)
            CopyPadded(k + (long)firstKey * inStride, inStride, keys, headDim, scale, ks, KeyBlock, padded);
            new Span<float>(dKp, KeyBlock * padded).Clear();
            new Span<float>(dVp, KeyBlock * padded).Clear();

            // Under the mask, tiles that end before the block's first key see none of it.
            for (int firstQuery = a.Causal ? firstKey / QueryTile * QueryTile : 0; firstQuery < rows; firstQuery += QueryTile)
            {
                int tileRows = Math.Min(QueryTile, rows - firstQuery);
                float* qi = qp + (long)firstQuery * padded, dOi = dOp + (long)firstQuery * padded;
                Gemm(qi, padded, 1, kt, KeyBlock, headDim, p, KeyBlock, tileRows, KeyBlock / width, accumulate: false);   // S = Q_I·(c·K_J)ᵀ      (tile, KeyBlock)
                Gemm(dOi, padded, 1, vt, KeyBlock, headDim, dS, KeyBlock, tileRows, KeyBlock / width, accumulate: false); // dP = dO_I·V_Jᵀ       (tile, KeyBlock)
                Weights(a, lse, rowDot, firstQuery, tileRows, firstKey, keys, p, dS);                                    // P, dS = P∘(dP − D)  (tile, KeyBlock)
                Gemm(p, 1, KeyBlock, dOi, padded, tileRows, dVp, padded, KeyBlock, vectors, accumulate: true);            // dV_J += Pᵀ·dO_I      (KeyBlock, padded)
                Gemm(dS, 1, KeyBlock, qi, padded, tileRows, dKp, padded, KeyBlock, vectors, accumulate: true);            // dK_J += dSᵀ·Q_I      (KeyBlock, padded)
                Gemm(dS, KeyBlock, 1, ks, padded, KeyBlock, dQp + (long)firstQuery * padded, padded, tileRows, vectors, accumulate: true); // dQ_I += dS·(scale·K_J) (tile, padded)
            }

            CopyUnpadded(dKp, keys, padded, scale, dK + (long)firstKey * inStride, inStride, headDim);  // dK_J = scale·dSᵀ·Q
            CopyUnpadded(dVp, keys, padded, 1f, dV + (long)firstKey * inStride, inStride, headDim);
        }

        CopyUnpadded(dQp, tokens, padded, 1f, dQ, inStride, headDim);
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

    /// <summary>
    /// c[r, ·] = (or +=) Σ_t a[r·aRow + t·aStep] · b[t·bStride + ·] for rows r &lt; <paramref name="rows"/> (a multiple
    /// of 4) and <paramref name="vectors"/> registers of columns: 4 rows × 4 (or 2) registers at a time, then single registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemm(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, int rows, int vectors, bool accumulate)
    {
        int width = TSimd.Width;
        for (int r = 0; r < rows; r += 4)
        {
            float* ar = a + (long)r * aRow, cr = c + (long)r * cStride;
            int column = 0;
            if (TSimd.WideBlocking)
                for (; column + 4 <= vectors; column += 4)
                    Kernel4x4(ar, aRow, aStep, b + column * width, bStride, steps, cr + column * width, cStride, accumulate);
            for (; column + 2 <= vectors; column += 2)
                Kernel4x2(ar, aRow, aStep, b + column * width, bStride, steps, cr + column * width, cStride, accumulate);
            for (; column < vectors; column++)
                Kernel4x1(ar, aRow, aStep, b + column * width, bStride, steps, cr + column * width, cStride, accumulate);
        }
    }

    /// <summary>4 rows × 4 registers: 16 accumulators, 4 loads and 4 broadcasts per step (21 live registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x4(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, bool accumulate)
    {
        int w = TSimd.Width;
        float* c0 = c, c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        TVec x00 = TSimd.Zero, x01 = TSimd.Zero, x02 = TSimd.Zero, x03 = TSimd.Zero;
        TVec x10 = TSimd.Zero, x11 = TSimd.Zero, x12 = TSimd.Zero, x13 = TSimd.Zero;
        TVec x20 = TSimd.Zero, x21 = TSimd.Zero, x22 = TSimd.Zero, x23 = TSimd.Zero;
        TVec x30 = TSimd.Zero, x31 = TSimd.Zero, x32 = TSimd.Zero, x33 = TSimd.Zero;
        if (accumulate)
        {
            x00 = TSimd.Load(c0); x01 = TSimd.Load(c0 + w); x02 = TSimd.Load(c0 + 2 * w); x03 = TSimd.Load(c0 + 3 * w);
            x10 = TSimd.Load(c1); x11 = TSimd.Load(c1 + w); x12 = TSimd.Load(c1 + 2 * w); x13 = TSimd.Load(c1 + 3 * w);
            x20 = TSimd.Load(c2); x21 = TSimd.Load(c2 + w); x22 = TSimd.Load(c2 + 2 * w); x23 = TSimd.Load(c2 + 3 * w);
            x30 = TSimd.Load(c3); x31 = TSimd.Load(c3 + w); x32 = TSimd.Load(c3 + 2 * w); x33 = TSimd.Load(c3 + 3 * w);
        }

        float* a0 = a, a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        for (int t = 0; t < steps; t++, b += bStride)
        {
            long at = (long)t * aStep;
            TVec b0 = TSimd.Load(b), b1 = TSimd.Load(b + w), b2 = TSimd.Load(b + 2 * w), b3 = TSimd.Load(b + 3 * w);
            TVec e = TSimd.Broadcast(a0[at]);
            x00 = TSimd.MultiplyAdd(e, b0, x00); x01 = TSimd.MultiplyAdd(e, b1, x01); x02 = TSimd.MultiplyAdd(e, b2, x02); x03 = TSimd.MultiplyAdd(e, b3, x03);
            e = TSimd.Broadcast(a1[at]);
            x10 = TSimd.MultiplyAdd(e, b0, x10); x11 = TSimd.MultiplyAdd(e, b1, x11); x12 = TSimd.MultiplyAdd(e, b2, x12); x13 = TSimd.MultiplyAdd(e, b3, x13);
            e = TSimd.Broadcast(a2[at]);
            x20 = TSimd.MultiplyAdd(e, b0, x20); x21 = TSimd.MultiplyAdd(e, b1, x21); x22 = TSimd.MultiplyAdd(e, b2, x22); x23 = TSimd.MultiplyAdd(e, b3, x23);
            e = TSimd.Broadcast(a3[at]);
            x30 = TSimd.MultiplyAdd(e, b0, x30); x31 = TSimd.MultiplyAdd(e, b1, x31); x32 = TSimd.MultiplyAdd(e, b2, x32); x33 = TSimd.MultiplyAdd(e, b3, x33);
        }

        TSimd.Store(c0, x00); TSimd.Store(c0 + w, x01); TSimd.Store(c0 + 2 * w, x02); TSimd.Store(c0 + 3 * w, x03);
        TSimd.Store(c1, x10); TSimd.Store(c1 + w, x11); TSimd.Store(c1 + 2 * w, x12); TSimd.Store(c1 + 3 * w, x13);
        TSimd.Store(c2, x20); TSimd.Store(c2 + w, x21); TSimd.Store(c2 + 2 * w, x22); TSimd.Store(c2 + 3 * w, x23);
        TSimd.Store(c3, x30); TSimd.Store(c3 + w, x31); TSimd.Store(c3 + 2 * w, x32); TSimd.Store(c3 + 3 * w, x33);
    }

    /// <summary>4 rows × 2 registers: 8 accumulators, 2 loads and 4 broadcasts per step (11 live registers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x2(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, bool accumulate)
    {
        int w = TSimd.Width;
        float* c0 = c, c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        TVec x00 = TSimd.Zero, x01 = TSimd.Zero, x10 = TSimd.Zero, x11 = TSimd.Zero;
        TVec x20 = TSimd.Zero, x21 = TSimd.Zero, x30 = TSimd.Zero, x31 = TSimd.Zero;
        if (accumulate)
        {
            x00 = TSimd.Load(c0); x01 = TSimd.Load(c0 + w);
            x10 = TSimd.Load(c1); x11 = TSimd.Load(c1 + w);
            x20 = TSimd.Load(c2); x21 = TSimd.Load(c2 + w);
            x30 = TSimd.Load(c3); x31 = TSimd.Load(c3 + w);
        }

        float* a0 = a, a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        for (int t = 0; t < steps; t++, b += bStride)
        {
            long at = (long)t * aStep;
            TVec b0 = TSimd.Load(b), b1 = TSimd.Load(b + w);
            TVec e = TSimd.Broadcast(a0[at]);
            x00 = TSimd.MultiplyAdd(e, b0, x00); x01 = TSimd.MultiplyAdd(e, b1, x01);
            e = TSimd.Broadcast(a1[at]);
            x10 = TSimd.MultiplyAdd(e, b0, x10); x11 = TSimd.MultiplyAdd(e, b1, x11);
            e = TSimd.Broadcast(a2[at]);
            x20 = TSimd.MultiplyAdd(e, b0, x20); x21 = TSimd.MultiplyAdd(e, b1, x21);
            e = TSimd.Broadcast(a3[at]);
            x30 = TSimd.MultiplyAdd(e, b0, x30); x31 = TSimd.MultiplyAdd(e, b1, x31);
        }

        TSimd.Store(c0, x00); TSimd.Store(c0 + w, x01);
        TSimd.Store(c1, x10); TSimd.Store(c1 + w, x11);
        TSimd.Store(c2, x20); TSimd.Store(c2 + w, x21);
        TSimd.Store(c3, x30); TSimd.Store(c3 + w, x31);
    }

    /// <summary>4 rows × 1 register, for the last register of an odd count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x1(float* a, int aRow, int aStep, float* b, int bStride, int steps, float* c, int cStride, bool accumulate)
    {
        float* c0 = c, c1 = c + cStride, c2 = c1 + cStride, c3 = c2 + cStride;
        TVec x0 = accumulate ? TSimd.Load(c0) : TSimd.Zero, x1 = accumulate ? TSimd.Load(c1) : TSimd.Zero;
        TVec x2 = accumulate ? TSimd.Load(c2) : TSimd.Zero, x3 = accumulate ? TSimd.Load(c3) : TSimd.Zero;
        float* a0 = a, a1 = a + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
        for (int t = 0; t < steps; t++, b += bStride)
        {
            long at = (long)t * aStep;
            TVec b0 = TSimd.Load(b);
            x0 = TSimd.MultiplyAdd(TSimd.Broadcast(a0[at]), b0, x0);
            x1 = TSimd.MultiplyAdd(TSimd.Broadcast(a1[at]), b0, x1);
            x2 = TSimd.MultiplyAdd(TSimd.Broadcast(a2[at]), b0, x2);
            x3 = TSimd.MultiplyAdd(TSimd.Broadcast(a3[at]), b0, x3);
        }

        TSimd.Store(c0, x0); TSimd.Store(c1, x1); TSimd.Store(c2, x2); TSimd.Store(c3, x3);
    }

    /// <summary>factor · count rows of headDim (<paramref name="stride"/> floats apart) into rows of <paramref name="padded"/> floats, zeros after each row and in rows count … rows − 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyPadded(float* source, int stride, int count, int headDim, float factor, float* target, int rows, int padded)
    {
        for (int i = 0; i < count; i++)
        {
            float* to = target + (long)i * padded;
            ScaleRow(source + (long)i * stride, to, headDim, factor);
            new Span<float>(to + headDim, padded - headDim).Clear();
        }
        new Span<float>(target + (long)count * padded, (rows - count) * padded).Clear();
    }

    /// <summary>factor · the first headDim floats of each of count rows of <paramref name="padded"/> floats, into rows <paramref name="stride"/> floats apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CopyUnpadded(float* source, int count, int padded, float factor, float* target, int stride, int headDim)
    {
        for (int i = 0; i < count; i++)
            ScaleRow(source + (long)i * padded, target + (long)i * stride, headDim, factor);
    }

    /// <summary>to[d] = factor · from[d] for d &lt; headDim, a register at a time, then the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScaleRow(float* from, float* to, int headDim, float factor)
    {
        int w = TSimd.Width, d = 0;
        TVec f = TSimd.Broadcast(factor);
        for (; d + w <= headDim; d += w)
            TSimd.Store(to + d, TSimd.Multiply(f, TSimd.Load(from + d)));
        for (; d < headDim; d++)
            to[d] = factor * from[d];
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

/// <summary>Constants of <see cref="FlashBackward{TSimd, TVec}"/>, the same for every vector width.</summary>
internal static class FlashBackwardLayout
{
    /// <summary>Keys per block: their K, V, dK and dV (5 × 64 × headDim floats) stay in L1/L2 while every query tile passes.</summary>
    public const int KeyBlock = 64;

    /// <summary>Query rows per tile: the tile's S and dP (2 × 64 × 64 floats, 32 KB) stay in L1/L2 between the five products.</summary>
    public const int QueryTile = 64;

    /// <summary>log₂ e: e^x = 2^(x·log₂ e).</summary>
    public const float Log2E = 1.44269504088896341f;

    /// <summary>Tokens rounded up to a multiple of 4 (the micro-kernels' rows).</summary>
    public static int PaddedTokens(int tokens) => (int)(((long)tokens + 3) / 4 * 4);

    /// <summary>headDim rounded up to a whole register of <paramref name="width"/> floats.</summary>
    public static int PaddedHeadDim(int headDim, int width) => (int)(((long)headDim + width - 1) / width * width);

    /// <summary>
    /// Scratch floats per thread: D and padded copies of Q, dO and dQ for the slice ((4 + 3·padded) per token), and per
    /// key block its Kᵀ and Vᵀ, scale·K, dK and dV and a tile's S and dP. 64-bit: callers check it fits in one array.
    /// </summary>
    public static long ScratchFloats(long tokens, long headDim, int width)
    {
        long rows = (tokens + 3) / 4 * 4, padded = (headDim + width - 1) / width * width;
        return rows + 3 * rows * padded + 2 * headDim * KeyBlock + 3L * KeyBlock * padded + 2L * QueryTile * KeyBlock;
    }
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
