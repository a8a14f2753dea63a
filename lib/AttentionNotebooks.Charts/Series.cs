using System.Globalization;
using System.Numerics;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts;

/// <summary>
/// One line of a <see cref="Plot.Line(IReadOnlyList{Series}, string?, string?, string?, bool, bool, bool)"/> chart: a name
/// and its points in order, solid in a colour of its own unless <see cref="Dashed"/> or <see cref="SameColorAs"/> say
/// otherwise. Checked when made and immutable: the values are copied.
/// </summary>
public sealed record Series
{
    /// <summary>A series of the points (X[i], Y[i]).</summary>
    /// <param name="Name">Shown in the legend (at most 60 characters are drawn); not null.</param>
    /// <param name="X">x of each point, finite; at least one point.</param>
    /// <param name="Y">y of each point, finite, as many as <paramref name="X"/>.</param>
    /// <exception cref="ArgumentNullException">A parameter is null.</exception>
    /// <exception cref="ArgumentException">
    /// No points, different counts or a value that is not finite, e.g. <c>series "naive": Y[3] is NaN: every
    /// coordinate must be finite.</c>
    /// </exception>
    public Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
    {
        ArgumentNullException.ThrowIfNull(Name);
        this.Name = Name;
        (this.X, this.Y) = Check($"series \"{ChartText.Display(Name, ChartText.LabelLength)}\": ", X, Y, nameof(X), nameof(Y));
    }

    /// <summary>Shown in the legend.</summary>
    public string Name { get; }

    /// <summary>x of each point.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>y of each point, as many as <see cref="X"/>.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Whether the line is drawn dashed, e.g. a limit or a reference beside a measured line. Default: solid.</summary>
    /// <example><code>Series.Of("MHA: bytes ÷ bandwidth", lengths, limits) with { Dashed = true, SameColorAs = "MHA" }</code></example>
    public bool Dashed { get; init; }

    /// <summary>
    /// The name of an earlier series of the same chart whose colour this one takes (a limit drawn in the colour of what
    /// it limits), or null for the next colour of its own. Checked when the chart is made: no earlier series of that
    /// name is an error.
    /// </summary>
    public string? SameColorAs { get; init; }

    /// <summary>A series from any numbers (int sequence lengths, float timings, …), converted to double.</summary>
    /// <example><code>Series.Of("naive", new[] { 64, 128, 256 }, new[] { 0.4, 1.5, 6.1 })</code></example>
    public static Series Of<TX, TY>(string name, IEnumerable<TX> x, IEnumerable<TY> y)
        where TX : INumberBase<TX>
        where TY : INumberBase<TY>
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return new Series(name, x.Select(double.CreateChecked).ToArray(), y.Select(double.CreateChecked).ToArray());
    }

    /// <summary>Copies of x and y after checking them; messages start with <paramref name="prefix"/> and name the caller's parameters.</summary>
    internal static (double[] X, double[] Y) Check(string prefix, IReadOnlyList<double>? x, IReadOnlyList<double>? y, string xName, string yName)
    {
        ArgumentNullException.ThrowIfNull(x, xName);
        ArgumentNullException.ThrowIfNull(y, yName);
        if (x.Count != y.Count)
            throw new ArgumentException($"{prefix}{xName} has {x.Count} values but {yName} has {y.Count}: each point needs both.", yName);
        if (x.Count == 0)
            throw new ArgumentException($"{prefix}{xName} and {yName} are empty: a line needs at least one point.", xName);
        double[] xs = x.ToArray(), ys = y.ToArray();
        CheckFinite(prefix, xs, xName);
        CheckFinite(prefix, ys, yName);
        return (xs, ys);
    }

    private static void CheckFinite(string prefix, double[] values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{prefix}{name}[{i}] is {values[i].ToString(CultureInfo.InvariantCulture)}: every coordinate must be finite.", name);
    }
}
