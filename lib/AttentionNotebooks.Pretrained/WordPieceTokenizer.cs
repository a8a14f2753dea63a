using System.Text;
using FastBertTokenizer;

namespace AttentionNotebooks.Pretrained;

/// <summary>A text as the model reads it: its WordPiece tokens and their ids, <c>[CLS] … [SEP]</c>.</summary>
/// <param name="Tokens">The tokens as the vocabulary spells them (<c>##</c> marks a piece that continues a word).</param>
/// <param name="Ids">Their ids in the vocabulary (the row of the word-embedding table).</param>
/// <param name="Truncated">How many tokens were cut off to fit the model's 512 positions (0 when none).</param>
public sealed record TokenizedText(IReadOnlyList<string> Tokens, IReadOnlyList<int> Ids, int Truncated)
{
    /// <summary>Number of tokens, [CLS] and [SEP] included.</summary>
    public int Count => Ids.Count;

    /// <summary>How many tokens are <c>[UNK]</c>: characters the vocabulary has no piece for.</summary>
    public int UnknownCount => Tokens.Count(t => t == WordPieceTokenizer.Unknown);

    /// <summary>The tokens separated by spaces.</summary>
    public override string ToString() => string.Join(' ', Tokens);
}

/// <summary>
/// BERT's uncased WordPiece tokeniser (Wu et al. 2016; Devlin et al. 2019) over the model's vocabulary, through
/// FastBertTokenizer 1.2.6: the text is lower-cased and its accents stripped (as all-MiniLM-L6-v2 was trained; see
/// <see cref="AccentFolding"/>),
/// split at spaces and punctuation, and each word split greedily into the longest pieces the vocabulary has
/// (<c>punctuation</c> → <c>pun ##ct ##uation</c>); a word with no such split becomes <c>[UNK]</c>.
/// </summary>
public sealed class WordPieceTokenizer
{
    /// <summary>The token a word without a WordPiece split becomes.</summary>
    public const string Unknown = "[UNK]";

    /// <summary>The token every input starts with (its output is BERT's sentence summary).</summary>
    public const string Classification = "[CLS]";

    /// <summary>The token every input ends with.</summary>
    public const string Separator = "[SEP]";

    private readonly BertTokenizer _tokenizer = new();
    private readonly string[] _vocabulary;
    private readonly Lock _gate = new();

    /// <summary>A tokeniser over a vocab.txt's text (one token per line; the line number is its id).</summary>
    /// <param name="vocabulary">The vocabulary file's text.</param>
    /// <param name="maxTokens">The most tokens the model reads ([CLS] and [SEP] included), at least 3.</param>
    public WordPieceTokenizer(string vocabulary, int maxTokens)
    {
        ArgumentException.ThrowIfNullOrEmpty(vocabulary);
        if (maxTokens < 3)
            throw new ArgumentOutOfRangeException(nameof(maxTokens), maxTokens, $"maxTokens must be at least 3 ([CLS], one token, [SEP]), but is {maxTokens}.");
        _vocabulary = vocabulary.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (_vocabulary[^1].Length == 0)
            _vocabulary = _vocabulary[..^1];
        foreach (var special in new[] { Unknown, Classification, Separator })
            if (!_vocabulary.Contains(special))
                throw new ArgumentException($"the vocabulary has no {special} token.", nameof(vocabulary));
        using var reader = new StringReader(vocabulary);
        _tokenizer.LoadVocabulary(reader, convertInputToLowercase: true, unknownToken: Unknown, clsToken: Classification, sepToken: Separator, padToken: "[PAD]", NormalizationForm.FormD);
        MaxTokens = maxTokens;
    }

    /// <summary>Number of entries in the vocabulary.</summary>
    public int VocabularySize => _vocabulary.Length;

    /// <summary>The most tokens the model reads, [CLS] and [SEP] included.</summary>
    public int MaxTokens { get; }

    /// <summary>The token with the given id.</summary>
    public string Token(int id) => _vocabulary[id];

    /// <summary>Splits a text into the model's tokens.</summary>
    /// <param name="text">The text: at least one non-blank character.</param>
    /// <param name="truncate">
    /// What to do with a text longer than <see cref="MaxTokens"/>: false (the default) throws, naming the count; true
    /// keeps the first MaxTokens − 1 tokens and ends with [SEP], as Hugging Face's <c>truncation=True</c> does, and
    /// <see cref="TokenizedText.Truncated"/> says how many were cut.
    /// </param>
    /// <exception cref="ArgumentException">The text is empty or blank, or too long without <paramref name="truncate"/>.</exception>
    public TokenizedText Tokenize(string text, bool truncate = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (string.IsNullOrWhiteSpace(text))
            throw new ArgumentException($"text is {(text.Length == 0 ? "empty" : "blank")}: the model needs at least one word.", nameof(text));
        long[] all;
        lock (_gate)
        {
            // A WordPiece token covers at least one character after normalisation (which can decompose a character into
            // up to three, e.g. Hangul), so 3·length + 2 ids hold every text without FastBertTokenizer cutting it short.
            var (ids, _, _) = _tokenizer.Encode(AccentFolding.Fold(text), maximumTokens: checked(3 * text.Length + 2));
            all = ids.ToArray();
        }
        if (all.Length <= 2)
            throw new ArgumentException($"text \"{text}\" has no token the model can read (only characters the tokeniser drops).", nameof(text));
        int truncated = 0;
        if (all.Length > MaxTokens)
        {
            if (!truncate)
                throw new ArgumentException(
                    $"text is {all.Length} tokens long ([CLS] and [SEP] included) but the model reads at most {MaxTokens}: shorten it, or pass truncate: true to keep the first {MaxTokens - 1} and [SEP].",
                    nameof(text));
            truncated = all.Length - MaxTokens;
            all = [.. all[..(MaxTokens - 1)], all[^1]];
        }
        var idList = all.Select(i => checked((int)i)).ToArray();
        return new TokenizedText(idList.Select(Token).ToArray(), idList, truncated);
    }
}
