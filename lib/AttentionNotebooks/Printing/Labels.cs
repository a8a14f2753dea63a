using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Checks and cleans the labels (usually tokens) printed next to matrices and drawn on charts, so that every formatter
/// reports a wrong label count the same way and no label can break a layout.
/// </summary>
public static class Labels
{
    /// <summary>
    /// The label as it is printed: control characters are shown as escapes (a newline as <c>\n</c>, a tab as
    /// <c>\t</c>, a carriage return as <c>\r</c>, any other as <c>\u001b</c>-style), and a lone surrogate as U+FFFD,
    /// so a label always occupies one line and is valid in XML. Everything else, including <c>&lt;</c>, <c>&amp;</c>
    /// and quotes, is kept; escaping for HTML or XML is the writer's job.
    /// </summary>
    /// <param name="label">Any string.</param>
    /// <returns>The printable label; the label itself when nothing needed changing.</returns>
    public static string Printable(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (!NeedsCleaning(label))
            return label;
        var builder = new StringBuilder(label.Length + 8);
        for (int i = 0; i < label.Length; i++)
        {
            char c = label[i];
            if (char.IsHighSurrogate(c) && i + 1 < label.Length && char.IsLowSurrogate(label[i + 1]))
            {
                builder.Append(c).Append(label[++i]);
                continue;
            }
            if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
                continue;
            }
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\t': builder.Append("\\t"); break;
                case '\r': builder.Append("\\r"); break;
                default:
                    if (char.IsControl(c) || c is '\uFFFE' or '\uFFFF')
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// Throws unless each given label list matches its dimension of <paramref name="matrix"/>: one row label per row,
    /// one column label per column, none of them null. Null lists mean "no labels" and are accepted.
    /// </summary>
    /// <param name="matrix">The matrix the labels belong to.</param>
    /// <param name="rowLabels">One label per row, or null.</param>
    /// <param name="columnLabels">One label per column, or null.</param>
    /// <param name="name">How the messages name the matrix, e.g. <c>weights</c>.</param>
    /// <exception cref="ArgumentException">
    /// A count does not match, e.g. <c>weights is 6x5 but 6 labels were given for 5 columns.</c>, or a label is null.
    /// </exception>
    public static void Validate(Matrix<float> matrix, IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnLabels, string name = "matrix")
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        Validate(rowLabels, matrix.RowCount, "rows", Shape.Of(matrix), name, nameof(rowLabels));
        Validate(columnLabels, matrix.ColumnCount, "columns", Shape.Of(matrix), name, nameof(columnLabels));
    }

    /// <summary>Throws unless <paramref name="labels"/> (if given) has one non-null label per element of <paramref name="vector"/>.</summary>
    /// <param name="vector">The vector the labels belong to.</param>
    /// <param name="labels">One label per element, or null.</param>
    /// <param name="name">How the messages name the vector, e.g. <c>weights</c>.</param>
    /// <exception cref="ArgumentException">The count does not match, e.g. <c>weights has 6 elements but 5 labels were given.</c></exception>
    public static void Validate(Vector<float> vector, IReadOnlyList<string>? labels, string name = "vector")
    {
        ArgumentNullException.ThrowIfNull(vector, name);
        if (labels is null)
            return;
        if (labels.Count != vector.Count)
            throw new ArgumentException($"{name} has {vector.Count} elements but {labels.Count} labels were given.", nameof(labels));
        CheckNotNull(labels, nameof(labels));
    }

    internal static void Validate(IReadOnlyList<string>? labels, int count, string what, string shape, string name, string parameter)
    {
        if (labels is null)
            return;
        if (labels.Count != count)
            throw new ArgumentException($"{name} is {shape} but {labels.Count} labels were given for {count} {what}.", parameter);
        CheckNotNull(labels, parameter);
    }

    /// <summary>"0", "1", … as labels for a dimension without labels.</summary>
    internal static string[] Indices(int count)
    {
        var labels = new string[count];
        for (int i = 0; i < count; i++)
            labels[i] = i.ToString(CultureInfo.InvariantCulture);
        return labels;
    }

    private static void CheckNotNull(IReadOnlyList<string> labels, string parameter)
    {
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] is null)
                throw new ArgumentException($"{parameter}[{i}] is null: every label must be a string (use \"\" for an empty one).", parameter);
    }

    private static bool NeedsCleaning(string label)
    {
        foreach (char c in label)
            if (char.IsControl(c) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF')
                return true;
        return false;
    }
}
