using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Pretrained;

/// <summary>
/// BERT's input embeddings (Devlin et al. 2019, section 3): each token's vector is the sum of three learned vectors,
/// its word piece's, its position's and its segment's (token type; 0 for a single sentence), then layer-normalised:
/// <code>
///   E_t = LayerNorm(word[id_t] + position[t] + tokenType[0])      (T, d)
/// </code>
/// Notebooks 1–4 fed attention hand-made 3-dimensional embeddings; here each of 30,522 word pieces has 384 learned
/// features, and the positions are learned too (GPT-2's way, unlike the sines of Vaswani et al.).
/// </summary>
public sealed class BertEmbeddings
{
    /// <summary>Embeddings with the given tables (used as they are, not copied).</summary>
    /// <param name="word">(vocabulary, d): one row per word piece.</param>
    /// <param name="position">(max tokens, d): one row per position.</param>
    /// <param name="tokenType">(segments, d): one row per segment.</param>
    /// <param name="norm">The LayerNorm over d features applied to the sum.</param>
    public BertEmbeddings(Matrix<float> word, Matrix<float> position, Matrix<float> tokenType, LayerNorm norm)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(position);
        ArgumentNullException.ThrowIfNull(tokenType);
        ArgumentNullException.ThrowIfNull(norm);
        foreach (var (table, name) in new[] { (position, nameof(position)), (tokenType, nameof(tokenType)) })
            if (table.ColumnCount != word.ColumnCount)
                throw new ArgumentException($"{name} has {table.ColumnCount} features per row but word has {word.ColumnCount}.", name);
        if (norm.Features != word.ColumnCount)
            throw new ArgumentException($"norm normalises {norm.Features} features but the embeddings have {word.ColumnCount}.", nameof(norm));
        Word = word;
        Position = position;
        TokenType = tokenType;
        Norm = norm;
    }

    /// <summary>(vocabulary, d): the word-piece table.</summary>
    public Matrix<float> Word { get; }

    /// <summary>(max tokens, d): the learned position table.</summary>
    public Matrix<float> Position { get; }

    /// <summary>(segments, d): the segment table (row 0 for a single sentence).</summary>
    public Matrix<float> TokenType { get; }

    /// <summary>The LayerNorm applied to the sum.</summary>
    public LayerNorm Norm { get; }

    /// <summary>Features per token (d).</summary>
    public int Features => Word.ColumnCount;

    /// <summary>Number of learned values: the three tables and the LayerNorm.</summary>
    public long ParameterCount => ((long)Word.RowCount + Position.RowCount + TokenType.RowCount) * Features + Norm.ParameterCount;

    /// <summary>The embeddings of a sequence of token ids, all of segment 0.</summary>
    /// <param name="ids">Token ids, each in [0, vocabulary), at most as many as there are positions.</param>
    /// <returns>(T, d).</returns>
    public Matrix<float> Forward(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0 || ids.Count > Position.RowCount)
            throw new ArgumentException($"ids has {ids.Count} tokens but the embeddings take 1 to {Position.RowCount}.", nameof(ids));
        var sum = Matrix<float>.Build.Dense(ids.Count, Features);                 // (T, d)
        for (int t = 0; t < ids.Count; t++)
        {
            if (ids[t] < 0 || ids[t] >= Word.RowCount)
                throw new ArgumentOutOfRangeException(nameof(ids), ids[t], $"ids[{t}] is {ids[t]} but the vocabulary has {Word.RowCount} entries.");
            for (int k = 0; k < Features; k++)
                sum[t, k] = Word[ids[t], k] + Position[t, k] + TokenType[0, k];   // word + position + segment 0
        }
        return Norm.Forward(sum);                                                  // (T, d)
    }
}
