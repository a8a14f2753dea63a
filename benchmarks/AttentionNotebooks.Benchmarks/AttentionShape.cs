namespace AttentionNotebooks.Benchmarks;

/// <summary>One benchmark shape: batch × tokens sequences through a model of width dModel split into heads.</summary>
/// <param name="Name">Short name used on the command line and in the tables.</param>
public sealed record AttentionShape(string Name, int Batch, int Tokens, int DModel, int Heads)
{
    /// <summary>GPT-2 small at its full context: batch 8, 1024 tokens, d_model 768, 12 heads of 64.</summary>
    public static AttentionShape Large { get; } = new("L", 8, 1024, 768, 12);

    /// <summary>One long sequence: batch 1, 4096 tokens, d_model 768, 12 heads of 64.</summary>
    public static AttentionShape ExtraLarge { get; } = new("XL", 1, 4096, 768, 12);

    /// <summary>Medium: batch 4, 256 tokens, d_model 768, 12 heads of 64 (where the scalar path and two-thread scaling are measured).</summary>
    public static AttentionShape Medium { get; } = new("M", 4, 256, 768, 12);

    /// <summary>A toy: batch 1, 64 tokens, d_model 64, 4 heads of 16.</summary>
    public static AttentionShape Small { get; } = new("S", 1, 64, 64, 4);

    public static IReadOnlyList<AttentionShape> All { get; } = [Large, ExtraLarge, Medium, Small];

    /// <summary>The training step's shape: batch 8, 64 tokens, d_model 64, 4 heads of 16.</summary>
    public static AttentionShape Training { get; } = new("T", 8, 64, 64, 4);

    /// <summary>Notebook 06's task-2 model as it trains there: batch 16, 12 tokens, d_model 16, 2 heads of 8.</summary>
    public static AttentionShape Notebook06 { get; } = new("N6", 16, 12, 16, 2);

    /// <summary>The shapes of the training ladder.</summary>
    public static IReadOnlyList<AttentionShape> TrainingShapes { get; } = [Training, Notebook06];

    public int HeadDim => DModel / Heads;

    /// <summary>Floats in one (batch, heads, tokens, headDim) tensor.</summary>
    public int Elements => Batch * Heads * Tokens * HeadDim;

    /// <summary>Multiply-adds ×2 of QKᵀ and P·V: 4·b·h·n²·d, half of it under a causal mask.</summary>
    public double AttentionFlops(bool causal) => (causal ? 2.0 : 4.0) * Batch * Heads * (double)Tokens * Tokens * HeadDim;

    /// <summary>Attention plus the three input projections and the output projection: 2·b·n·d·(3d + d) more.</summary>
    public double ModuleFlops(bool causal) => AttentionFlops(causal) + 2.0 * Batch * Tokens * (double)DModel * 4 * DModel;

    public static AttentionShape Parse(string name) =>
        All.Concat(TrainingShapes).FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown shape {name}: use one of {string.Join(", ", All.Concat(TrainingShapes).Select(s => s.Name))}.");

    /// <summary>What BenchmarkDotNet prints in the Shape column.</summary>
    public override string ToString() => $"{Name} {Batch}x{Tokens} d{DModel} h{Heads}";
}
