using System.Buffers;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Efficient;

/// <summary>
/// Multi-head attention computing what <see cref="MultiHeadAttention"/> computes in evaluation mode (and, for training
/// without dropout, its gradients), fast: one fused query/key/value projection (a (3·dOut × dIn) weight), the fused
/// <see cref="FlashAttention"/> kernel on every head at once, and the output projection — all with blocked SIMD kernels
/// and no tokens × tokens matrix.
/// </summary>
/// <remarks>
/// <para>
/// Data flow for a batch of B sequences of T tokens: x (B·T, dIn) → QKV = x·[W_q; W_k; W_v]ᵀ + b (B·T, 3·dOut), whose
/// row for a token holds its queries, keys and values for every head side by side → per (sequence, head) attention
/// read in place (head h is the headDim columns starting at h·headDim of each third) → context (B·T, dOut), already the
/// heads concatenated → y = context·W_oᵀ + b_o (B·T, dOut).
/// </para>
/// <para>
/// There is no dropout and no attention-weight output. <see cref="Forward(ReadOnlySpan{float}, Span{float}, int, int, FlashAttentionOptions?)"/>
/// is for inference: its intermediate buffers come from <see cref="ArrayPool{T}.Shared"/> and go back after each call.
/// The training step is <see cref="ForwardForTraining"/>, which keeps QKV, the context and the log-sum-exp in a
/// <see cref="FusedMultiHeadAttentionActivations"/>, then <see cref="Backward"/>, which writes dL/dx and adds the
/// gradients of the fused QKV projection and of the output projection to a <see cref="FusedMultiHeadAttentionGradients"/>
/// (the weights themselves are not changed). Instances are immutable and thread-safe.
/// </para>
/// </remarks>
public sealed unsafe partial class FusedMultiHeadAttention
{
    /// <summary>A module with copies of the given projections, as the teaching <see cref="MultiHeadAttention"/> takes them.</summary>
    /// <param name="wQuery">Query projection (dIn → dOut).</param>
    /// <param name="wKey">Key projection (dIn → dOut).</param>
    /// <param name="wValue">Value projection (dIn → dOut).</param>
    /// <param name="outProj">Output projection (dOut → dOut).</param>
    /// <param name="contextLength">The longest sequence the module accepts.</param>
    /// <param name="numHeads">Number of heads; must divide dOut.</param>
    /// <param name="dropout">Must be 0: this module has no dropout (for inference, or training without dropout).</param>
    /// <param name="causal">Whether token t only attends to tokens 0 … t (true for GPT-style models and the teaching module).</param>
    public FusedMultiHeadAttention(Linear wQuery, Linear wKey, Linear wValue, Linear outProj, int contextLength, int numHeads, float dropout = 0f, bool causal = true)
    {
        QkvLayers.CheckOutput(wQuery, wKey, wValue, outProj, numHeads);
        Check.Positive(contextLength, nameof(contextLength));
        if (dropout != 0f)
            throw new NotSupportedException($"dropout is {dropout} but FusedMultiHeadAttention has no dropout, neither in inference nor in its training step: pass 0 (or compare with MultiHeadAttention in evaluation mode).");
        QkvProjection = PackedLinear.Stack(wQuery, wKey, wValue);
        OutProjection = PackedLinear.From(outProj);
        NumHeads = numHeads;
        ContextLength = contextLength;
        Causal = causal;
    }

    /// <summary>The fused equivalent of <paramref name="module"/> (its four projections copied), causal like it.</summary>
    /// <param name="module">A teaching module; if it has dropout, it must be in evaluation mode (<c>Training = false</c>), where dropout does nothing.</param>
    public static FusedMultiHeadAttention FromTeaching(MultiHeadAttention module)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module.Training && module.Dropout.P > 0f)
            throw new NotSupportedException($"The module is in training mode with dropout {module.Dropout.P}, which FusedMultiHeadAttention (no dropout) cannot reproduce: set Training = false first.");
        return new FusedMultiHeadAttention(module.WQuery, module.WKey, module.WValue, module.OutProj, module.ContextLength, module.NumHeads);
    }

    /// <summary>[W_query; W_key; W_value] as one layer: dIn → 3·dOut.</summary>
    public PackedLinear QkvProjection { get; }

    /// <summary>The output projection: dOut → dOut.</summary>
    public PackedLinear OutProjection { get; }

    /// <summary>Number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>Features per head: dOut / numHeads.</summary>
    public int HeadDim => DOut / NumHeads;

    /// <summary>Input features per token.</summary>
    public int DIn => QkvProjection.InFeatures;

    /// <summary>Output features per token.</summary>
    public int DOut => OutProjection.OutFeatures;

    /// <summary>The longest sequence the module accepts.</summary>
    public int ContextLength { get; }

    /// <summary>Whether token t only attends to tokens 0 … t.</summary>
    public bool Causal { get; }

    /// <summary>Computes multi-head attention for a batch of sequences stored contiguously.</summary>
    /// <param name="input">(batch, tokens, dIn), row-major, all values finite.</param>
    /// <param name="output">Receives (batch, tokens, dOut), row-major; must not overlap <paramref name="input"/>.</param>
    /// <param name="batch">Number of sequences, ≥ 1.</param>
    /// <param name="tokens">Tokens per sequence, 1 … ContextLength.</param>
    /// <param name="options">Threads, instruction set and scale; <see cref="FlashAttentionOptions.Default"/> if null.</param>
    /// <exception cref="OverflowException">The outputs overflowed float32 (inputs or weights too large); <paramref name="output"/> then holds them as computed.</exception>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int tokens, FlashAttentionOptions? options = null)
    {
        CheckBuffers(input, output, batch, tokens, ref options);
        CheckFiniteInput(input, tokens);
        Run(input, output, batch, tokens, options);
        CheckFinite(output, input, tokens);
    }

    /// <summary>Rejects NaN and ±∞ in the input, naming sequence, token and feature.</summary>
    private void CheckFiniteInput(ReadOnlySpan<float> input, int tokens)
    {
        int index = input.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);   // NaN and ±∞ lie outside every range
        if (index >= 0)
        {
            int perSequence = tokens * DIn;
            throw new ArgumentException(
                $"input contains {input[index]} at sequence {index / perSequence}, token {index % perSequence / DIn}, feature {index % DIn}: every input must be a finite number.", nameof(input));
        }
    }

    /// <summary>
    /// The outputs computed from finite inputs are finite; otherwise float32 overflowed inside the computation (the
    /// fused kernel keeps no scores to say where: <see cref="MultiHeadAttention"/> on the same inputs names the step).
    /// </summary>
    private void CheckFinite(ReadOnlySpan<float> output, ReadOnlySpan<float> input, int tokens)
    {
        int index = output.IndexOfAnyExceptInRange(float.MinValue, float.MaxValue);
        if (index < 0)
            return;
        float largest = 0f;
        foreach (float v in input)
            largest = Math.Max(largest, Math.Abs(v));
        int perSequence = tokens * DOut;
        throw new OverflowException(
            $"the outputs overflowed: sequence {index / perSequence}, token {index % perSequence / DOut}, feature {index % DOut} is {output[index]} " +
            $"(the largest |value| in the input is {largest.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}; float32 holds up to 3.4E+38). " +
            "MultiHeadAttention on the same inputs says which step overflowed.");
    }

    private void CheckBuffers(ReadOnlySpan<float> input, Span<float> output, int batch, int tokens, ref FlashAttentionOptions? options)
    {
        Check.Positive(batch, nameof(batch));
        Check.Positive(tokens, nameof(tokens));
        if (tokens > ContextLength)
            throw new ArgumentException($"The sequences have {tokens} tokens but the context length is {ContextLength}.", nameof(tokens));
        options ??= FlashAttentionOptions.Default;
        options.Validate();
        Int128 rows = (Int128)batch * tokens;   // exact: rows·3·dOut could wrap 64 bits (batch, tokens ~2^30 and empty spans passed)
        if (rows * 3 * DOut > Array.MaxLength || rows * DIn > Array.MaxLength)
            throw new ArgumentException($"(batch {batch}, tokens {tokens}) with dIn {DIn} and dOut {DOut} needs more floats than one buffer can hold.", nameof(batch));
        if (input.Length != rows * DIn)
            throw new ArgumentException($"input has {input.Length} floats but (batch {batch}, tokens {tokens}, dIn {DIn}) needs {rows * DIn}.", nameof(input));
        if (output.Length != rows * DOut)
            throw new ArgumentException($"output has {output.Length} floats but (batch {batch}, tokens {tokens}, dOut {DOut}) needs {rows * DOut}.", nameof(output));
        if (output.Overlaps(input))
            throw new ArgumentException("output overlaps input: the module needs a separate output buffer.", nameof(output));
    }

    private void Run(ReadOnlySpan<float> input, Span<float> output, int batch, int tokens, FlashAttentionOptions? options)
    {
        options ??= FlashAttentionOptions.Default;
        long rows = (long)batch * tokens;
        float[] qkv = ArrayPool<float>.Shared.Rent((int)(rows * 3 * DOut));
        float[] context = ArrayPool<float>.Shared.Rent((int)(rows * DOut));
        try
        {
            fixed (float* x = input, y = output, qkvPointer = qkv, contextPointer = context)
                Compute(x, y, qkvPointer, contextPointer, null, batch, tokens, options);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(context);
            ArrayPool<float>.Shared.Return(qkv);
        }
    }

    /// <summary>Computes multi-head attention for a batch given as MathNet matrices, like <see cref="MultiHeadAttention.Forward(IReadOnlyList{Matrix{float}})"/>.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length.</param>
    /// <param name="options">Threads, instruction set and scale; <see cref="FlashAttentionOptions.Default"/> if null.</param>
    /// <returns>Per sequence, the (tokens, dOut) outputs.</returns>
    /// <exception cref="OverflowException">The outputs overflowed float32 (inputs or weights too large).</exception>
    public Matrix<float>[] Forward(IReadOnlyList<Matrix<float>> batch, FlashAttentionOptions? options = null)
    {
        Check.Batch(batch, DIn, ContextLength, nameof(batch), "W_query");
        int tokens = batch[0].RowCount, dIn = DIn, dOut = DOut;
        var input = new float[(long)batch.Count * tokens * dIn];
        for (int b = 0; b < batch.Count; b++)
            for (int t = 0; t < tokens; t++)
                for (int k = 0; k < dIn; k++)
                    input[((long)b * tokens + t) * dIn + k] = batch[b][t, k];
        var output = new float[(long)batch.Count * tokens * dOut];
        CheckBuffers(input, output, batch.Count, tokens, ref options);           // sizes and options; the values were checked above
        Run(input, output, batch.Count, tokens, options);
        CheckFinite(output, input, tokens);
        var result = new Matrix<float>[batch.Count];
        for (int b = 0; b < batch.Count; b++)
        {
            int first = b * tokens * dOut;
            result[b] = Matrix<float>.Build.Dense(tokens, dOut, (t, o) => output[first + t * dOut + o]);
        }
        return result;
    }

    /// <summary>The forward pass into buffers the caller owns; <paramref name="logSumExp"/> (B, H, T) receives each row's log-sum-exp unless null.</summary>
    private void Compute(float* x, float* y, float* qkv, float* context, float* logSumExp, int batch, int tokens, FlashAttentionOptions options)
    {
        int rows = batch * tokens, dOut = DOut, headDim = HeadDim;
        QkvProjection.Run(x, qkv, rows, options);                          // (B·T, 3·dOut): [queries | keys | values]
        var inQkv = HeadLayout.TokensFirst(tokens, headDim, 3 * dOut);     // head h: columns h·headDim … of each third
        var arguments = new AttentionArguments
        {
            Query = qkv,
            Key = qkv + dOut,
            Value = qkv + 2 * dOut,
            Output = context,
            QueryLayout = inQkv,
            KeyLayout = inQkv,
            ValueLayout = inQkv,
            OutputLayout = HeadLayout.TokensFirst(tokens, headDim, dOut),  // (B·T, dOut): the heads concatenated
            Batch = batch,
            Heads = NumHeads,
            Tokens = tokens,
            HeadDim = headDim,
            Causal = Causal,
            ScaleLog2E = options.ScaleFor(headDim) * MathF.Log2(MathF.E),
            LogSumExp = logSumExp,
        };
        FlashAttention.Run(in arguments, options);
        OutProjection.Run(context, y, rows, options);                      // (B·T, dOut)
    }
}
