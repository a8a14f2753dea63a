using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Checks that what a mechanism computed from finite inputs is still finite. float32 holds magnitudes up to about
/// 3.4·10³⁸; a product of two values near 10²⁰ (a score q·k) already exceeds it and becomes ±∞, and ∞ − ∞ in a sum
/// becomes NaN. Each failure throws an <see cref="OverflowException"/> that says what overflowed, where, and how large
/// the values it came from were.
/// </summary>
internal static class Overflow
{
    private const string Float32Range = "float32 holds up to 3.4E+38";

    /// <summary>A projection's outputs (queries, keys, values or a module's outputs) are finite.</summary>
    /// <param name="outputs">(T, out) what <paramref name="layer"/> computed from <paramref name="inputs"/>.</param>
    /// <param name="what">What the outputs are: <c>queries</c>, <c>outputs</c>, ...</param>
    /// <param name="inputs">What the layer was applied to.</param>
    /// <param name="inputsName">The caller's name for <paramref name="inputs"/>.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="layerName">Its name: <c>W_query</c>, <c>OutProj</c>, <c>this Linear layer</c>.</param>
    /// <param name="where">Where in the module, e.g. <c>" of batch[1]"</c>.</param>
    public static void InProjection(Matrix<float> outputs, string what, Matrix<float> inputs, string inputsName, Linear layer, string layerName, string where)
    {
        if (FirstNonFinite(outputs, KeyVisibility.All) is not var (i, j))
            return;
        string parameters = layer.Bias is null ? layerName : $"{layerName}'s weight and bias";
        float weights = Math.Max(MaxAbs(layer.Weight), layer.Bias is null ? 0f : (float)layer.Bias.AbsoluteMaximum());
        throw Error(what, where, outputs, i, j, $"the largest |value| in {inputsName} is {Format(MaxAbs(inputs))} and in {parameters} {Format(weights)}");
    }

    /// <summary>The three projections of one sequence are finite.</summary>
    public static void InProjections(in Origin origin, (Linear Layer, Matrix<float> Outputs) query, (Linear Layer, Matrix<float> Outputs) key, (Linear Layer, Matrix<float> Outputs) value)
    {
        InProjection(query.Outputs, "queries", origin.Inputs, origin.InputName, query.Layer, "W_query", origin.Where);
        InProjection(key.Outputs, "keys", origin.Inputs, origin.InputName, key.Layer, "W_key", origin.Where);
        InProjection(value.Outputs, "values", origin.Inputs, origin.InputName, value.Layer, "W_value", origin.Where);
    }

    /// <summary>Plain matrix projections (Q = X·W_q) are finite.</summary>
    public static void InProjection(Matrix<float> outputs, string what, in Origin origin, Matrix<float> weight, string weightName)
    {
        if (FirstNonFinite(outputs, KeyVisibility.All) is var (i, j))
            throw Error(what, origin.Where, outputs, i, j, $"the largest |value| in {origin.InputName} is {Format(MaxAbs(origin.Inputs))} and in {weightName} {Format(MaxAbs(weight))}");
    }

    /// <summary>
    /// The (Tq, Tk) scores Q·Kᵀ are finite where they are used: exactly at the positions <paramref name="visible"/>
    /// leaves visible (<see cref="AttentionMask.IsHidden"/>); the others are masked and never used.
    /// </summary>
    public static void InScores(Matrix<float> scores, Matrix<float> queries, Matrix<float> keys, in Origin origin, in KeyVisibility visible)
    {
        if (FirstNonFinite(scores, visible) is not var (i, j))
            return;
        string cause = $"the largest |value| in {origin.InputName} is {Format(MaxAbs(origin.Inputs))}";
        if (!ReferenceEquals(queries, origin.Inputs))
            cause += $", in the queries {Format(MaxAbs(queries))} and in the keys {Format(MaxAbs(keys))}";
        throw Error("attention scores", origin.Where, scores, i, j, cause);
    }

    /// <summary>The context vectors, weighted sums of the values, are finite.</summary>
    public static void InContext(Matrix<float> context, Matrix<float> values, in Origin origin)
    {
        if (FirstNonFinite(context, KeyVisibility.All) is not var (i, j))
            return;
        string cause = $"the largest |value| in {origin.InputName} is {Format(MaxAbs(origin.Inputs))}";
        if (!ReferenceEquals(values, origin.Inputs))
            cause += $" and in the values {Format(MaxAbs(values))}";
        throw Error("context vectors", origin.Where, context, i, j, cause);
    }

    private static OverflowException Error(string what, string where, Matrix<float> result, int row, int column, string cause) =>
        new($"the {what}{where} overflowed: row {row}, column {column} of the {Shape.Of(result)} {what} is {Format(result[row, column])} ({cause}; {Float32Range}).");

    /// <summary>The first (row, column) holding ±∞ or NaN among the positions <paramref name="visible"/> leaves visible, scanning column by column.</summary>
    private static (int Row, int Column)? FirstNonFinite(Matrix<float> m, in KeyVisibility visible)
    {
        int rows = m.RowCount, columns = m.ColumnCount;
        bool all = visible == KeyVisibility.All;
        float[]? data = m.AsColumnMajorArray();
        for (int j = 0; j < columns; j++)
        {
            for (int i = 0; i < rows; i++)
            {
                float v = data is null ? m[i, j] : data[j * rows + i];
                if (!float.IsFinite(v) && (all || !AttentionMask.IsHidden(i, j, visible)))
                    return FirstInRowOrder(m, visible);
            }
        }
        return null;
    }

    /// <summary>The first visible non-finite element in reading order (row by row), for the message.</summary>
    private static (int Row, int Column)? FirstInRowOrder(Matrix<float> m, in KeyVisibility visible)
    {
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                if (!float.IsFinite(m[i, j]) && !AttentionMask.IsHidden(i, j, visible))
                    return (i, j);
        return null;
    }

    private static float MaxAbs(Matrix<float> m)
    {
        float max = 0f;
        for (int i = 0; i < m.RowCount; i++)
            for (int j = 0; j < m.ColumnCount; j++)
                max = Math.Max(max, Math.Abs(m[i, j]));
        return max;
    }

    private static string Format(float value) => value switch
    {
        float.PositiveInfinity => "+Infinity",
        _ => value.ToString("G3", CultureInfo.InvariantCulture),
    };
}
