// Checks FlashAttention and PackedLinear on every SIMD path against double-precision definitions and prints the
// largest error per path; exit code 1 if any error exceeds the tests' tolerance (1e-5). Meant for processors the test
// machine is not (ARM64 under qemu-user: correctness only, timings under emulation mean nothing).
//   dotnet run --project tools/KernelCheck -c Release
//   dotnet publish tools/KernelCheck -c Release -r linux-arm64 --self-contained -o /tmp/kc-arm64 && qemu-aarch64-static /tmp/kc-arm64/KernelCheck
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using AttentionNotebooks;
using AttentionNotebooks.Efficient;

const double Tolerance = 1e-5;

Console.WriteLine($"{RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}, {Environment.ProcessorCount} processors");
Console.WriteLine($"accelerated: Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, Vector128 {Vector128.IsHardwareAccelerated}; " +
    $"ARM AdvSimd {System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}, x86 FMA {System.Runtime.Intrinsics.X86.Fma.IsSupported}");

int[] tokenCounts = [1, 63, 64, 65, 200];
int[] headDims = [1, 3, 64, 80];
bool failed = false;
foreach (var path in new[] { SimdPath.Vector512, SimdPath.Vector256, SimdPath.Vector128, SimdPath.Scalar })
{
    var resolved = FlashAttention.ResolvedPath(path);
    double attentionError = 0, linearError = 0;
    int cases = 0;
    foreach (int tokens in tokenCounts)
        foreach (int headDim in headDims)
            foreach (bool causal in new[] { true, false })
                foreach (int threads in new[] { 1, 2 })
                {
                    const int batch = 2, heads = 3;
                    int n = batch * heads * tokens * headDim, seed = tokens * 100 + headDim;
                    float[] q = Uniform(n, seed), k = Uniform(n, seed + 1), v = Uniform(n, seed + 2), output = new float[n];
                    FlashAttention.Forward(q, k, v, output, batch, heads, tokens, headDim, causal, new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = threads });
                    attentionError = Math.Max(attentionError, MaxError(Attention(q, k, v, batch, heads, tokens, headDim, causal), output));
                    cases++;
                }
    foreach (var (rows, inFeatures, outFeatures) in new[] { (1, 1, 1), (7, 768, 64), (13, 64, 65), (97, 20, 130), (200, 33, 192) })
    {
        // Weights and bias uniform in ±1/√inFeatures, as Linear (and PyTorch) initialise them.
        float bound = 1f / MathF.Sqrt(inFeatures);
        float[] x = Uniform(rows * inFeatures, rows), w = Uniform(outFeatures * inFeatures, inFeatures, bound), b = Uniform(outFeatures, outFeatures, bound);
        var y = new float[rows * outFeatures];
        new PackedLinear(w, b, outFeatures, inFeatures).Forward(x, y, rows, new KernelOptions { Simd = path });
        linearError = Math.Max(linearError, MaxError(Linear(x, w, b, rows, inFeatures, outFeatures), y));
    }
    bool ok = attentionError <= Tolerance && linearError <= Tolerance;
    failed |= !ok;
    Console.WriteLine($"{path,-9} runs {resolved,-9}: FlashAttention max |error| {attentionError:E2} over {cases} cases, PackedLinear {linearError:E2}  {(ok ? "ok" : "FAILED")}");
}
Console.WriteLine(failed ? "FAILED: an error exceeds 1e-5" : "all paths within 1e-5 of the double-precision reference");
return failed ? 1 : 0;

static float[] Uniform(int count, int seed, float magnitude = 1f)
{
    var random = new Random(seed);
    var values = new float[count];
    for (int i = 0; i < count; i++)
        values[i] = (float)(random.NextDouble() * 2 - 1) * magnitude;
    return values;
}

static double MaxError(double[] expected, float[] actual)
{
    double max = 0;
    for (int i = 0; i < expected.Length; i++)
    {
        double difference = Math.Abs(expected[i] - actual[i]);
        max = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(max, difference);
    }
    return max;
}

// softmax(Q·Kᵀ/√headDim [+ causal mask])·V per (batch, head); tensors (batch, heads, tokens, headDim).
static double[] Attention(float[] q, float[] k, float[] v, int batch, int heads, int tokens, int headDim, bool causal)
{
    double scale = 1.0 / Math.Sqrt(headDim);
    var output = new double[q.Length];
    var weights = new double[tokens];
    for (int slice = 0; slice < batch * heads; slice++)
    {
        int first = slice * tokens * headDim;
        for (int i = 0; i < tokens; i++)
        {
            int visible = causal ? i + 1 : tokens;
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < visible; j++)
            {
                double dot = 0;
                for (int d = 0; d < headDim; d++)
                    dot += (double)q[first + i * headDim + d] * k[first + j * headDim + d];
                weights[j] = dot * scale;
                max = Math.Max(max, weights[j]);
            }
            for (int j = 0; j < visible; j++)
                sum += weights[j] = Math.Exp(weights[j] - max);
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

// y = x·Wᵀ + b; x (rows, in), W (out, in).
static double[] Linear(float[] x, float[] w, float[] b, int rows, int inFeatures, int outFeatures)
{
    var y = new double[rows * outFeatures];
    for (int r = 0; r < rows; r++)
        for (int o = 0; o < outFeatures; o++)
        {
            double acc = b[o];
            for (int i = 0; i < inFeatures; i++)
                acc += (double)x[r * inFeatures + i] * w[o * inFeatures + i];
            y[r * outFeatures + o] = acc;
        }
    return y;
}
