namespace AttentionNotebooks.Pretrained.Tests;

public sealed class WordPieceTokenizerTests
{
    private static WordPieceTokenizer Tokenizer => SharedModel.Model.Tokenizer;

    [Fact]
    public void The_course_sentence_is_eight_tokens_with_bert_uncased_ids()
    {
        var tokens = Tokenizer.Tokenize(Texts.Course);
        Assert.Equal("[CLS] your journey starts with one step [SEP]", tokens.ToString());
        Assert.Equal([101, 2115, 4990, 4627, 2007, 2028, 3357, 102], tokens.Ids);
        Assert.Equal(0, tokens.UnknownCount);
        Assert.Equal(30522, Tokenizer.VocabularySize);
    }

    [Fact]
    public void Rare_words_split_into_pieces_and_accents_are_stripped()
    {
        Assert.Contains("pun ##ct ##uation", Tokenizer.Tokenize("punctuation").ToString(), StringComparison.Ordinal);
        Assert.Equal("[CLS] naive cafe [SEP]", Tokenizer.Tokenize("Naïve café").ToString());
        Assert.Equal("[CLS] cr ##eme br ##ule ##e a zurich [SEP]", Tokenizer.Tokenize("Crème brûlée à Zürich").ToString());
    }

    [Fact]
    public void Characters_outside_the_vocabulary_become_unk_and_are_counted()
    {
        var tokens = Tokenizer.Tokenize("I like 🦜 parrots");
        Assert.Contains(WordPieceTokenizer.Unknown, tokens.Tokens);
        Assert.Equal(1, tokens.UnknownCount);
    }

    [Theory]
    [InlineData("", "text is empty: the model needs at least one word. (Parameter 'text')")]
    [InlineData("  \n ", "text is blank: the model needs at least one word. (Parameter 'text')")]
    public void Empty_text_is_refused(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Tokenizer.Tokenize(text)).Message);
    }

    [Fact]
    public void A_text_over_512_tokens_is_refused_naming_its_count_unless_truncation_is_asked_for()
    {
        string text = string.Join(' ', Enumerable.Repeat("step", 600));
        var e = Assert.Throws<ArgumentException>(() => Tokenizer.Tokenize(text));
        Assert.Equal("text is 602 tokens long ([CLS] and [SEP] included) but the model reads at most 512: shorten it, or pass truncate: true to keep the first 511 and [SEP]. (Parameter 'text')", e.Message);
        var cut = Tokenizer.Tokenize(text, truncate: true);
        Assert.Equal(512, cut.Count);
        Assert.Equal(90, cut.Truncated);
        Assert.Equal("[CLS]", cut.Tokens[0]);
        Assert.Equal("[SEP]", cut.Tokens[^1]);
        Assert.Equal("step", cut.Tokens[^2]);
    }
}
