using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Charts;

public static partial class Plot
{
    /// <summary>
    /// A head view (as in bertviz): every layer's and head's attention weights for one text, one head drawn large. The
    /// SVG (what a notebook stores) is the head <paramref name="layer"/>, <paramref name="head"/> as
    /// <see cref="Weights"/> draws it — fixed [0, 1] scale, token labels, each cell's weight — titled
    /// <c>layer 1, head 8</c> (0-based, as notebook 7 counts), under a note saying that a live session picks the head.
    /// The live Plotly chart is one heatmap and a menu listing every head, <c>layer 0, head 0</c> to
    /// <c>layer 5, head 11</c>: choosing one shows its weights (carried in the page rounded to 4 decimals); hovering a
    /// cell shows <c>query → key: weight</c>.
    /// </summary>
    /// <param name="attention">
    /// attention[layer][head]: (T, T) attention weights, row i how query token i spreads its weight over the keys, e.g.
    /// <c>EncoderOutput.Attention</c> of notebook 7's model; every layer with the same number of heads, every value finite
    /// and in [0, 1], at most 200,000 values in all.
    /// </param>
    /// <param name="tokens">The T tokens, or null to number them 0, 1, ….</param>
    /// <param name="layer">The layer shown first (and stored), 0-based.</param>
    /// <param name="head">The head shown first (and stored), 0-based.</param>
    /// <param name="title">Title of the figure, or null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="attention"/>, a layer or a head's weights are null.</exception>
    /// <exception cref="ArgumentException">
    /// No layers or heads, layers with different numbers of heads (<c>attention[3] has 11 heads but attention[0] has 12 …</c>),
    /// weights that are not (T, T) like the first head's, a token count other than T, more than 200,000 values (the
    /// message names a selection that fits), or a weight that is not finite or outside [0, 1] (named by layer, head, row
    /// and column).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">There is no such layer or head.</exception>
    /// <example><code>Plot.HeadView(output.Attention, output.Tokens, layer: 1, head: 8)</code></example>
    public static Figure HeadView(IReadOnlyList<IReadOnlyList<Matrix<float>>> attention, IReadOnlyList<string>? tokens = null, int layer = 0, int head = 0,
        string? title = null) =>
        new(HeadViewModel.Create(attention, tokens, layer, head), title);
}
