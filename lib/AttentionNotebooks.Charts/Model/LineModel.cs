using System.Globalization;
using AttentionNotebooks.Charts.Layout;

namespace AttentionNotebooks.Charts;

/// <summary>One line of a line chart as both renderers show it.</summary>
/// <param name="Name">The legend entry.</param>
/// <param name="X">x of each point.</param>
/// <param name="Y">y of each point.</param>
/// <param name="Color">The line's and markers' colour.</param>
/// <param name="Dashed">Whether the line is dashed: the series asked for it (<see cref="Charts.Series.Dashed"/>), or the colours have run out and start again.</param>
/// <param name="PointTexts">What hovering each point says: <c>name: (x, y)</c>, up to 6 significant digits.</param>
/// <param name="Markers">Whether each point is drawn as a marker: only for series of at most <see cref="LineModel.MaxMarkers"/> points (beyond, markers hide the line).</param>
internal sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color, bool Dashed, IReadOnlyList<string> PointTexts, bool Markers);

/// <summary>
/// A line chart as both renderers show it: lines, with a marker per point on series of at most
/// <see cref="MaxMarkers"/> points (a training curve of 200 steps is a line, not 200 dots), one colour per series, a legend when there is more
/// than one; linear or logarithmic axes. A logarithmic x axis over at most 8 distinct x values (sequence lengths 256,
/// 512, 1024, 2048) gets its ticks at those values, each labelled, when the labels fit.
/// </summary>
/// <param name="Series">The lines, in order.</param>
/// <param name="XTitle">Title of the x axis, or null.</param>
/// <param name="YTitle">Title of the y axis, or null.</param>
/// <param name="LogX">Whether the x axis is logarithmic.</param>
/// <param name="LogY">Whether the y axis is logarithmic.</param>
/// <param name="XAxis">The x axis: range and ticks (at the data's x values when <paramref name="XDataTicks"/> is not null).</param>
/// <param name="YAxis">The y axis: range and ticks.</param>
/// <param name="XDataTicks">The distinct x values when the x axis is ticked at them, or null.</param>
/// <param name="YFromZero">Whether the y axis was asked to reach 0 (Plotly is then given the y axis's range).</param>
internal sealed record LineModel(IReadOnlyList<LineSeries> Series, string? XTitle, string? YTitle, bool LogX, bool LogY, Axis XAxis, Axis YAxis,
    IReadOnlyList<double>? XDataTicks, bool YFromZero = false) : ChartModel
{
    /// <summary>Width of the SVG plot in pixels, on which the data ticks must fit.</summary>
    public const double PlotWidth = 520;

    private const int MaxDataTicks = 8;

    /// <summary>The most points a series may have to get a marker per point: 50.</summary>
    public const int MaxMarkers = 50;

    /// <summary>Checks the series and builds both axes, so that every bad input fails here, not when drawn.</summary>
    /// <param name="series">The series (each already checked by its constructor).</param>
    /// <param name="xTitle">Title of the x axis, or null.</param>
    /// <param name="yTitle">Title of the y axis, or null.</param>
    /// <param name="logX">Logarithmic x axis.</param>
    /// <param name="logY">Logarithmic y axis.</param>
    /// <param name="yFromZero">Whether the y axis reaches 0 (so that sizes compare by height), on a linear axis.</param>
    /// <param name="single">
    /// The chart was made from the caller's x and y arrays (<c>Plot.Line(x, y)</c>): errors name <c>x</c> and
    /// <c>y</c> instead of <c>series</c>.
    /// </param>
    public static LineModel Create(IReadOnlyList<Series> series, string? xTitle, string? yTitle, bool logX, bool logY, bool single = false, bool yFromZero = false)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
            throw new ArgumentException("series is empty: a line chart needs at least one series.", nameof(series));
        for (int s = 0; s < series.Count; s++)
        {
            var item = series[s] ?? throw new ArgumentException($"series[{s}] is null.", nameof(series));
            string name = $"series[{s}] \"{ChartText.Display(item.Name, ChartText.LabelLength)}\"";
            for (int i = 0; i < item.X.Count; i++)
            {
                CheckLog(item.X[i], logX, name, i, "x");
                CheckLog(item.Y[i], logY, name, i, "y");
            }
        }
        var all = series.ToArray();
        var x = MakeAxis(all, s => s.X, logX, "x", single ? "x" : nameof(series));
        if (yFromZero && logY)
            throw new ArgumentException("yFromZero and logY were both set: a logarithmic y axis cannot reach 0.", nameof(yFromZero));
        var y = MakeAxis(all, s => s.Y, logY, "y", single ? "y" : nameof(series), yFromZero);
        double[]? dataTicks = logX ? DataTicks(all, x) : null;
        if (dataTicks is not null)
            x = x.WithTicksAt(dataTicks);
        int[] slots = ColorSlots(all);
        var lines = all.Select((s, k) => new LineSeries(s.Name, s.X, s.Y, Palette.Series[slots[k] % Palette.Series.Length], s.Dashed || slots[k] >= Palette.Series.Length,
            s.X.Select((v, i) => $"{s.Name}: ({Number(v)}, {Number(s.Y[i])})").ToArray(), s.X.Count <= MaxMarkers)).ToArray();
        return new LineModel(lines, string.IsNullOrEmpty(xTitle) ? null : xTitle, string.IsNullOrEmpty(yTitle) ? null : yTitle, logX, logY, x, y, dataTicks, yFromZero);
    }

    /// <summary>
    /// Each series' place in the palette: the next free one, or that of the first earlier series named by its
    /// <see cref="Charts.Series.SameColorAs"/>, so that only series of their own colour use up the palette.
    /// </summary>
    private static int[] ColorSlots(Series[] series)
    {
        var slots = new int[series.Length];
        int next = 0;
        for (int k = 0; k < series.Length; k++)
        {
            string? other = series[k].SameColorAs;
            if (other is null)
            {
                slots[k] = next++;
                continue;
            }
            int earlier = Array.FindIndex(series, 0, k, s => s.Name == other);
            if (earlier < 0)
                throw new ArgumentException(
                    $"series[{k}] \"{ChartText.Display(series[k].Name, ChartText.LabelLength)}\" asks for the colour of \"{ChartText.Display(other, ChartText.LabelLength)}\", " +
                    $"but no earlier series has that name ({(k == 0 ? "it is the first series" : "earlier: " + string.Join(", ", series.Take(k).Select(s => $"\"{ChartText.Display(s.Name, ChartText.LabelLength)}\"")))}).",
                    nameof(series));
            slots[k] = slots[earlier];
        }
        return slots;
    }

    /// <summary>Whether the chart has a legend: when it has more than one series.</summary>
    public bool ShowLegend => Series.Count > 1;

    /// <summary>The widest a legend on the right of the plot may be, in pixels; a wider one goes below the plot.</summary>
    public const double LegendRightMax = 240;

    /// <summary>Width of the legend in pixels: its longest entry (as shown, at 12 px) and the line sample before it; 0 without a legend.</summary>
    public double LegendWidth => ShowLegend ? Series.Max(s => TextMetrics.Width(ChartText.Display(s.Name, ChartText.AxisTitleLength), 12)) + 26 : 0;

    /// <summary>Whether the legend goes below the plot, one entry a line, instead of on its right: when an entry is longer than about 35 characters.</summary>
    public bool LegendBelow => LegendWidth > LegendRightMax;

    public override string Kind => "line";

    public override string Describe() => $"{Series.Count} series ({Series.Sum(s => s.X.Count)} points)";

    /// <summary>
    /// The distinct x values, when the x axis should be ticked at them: at most <see cref="MaxDataTicks"/> of them and
    /// their labels, drawn on the plot's width, at least 8 pixels apart. Null otherwise.
    /// </summary>
    private static double[]? DataTicks(Series[] series, Axis x)
    {
        double[] xs = series.SelectMany(s => s.X).Distinct().Order().ToArray();
        if (xs.Length is < 2 or > MaxDataTicks)
            return null;
        var axis = x.WithTicksAt(xs);
        for (int k = 1; k < xs.Length; k++)
        {
            double gap = axis.Map(xs[k], 0, PlotWidth) - axis.Map(xs[k - 1], 0, PlotWidth);
            double room = (TextMetrics.Width(axis.TickLabels[k], 11) + TextMetrics.Width(axis.TickLabels[k - 1], 11)) / 2 + 8;
            if (gap < room)
                return null;
        }
        return xs;
    }

    private static void CheckLog(double v, bool log, string name, int i, string axis)
    {
        if (log && v <= 0)
            throw new ArgumentException($"{name} has {axis} = {v.ToString(CultureInfo.InvariantCulture)} at point {i}, but a logarithmic {axis} axis needs positive values.", "series");
    }

    private static Axis MakeAxis(Series[] series, Func<Series, IReadOnlyList<double>> pick, bool log, string what, string parameter, bool includeZero = false)
    {
        double lo = series.Min(s => pick(s).Min()), hi = series.Max(s => pick(s).Max());
        return log ? Axis.Logarithmic(lo, hi) : Axis.Linear(lo, hi, includeZero, target: 6, what: what, parameter: parameter);
    }

    /// <summary>A coordinate in a hover text: up to 6 significant digits, culture-invariant.</summary>
    private static string Number(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
