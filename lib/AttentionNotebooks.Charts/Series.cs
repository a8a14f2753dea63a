using System.Numerics;

namespace AttentionNotebooks.Charts;

/// <summary>One line of a <see cref="Plot.Line(IReadOnlyList{Series}, string?, string?, string?, bool, bool)"/> chart: a name and its points in order.</summary>
/// <param name="Name">Shown in the legend.</param>
/// <param name="X">x of each point.</param>
/// <param name="Y">y of each point, as many as <paramref name="X"/>.</param>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    /// <summary>A series from any numbers (int sequence lengths, float timings, …), converted to double.</summary>
    /// <example><code>Series.Of("naive", new[] { 64, 128, 256 }, new[] { 0.4, 1.5, 6.1 })</code></example>
    public static Series Of<TX, TY>(string name, IEnumerable<TX> x, IEnumerable<TY> y)
        where TX : INumberBase<TX>
        where TY : INumberBase<TY>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return new Series(name, x.Select(double.CreateChecked).ToArray(), y.Select(double.CreateChecked).ToArray());
    }
}
