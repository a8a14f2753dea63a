using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>What an <see cref="AttentionClassifier"/> computes for a batch of token sequences.</summary>
/// <param name="Logits">One (tokens, classes) matrix of class scores per sequence.</param>
/// <param name="Weights">Per sequence, one (tokens, tokens) matrix of attention weights per head.</param>
public sealed record ClassifierOutput(IReadOnlyList<Matrix<float>> Logits, IReadOnlyList<IReadOnlyList<Matrix<float>>> Weights)
{
    /// <summary>Head <paramref name="head"/>'s (tokens, tokens) weights, one matrix per sequence.</summary>
    /// <param name="head">0 ≤ head &lt; the number of heads.</param>
    public IReadOnlyList<Matrix<float>> Head(int head)
    {
        if (head < 0 || head >= Weights[0].Count)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"head must be between 0 and {Weights[0].Count - 1} (the model has {Weights[0].Count} heads), but is {head}.");
        return Weights.Select(heads => heads[head]).ToArray();
    }
}

/// <summary>
/// The smallest model that can learn where to look: a token embedding (+ a learned position embedding) → one causal
/// attention layer → a linear read-out to the classes. With <see cref="WithCausalAttention"/> and positions it is the
/// PyTorch module
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
/// built in the same order from the same generator, so <c>torch.manual_seed(seed)</c> gives both the same weights.
/// <see cref="WithMultiHeadAttention"/> puts the book's <c>MultiHeadAttention(emb_dim, emb_dim, context_length, 0.0,
/// num_heads)</c> (with its output projection) in place of <c>att</c>; without positions, <c>pos_emb</c> is not built.
/// </summary>
public sealed class AttentionClassifier
{
    private readonly Parameter _tokenWeight;
    private readonly Parameter? _positionWeight;
    private readonly CausalAttentionTrainer? _causal;
    private readonly MultiHeadAttentionTrainer? _multiHead;
    private readonly TrainedLinear _readOut;
    private readonly OneCallAtATime _calls = new(nameof(AttentionClassifier));
    private Cache? _cache;

    private AttentionClassifier(int vocabSize, int classes, int embeddingDim, int contextLength, int? numHeads, bool positions, TorchGenerator generator, RotaryEmbedding? rotary = null)
    {
        TokenEmbedding = new Embedding(vocabSize, embeddingDim, generator);
        if (positions)
            PositionEmbedding = new Embedding(contextLength, embeddingDim, generator);
        if (numHeads is { } heads)
            MultiHeadAttention = new MultiHeadAttention(embeddingDim, embeddingDim, contextLength, 0f, heads, qkvBias: false, generator);
        else
            CausalAttention = new CausalAttention(embeddingDim, embeddingDim, contextLength, 0f, qkvBias: false, generator) { Rotary = rotary };
        ReadOut = new Linear(embeddingDim, classes, bias: true, generator);
        ContextLength = contextLength;
        var parameters = new List<Parameter>();
        _tokenWeight = Parameter.Of("tok_emb.weight", TokenEmbedding.Weight);
        parameters.Add(_tokenWeight);
        if (PositionEmbedding is not null)
        {
            _positionWeight = Parameter.Of("pos_emb.weight", PositionEmbedding.Weight);
            parameters.Add(_positionWeight);
        }
        if (MultiHeadAttention is not null)
        {
            _multiHead = new MultiHeadAttentionTrainer(MultiHeadAttention, "att.");
            parameters.AddRange(_multiHead.Parameters);
        }
        else
        {
            _causal = new CausalAttentionTrainer(CausalAttention!, "att.");
            parameters.AddRange(_causal.Parameters);
        }
        _readOut = new TrainedLinear(ReadOut, "out_head", parameters);
        Parameters = parameters;
    }

    /// <summary>
    /// tok_emb, pos_emb (with <paramref name="positions"/>), att = the book's <see cref="AttentionNotebooks.CausalAttention"/>
    /// (W_query, W_key, W_value, no bias, dropout 0, d_out = d_in) and out_head, drawn in that order.
    /// </summary>
    /// <param name="vocabSize">Number of token ids.</param>
    /// <param name="classes">Number of classes of the read-out (the vocabulary size when the target is a token).</param>
    /// <param name="embeddingDim">Features per token.</param>
    /// <param name="contextLength">The longest sequence (rows of the position embedding).</param>
    /// <param name="positions">Whether a learned position embedding is added to the token embedding.</param>
    /// <param name="generator">The seeded generator for every weight.</param>
    public static AttentionClassifier WithCausalAttention(int vocabSize, int classes, int embeddingDim, int contextLength, bool positions, TorchGenerator generator)
    {
        CheckSizes(vocabSize, classes, embeddingDim, contextLength, generator);
        return new AttentionClassifier(vocabSize, classes, embeddingDim, contextLength, null, positions, generator);
    }

    /// <summary>
    /// tok_emb, att = <see cref="AttentionNotebooks.CausalAttention"/> with RoPE on its queries and keys
    /// (<see cref="AttentionNotebooks.CausalAttention.Rotary"/>, notebook 08) and out_head, drawn in that order: no
    /// position embedding, so nothing in the model is tied to a position and <paramref name="contextLength"/> is only
    /// the longest sequence it accepts — a model trained on short sequences runs on longer ones.
    /// </summary>
    /// <param name="vocabSize">Number of token ids.</param>
    /// <param name="classes">Number of classes of the read-out.</param>
    /// <param name="embeddingDim">Features per token, even (RoPE rotates pairs).</param>
    /// <param name="contextLength">The longest sequence.</param>
    /// <param name="generator">The seeded generator for every weight.</param>
    /// <param name="theta">RoPE's base, 10,000 by default.</param>
    public static AttentionClassifier WithRotaryCausalAttention(int vocabSize, int classes, int embeddingDim, int contextLength, TorchGenerator generator, double theta = 10000)
    {
        CheckSizes(vocabSize, classes, embeddingDim, contextLength, generator);
        var rotary = new RotaryEmbedding(embeddingDim, theta);
        return new AttentionClassifier(vocabSize, classes, embeddingDim, contextLength, null, positions: false, generator, rotary);
    }

    /// <summary>
    /// tok_emb, pos_emb (with <paramref name="positions"/>), att = <see cref="AttentionNotebooks.MultiHeadAttention"/>
    /// (no qkv bias, dropout 0, d_out = d_in split into <paramref name="numHeads"/> heads, out_proj) and out_head.
    /// </summary>
    /// <param name="vocabSize">Number of token ids.</param>
    /// <param name="classes">Number of classes of the read-out.</param>
    /// <param name="embeddingDim">Features per token, a multiple of <paramref name="numHeads"/>.</param>
    /// <param name="contextLength">The longest sequence.</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="positions">Whether a learned position embedding is added to the token embedding.</param>
    /// <param name="generator">The seeded generator for every weight.</param>
    public static AttentionClassifier WithMultiHeadAttention(int vocabSize, int classes, int embeddingDim, int contextLength, int numHeads, bool positions, TorchGenerator generator)
    {
        CheckSizes(vocabSize, classes, embeddingDim, contextLength, generator);
        Check.Heads(embeddingDim, nameof(embeddingDim), numHeads);
        return new AttentionClassifier(vocabSize, classes, embeddingDim, contextLength, numHeads, positions, generator);
    }

    private static void CheckSizes(int vocabSize, int classes, int embeddingDim, int contextLength, TorchGenerator generator)
    {
        Check.Positive(vocabSize, nameof(vocabSize));
        Check.Positive(classes, nameof(classes));
        Check.Positive(embeddingDim, nameof(embeddingDim));
        Check.Positive(contextLength, nameof(contextLength));
        ArgumentNullException.ThrowIfNull(generator);
    }

    /// <summary>tok_emb: (vocab, dim).</summary>
    public Embedding TokenEmbedding { get; }

    /// <summary>pos_emb: (context, dim), or null for a model without positions.</summary>
    public Embedding? PositionEmbedding { get; }

    /// <summary>att, when it is a single <see cref="AttentionNotebooks.CausalAttention"/> head; otherwise null.</summary>
    public CausalAttention? CausalAttention { get; }

    /// <summary>att, when it is a <see cref="AttentionNotebooks.MultiHeadAttention"/>; otherwise null.</summary>
    public MultiHeadAttention? MultiHeadAttention { get; }

    /// <summary>out_head: (classes, dim) weight and (classes) bias.</summary>
    public Linear ReadOut { get; }

    /// <summary>Vocabulary size.</summary>
    public int VocabSize => TokenEmbedding.NumEmbeddings;

    /// <summary>Number of classes.</summary>
    public int Classes => ReadOut.OutFeatures;

    /// <summary>Attention heads (1 for a <see cref="AttentionNotebooks.CausalAttention"/>).</summary>
    public int NumHeads => MultiHeadAttention?.NumHeads ?? 1;

    /// <summary>The longest sequence.</summary>
    public int ContextLength { get; }

    /// <summary>
    /// Every parameter in PyTorch's <c>parameters()</c> order: tok_emb.weight, pos_emb.weight (with positions),
    /// att.W_query.weight, att.W_key.weight, att.W_value.weight (, att.out_proj.weight, att.out_proj.bias),
    /// out_head.weight, out_head.bias.
    /// </summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Logits and attention weights for a batch, remembering what <see cref="Backward"/> needs.</summary>
    /// <param name="tokens">Equally long sequences of token ids in [0, vocab), at most the context length.</param>
    public ClassifierOutput Forward(IReadOnlyList<IReadOnlyList<int>> tokens)
    {
        using var call = _calls.Enter(nameof(Forward));
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0)
            throw new ArgumentException("tokens is empty: a batch needs at least one sequence.", nameof(tokens));
        for (int b = 0; b < tokens.Count; b++)
        {
            Check.Ids(tokens[b], VocabSize, $"tokens[{b}]", $"the {VocabSize}-token embedding");
            if (tokens[b].Count != tokens[0].Count)
                throw new ArgumentException($"tokens[{b}] has {tokens[b].Count} ids but tokens[0] has {tokens[0].Count}: every sequence in a batch must have the same length.", nameof(tokens));
        }
        if (tokens[0].Count > ContextLength)
            throw new ArgumentException($"tokens have {tokens[0].Count} ids per sequence but the context length is {ContextLength}.", nameof(tokens));
        var positions = PositionEmbedding?.Forward(Enumerable.Range(0, tokens[0].Count).ToArray());  // (T, dim)
        var x = new Matrix<float>[tokens.Count];
        for (int b = 0; b < tokens.Count; b++)
        {
            x[b] = TokenEmbedding.Forward(tokens[b]);                          // (T, dim)
            if (positions is not null)
                x[b] += positions;                                             // (T, dim)
        }
        IReadOnlyList<Matrix<float>> context;
        IReadOnlyList<IReadOnlyList<Matrix<float>>> weights;
        if (_multiHead is not null)
        {
            var attended = _multiHead.Forward(x);
            (context, weights) = (attended.Context, attended.Weights);         // (T, dim), h × (T, T) per sequence
        }
        else
        {
            var attended = _causal!.Forward(x);
            (context, weights) = (attended.Context, attended.Weights.Select(w => (IReadOnlyList<Matrix<float>>)[w]).ToArray());
        }
        var logits = context.Select(z => ReadOut.Forward(z)).ToArray();      // (T, classes)
        _cache = new Cache(tokens.Select(t => t.ToArray()).ToArray(), context);
        return new ClassifierOutput(logits, weights);
    }

    /// <summary>Adds the gradient of every parameter, given dL/dlogits of the last <see cref="Forward"/>. Each forward allows one backward.</summary>
    /// <param name="logitsGradient">One (tokens, classes) matrix per sequence.</param>
    public void Backward(IReadOnlyList<Matrix<float>> logitsGradient)
    {
        using var call = _calls.Enter(nameof(Backward));
        var cache = _cache ?? throw Check.BackwardBeforeForward(nameof(AttentionClassifier));
        int tokens = cache.Tokens[0].Length;
        Check.GradientBatch(logitsGradient, cache.Tokens.Length, tokens, Classes, nameof(logitsGradient), "logits");
        _cache = null;
        var dz = new Matrix<float>[cache.Tokens.Length];
        for (int b = 0; b < dz.Length; b++)
            dz[b] = _readOut.Backward(cache.Context[b], logitsGradient[b]);   // (T, dim)
        var dx = _multiHead?.Backward(dz) ?? _causal!.Backward(dz);            // (T, dim) per sequence
        var positions = Enumerable.Range(0, tokens).ToArray();
        for (int b = 0; b < dx.Length; b++)
        {
            Embedding.AccumulateInto(_tokenWeight.MatrixGradient!, cache.Tokens[b], dx[b]);    // rows of the tokens
            if (_positionWeight is not null)
                Embedding.AccumulateInto(_positionWeight.MatrixGradient!, positions, dx[b]);   // rows 0..T−1
        }
    }

    /// <summary>The mean cross-entropy of a batch, without training (a forward pass; nothing is kept for a backward).</summary>
    /// <param name="inputs">The batch's token ids.</param>
    /// <param name="targets">The batch's target classes, <see cref="CrossEntropy.IgnoreIndex"/> where there is none.</param>
    public float Loss(IReadOnlyList<IReadOnlyList<int>> inputs, IReadOnlyList<IReadOnlyList<int>> targets)
    {
        using var call = _calls.Enter(nameof(Loss));
        var loss = CrossEntropy.Mean(Forward(inputs).Logits, targets).Loss;
        _cache = null;
        return loss;
    }

    /// <summary>
    /// One training step as PyTorch writes it: zero_grad, forward, loss = F.cross_entropy(logits, targets), backward,
    /// optimizer.step().
    /// </summary>
    /// <param name="inputs">The batch's token ids.</param>
    /// <param name="targets">The batch's target classes, <see cref="CrossEntropy.IgnoreIndex"/> where there is none.</param>
    /// <param name="optimizer">An optimiser over <see cref="Parameters"/> (or some of them); one that holds another model's parameter is refused, since its step would leave this model unchanged.</param>
    /// <returns>The loss before the update.</returns>
    public float TrainStep(IReadOnlyList<IReadOnlyList<int>> inputs, IReadOnlyList<IReadOnlyList<int>> targets, AdamW optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        CheckOwnParameters(optimizer, nameof(optimizer));
        using var call = _calls.Enter(nameof(TrainStep));
        optimizer.ZeroGrad();
        var output = Forward(inputs);
        var loss = CrossEntropy.Mean(output.Logits, targets);
        Backward(loss.LogitsGradient);
        optimizer.Step();
        return loss.Loss;
    }

    /// <summary>Every parameter the optimiser updates belongs to this model (a subset is fine: the others stay frozen).</summary>
    private void CheckOwnParameters(AdamW optimizer, string name)
    {
        var own = new HashSet<Parameter>(Parameters, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < optimizer.Parameters.Count; i++)
            if (!own.Contains(optimizer.Parameters[i]))
                throw new ArgumentException(
                    $"{name}.Parameters[{i}] ({optimizer.Parameters[i].Name}) is not a parameter of this model: the optimiser was built over another model's " +
                    $"parameters, so its step would leave this model unchanged while this model's gradients pile up. Build it over this model's Parameters " +
                    $"({string.Join(", ", Parameters.Select(p => p.Name))}).", name);
    }

    private sealed record Cache(int[][] Tokens, IReadOnlyList<Matrix<float>> Context);
}
