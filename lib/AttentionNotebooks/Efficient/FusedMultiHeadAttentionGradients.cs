namespace AttentionNotebooks.Efficient;

/// <summary>
/// The gradients of a <see cref="FusedMultiHeadAttention"/>'s parameters (PyTorch's <c>.grad</c>), row-major like the
/// weights: <see cref="FusedMultiHeadAttention.Backward"/> adds to them, <see cref="Clear"/> sets them to zero.
/// </summary>
/// <remarks>
/// The fused QKV weight is [W_query; W_key; W_value] stacked row-wise, so rows 0 … dOut − 1 of <see cref="QkvWeight"/>
/// are W_query's gradient, the next dOut rows W_key's, the last dOut rows W_value's (<see cref="QueryWeight"/>,
/// <see cref="KeyWeight"/>, <see cref="ValueWeight"/> are those slices); the biases likewise.
/// </remarks>
public sealed class FusedMultiHeadAttentionGradients
{
    /// <summary>Zero gradients for the parameters of <paramref name="module"/>.</summary>
    public FusedMultiHeadAttentionGradients(FusedMultiHeadAttention module)
    {
        ArgumentNullException.ThrowIfNull(module);
        DIn = module.DIn;
        DOut = module.DOut;
        QkvWeight = new float[3L * DOut * DIn];
        QkvBias = new float[module.QkvProjection.HasBias ? 3 * DOut : 0];
        OutWeight = new float[(long)DOut * DOut];
        OutBias = new float[module.OutProjection.HasBias ? DOut : 0];
    }

    /// <summary>Input features per token of the module.</summary>
    public int DIn { get; }

    /// <summary>Output features per token of the module.</summary>
    public int DOut { get; }

    /// <summary>dL/dW_qkv, (3·dOut, dIn) row-major.</summary>
    public float[] QkvWeight { get; }

    /// <summary>dL/db_qkv, (3·dOut); empty when the query, key and value projections have no bias.</summary>
    public float[] QkvBias { get; }

    /// <summary>dL/dW_o, (dOut, dOut) row-major.</summary>
    public float[] OutWeight { get; }

    /// <summary>dL/db_o, (dOut); empty when the output projection has no bias.</summary>
    public float[] OutBias { get; }

    /// <summary>dL/dW_query, (dOut, dIn) row-major: rows 0 … dOut − 1 of <see cref="QkvWeight"/>.</summary>
    public ReadOnlySpan<float> QueryWeight => QkvWeight.AsSpan(0, DOut * DIn);

    /// <summary>dL/dW_key, (dOut, dIn) row-major: rows dOut … 2·dOut − 1 of <see cref="QkvWeight"/>.</summary>
    public ReadOnlySpan<float> KeyWeight => QkvWeight.AsSpan(DOut * DIn, DOut * DIn);

    /// <summary>dL/dW_value, (dOut, dIn) row-major: rows 2·dOut … 3·dOut − 1 of <see cref="QkvWeight"/>.</summary>
    public ReadOnlySpan<float> ValueWeight => QkvWeight.AsSpan(2 * DOut * DIn, DOut * DIn);

    /// <summary>dL/db_query, (dOut); empty without bias.</summary>
    public ReadOnlySpan<float> QueryBias => QkvBias.Length == 0 ? [] : QkvBias.AsSpan(0, DOut);

    /// <summary>dL/db_key, (dOut); empty without bias.</summary>
    public ReadOnlySpan<float> KeyBias => QkvBias.Length == 0 ? [] : QkvBias.AsSpan(DOut, DOut);

    /// <summary>dL/db_value, (dOut); empty without bias.</summary>
    public ReadOnlySpan<float> ValueBias => QkvBias.Length == 0 ? [] : QkvBias.AsSpan(2 * DOut, DOut);

    /// <summary>Sets every gradient to zero (PyTorch's <c>zero_grad</c>).</summary>
    public void Clear()
    {
        Array.Clear(QkvWeight);
        Array.Clear(QkvBias);
        Array.Clear(OutWeight);
        Array.Clear(OutBias);
    }

    /// <summary>Rejects gradients made for a module of another shape.</summary>
    internal void CheckFits(FusedMultiHeadAttention module, string name)
    {
        bool qkvBias = module.QkvProjection.HasBias, outBias = module.OutProjection.HasBias;
        if (DIn != module.DIn || DOut != module.DOut || (QkvBias.Length != 0) != qkvBias || (OutBias.Length != 0) != outBias)
            throw new ArgumentException(
                $"{name} are for a module with dIn {DIn}, dOut {DOut}, QKV bias {QkvBias.Length != 0}, output bias {OutBias.Length != 0}, " +
                $"but this module has dIn {module.DIn}, dOut {module.DOut}, QKV bias {qkvBias}, output bias {outBias}.", name);
    }

    /// <summary>Whether <paramref name="span"/> shares memory with one of the gradients.</summary>
    internal bool Overlaps(ReadOnlySpan<float> span) =>
        span.Overlaps(QkvWeight) || span.Overlaps(QkvBias) || span.Overlaps(OutWeight) || span.Overlaps(OutBias);
}
