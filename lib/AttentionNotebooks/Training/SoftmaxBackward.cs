using MathNet.Numerics.LinearAlgebra;

namespace AttentionNotebooks.Training;

/// <summary>The backward pass of the row-wise softmax A = softmax(S) (<see cref="Softmax.Stable(Matrix{float})"/>).</summary>
public static class SoftmaxBackward
{
    /// <summary>
    /// dS = A ⊙ (dA − rowsum(dA ⊙ A)): row by row, dS_ij = A_ij·(dA_ij − Σ_k dA_ik·A_ik). It follows from
    /// ∂A_ik/∂S_ij = A_ik·(δ_kj − A_ij); the max subtracted by the stable form cancels and has no gradient. A weight of
    /// exactly 0 (a masked score) gets gradient exactly 0.
    /// </summary>
    /// <param name="weights">A, (rows, n): the softmax's output.</param>
    /// <param name="weightsGradient">dA, (rows, n): the gradient of the loss with respect to A.</param>
    /// <returns>dS, (rows, n): the gradient with respect to the scores.</returns>
    public static Matrix<float> Rows(Matrix<float> weights, Matrix<float> weightsGradient)
    {
        Check.Finite(weights, nameof(weights));
        Check.Shaped(weightsGradient, weights.RowCount, weights.ColumnCount, nameof(weightsGradient), $"weights are {Shape.Of(weights)}, so their gradient must be");
        return Compute(weights, weightsGradient);
    }

    /// <summary>dS = A ⊙ (dA − rowsum(dA ⊙ A)) on already validated arguments.</summary>
    internal static Matrix<float> Compute(Matrix<float> a, Matrix<float> da)
    {
        var ds = Matrix<float>.Build.Dense(a.RowCount, a.ColumnCount); // (rows, n)
        for (int i = 0; i < a.RowCount; i++)
        {
            float dot = 0f;                                            // rowsum(dA ⊙ A)
            for (int j = 0; j < a.ColumnCount; j++)
                dot += da[i, j] * a[i, j];
            for (int j = 0; j < a.ColumnCount; j++)
                ds[i, j] = a[i, j] * (da[i, j] - dot);                 // A ⊙ (dA − rowsum)
        }
        return ds;
    }
}
