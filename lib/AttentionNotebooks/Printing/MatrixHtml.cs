using System.Globalization;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Compact HTML tables of matrices, vectors and attention results for notebooks: the same numbers, labels and
/// summaries as <see cref="MatrixText"/>, in a table whose header row and first column hold the labels (indices when
/// none are given) and whose top-left cell holds the shape. Deterministic, culture-invariant, inline styles only (no
/// script, no stylesheet), every label HTML-escaped.
/// </summary>
public static class MatrixHtml
{
    private const string TableStyle = "border-collapse:collapse;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px";
    private const string HeaderStyle = "padding:2px 8px;text-align:right;font-weight:600;color:#475569;border-bottom:1px solid #cbd5e1";
    private const string RowHeaderStyle = "padding:2px 8px;text-align:left;font-weight:600;color:#475569;border-right:1px solid #cbd5e1";
    private const string CornerStyle = "padding:2px 8px;text-align:left;font-weight:400;color:#94a3b8;border-bottom:1px solid #cbd5e1;border-right:1px solid #cbd5e1";
    private const string CellStyle = "padding:2px 8px;text-align:right";

    /// <summary>The matrix as an HTML <c>&lt;table&gt;</c> with labelled (or numbered) rows and columns.</summary>
    /// <param name="matrix">Any matrix.</param>
    /// <param name="rowLabels">One label per row, or null for 0, 1, ….</param>
    /// <param name="columnLabels">One label per column, or null for 0, 1, ….</param>
    /// <param name="options">Print options; PyTorch's if null.</param>
    /// <exception cref="ArgumentException">A label list does not match its dimension, e.g. <c>matrix is 6x5 but 6 labels were given for 5 columns.</c></exception>
    public static string Format(Matrix<float> matrix, IReadOnlyList<string>? rowLabels = null, IReadOnlyList<string>? columnLabels = null, MatrixTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Labels.Validate(matrix, rowLabels, columnLabels);
        var grid = Grid.For(matrix, options ?? MatrixTextOptions.Default);
        var html = new StringBuilder();
        Table(html, Shape.Of(matrix), grid, rowLabels ?? Labels.Indices(matrix.RowCount), columnLabels ?? Labels.Indices(matrix.ColumnCount));
        return html.ToString();
    }

    /// <summary>The vector as a one-row HTML table: the labels (or indices) as header, the values beneath.</summary>
    /// <param name="vector">Any vector.</param>
    /// <param name="labels">One label per element, or null for 0, 1, ….</param>
    /// <param name="options">Print options; PyTorch's if null.</param>
    public static string Format(Vector<float> vector, IReadOnlyList<string>? labels = null, MatrixTextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vector);
        Labels.Validate(vector, labels);
        var grid = Grid.For(vector.ToRowMatrix(), options ?? MatrixTextOptions.Default);
        var html = new StringBuilder();
        Table(html, vector.Count.ToString(CultureInfo.InvariantCulture), grid, [""], labels ?? Labels.Indices(vector.Count));
        return html.ToString();
    }

    /// <summary>A labelled matrix (see <see cref="LabelExtensions.WithTokens(Matrix{float}, IReadOnlyList{string})"/>) as an HTML table.</summary>
    public static string Format(LabelledMatrix labelled)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        return Format(labelled.Matrix, labelled.RowLabels, labelled.ColumnLabels);
    }

    /// <summary>A labelled vector as a one-row HTML table.</summary>
    public static string Format(LabelledVector labelled)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        return Format(labelled.Vector, labelled.Labels);
    }

    /// <summary>Context and weights of a single-sequence result, each under a heading, side by side when there is room.</summary>
    /// <param name="result">What a <c>Forward</c> call returned.</param>
    /// <param name="tokens">One label per token, or null.</param>
    public static string Format(AttentionResult result, IReadOnlyList<string>? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        Open(html, nameof(AttentionResult));
        Section(html, "Context", result.Context, tokens, null);
        Section(html, "Weights", result.Weights, tokens, tokens);
        return Close(html);
    }

    /// <summary>Every sequence's context and weights of a batch result.</summary>
    /// <param name="result">What a batch <c>Forward</c> call returned.</param>
    /// <param name="tokens">One label per token, or null.</param>
    public static string Format(BatchAttentionResult result, IReadOnlyList<string>? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        Open(html, nameof(BatchAttentionResult));
        for (int b = 0; b < result.Context.Count; b++)
        {
            Section(html, $"Context[{b}]", result.Context[b], tokens, null);
            if (b < result.Weights.Count)
                Section(html, $"Weights[{b}]", result.Weights[b], tokens, tokens);
        }
        return Close(html);
    }

    /// <summary>Every sequence's output and each head's weights of a multi-head result.</summary>
    /// <param name="result">What a multi-head <c>Forward</c> call returned.</param>
    /// <param name="tokens">One label per token, or null.</param>
    public static string Format(MultiHeadAttentionResult result, IReadOnlyList<string>? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var html = new StringBuilder();
        Open(html, nameof(MultiHeadAttentionResult));
        for (int b = 0; b < result.Context.Count; b++)
        {
            Section(html, $"Context[{b}]", result.Context[b], tokens, null);
            if (b < result.Weights.Count)
                for (int h = 0; h < result.Weights[b].Count; h++)
                    Section(html, $"Weights[{b}][{h}]", result.Weights[b][h], tokens, tokens);
        }
        return Close(html);
    }

    /// <summary>
    /// Escapes text for HTML element content and attribute values: <c>&amp;</c>, <c>&lt;</c>, <c>&gt;</c>,
    /// <c>"</c> and <c>'</c> become entities; everything else (including non-ASCII letters) is kept.
    /// </summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }

    private static void Open(StringBuilder html, string title) =>
        html.Append("<div class=\"attention-result\" style=\"display:flex;flex-wrap:wrap;gap:8px 24px;align-items:flex-start\" title=\"")
            .Append(title).Append("\">\n");

    private static string Close(StringBuilder html) => html.Append("</div>").ToString();

    private static void Section(StringBuilder html, string heading, Matrix<float> matrix, IReadOnlyList<string>? rowLabels, IReadOnlyList<string>? columnLabels)
    {
        bool rowsFit = rowLabels is not null && rowLabels.Count == matrix.RowCount;
        bool columnsFit = columnLabels is not null && columnLabels.Count == matrix.ColumnCount;
        html.Append("<div><div style=\"font-weight:600;margin-bottom:2px\">").Append(Escape(heading))
            .Append(" <span style=\"font-weight:400;color:#64748b\">(").Append(Shape.Of(matrix)).Append(")</span></div>\n");
        html.Append(Format(matrix, rowsFit ? rowLabels : null, rowsFit && columnsFit ? columnLabels : null));
        html.Append("</div>\n");
    }

    private static void Table(StringBuilder html, string shape, Grid grid, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels)
    {
        string RowLabel(int i) => i == Grid.Gap ? Grid.Ellipsis : Escape(Labels.Printable(rowLabels[i]));
        string ColumnLabel(int j) => j == Grid.Gap ? Grid.Ellipsis : Escape(Labels.Printable(columnLabels[j]));

        html.Append("<table class=\"attention-matrix\" style=\"").Append(TableStyle).Append("\">\n<thead><tr><th style=\"")
            .Append(CornerStyle).Append("\">").Append(shape).Append("</th>");
        foreach (int j in grid.Columns)
            html.Append("<th style=\"").Append(HeaderStyle).Append("\">").Append(ColumnLabel(j)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (int i in grid.Rows)
        {
            html.Append("<tr><th style=\"").Append(RowHeaderStyle).Append("\">").Append(RowLabel(i)).Append("</th>");
            foreach (int j in grid.Columns)
                html.Append("<td style=\"").Append(CellStyle).Append("\">").Append(grid.Cell(i, j)).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }
}
