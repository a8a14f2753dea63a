// The library without a notebook: each stage of the course on "Your journey starts with one step",
// printing the numbers the book prints (seeds 123 and 789, as in the book).
using System.Globalization;
using AttentionNotebooks;
using MathNet.Numerics.LinearAlgebra;

var inputs = SampleData.Inputs();                                             // (6, 3)
Print("Inputs", inputs);

var simplified = SimplifiedSelfAttention.Forward(inputs);
Print("1. Simplified self-attention: attention weights", simplified.Weights);
Print("1. Simplified self-attention: context vectors", simplified.Context);

var withMatrices = new SelfAttentionWithMatrices(3, 2, new TorchGenerator(123));
Print("2. Self-attention with W_query, W_key, W_value (seed 123)", withMatrices.Forward(inputs).Context);

var selfAttention = new SelfAttention(3, 2, qkvBias: false, new TorchGenerator(789));
Print("2. Self-attention with Linear projections (seed 789)", selfAttention.Forward(inputs).Context);

var causal = new CausalAttention(3, 2, contextLength: 6, dropout: 0f, generator: new TorchGenerator(123));
var causalResult = causal.Forward(SampleData.Batch());
Print("3. Causal attention: weights of sequence 0", causalResult.Weights[0]);
Print("3. Causal attention: context vectors of sequence 0 (seed 123)", causalResult.Context[0]);

var multiHead = new MultiHeadAttention(3, 2, contextLength: 6, dropout: 0f, numHeads: 2, generator: new TorchGenerator(123));
Print("4. Multi-head attention, 2 heads (seed 123)", multiHead.Forward(SampleData.Batch()).Context[0]);

var gpt2 = new MultiHeadAttention(768, 768, contextLength: 1024, dropout: 0f, numHeads: 12);
Console.WriteLine($"4. A GPT-2-size multi-head attention has {gpt2.ParameterCount:N0} parameters.");

static void Print(string title, Matrix<float> m)
{
    Console.WriteLine($"{title} ({Shape.Of(m)}):");
    for (int i = 0; i < m.RowCount; i++)
        Console.WriteLine("  " + string.Join("  ", m.Row(i).Select(v => v.ToString("0.0000", CultureInfo.InvariantCulture).PadLeft(7))));
    Console.WriteLine();
}
