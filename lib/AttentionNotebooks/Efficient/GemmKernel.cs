using System.Runtime.CompilerServices;
namespace AttentionNotebooks.Efficient;

/// <summary>
/// y = x·Wᵀ + b for a weight packed once into column panels (see <see cref="PackedLinear"/>), written once over a vector
/// width <typeparamref name="TSimd"/>.
/// </summary>
/// <remarks>
/// The packed weight is Wᵀ cut into panels of <see cref="PanelWidth"/> = 64 output columns; panel p holds, for each input
/// feature k, the 64 weights W[64p … 64p + 63, k] side by side (zero past the last output). The micro-kernel computes
/// 6 rows of x × 4 registers of outputs (24 accumulators, up to 64 columns): per input feature it loads 4 registers of
/// the panel and broadcasts 6 values of x. With 16 registers (AVX2, scalar; <see cref="ISimd{TVec}.WideBlocking"/> false)
/// it is 6 rows × 2 registers (12 accumulators), the panel's column groups in turn. Work items are (block of 96 rows, panel), rows first, so a thread reuses the
/// same rows of x (L2) against successive panels, and each panel (inFeatures × 64 floats) is read from L2 by 16 micro-kernels.
/// </remarks>
internal static unsafe class GemmKernel<TSimd, TVec>
    where TSimd : struct, ISimd<TVec>
    where TVec : unmanaged
{
    /// <summary>Output columns per packed panel (4 AVX-512 registers).</summary>
    public const int PanelWidth = 64;

    private const int Rows = 6;
    private const int RowBlock = Rows * 16;

    /// <summary>Computes every row of y on up to <paramref name="degreeOfParallelism"/> threads.</summary>
    public static void Run(in GemmArguments arguments, int degreeOfParallelism)
    {
        var job = t_job ??= new Job();
        job.Arguments = arguments;
        job.Panels = (arguments.OutFeatures + PanelWidth - 1) / PanelWidth;
        int rowBlocks = (arguments.Rows - 1) / RowBlock + 1;      // rows ≥ 1; rows + RowBlock − 1 could overflow
        double flops = 2.0 * arguments.Rows * arguments.InFeatures * (double)arguments.OutFeatures;
        job.Run(rowBlocks * job.Panels, ParallelJob.Threads(flops, degreeOfParallelism));
        job.Arguments = default;
    }

    [ThreadStatic]
    private static Job? t_job;

    private sealed class Job : ParallelJob
    {
        public GemmArguments Arguments;
        public int Panels;

        protected override void RunItem(int item) => Block(in Arguments, item / Panels * RowBlock, item % Panels);
    }

    /// <summary>Rows firstRow … firstRow + 95 of y, columns of panel <paramref name="panel"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block(in GemmArguments a, int firstRow, int panel)
    {
        int rowEnd = firstRow + Math.Min(RowBlock, a.Rows - firstRow);   // never past a.Rows, so never overflows
        int firstColumn = panel * PanelWidth;
        int columns = Math.Min(PanelWidth, a.OutFeatures - firstColumn);
        // Columns per micro-kernel call: 4 registers with 32 registers, 2 with 16 (see ISimd.WideBlocking).
        int inFeatures = a.InFeatures, outFeatures = a.OutFeatures, step = (TSimd.WideBlocking ? 4 : 2) * TSimd.Width;
        float* packed = a.PackedWeight + (long)panel * inFeatures * PanelWidth;
        float* bias = a.PackedBias + firstColumn;
        float* tail = stackalloc float[Rows * PanelWidth];
        for (int sub = 0; sub < columns; sub += step)
        {
            int valid = Math.Min(step, columns - sub);
            for (int row = firstRow; row < rowEnd;)
            {
                int count = Math.Min(Rows, rowEnd - row);
                float* x = a.Input + (long)row * inFeatures;
                float* y = a.Output + (long)row * outFeatures + firstColumn + sub;
                bool direct = valid == step;
                float* target = direct ? y : tail;
                int targetStride = direct ? outFeatures : step;
                if (count == Rows && TSimd.WideBlocking)
                    Kernel6(x, inFeatures, packed + sub, bias + sub, target, targetStride);
                else if (count == Rows)
                    Kernel6x2(x, inFeatures, packed + sub, bias + sub, target, targetStride);
                else if (TSimd.WideBlocking)
                    for (int r = 0; r < count; r++)
                        Kernel1(x + (long)r * inFeatures, inFeatures, packed + sub, bias + sub, target + (long)r * targetStride);
                else
                    for (int r = 0; r < count; r++)
                        Kernel1x2(x + (long)r * inFeatures, inFeatures, packed + sub, bias + sub, target + (long)r * targetStride);
                if (!direct)
                    for (int r = 0; r < count; r++)
                        new ReadOnlySpan<float>(tail + r * step, valid).CopyTo(new Span<float>(y + (long)r * outFeatures, valid));
                row += count;
            }
        }
    }

    /// <summary>Micro-kernel: 6 rows × 4 registers of columns, 24 accumulators, loop over input features.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6(float* x, int inFeatures, float* packed, float* bias, float* y, int yStride)
    {
        int w = TSimd.Width;
        TVec b0 = TSimd.Load(bias), b1 = TSimd.Load(bias + w), b2 = TSimd.Load(bias + 2 * w), b3 = TSimd.Load(bias + 3 * w);
        TVec c00 = b0, c01 = b1, c02 = b2, c03 = b3;
        TVec c10 = b0, c11 = b1, c12 = b2, c13 = b3;
        TVec c20 = b0, c21 = b1, c22 = b2, c23 = b3;
        TVec c30 = b0, c31 = b1, c32 = b2, c33 = b3;
        TVec c40 = b0, c41 = b1, c42 = b2, c43 = b3;
        TVec c50 = b0, c51 = b1, c52 = b2, c53 = b3;
        float* x0 = x, x1 = x + inFeatures, x2 = x1 + inFeatures, x3 = x2 + inFeatures, x4 = x3 + inFeatures, x5 = x4 + inFeatures;
        for (int k = 0; k < inFeatures; k++, packed += PanelWidth)
        {
            TVec w0 = TSimd.Load(packed), w1 = TSimd.Load(packed + w), w2 = TSimd.Load(packed + 2 * w), w3 = TSimd.Load(packed + 3 * w);
            TVec a = TSimd.Broadcast(x0[k]);
            c00 = TSimd.MultiplyAdd(a, w0, c00); c01 = TSimd.MultiplyAdd(a, w1, c01); c02 = TSimd.MultiplyAdd(a, w2, c02); c03 = TSimd.MultiplyAdd(a, w3, c03);
            a = TSimd.Broadcast(x1[k]);
            c10 = TSimd.MultiplyAdd(a, w0, c10); c11 = TSimd.MultiplyAdd(a, w1, c11); c12 = TSimd.MultiplyAdd(a, w2, c12); c13 = TSimd.MultiplyAdd(a, w3, c13);
            a = TSimd.Broadcast(x2[k]);
            c20 = TSimd.MultiplyAdd(a, w0, c20); c21 = TSimd.MultiplyAdd(a, w1, c21); c22 = TSimd.MultiplyAdd(a, w2, c22); c23 = TSimd.MultiplyAdd(a, w3, c23);
            a = TSimd.Broadcast(x3[k]);
            c30 = TSimd.MultiplyAdd(a, w0, c30); c31 = TSimd.MultiplyAdd(a, w1, c31); c32 = TSimd.MultiplyAdd(a, w2, c32); c33 = TSimd.MultiplyAdd(a, w3, c33);
            a = TSimd.Broadcast(x4[k]);
            c40 = TSimd.MultiplyAdd(a, w0, c40); c41 = TSimd.MultiplyAdd(a, w1, c41); c42 = TSimd.MultiplyAdd(a, w2, c42); c43 = TSimd.MultiplyAdd(a, w3, c43);
            a = TSimd.Broadcast(x5[k]);
            c50 = TSimd.MultiplyAdd(a, w0, c50); c51 = TSimd.MultiplyAdd(a, w1, c51); c52 = TSimd.MultiplyAdd(a, w2, c52); c53 = TSimd.MultiplyAdd(a, w3, c53);
        }
        Store4(y, w, c00, c01, c02, c03); y += yStride;
        Store4(y, w, c10, c11, c12, c13); y += yStride;
        Store4(y, w, c20, c21, c22, c23); y += yStride;
        Store4(y, w, c30, c31, c32, c33); y += yStride;
        Store4(y, w, c40, c41, c42, c43); y += yStride;
        Store4(y, w, c50, c51, c52, c53);
    }

    /// <summary>Micro-kernel for the row tail: 1 row × 4 registers of columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1(float* x, int inFeatures, float* packed, float* bias, float* y)
    {
        int w = TSimd.Width;
        TVec c0 = TSimd.Load(bias), c1 = TSimd.Load(bias + w), c2 = TSimd.Load(bias + 2 * w), c3 = TSimd.Load(bias + 3 * w);
        for (int k = 0; k < inFeatures; k++, packed += PanelWidth)
        {
            TVec a = TSimd.Broadcast(x[k]);
            c0 = TSimd.MultiplyAdd(a, TSimd.Load(packed), c0);
            c1 = TSimd.MultiplyAdd(a, TSimd.Load(packed + w), c1);
            c2 = TSimd.MultiplyAdd(a, TSimd.Load(packed + 2 * w), c2);
            c3 = TSimd.MultiplyAdd(a, TSimd.Load(packed + 3 * w), c3);
        }
        Store4(y, w, c0, c1, c2, c3);
    }

    /// <summary>Micro-kernel for 16 registers: 6 rows × 2 registers of columns, 12 accumulators, 2 weight loads and 1 broadcast live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x2(float* x, int inFeatures, float* packed, float* bias, float* y, int yStride)
    {
        int w = TSimd.Width;
        TVec b0 = TSimd.Load(bias), b1 = TSimd.Load(bias + w);
        TVec c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1;
        TVec c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1;
        float* x0 = x, x1 = x + inFeatures, x2 = x1 + inFeatures, x3 = x2 + inFeatures, x4 = x3 + inFeatures, x5 = x4 + inFeatures;
        for (int k = 0; k < inFeatures; k++, packed += PanelWidth)
        {
            TVec w0 = TSimd.Load(packed), w1 = TSimd.Load(packed + w);
            TVec a = TSimd.Broadcast(x0[k]);
            c00 = TSimd.MultiplyAdd(a, w0, c00); c01 = TSimd.MultiplyAdd(a, w1, c01);
            a = TSimd.Broadcast(x1[k]);
            c10 = TSimd.MultiplyAdd(a, w0, c10); c11 = TSimd.MultiplyAdd(a, w1, c11);
            a = TSimd.Broadcast(x2[k]);
            c20 = TSimd.MultiplyAdd(a, w0, c20); c21 = TSimd.MultiplyAdd(a, w1, c21);
            a = TSimd.Broadcast(x3[k]);
            c30 = TSimd.MultiplyAdd(a, w0, c30); c31 = TSimd.MultiplyAdd(a, w1, c31);
            a = TSimd.Broadcast(x4[k]);
            c40 = TSimd.MultiplyAdd(a, w0, c40); c41 = TSimd.MultiplyAdd(a, w1, c41);
            a = TSimd.Broadcast(x5[k]);
            c50 = TSimd.MultiplyAdd(a, w0, c50); c51 = TSimd.MultiplyAdd(a, w1, c51);
        }
        TSimd.Store(y, c00); TSimd.Store(y + w, c01); y += yStride;
        TSimd.Store(y, c10); TSimd.Store(y + w, c11); y += yStride;
        TSimd.Store(y, c20); TSimd.Store(y + w, c21); y += yStride;
        TSimd.Store(y, c30); TSimd.Store(y + w, c31); y += yStride;
        TSimd.Store(y, c40); TSimd.Store(y + w, c41); y += yStride;
        TSimd.Store(y, c50); TSimd.Store(y + w, c51);
    }

    /// <summary>Micro-kernel for the row tail with 16 registers: 1 row × 2 registers of columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1x2(float* x, int inFeatures, float* packed, float* bias, float* y)
    {
        int w = TSimd.Width;
        TVec c0 = TSimd.Load(bias), c1 = TSimd.Load(bias + w);
        for (int k = 0; k < inFeatures; k++, packed += PanelWidth)
        {
            TVec a = TSimd.Broadcast(x[k]);
            c0 = TSimd.MultiplyAdd(a, TSimd.Load(packed), c0);
            c1 = TSimd.MultiplyAdd(a, TSimd.Load(packed + w), c1);
        }
        TSimd.Store(y, c0); TSimd.Store(y + w, c1);
    }

    private static void Store4(float* y, int w, TVec c0, TVec c1, TVec c2, TVec c3)
    {
        TSimd.Store(y, c0); TSimd.Store(y + w, c1); TSimd.Store(y + 2 * w, c2); TSimd.Store(y + 3 * w, c3);
    }
}
