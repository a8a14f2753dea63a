using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>What the look-back model computes for a batch of token sequences.</summary>
/// <param name="Logits">One (tokens, vocab) matrix of class scores per sequence.</param>
/// <param name="Weights">One (tokens, tokens) matrix of attention weights per sequence.</param>
public sealed record LookBackOutput(IReadOnlyList<Matrix<float>> Logits, IReadOnlyList<Matrix<float>> Weights);

/// <summary>
/// The smallest model that can learn to look back: token embedding + learned position embedding → one causal
/// attention head → a linear read-out to the vocabulary. Written as the PyTorch module
/// <code>
/// class LookBackModel(nn.Module):
///     def __init__(self, vocab_size, emb_dim, context_length):
///         super().__init__()
///         self.tok_emb = nn.Embedding(vocab_size, emb_dim)
///         self.pos_emb = nn.Embedding(context_length, emb_dim)
///         self.att = CausalAttention(emb_dim, emb_dim, context_length, 0.0)
///         self.out_head = nn.Linear(emb_dim, vocab_size)
///     def forward(self, idx):
///         x = self.tok_emb(idx) + self.pos_emb(torch.arange(idx.shape[1]))
///         return self.out_head(self.att(x))
/// </code>
/// and built in the same order from the same generator, so <c>torch.manual_seed(seed)</c> gives both the same weights.
/// </summary>
public sealed class LookBackModel
{
    private readonly Parameter _tokenWeight;
    private readonly Parameter _positionWeight;
    private readonly CausalAttentionTrainer _attention;
    private readonly TrainedLinear _readOut;
    private Cache? _cache;

    /// <summary>Builds tok_emb, pos_emb, att (W_query, W_key, W_value, no bias, dropout 0) and out_head, in that order.</summary>
    /// <param name="vocabSize">Number of token ids (and classes of the read-out).</param>
    /// <param name="embeddingDim">Features per token (d_in = d_out of the attention).</param>
    /// <param name="contextLength">The longest sequence (rows of the position embedding).</param>
    /// <param name="generator">The seeded generator for every weight.</param>
    public LookBackModel(int vocabSize, int embeddingDim, int contextLength, TorchGenerator generator)
    {
        Guard.Positive(vocabSize, nameof(vocabSize));
        Guard.Positive(embeddingDim, nameof(embeddingDim));
        Guard.Positive(contextLength, nameof(contextLength));
        ArgumentNullException.ThrowIfNull(generator);
        TokenEmbedding = new Embedding(vocabSize, embeddingDim, generator);
        PositionEmbedding = new Embedding(contextLength, embeddingDim, generator);
        Attention = new CausalAttention(embeddingDim, embeddingDim, contextLength, 0f, qkvBias: false, generator);
        ReadOut = new Linear(embeddingDim, vocabSize, bias: true, generator);
        var parameters = new List<Parameter>();
        _tokenWeight = Parameter.Of("tok_emb.weight", TokenEmbedding.Weight);
        parameters.Add(_tokenWeight);
        _positionWeight = Parameter.Of("pos_emb.weight", PositionEmbedding.Weight);
        parameters.Add(_positionWeight);
        _attention = new CausalAttentionTrainer(Attention, "att.");
        parameters.AddRange(_attention.Parameters);
        _readOut = new TrainedLinear(ReadOut, "out_head", parameters);
        Parameters = parameters;
    }

    /// <summary>tok_emb: (vocab, dim).</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>pos_emb: (context, dim).</summary>
    public Embedding PositionEmbedding { get; }

    /// <summary>att: the causal attention head.</summary>
    public CausalAttention Attention { get; }

    /// <summary>out_head: (vocab, dim) weight and (vocab) bias.</summary>
    public Linear ReadOut { get; }

    /// <summary>Vocabulary size.</summary>
    public int VocabSize => TokenEmbedding.NumEmbeddings;

    /// <summary>The longest sequence.</summary>
    public int ContextLength => PositionEmbedding.NumEmbeddings;

    /// <summary>
    /// Every parameter in PyTorch's <c>parameters()</c> order: tok_emb.weight, pos_emb.weight, att.W_query.weight,
    /// att.W_key.weight, att.W_value.weight, out_head.weight, out_head.bias.
    /// </summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Logits and attention weights for a batch, remembering what <see cref="Backward"/> needs.</summary>
    /// <param name="tokens">Equally long sequences of token ids in [0, vocab), at most the context length.</param>
    public LookBackOutput Forward(IReadOnlyList<IReadOnlyList<int>> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0)
            throw new ArgumentException("tokens is empty: a batch needs at least one sequence.", nameof(tokens));
        for (int b = 0; b < tokens.Count; b++)
        {
            Guard.Ids(tokens[b], VocabSize, $"tokens[{b}]", $"the {VocabSize}-token embedding");
            if (tokens[b].Count != tokens[0].Count)
                throw new ArgumentException($"tokens[{b}] has {tokens[b].Count} ids but tokens[0] has {tokens[0].Count}: every sequence in a batch must have the same length.", nameof(tokens));
        }
        if (tokens[0].Count > ContextLength)
            throw new ArgumentException($"tokens have {tokens[0].Count} ids per sequence but the context length is {ContextLength}.", nameof(tokens));
        var positions = PositionEmbedding.Forward(Enumerable.Range(0, tokens[0].Count).ToArray());  // (T, dim)
        var x = new Matrix<float>[tokens.Count];
        for (int b = 0; b < tokens.Count; b++)
            x[b] = TokenEmbedding.Forward(tokens[b]) + positions;              // (T, dim)
        var attended = _attention.Forward(x);                                  // (T, dim) per sequence
        var logits = attended.Context.Select(z => ReadOut.Forward(z)).ToArray();  // (T, vocab)
        _cache = new Cache(tokens.Select(t => t.ToArray()).ToArray(), attended.Context);
        return new LookBackOutput(logits, attended.Weights);
    }

    /// <summary>Adds the gradient of every parameter, given dL/dlogits of the last <see cref="Forward"/>. Each forward allows one backward.</summary>
    /// <param name="logitsGradient">One (tokens, vocab) matrix per sequence.</param>
    public void Backward(IReadOnlyList<Matrix<float>> logitsGradient)
    {
        var cache = _cache ?? throw Guard.BackwardBeforeForward(nameof(LookBackModel));
        int tokens = cache.Tokens[0].Length;
        Guard.GradientBatch(logitsGradient, cache.Tokens.Length, tokens, VocabSize, nameof(logitsGradient), "logits");
        _cache = null;
        var dz = new Matrix<float>[cache.Tokens.Length];
        for (int b = 0; b < dz.Length; b++)
            dz[b] = _readOut.Backward(cache.Context[b], logitsGradient[b]);   // (T, dim)
        var dx = _attention.Backward(dz);                                      // (T, dim) per sequence
        for (int b = 0; b < dx.Length; b++)
        {
            Embedding.AccumulateInto(_tokenWeight.MatrixGradient!, cache.Tokens[b], dx[b]);              // rows of the tokens
            Embedding.AccumulateInto(_positionWeight.MatrixGradient!, Enumerable.Range(0, tokens).ToArray(), dx[b]);  // rows 0..T−1
        }
    }

    /// <summary>
    /// One training step as PyTorch writes it: zero_grad, forward, loss = F.cross_entropy(logits, targets), backward,
    /// optimizer.step().
    /// </summary>
    /// <param name="inputs">The batch's token ids.</param>
    /// <param name="targets">The batch's target ids, <see cref="CrossEntropy.IgnoreIndex"/> where there is none.</param>
    /// <param name="optimizer">An optimiser over <see cref="Parameters"/>.</param>
    /// <returns>The loss before the update.</returns>
    public float TrainStep(IReadOnlyList<IReadOnlyList<int>> inputs, IReadOnlyList<IReadOnlyList<int>> targets, AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.ZeroGrad();
        var output = Forward(inputs);
        var loss = CrossEntropy.Mean(output.Logits, targets);
        Backward(loss.LogitsGradient);
        optimizer.Step();
        return loss.Loss;
    }

    private sealed record Cache(int[][] Tokens, IReadOnlyList<Matrix<float>> Context);
}

/// <summary>Task 1, "look back k": the target at position t is the input token at t − k.</summary>
public static class LookBackTask
{
    /// <summary>
    /// A batch: inputs = <c>torch.randint(0, vocab, (batch, tokens), generator=g)</c>; targets[t] = inputs[t − k] for
    /// t ≥ k and <see cref="CrossEntropy.IgnoreIndex"/> before (there is nothing k tokens back).
    /// </summary>
    public static (int[][] Inputs, int[][] Targets) Batch(TorchGenerator generator, int batchSize, int tokens, int vocabSize, int offset)
    {
        ArgumentNullException.ThrowIfNull(generator);
        Guard.Positive(batchSize, nameof(batchSize));
        Guard.Positive(tokens, nameof(tokens));
        Guard.Positive(vocabSize, nameof(vocabSize));
        Guard.Positive(offset, nameof(offset));
        if (offset >= tokens)
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"offset {offset} must be below tokens ({tokens}): otherwise no position has a target.");
        var inputs = generator.RandInt(vocabSize, batchSize, tokens);
        var targets = inputs.Select(row => Enumerable.Range(0, tokens).Select(t => t >= offset ? row[t - offset] : CrossEntropy.IgnoreIndex).ToArray()).ToArray();
        return (inputs, targets);
    }

    /// <summary>The mean over sequences and positions t ≥ k of the attention weight that query t puts on key t − k.</summary>
    /// <param name="weights">(tokens, tokens) weights per sequence.</param>
    /// <param name="offset">k ≥ 1.</param>
    public static double AverageWeightOnOffset(IReadOnlyList<Matrix<float>> weights, int offset)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
            throw new ArgumentException("weights is empty.", nameof(weights));
        Guard.Positive(offset, nameof(offset));
        double sum = 0;
        int count = 0;
        for (int b = 0; b < weights.Count; b++)
        {
            ArgumentNullException.ThrowIfNull(weights[b], $"weights[{b}]");
            if (weights[b].RowCount != weights[b].ColumnCount || weights[b].RowCount <= offset)
                throw new ArgumentException($"weights[{b}] is {Shape.Of(weights[b])} but a square matrix of more than {offset} tokens is needed.", nameof(weights));
            for (int t = offset; t < weights[b].RowCount; t++, count++)
                sum += weights[b][t, t - offset];
        }
        return sum / count;
    }
}
