using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks;

/// <summary>
/// Where a mechanism's intermediate results come from, for its error messages: the caller's name of the sequence
/// (<c>inputs</c>, <c>batch[1]</c>), the sequence itself, and where in the module the computation runs
/// (<c>" of batch[1]"</c>, <c>" of head 0 on batch[1]"</c>, or empty).
/// </summary>
internal readonly record struct Origin(string InputName, Matrix<float> Inputs, string Where);
