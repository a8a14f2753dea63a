using AttentionNotebooks.Efficient;
using AttentionNotebooks.Training;
using static AttentionNotebooks.Tests.Efficient.EfficientReference;

namespace AttentionNotebooks.Tests.Efficient;

public sealed class FusedMultiHeadAttentionTrainingTests
{
    /// <summary>The gradients in the fused module's layout: dx (B·T, dIn), dW_qkv (3·dOut, dIn), db_qkv (3·dOut or empty), dW_o (dOut, dOut), db_o (dOut).</summary>
    private sealed record Expected(double[] Input, double[] QkvWeight, double[] QkvBias, double[] OutWeight, double[] OutBias);

    /// <summary>
    /// Multi-head attention and its gradients in double precision, for the loss L = Σ dY ∘ y, sequence by sequence:
    /// Q, K, V = x·Wᵀ + b; per head P = softmax(scale·Q_h·K_hᵀ [+ causal mask]), Z_h = P·V_h; y = [Z₁ | … ]·W_oᵀ + b_o.
    /// Backwards: dZ = dY·W_o, dW_o = dYᵀ·Z, db_o = Σ dY; dV_h = Pᵀ·dZ_h, dP = dZ_h·V_hᵀ,
    /// dS = P ∘ (dP − rowsum(P ∘ dP)), dQ_h = scale·dS·K_h, dK_h = scale·dSᵀ·Q_h; dx = Σ dQKV·W, dW = dQKVᵀ·x, db = Σ dQKV.
    /// </summary>
    private static (double[] Output, Expected Gradients) Reference(MultiHeadAttention module, float[] x, float[] dY, int batch, int tokens, bool causal, double? scaleOverride = null)
    {
        int dIn = module.DIn, dOut = module.DOut, heads = module.NumHeads, headDim = module.HeadDim, rows = batch * tokens;
        double scale = scaleOverride ?? 1.0 / Math.Sqrt(headDim);
        Linear[] projections = [module.WQuery, module.WKey, module.WValue];
        bool qkvBias = module.WQuery.Bias is not null;
        var y = new double[rows * dOut];
        var g = new Expected(new double[rows * dIn], new double[3 * dOut * dIn], new double[qkvBias ? 3 * dOut : 0], new double[dOut * dOut], new double[dOut]);
        for (int b = 0; b < batch; b++)
        {
            var input = new double[tokens * dIn];
            for (int i = 0; i < input.Length; i++)
                input[i] = x[b * tokens * dIn + i];
            var qkv = projections.Select(p => Linear(input, tokens, p)).ToArray();     // 3 × (T, dOut)
            var context = new double[tokens * dOut];
            var weights = new double[heads][,];
            for (int h = 0; h < heads; h++)
            {
                var p = weights[h] = new double[tokens, tokens];
                for (int i = 0; i < tokens; i++)
                {
                    int visible = causal ? i + 1 : tokens;
                    double max = double.NegativeInfinity, sum = 0;
                    for (int j = 0; j < visible; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < headDim; d++)
                            dot += qkv[0][i * dOut + h * headDim + d] * qkv[1][j * dOut + h * headDim + d];
                        p[i, j] = dot * scale;
                        max = Math.Max(max, p[i, j]);
                    }
                    for (int j = 0; j < visible; j++)
                        sum += p[i, j] = Math.Exp(p[i, j] - max);
                    for (int j = 0; j < visible; j++)
                        p[i, j] /= sum;
                    for (int d = 0; d < headDim; d++)
                    {
                        double acc = 0;
                        for (int j = 0; j < visible; j++)
                            acc += p[i, j] * qkv[2][j * dOut + h * headDim + d];
                        context[i * dOut + h * headDim + d] = acc;
                    }
                }
            }
            var output = Linear(context, tokens, module.OutProj);
            Array.Copy(output, 0, y, b * tokens * dOut, output.Length);

            // Output projection.
            var dContext = new double[tokens * dOut];
            for (int t = 0; t < tokens; t++)
                for (int o = 0; o < dOut; o++)
                {
                    double go = dY[(b * tokens + t) * dOut + o];
                    g.OutBias[o] += go;
                    for (int c = 0; c < dOut; c++)
                    {
                        dContext[t * dOut + c] += go * module.OutProj.Weight[o, c];
                        g.OutWeight[o * dOut + c] += go * context[t * dOut + c];
                    }
                }

            // Attention, head by head.
            var dQkv = new[] { new double[tokens * dOut], new double[tokens * dOut], new double[tokens * dOut] };
            var dp = new double[tokens];
            for (int h = 0; h < heads; h++)
            {
                var p = weights[h];
                for (int i = 0; i < tokens; i++)
                {
                    int visible = causal ? i + 1 : tokens;
                    double rowDot = 0;
                    for (int j = 0; j < visible; j++)
                    {
                        double s = 0;
                        for (int d = 0; d < headDim; d++)
                            s += dContext[i * dOut + h * headDim + d] * qkv[2][j * dOut + h * headDim + d];
                        dp[j] = s;
                        rowDot += p[i, j] * s;
                    }
                    for (int j = 0; j < visible; j++)
                    {
                        double ds = p[i, j] * (dp[j] - rowDot) * scale;
                        for (int d = 0; d < headDim; d++)
                        {
                            int ih = i * dOut + h * headDim + d, jh = j * dOut + h * headDim + d;
                            dQkv[2][jh] += p[i, j] * dContext[ih];
                            dQkv[0][ih] += ds * qkv[1][jh];
                            dQkv[1][jh] += ds * qkv[0][ih];
                        }
                    }
                }
            }

            // Query, key and value projections.
            for (int part = 0; part < 3; part++)
                for (int t = 0; t < tokens; t++)
                    for (int o = 0; o < dOut; o++)
                    {
                        double go = dQkv[part][t * dOut + o];
                        if (qkvBias)
                            g.QkvBias[part * dOut + o] += go;
                        for (int i = 0; i < dIn; i++)
                        {
                            g.Input[(b * tokens + t) * dIn + i] += go * projections[part].Weight[o, i];
                            g.QkvWeight[(part * dOut + o) * dIn + i] += go * input[t * dIn + i];
                        }
                    }
        }
        return (y, g);
    }

    private static (MultiHeadAttention Teaching, float[] Input, float[] OutputGradient) Build(int batch, int tokens, int dIn, int headDim, int heads, bool qkvBias, int seed)
    {
        var teaching = new MultiHeadAttention(dIn, headDim * heads, contextLength: tokens + 3, dropout: 0f, heads, qkvBias, new TorchGenerator((ulong)seed)) { Training = false };
        return (teaching, Uniform(batch * tokens * dIn, seed + 1), Uniform(batch * tokens * headDim * heads, seed + 2));
    }

    private static FusedMultiHeadAttention Fused(MultiHeadAttention teaching, bool causal) =>
        causal
            ? FusedMultiHeadAttention.FromTeaching(teaching)
            : new FusedMultiHeadAttention(teaching.WQuery, teaching.WKey, teaching.WValue, teaching.OutProj, teaching.ContextLength, teaching.NumHeads, causal: false);

    /// <summary>Runs the fused training step: the output, dx and the parameters' gradients.</summary>
    private static (float[] Output, float[] InputGradient, FusedMultiHeadAttentionGradients Gradients) Step(
        FusedMultiHeadAttention fused, float[] input, float[] outputGradient, int batch, int tokens, FlashAttentionOptions? options = null)
    {
        var output = new float[batch * tokens * fused.DOut];
        var saved = fused.ForwardForTraining(input, output, batch, tokens, options);
        var inputGradient = new float[input.Length];
        var gradients = new FusedMultiHeadAttentionGradients(fused);
        fused.Backward(saved, outputGradient, inputGradient, gradients, options);
        return (output, inputGradient, gradients);
    }

    private static double Largest(IEnumerable<double> values) => Math.Max(values.Select(Math.Abs).DefaultIfEmpty(0).Max(), 1e-30);

    /// <summary>Every element within 1e-5 × the largest |expected| of the tensor.</summary>
    private static void AssertCloseRelative(double[] expected, ReadOnlySpan<float> actual, string what) =>
        AssertClose(expected, actual, what, 1e-5 * Largest(expected));

    private static void AssertGradients(Expected expected, float[] inputGradient, FusedMultiHeadAttentionGradients actual, string what)
    {
        AssertCloseRelative(expected.Input, inputGradient, $"{what}: dL/dx");
        AssertCloseRelative(expected.QkvWeight, actual.QkvWeight, $"{what}: dL/dW_qkv");
        AssertCloseRelative(expected.QkvBias, actual.QkvBias, $"{what}: dL/db_qkv");
        AssertCloseRelative(expected.OutWeight, actual.OutWeight, $"{what}: dL/dW_o");
        AssertCloseRelative(expected.OutBias, actual.OutBias, $"{what}: dL/db_o");
    }

    /// <summary>The teaching trainer's gradients for the same module, inputs and dL/dy, in the fused layout.</summary>
    private static Expected Teaching(MultiHeadAttention teaching, float[] input, float[] outputGradient, int batch, int tokens)
    {
        int dIn = teaching.DIn, dOut = teaching.DOut;
        var trainer = new MultiHeadAttentionTrainer(teaching);
        var x = Enumerable.Range(0, batch).Select(b => Matrix<float>.Build.Dense(tokens, dIn, (t, i) => input[(b * tokens + t) * dIn + i])).ToArray();
        var dY = Enumerable.Range(0, batch).Select(b => Matrix<float>.Build.Dense(tokens, dOut, (t, o) => outputGradient[(b * tokens + t) * dOut + o])).ToArray();
        trainer.Forward(x);
        var dx = trainer.Backward(dY);
        double[] Gradient(string name) => trainer.Parameters.Single(p => p.Name == name).GradientToRowMajorArray().Select(f => (double)f).ToArray();
        bool bias = teaching.WQuery.Bias is not null;
        return new Expected(
            dx.SelectMany(m => m.ToRowMajorArray()).Select(f => (double)f).ToArray(),
            [.. Gradient("W_query.weight"), .. Gradient("W_key.weight"), .. Gradient("W_value.weight")],
            bias ? [.. Gradient("W_query.bias"), .. Gradient("W_key.bias"), .. Gradient("W_value.bias")] : [],
            Gradient("out_proj.weight"),
            Gradient("out_proj.bias"));
    }

    public static TheoryData<int, int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int batch in new[] { 1, 3 })
            foreach (int tokens in new[] { 1, 7, 65 })
                foreach (int heads in new[] { 1, 2, 4 })
                    foreach (int headDim in new[] { 1, 3, 16 })
                        data.Add(batch, tokens, heads, headDim);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Input_and_every_weight_and_bias_gradient_equal_the_teaching_trainer_and_the_double_precision_definition_on_every_path(int batch, int tokens, int heads, int headDim)
    {
        int dIn = heads + headDim + 2, seed = batch * 1000 + tokens * 31 + heads * 7 + headDim;
        bool qkvBias = (tokens + heads + headDim) % 2 == 0;
        var (teaching, input, outputGradient) = Build(batch, tokens, dIn, headDim, heads, qkvBias, seed);
        var fromTeaching = Teaching(teaching, input, outputGradient, batch, tokens);
        foreach (bool causal in new[] { true, false })
        {
            var fused = Fused(teaching, causal);
            var (_, definition) = Reference(teaching, input, outputGradient, batch, tokens, causal);
            foreach (var path in Paths)
            {
                var (_, dx, gradients) = Step(fused, input, outputGradient, batch, tokens, new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = 2 });
                string what = $"(batch {batch}, tokens {tokens}, dIn {dIn}, heads {heads} × {headDim}, QKV bias {qkvBias}) causal {causal}, {path}";
                AssertGradients(definition, dx, gradients, $"{what} against the definition");
                if (causal)
                    AssertGradients(fromTeaching, dx, gradients, $"{what} against MultiHeadAttentionTrainer");
            }
        }
    }

    [Fact]
    public void The_definition_is_the_finite_differences_of_its_own_forward()
    {
        // Guards the reference itself: L = Σ dY ∘ y in double, central differences in x and in every parameter.
        const int batch = 2, tokens = 4, dIn = 3, headDim = 2, heads = 2;
        foreach (bool causal in new[] { true, false })
        {
            var (teaching, input, outputGradient) = Build(batch, tokens, dIn, headDim, heads, qkvBias: true, seed: 5);
            var (_, g) = Reference(teaching, input, outputGradient, batch, tokens, causal);
            double Loss() => Reference(teaching, input, outputGradient, batch, tokens, causal).Output.Select((v, i) => v * outputGradient[i]).Sum();
            void Compare(Func<float> get, Action<float> set, double expected, string name)
            {
                float saved = get();
                const float h = 1e-2f;
                set(saved + h);
                double plus = Loss();
                set(saved - h);
                double minus = Loss();
                set(saved);
                double numeric = (plus - minus) / ((double)(saved + h) - (double)(saved - h));
                Assert.True(Math.Abs(numeric - expected) < 1e-4, $"{name} causal {causal}: definition {expected}, finite difference {numeric}");
            }
            for (int i = 0; i < input.Length; i++)
                Compare(() => input[i], v => input[i] = v, g.Input[i], $"dx[{i}]");
            Linear[] qkv = [teaching.WQuery, teaching.WKey, teaching.WValue];
            int dOut = teaching.DOut;
            for (int part = 0; part < 3; part++)
                for (int o = 0; o < dOut; o++)
                {
                    var layer = qkv[part];
                    for (int i = 0; i < dIn; i++)
                        Compare(() => layer.Weight[o, i], v => layer.Weight[o, i] = v, g.QkvWeight[(part * dOut + o) * dIn + i], $"dW_qkv[{part * dOut + o}, {i}]");
                    Compare(() => layer.Bias![o], v => layer.Bias![o] = v, g.QkvBias[part * dOut + o], $"db_qkv[{part * dOut + o}]");
                }
            for (int o = 0; o < dOut; o++)
            {
                for (int c = 0; c < dOut; c++)
                    Compare(() => teaching.OutProj.Weight[o, c], v => teaching.OutProj.Weight[o, c] = v, g.OutWeight[o * dOut + c], $"dW_o[{o}, {c}]");
                Compare(() => teaching.OutProj.Bias![o], v => teaching.OutProj.Bias![o] = v, g.OutBias[o], $"db_o[{o}]");
            }
        }
    }

    [Fact]
    public void The_forward_for_training_equals_the_inference_forward_bit_for_bit_on_every_path()
    {
        const int batch = 2, tokens = 70, heads = 3, headDim = 16, dIn = 20;
        var (teaching, input, _) = Build(batch, tokens, dIn, headDim, heads, qkvBias: true, seed: 3);
        foreach (bool causal in new[] { true, false })
        {
            var fused = Fused(teaching, causal);
            var (expected, _) = Reference(teaching, input, new float[batch * tokens * heads * headDim], batch, tokens, causal);
            foreach (var path in Paths)
            {
                var options = new FlashAttentionOptions { Simd = path };
                float[] inference = new float[batch * tokens * fused.DOut], training = new float[inference.Length];
                fused.Forward(input, inference, batch, tokens, options);
                var saved = fused.ForwardForTraining(input, training, batch, tokens, options);
                Assert.Equal(inference, training);
                AssertClose(expected, training, $"causal {causal}, {path}: against the definition");
                Assert.Same(fused, saved.Module);
                Assert.Equal((batch, tokens), (saved.Batch, saved.Tokens));
                Assert.Equal(1f / MathF.Sqrt(headDim), saved.Scale);
            }
        }
    }

    [Theory]
    [InlineData(SimdPath.Vector512)]
    [InlineData(SimdPath.Vector256)]
    [InlineData(SimdPath.Vector128)]
    [InlineData(SimdPath.Scalar)]
    public void Gradients_are_deterministic_and_the_same_for_one_and_two_threads(SimdPath path)
    {
        const int batch = 3, tokens = 90, heads = 2, headDim = 24, dIn = 30;
        var (teaching, input, outputGradient) = Build(batch, tokens, dIn, headDim, heads, qkvBias: true, seed: 9);
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        float[][] Run(int threads)
        {
            var (output, dx, g) = Step(fused, input, outputGradient, batch, tokens, new FlashAttentionOptions { Simd = path, MaxDegreeOfParallelism = threads });
            return [output, dx, g.QkvWeight, g.QkvBias, g.OutWeight, g.OutBias];
        }
        var first = Run(2);
        var again = Run(2);
        var single = Run(1);
        for (int t = 0; t < first.Length; t++)
        {
            Assert.Equal(first[t], again[t]);
            Assert.Equal(first[t], single[t]);
        }
    }

    [Fact]
    public void Parameter_gradients_accumulate_over_backward_passes_until_cleared_and_the_input_gradient_is_overwritten()
    {
        const int batch = 2, tokens = 9, heads = 2, headDim = 3, dIn = 5;
        var (teaching, input, outputGradient) = Build(batch, tokens, dIn, headDim, heads, qkvBias: true, seed: 4);
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        var (_, expected) = Reference(teaching, input, outputGradient, batch, tokens, causal: true);
        var saved = fused.ForwardForTraining(input, new float[batch * tokens * fused.DOut], batch, tokens);
        var gradients = new FusedMultiHeadAttentionGradients(fused);
        var dx = Uniform(input.Length, 77, 100f);
        fused.Backward(saved, outputGradient, dx, gradients);
        fused.Backward(saved, outputGradient, [], gradients);
        static double[] Twice(double[] g) => g.Select(v => 2 * v).ToArray();
        AssertGradients(expected with { QkvWeight = Twice(expected.QkvWeight), QkvBias = Twice(expected.QkvBias), OutWeight = Twice(expected.OutWeight), OutBias = Twice(expected.OutBias) },
            dx, gradients, "after two backward passes");
        gradients.Clear();
        Assert.All(new[] { gradients.QkvWeight, gradients.QkvBias, gradients.OutWeight, gradients.OutBias }, g => Assert.All(g, v => Assert.Equal(0f, v)));
        fused.Backward(saved, outputGradient, dx, gradients);
        AssertGradients(expected, dx, gradients, "after Clear and one backward pass");
    }

    [Fact]
    public void The_query_key_and_value_slices_are_the_teaching_parameters_gradients()
    {
        const int batch = 1, tokens = 5, heads = 2, headDim = 2, dIn = 3;
        var (teaching, input, outputGradient) = Build(batch, tokens, dIn, headDim, heads, qkvBias: true, seed: 6);
        var expected = Teaching(teaching, input, outputGradient, batch, tokens);
        var (_, _, g) = Step(FusedMultiHeadAttention.FromTeaching(teaching), input, outputGradient, batch, tokens);
        int n = teaching.DOut * dIn, dOut = teaching.DOut;
        double weights = 1e-5 * Largest(expected.QkvWeight), biases = 1e-5 * Largest(expected.QkvBias);   // relative to the whole fused tensor
        AssertClose(expected.QkvWeight[..n], g.QueryWeight, "W_query", weights);
        AssertClose(expected.QkvWeight[n..(2 * n)], g.KeyWeight, "W_key", weights);
        AssertClose(expected.QkvWeight[(2 * n)..], g.ValueWeight, "W_value", weights);
        AssertClose(expected.QkvBias[..dOut], g.QueryBias, "b_query", biases);
        AssertClose(expected.QkvBias[dOut..(2 * dOut)], g.KeyBias, "b_key", biases);
        AssertClose(expected.QkvBias[(2 * dOut)..], g.ValueBias, "b_value", biases);
        // A key bias adds q_i·b_k to every score of row i, which softmax ignores: its gradient is 0 up to rounding.
        AssertClose(new double[dOut], g.KeyBias, "b_key is zero", biases);
        var noBias = new FusedMultiHeadAttentionGradients(FusedMultiHeadAttention.FromTeaching(Build(1, 2, 3, 2, 2, qkvBias: false, seed: 1).Teaching));
        Assert.Empty(noBias.QkvBias);
        Assert.True(noBias.QueryBias.IsEmpty);
        Assert.Equal(3 * 4 * 3, noBias.QkvWeight.Length);
    }

    [Fact]
    public void A_custom_scale_in_the_forward_is_the_scale_of_the_backward()
    {
        const int batch = 2, tokens = 11, heads = 2, headDim = 4, dIn = 6;
        var (teaching, input, outputGradient) = Build(batch, tokens, dIn, headDim, heads, qkvBias: false, seed: 8);
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        var (_, expected) = Reference(teaching, input, outputGradient, batch, tokens, causal: true, scaleOverride: 0.9f);
        var output = new float[batch * tokens * fused.DOut];
        var saved = fused.ForwardForTraining(input, output, batch, tokens, new FlashAttentionOptions { Scale = 0.9f });
        Assert.Equal(0.9f, saved.Scale);
        var dx = new float[input.Length];
        var gradients = new FusedMultiHeadAttentionGradients(fused);
        fused.Backward(saved, outputGradient, dx, gradients);                  // default options: the saved scale applies
        AssertGradients(expected, dx, gradients, "scale 0.9");
    }

    [Fact]
    public void Wrong_shapes_foreign_activations_and_overlaps_are_rejected_by_name_with_the_values()
    {
        var (teaching, input, outputGradient) = Build(batch: 2, tokens: 3, dIn: 4, headDim: 2, heads: 2, qkvBias: false, seed: 2);   // context length 6
        var fused = FusedMultiHeadAttention.FromTeaching(teaching);
        var output = new float[2 * 3 * 4];

        var error = Assert.Throws<ArgumentException>(() => fused.ForwardForTraining(input, output, 3, 3));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("input has 24 floats but (batch 3, tokens 3, dIn 4) needs 36", error.Message);
        error = Assert.Throws<ArgumentException>(() => fused.ForwardForTraining(new float[2 * 7 * 4], new float[2 * 7 * 4], 2, 7));
        Assert.Equal("tokens", error.ParamName);
        Assert.Contains("7 tokens but the context length is 6", error.Message);
        error = Assert.Throws<ArgumentException>(() => fused.ForwardForTraining(input, new float[5], 2, 3));
        Assert.Equal("output", error.ParamName);
        var bad = (float[])input.Clone();
        bad[5] = float.NaN;
        Assert.Contains("input contains NaN at sequence 0, token 1, feature 1", Assert.Throws<ArgumentException>(() => fused.ForwardForTraining(bad, output, 2, 3)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => fused.ForwardForTraining(input, output, 0, 3));

        var saved = fused.ForwardForTraining(input, output, 2, 3);
        var gradients = new FusedMultiHeadAttentionGradients(fused);
        var dx = new float[input.Length];
        error = Assert.Throws<ArgumentException>(() => fused.Backward(saved, new float[23], dx, gradients));
        Assert.Equal("outputGradient", error.ParamName);
        Assert.Contains("outputGradient has 23 floats but the forward's (batch 2, tokens 3, dOut 4) needs 24", error.Message);
        error = Assert.Throws<ArgumentException>(() => fused.Backward(saved, outputGradient, new float[5], gradients));
        Assert.Equal("inputGradient", error.ParamName);
        Assert.Contains("inputGradient has 5 floats but the forward's (batch 2, tokens 3, dIn 4) needs 24", error.Message);
        error = Assert.Throws<ArgumentException>(() => fused.Backward(saved, outputGradient, outputGradient, gradients));
        Assert.Equal("inputGradient", error.ParamName);
        error = Assert.Throws<ArgumentException>(() => fused.Backward(saved, outputGradient, gradients.QkvWeight.AsSpan(0, 24), gradients));
        Assert.Equal("inputGradient", error.ParamName);

        var other = FusedMultiHeadAttention.FromTeaching(teaching);
        error = Assert.Throws<ArgumentException>(() => other.Backward(saved, outputGradient, dx, gradients));
        Assert.Equal("saved", error.ParamName);
        Assert.Contains("another FusedMultiHeadAttention", error.Message);
        var wider = FusedMultiHeadAttention.FromTeaching(Build(2, 3, 5, 2, 2, qkvBias: true, seed: 2).Teaching);
        error = Assert.Throws<ArgumentException>(() => fused.Backward(saved, outputGradient, dx, new FusedMultiHeadAttentionGradients(wider)));
        Assert.Equal("gradients", error.ParamName);
        Assert.Contains("gradients are for a module with dIn 5, dOut 4, QKV bias True, output bias True, but this module has dIn 4, dOut 4, QKV bias False, output bias True", error.Message);
        Assert.Throws<ArgumentNullException>(() => fused.Backward(null!, outputGradient, dx, gradients));
        Assert.Throws<ArgumentNullException>(() => fused.Backward(saved, outputGradient, dx, null!));

        var withDropout = new MultiHeadAttention(4, 4, 6, dropout: 0.2f, numHeads: 2, generator: new TorchGenerator(1));
        Assert.Contains("dropout 0.2", Assert.Throws<NotSupportedException>(() => FusedMultiHeadAttention.FromTeaching(withDropout)).Message);
    }
}
