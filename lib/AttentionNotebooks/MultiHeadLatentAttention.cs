using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Multi-head latent attention, MLA (DeepSeek-AI 2024, "DeepSeek-V2: A Strong, Economical, and Efficient
/// Mixture-of-Experts Language Model", section 2.1; also DeepSeek-V3): keys and values are not projected from the token
/// but decompressed from a small latent c = x·W_DKVᵀ of latentDim (d_c) numbers per token, which is all the KV cache
/// holds:
/// <code>
///   c   = x·W_DKVᵀ                  (T, d_c)      the cached latent
///   K_h = c·W_UK,hᵀ, V_h = c·W_UV,hᵀ (T, headDim)  head h's keys and values, rebuilt from c
///   Z_h = softmax(causal(Q_h·K_hᵀ) / √headDim)·V_h;  output = [Z_1 | … | Z_H]·W_oᵀ + b_o
/// </code>
/// </summary>
/// <remarks>
/// <para>Changed from <see cref="MultiHeadAttention"/>: W_key and W_value (dIn → dOut each) become a shared
/// down-projection W_DKV (dIn → d_c) and two up-projections W_UK, W_UV (d_c → dOut). Per token and layer the cache
/// holds d_c numbers instead of 2·dOut. Weights are drawn in the order W_query, W_DKV, W_UK, W_UV, out_proj; there is
/// no bias but the output projection's, and no dropout.</para>
/// <para><b>Absorption</b> (<see cref="ForwardAbsorbed"/>): since Q_h·K_hᵀ = (x·W_Q,hᵀ)(c·W_UK,hᵀ)ᵀ =
/// x·(W_Q,hᵀ W_UK,h)·cᵀ, the matrix W_Q,hᵀ W_UK,h (dIn × d_c) maps a token straight to a query in the latent space,
/// and likewise W_o,h W_UV,h (dOut × d_c) maps a latent context straight to the output: attention runs on the cached c
/// itself, and K and V are never materialised. Both forms give the same outputs (tested, up to float32 rounding).</para>
/// <para>Left out, and said so in notebook 08: DeepSeek's decoupled RoPE (an extra 64 rotated key features per token,
/// shared by all heads, cached next to c — rotated keys cannot be absorbed, because the rotation sits between W_Q and
/// W_UK), the low-rank compression of the queries (d_c′ = 1536 in DeepSeek-V3, which saves activations in training, not
/// cache), and the RMSNorm on the latent.</para>
/// </remarks>
public sealed class MultiHeadLatentAttention
{
    /// <summary>Builds W_query (dIn → dOut), W_DKV (dIn → latentDim), W_UK and W_UV (latentDim → dOut), out_proj (dOut → dOut, with bias), in that order.</summary>
    /// <param name="dIn">Input features per token.</param>
    /// <param name="dOut">Output features per token; divisible by <paramref name="numHeads"/>.</param>
    /// <param name="contextLength">The longest sequence Forward accepts, at most 46,340.</param>
    /// <param name="numHeads">Heads.</param>
    /// <param name="latentDim">d_c, the latent's features per token (the cache): 512 in DeepSeek-V2 and V3.</param>
    /// <param name="generator">The seeded generator for the weights; a fresh one if null.</param>
    public MultiHeadLatentAttention(int dIn, int dOut, int contextLength, int numHeads, int latentDim, TorchGenerator? generator = null)
    {
        Check.Projection(dIn, nameof(dIn), dOut, nameof(dOut));
        Check.Projection(dIn, nameof(dIn), latentDim, nameof(latentDim));
        Check.MatrixSize(dOut, nameof(dOut), Math.Max(dOut, latentDim), "max(dOut, latentDim)", "the output and up-projections' weights", nameof(dOut));
        Check.ContextLength(contextLength, nameof(contextLength));
        Check.Heads(dOut, nameof(dOut), numHeads);
        generator ??= new TorchGenerator();
        WQuery = new Linear(dIn, dOut, bias: false, generator);
        WDownKV = new Linear(dIn, latentDim, bias: false, generator);
        WUpKey = new Linear(latentDim, dOut, bias: false, generator);
        WUpValue = new Linear(latentDim, dOut, bias: false, generator);
        OutProj = new Linear(dOut, dOut, bias: true, generator);
        (ContextLength, NumHeads) = (contextLength, numHeads);
    }

    /// <summary>A module with the given projections (used as they are, not copied).</summary>
    /// <param name="wQuery">(dOut, dIn).</param>
    /// <param name="wDownKV">W_DKV, (latentDim, dIn).</param>
    /// <param name="wUpKey">W_UK, (dOut, latentDim).</param>
    /// <param name="wUpValue">W_UV, (dOut, latentDim).</param>
    /// <param name="outProj">(dOut, dOut).</param>
    /// <param name="contextLength">The longest sequence Forward accepts.</param>
    /// <param name="numHeads">Heads, dividing dOut.</param>
    public MultiHeadLatentAttention(Linear wQuery, Linear wDownKV, Linear wUpKey, Linear wUpValue, Linear outProj, int contextLength, int numHeads)
    {
        ArgumentNullException.ThrowIfNull(wQuery);
        ArgumentNullException.ThrowIfNull(wDownKV);
        ArgumentNullException.ThrowIfNull(wUpKey);
        ArgumentNullException.ThrowIfNull(wUpValue);
        ArgumentNullException.ThrowIfNull(outProj);
        int dIn = wQuery.InFeatures, dOut = wQuery.OutFeatures, latentDim = wDownKV.OutFeatures;
        Check.MatrixShape(wDownKV.Weight, latentDim, dIn, nameof(wDownKV), $"W_query takes {dIn} inputs, so W_DKV");
        Check.MatrixShape(wUpKey.Weight, dOut, latentDim, nameof(wUpKey), $"W_query has {dOut} outputs and W_DKV {latentDim}, so W_UK");
        Check.MatrixShape(wUpValue.Weight, dOut, latentDim, nameof(wUpValue), $"W_query has {dOut} outputs and W_DKV {latentDim}, so W_UV");
        Check.MatrixShape(outProj.Weight, dOut, dOut, nameof(outProj), $"W_query has {dOut} outputs, so the output projection");
        Check.ContextLength(contextLength, nameof(contextLength));
        Check.Heads(dOut, "W_query's output features", numHeads);
        (WQuery, WDownKV, WUpKey, WUpValue, OutProj) = (wQuery, wDownKV, wUpKey, wUpValue, outProj);
        (ContextLength, NumHeads) = (contextLength, numHeads);
    }

    /// <summary>Query projection, weight (dOut, dIn).</summary>
    public Linear WQuery { get; }

    /// <summary>W_DKV, the shared down-projection to the latent, weight (latentDim, dIn).</summary>
    public Linear WDownKV { get; }

    /// <summary>W_UK, the latent → keys up-projection, weight (dOut, latentDim); rows h·headDim.. belong to head h.</summary>
    public Linear WUpKey { get; }

    /// <summary>W_UV, the latent → values up-projection, weight (dOut, latentDim).</summary>
    public Linear WUpValue { get; }

    /// <summary>Output projection, weight (dOut, dOut), with bias.</summary>
    public Linear OutProj { get; }

    /// <summary>Heads.</summary>
    public int NumHeads { get; }

    /// <summary>Features per head: dOut / numHeads.</summary>
    public int HeadDim => DOut / NumHeads;

    /// <summary>d_c, the latent features per token: what the KV cache holds.</summary>
    public int LatentDim => WDownKV.OutFeatures;

    /// <summary>The longest sequence Forward accepts.</summary>
    public int ContextLength { get; }

    /// <summary>Input features per token.</summary>
    public int DIn => WQuery.InFeatures;

    /// <summary>Output features per token.</summary>
    public int DOut => WQuery.OutFeatures;

    /// <summary>Trainable values of the five projections.</summary>
    public long ParameterCount => WQuery.ParameterCount + WDownKV.ParameterCount + WUpKey.ParameterCount + WUpValue.ParameterCount + OutProj.ParameterCount;

    /// <summary>float32 bytes one token adds to the cache: latentDim · 4 (multi-head attention: 2 · dOut · 4).</summary>
    public long CacheBytesPerToken => (long)LatentDim * sizeof(float);

    /// <summary>What the cache holds for a sequence: its latent c = x·W_DKVᵀ.</summary>
    /// <param name="inputs">(tokens, dIn), finite.</param>
    /// <returns>(tokens, latentDim).</returns>
    public Matrix<float> Latent(Matrix<float> inputs)
    {
        Check.Sequence(inputs, DIn, nameof(inputs), "W_DKV");
        var origin = new Origin(nameof(inputs), inputs, "");
        return LatentOf(origin);
    }

    /// <summary>The naive form: keys and values rebuilt from the latent, then causal multi-head attention.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite.</param>
    /// <returns>Per sequence: (tokens, dOut) outputs and each head's (tokens, tokens) weights.</returns>
    /// <exception cref="OverflowException">A projection, used score, context vector or output overflowed float32.</exception>
    public MultiHeadAttentionResult Forward(IReadOnlyList<Matrix<float>> batch) => Run(batch, nameof(batch), absorbed: false);

    /// <summary>The absorbed form: queries mapped into the latent space, attention over the latent itself, K and V never built.</summary>
    /// <param name="batch">Equally shaped (tokens, dIn) sequences, tokens ≤ context length, all values finite.</param>
    /// <returns>Per sequence: (tokens, dOut) outputs and each head's (tokens, tokens) weights, equal to <see cref="Forward"/>'s up to rounding.</returns>
    /// <exception cref="OverflowException">A projection, used score, context vector or output overflowed float32.</exception>
    public MultiHeadAttentionResult ForwardAbsorbed(IReadOnlyList<Matrix<float>> batch) => Run(batch, nameof(batch), absorbed: true);

    /// <summary>W_Q,hᵀ·W_UK,h: (dIn, latentDim), maps a token to head h's query in the latent space.</summary>
    public Matrix<float> AbsorbedQuery(int head) =>
        WQuery.Weight.SubMatrix(HeadRows(head), HeadDim, 0, DIn).Transpose() * WUpKey.Weight.SubMatrix(head * HeadDim, HeadDim, 0, LatentDim);

    /// <summary>W_o,h·W_UV,h: (dOut, latentDim), maps head h's latent context to its share of the output.</summary>
    public Matrix<float> AbsorbedOutput(int head) =>
        OutProj.Weight.SubMatrix(0, DOut, HeadRows(head), HeadDim) * WUpValue.Weight.SubMatrix(head * HeadDim, HeadDim, 0, LatentDim);

    private int HeadRows(int head)
    {
        if (head < 0 || head >= NumHeads)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"head must be between 0 and {NumHeads - 1}, but is {head}.");
        return head * HeadDim;
    }

    private MultiHeadAttentionResult Run(IReadOnlyList<Matrix<float>> batch, string name, bool absorbed)
    {
        Check.Batch(batch, DIn, ContextLength, name, "W_query", Math.Max(DOut, LatentDim));
        Check.AttentionMemory(batch[0].RowCount, batch[0].RowCount, 2L * batch.Count * NumHeads + 2, name);
        var outputs = new Matrix<float>[batch.Count];
        var weights = new IReadOnlyList<Matrix<float>>[batch.Count];
        for (int b = 0; b < batch.Count; b++)
        {
            var origin = new Origin($"{name}[{b}]", batch[b], $" of {name}[{b}]");
            (outputs[b], weights[b]) = absorbed ? Absorbed(origin) : Naive(origin);
        }
        return new MultiHeadAttentionResult(outputs, weights);
    }

    private Matrix<float> LatentOf(in Origin origin)
    {
        var latent = WDownKV.Apply(origin.Inputs);                                  // (T, d_c)
        Overflow.InProjection(latent, "latents", origin.Inputs, origin.InputName, WDownKV, "W_DKV", origin.Where);
        return latent;
    }

    private (Matrix<float>, IReadOnlyList<Matrix<float>>) Naive(in Origin origin)
    {
        var x = origin.Inputs;
        int t = x.RowCount, hd = HeadDim;
        var latent = LatentOf(origin);                                              // (T, d_c)
        var queries = WQuery.Apply(x);                                              // (T, dOut)
        var keys = WUpKey.Apply(latent);                                            // (T, dOut)
        var values = WUpValue.Apply(latent);                                        // (T, dOut)
        Overflow.InProjection(queries, "queries", x, origin.InputName, WQuery, "W_query", origin.Where);
        Overflow.InProjection(keys, "keys", latent, "the latents", WUpKey, "W_UK", origin.Where);
        Overflow.InProjection(values, "values", latent, "the latents", WUpValue, "W_UV", origin.Where);
        var context = Matrix<float>.Build.Dense(t, DOut);                           // (T, dOut)
        var weights = new Matrix<float>[NumHeads];
        for (int h = 0; h < NumHeads; h++)
        {
            var head = origin with { Where = $" of head {h} on {origin.InputName}" };
            var step = Attention.ScaledDotProduct(queries.SubMatrix(0, t, h * hd, hd), keys.SubMatrix(0, t, h * hd, hd), values.SubMatrix(0, t, h * hd, hd),
                KeyVisibility.CausalOnly, dropout: null, head, head);
            context.SetSubMatrix(0, h * hd, step.Context);                          // (T, headDim) into (T, dOut)
            weights[h] = step.Weights;
        }
        var output = OutProj.Apply(context);                                        // (T, dOut)
        Overflow.InProjection(output, "outputs", context, $"the context vectors of {origin.InputName}", OutProj, "OutProj", origin.Where);
        return (output, weights);
    }

    private (Matrix<float>, IReadOnlyList<Matrix<float>>) Absorbed(in Origin origin)
    {
        var x = origin.Inputs;
        var latent = LatentOf(origin);                                              // (T, d_c): keys and values at once
        var output = Matrix<float>.Build.Dense(x.RowCount, DOut);                   // (T, dOut)
        var weights = new Matrix<float>[NumHeads];
        for (int h = 0; h < NumHeads; h++)
        {
            var head = origin with { Where = $" of head {h} on {origin.InputName}" };
            var queries = x * AbsorbedQuery(h);                                     // (T, d_c)  = Q_h·W_UK,h
            Overflow.InProjection(queries, "latent queries", head, WUpKey.Weight, "W_query·W_UK");
            var step = Attention.ScaledDotProduct(queries, latent, latent, KeyVisibility.CausalOnly, dropout: null, head, head, scaleDim: HeadDim);
            output += step.Context * AbsorbedOutput(h).Transpose();                 // (T, d_c)·(d_c, dOut)
            weights[h] = step.Weights;
        }
        if (OutProj.Bias is { } bias)
            for (int i = 0; i < output.RowCount; i++)
                output.SetRow(i, output.Row(i) + bias);
        Overflow.InProjection(output, "outputs", origin, OutProj.Weight, "OutProj·W_UV");
        return (output, weights);
    }
}
