using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Prints a value the way a course notebook shows it as text (its <c>text/plain</c> output), for the notebooks
/// exported as file-based apps (<c>notebooks/apps/</c>): what a cell's trailing expression or <c>display(x)</c> shows.
/// </summary>
/// <remarks>
/// Matrices, vectors and attention results print as <see cref="MatrixText"/> (what the notebooks' formatters show);
/// labelled matrices and vectors, figures and every other value print as their <see cref="object.ToString"/>
/// (a figure's one-line description), formatted with the invariant culture; <see langword="null"/> prints as
/// <c>&lt;null&gt;</c>, as .NET Interactive shows it.
/// </remarks>
public static class Show
{
    /// <summary>The text a notebook shows for <paramref name="value"/>.</summary>
    /// <param name="value">Any value.</param>
    /// <returns>The text, without a final newline.</returns>
    public static string Text(object? value) => value switch
    {
        null => "<null>",
        Matrix<float> matrix => MatrixText.Format(matrix),
        Vector<float> vector => MatrixText.Format(vector),
        AttentionResult result => MatrixText.Format(result),
        BatchAttentionResult result => MatrixText.Format(result),
        MultiHeadAttentionResult result => MatrixText.Format(result),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Writes <see cref="Text"/> of <paramref name="value"/> and a newline to the console.</summary>
    /// <param name="value">Any value.</param>
    public static void Value(object? value) => Console.Out.WriteLine(Text(value));
}
