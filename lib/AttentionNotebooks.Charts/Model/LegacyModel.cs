namespace AttentionNotebooks.Charts;

/// <summary>A chart kind not yet described by a model: its spec still renders itself (transitional).</summary>
internal sealed record LegacyModel(ChartSpec Spec) : ChartModel
{
    public override string Kind => Spec.Kind;

    public override string Describe() => Spec.Describe();
}
