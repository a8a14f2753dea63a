using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>What self-attention over one sequence produces: the context vectors and the attention weights behind them.</summary>
/// <param name="Context">(tokens, dOut) context vectors, one row per token.</param>
/// <param name="Weights">(tokens, tokens) attention weights: row i says how much token i attends to each token; rows sum to 1.</param>
public sealed record AttentionResult(Matrix<float> Context, Matrix<float> Weights);

/// <summary>What single-head attention over a batch produces.</summary>
/// <param name="Context">One (tokens, dOut) matrix of context vectors per sequence.</param>
/// <param name="Weights">One (tokens, tokens) matrix of attention weights per sequence.</param>
public sealed record BatchAttentionResult(IReadOnlyList<Matrix<float>> Context, IReadOnlyList<Matrix<float>> Weights);

/// <summary>What multi-head attention over a batch produces.</summary>
/// <param name="Context">One (tokens, dOut) matrix of output vectors per sequence.</param>
/// <param name="Weights">Weights[b][h]: the (tokens, tokens) attention weights of head h on sequence b.</param>
public sealed record MultiHeadAttentionResult(IReadOnlyList<Matrix<float>> Context, IReadOnlyList<IReadOnlyList<Matrix<float>>> Weights);
