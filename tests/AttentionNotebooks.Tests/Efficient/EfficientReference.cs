using AttentionNotebooks.Efficient;

namespace AttentionNotebooks.Tests.Efficient;

/// <summary>Plain double-precision definitions the efficient kernels are checked against, and shared test inputs.</summary>
internal static class EfficientReference
{
    public const double Tolerance = 1e-5;

    /// <summary>Every instruction set the kernels can be forced to (the ones this processor lacks fall back).</summary>
    public static readonly SimdPath[] Paths = [SimdPath.Auto, SimdPath.Vector256, SimdPath.Vector128, SimdPath.Scalar];

    /// <summary>softmax(Q·Kᵀ·scale [+ causal mask])·V per (batch, head), all tensors (batch, heads, tokens, headDim).</summary>
    public static double[] Attention(float[] q, float[] k, float[] v, int batch, int heads, int tokens, int headDim, bool causal, double? scale = null)
    {
        double s = scale ?? 1.0 / Math.Sqrt(headDim);
        var output = new double[q.Length];
        var weights = new double[tokens];
        for (int slice = 0; slice < batch * heads; slice++)
        {
            int first = slice * tokens * headDim;
            for (int i = 0; i < tokens; i++)
            {
                int visible = causal ? i + 1 : tokens;
                double max = double.NegativeInfinity;
                for (int j = 0; j < visible; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++)
                        dot += (double)q[first + i * headDim + d] * k[first + j * headDim + d];
                    weights[j] = dot * s;
                    max = Math.Max(max, weights[j]);
                }
                double sum = 0;
                for (int j = 0; j < visible; j++)
                {
                    weights[j] = Math.Exp(weights[j] - max);
                    sum += weights[j];
                }
                for (int d = 0; d < headDim; d++)
                {
                    double acc = 0;
                    for (int j = 0; j < visible; j++)
                        acc += weights[j] * v[first + j * headDim + d];
                    output[first + i * headDim + d] = acc / sum;
                }
            }
        }
        return output;
    }

    /// <summary>y = x·Wᵀ + b in double precision; x (rows, in), W (out, in).</summary>
    public static double[] Linear(ReadOnlySpan<double> x, int rows, Linear layer)
    {
        int inFeatures = layer.InFeatures, outFeatures = layer.OutFeatures;
        var y = new double[rows * outFeatures];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outFeatures; o++)
            {
                double acc = layer.Bias is null ? 0 : layer.Bias[o];
                for (int i = 0; i < inFeatures; i++)
                    acc += x[r * inFeatures + i] * layer.Weight[o, i];
                y[r * outFeatures + o] = acc;
            }
        return y;
    }

    /// <summary>The teaching module's computation in double precision (evaluation mode), one sequence (tokens, dIn) → (tokens, dOut).</summary>
    public static double[] MultiHeadAttention(Matrix<float> x, MultiHeadAttention module, bool causal = true)
    {
        int tokens = x.RowCount, dOut = module.DOut, heads = module.NumHeads, headDim = module.HeadDim;
        var input = new double[tokens * module.DIn];
        for (int t = 0; t < tokens; t++)
            for (int i = 0; i < module.DIn; i++)
                input[t * module.DIn + i] = x[t, i];
        var q = Linear(input, tokens, module.WQuery);
        var k = Linear(input, tokens, module.WKey);
        var v = Linear(input, tokens, module.WValue);
        var context = new double[tokens * dOut];
        var weights = new double[tokens];
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < tokens; i++)
            {
                int visible = causal ? i + 1 : tokens;
                double max = double.NegativeInfinity;
                for (int j = 0; j < visible; j++)
                {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++)
                        dot += q[i * dOut + h * headDim + d] * k[j * dOut + h * headDim + d];
                    weights[j] = dot / Math.Sqrt(headDim);
                    max = Math.Max(max, weights[j]);
                }
                double sum = 0;
                for (int j = 0; j < visible; j++)
                    sum += weights[j] = Math.Exp(weights[j] - max);
                for (int d = 0; d < headDim; d++)
                {
                    double acc = 0;
                    for (int j = 0; j < visible; j++)
                        acc += weights[j] * v[j * dOut + h * headDim + d];
                    context[i * dOut + h * headDim + d] = acc / sum;
                }
            }
        return Linear(context, tokens, module.OutProj);
    }

    /// <summary>Uniform values in [−1, 1) from a seeded generator.</summary>
    public static float[] Uniform(int count, int seed, float magnitude = 1f)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1) * magnitude;
        return values;
    }

    public static void AssertClose(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, double tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs(expected[i] - actual[i]);
            if (!(difference <= tolerance))
                Assert.Fail($"{what}: element {i} is {actual[i]:R} but the reference is {expected[i]:R} (difference {difference:E2} > {tolerance:E0}).");
        }
    }

    public static void AssertClose(Matrix<float> expected, Matrix<float> actual, string what, double tolerance = Tolerance)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        for (int i = 0; i < expected.RowCount; i++)
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                double difference = Math.Abs(expected[i, j] - actual[i, j]);
                if (!(difference <= tolerance))
                    Assert.Fail($"{what}: [{i}, {j}] is {actual[i, j]:R} but {expected[i, j]:R} was expected (difference {difference:E2} > {tolerance:E0}).");
            }
    }
}
