namespace AttentionNotebooks.Charts.Tests;

public sealed class ScatterTests
{
    private static Vector<float> Context() => SimplifiedSelfAttention.Forward(SampleData.Inputs()).Context.Row(SampleData.JourneyIndex);

    [Fact]
    public void A_2d_scatter_has_one_labelled_point_per_row_and_the_highlighted_context_vector()
    {
        var root = SvgAssert.Parse(Plot.Scatter2D(SampleData.Inputs(), SampleData.Tokens, Context(), "z(2)", "Embeddings"));
        var points = SvgAssert.WithClass(root, "point");
        Assert.Equal(7, points.Count);
        Assert.Single(SvgAssert.WithClass(root, "highlight"), e => e.Name.LocalName == "circle");
        Assert.Equal([.. SampleData.Tokens, "z(2)"], SvgAssert.Texts(root, "point-label"));
        Assert.Equal(["x₁", "x₂"], SvgAssert.Texts(root, "axis-title"));                 // 1-based, as the maths numbers components
    }

    [Fact]
    public void Points_are_placed_by_their_coordinates()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 0f, 0f }, { 1f, 0f }, { 0f, 1f } });
        var points = SvgAssert.WithClass(SvgAssert.Parse(Plot.Scatter2D(m)), "point");
        double X(int i) => SvgAssert.Number(points[i], "cx");
        double Y(int i) => SvgAssert.Number(points[i], "cy");
        Assert.True(X(1) > X(0));
        Assert.Equal(Y(0), Y(1));
        Assert.True(Y(2) < Y(0));
    }

    [Fact]
    public void Labels_of_nearby_points_do_not_overlap()
    {
        var root = SvgAssert.Parse(Plot.Scatter2D(SampleData.Inputs(), SampleData.Tokens, Context(), "z(2)"));
        var labels = SvgAssert.WithClass(root, "point-label");
        var journey = labels[1];
        var starts = labels[2];
        bool sameLine = Math.Abs(SvgAssert.Number(journey, "y") - SvgAssert.Number(starts, "y")) < 13;
        bool sameSide = (journey.Attribute("text-anchor")?.Value ?? "start") == (starts.Attribute("text-anchor")?.Value ?? "start");
        Assert.False(sameLine && sameSide && Math.Abs(SvgAssert.Number(journey, "x") - SvgAssert.Number(starts, "x")) < 40);
    }

    [Fact]
    public void A_3d_scatter_projects_every_point_inside_the_canvas_with_a_drop_line_each()
    {
        var figure = Plot.Scatter3D(SampleData.Inputs(), SampleData.Tokens, Context(), "z(2)", "In 3-D");
        var root = SvgAssert.Parse(figure);
        var points = SvgAssert.WithClass(root, "point");
        Assert.Equal(7, points.Count);
        Assert.All(points, p =>
        {
            Assert.InRange(SvgAssert.Number(p, "cx"), 0, figure.Width);
            Assert.InRange(SvgAssert.Number(p, "cy"), 0, figure.Height);
        });
        Assert.Equal(7, SvgAssert.WithClass(root, "drop-line").Count);
        Assert.Equal(3, SvgAssert.WithClass(root, "pane").Count);
        Assert.Equal(["x₃", "x₁", "x₂"], SvgAssert.Texts(root, "axis-title"));
    }

    [Fact]
    public void Higher_points_are_drawn_higher_in_3d()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 0.5f, 0.5f, 0f }, { 0.5f, 0.5f, 1f }, { 0f, 0f, 0.5f } });
        var root = SvgAssert.Parse(Plot.Scatter3D(m, ["low", "high", "corner"]));
        var byLabel = SvgAssert.WithClass(root, "point").ToDictionary(p => p.Element(SvgAssert.Ns + "title")!.Value.Split(':')[0], p => SvgAssert.Number(p, "cy"));
        Assert.True(byLabel["high"] < byLabel["low"]);
    }

    [Fact]
    public void Other_dimensions_and_axis_titles_can_be_chosen()
    {
        var options = new ScatterOptions { XDimension = 2, YDimension = 0, XTitle = "z", YTitle = "x" };
        var root = SvgAssert.Parse(Plot.Scatter2D(SampleData.Inputs(), SampleData.Tokens, options: options));
        Assert.Equal(["z", "x"], SvgAssert.Texts(root, "axis-title"));
    }

    [Fact]
    public void Wrong_inputs_are_errors_that_name_the_shapes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Plot.Scatter3D(Matrix<float>.Build.Dense(4, 2)));
        Assert.StartsWith("points is 4x2 but dimension 2 was asked for: a 3-D scatter needs columns 0 to 1.", e.Message);
        var a = Assert.Throws<ArgumentException>(() => Plot.Scatter2D(SampleData.Inputs(), SampleData.Tokens, Vector<float>.Build.Dense(2)));
        Assert.StartsWith("points is 6x3 but the highlighted vector has 2 elements: it needs 3.", a.Message);
        a = Assert.Throws<ArgumentException>(() => Plot.Scatter2D(SampleData.Inputs(), ["a"]));
        Assert.StartsWith("points is 6x3 but 1 labels were given for 6 rows.", a.Message);
        var bad = SampleData.Inputs();
        bad[3, 0] = float.PositiveInfinity;
        a = Assert.Throws<ArgumentException>(() => Plot.Scatter2D(bad));
        Assert.StartsWith("points (6x3) contains Infinity at row 3, column 0", a.Message);
        a = Assert.Throws<ArgumentException>(() => Plot.Scatter2D(Matrix<float>.Build.Dense(0, 2)));
        Assert.StartsWith("points is empty (0x2)", a.Message);
    }

    public static TheoryData<float[,]> ExtremePoints() => new()
    {
        { new[,] { { -float.MaxValue, float.MaxValue, 0f }, { float.MaxValue, -float.MaxValue, 1f } } },
        { new[,] { { float.Epsilon, 2 * float.Epsilon, 3 * float.Epsilon }, { 3 * float.Epsilon, float.Epsilon, 2 * float.Epsilon } } },
        { new[,] { { 1f, 1f, 1f }, { 1f, 1f, 1f } } },
        { new[,] { { 0f, 0f, 0f } } },
    };

    [Theory]
    [MemberData(nameof(ExtremePoints))]
    public void Extreme_subnormal_and_equal_coordinates_are_drawn_at_finite_positions_with_distinct_ticks(float[,] values)
    {
        var points = Matrix<float>.Build.DenseOfArray(values);
        foreach (var figure in new[] { Plot.Scatter2D(points), Plot.Scatter3D(points) })
        {
            var root = SvgAssert.ParseBounded(figure);
            var ticks = SvgAssert.Texts(root, "tick-label");
            Assert.True(ticks.Count >= 2, figure.Kind);
            Assert.All(ticks, t => Assert.True(t.Length <= 12, t));
            Assert.Equal(points.RowCount, SvgAssert.WithClass(root, "point").Count);
        }
        var flat = SvgAssert.ParseBounded(Plot.Scatter2D(points));
        var labels = SvgAssert.WithClass(flat, "tick-label");
        var xTicks = labels.Where(l => l.Attribute("text-anchor")?.Value == "middle").Select(l => l.Value).ToList();
        Assert.Equal(xTicks.Count, xTicks.Distinct().Count());
    }

    [Fact]
    public void Long_point_labels_and_axis_titles_are_cut_and_the_chart_stays_small()
    {
        string label = new('p', 10_000);
        var options = new ScatterOptions { XTitle = label, YTitle = label, ZTitle = label };
        string[] labels = [label, "b", "c", "d", "e", "f"];
        foreach (var figure in new[] { Plot.Scatter2D(SampleData.Inputs(), labels, options: options), Plot.Scatter3D(SampleData.Inputs(), labels, options: options) })
        {
            var root = SvgAssert.ParseBounded(figure);
            Assert.Contains(new string('p', 39) + "…", SvgAssert.Texts(root, "point-label"));
            Assert.All(SvgAssert.Texts(root, "axis-title"), t => Assert.Equal(new string('p', 59) + "…", t));
        }
    }

    [Fact]
    public void A_highlighted_point_that_is_not_finite_is_an_error_naming_its_index()
    {
        var highlight = Vector<float>.Build.DenseOfArray([0f, float.NaN, 1f]);
        var e = Assert.Throws<ArgumentException>(() => Plot.Scatter2D(SampleData.Inputs(), highlight: highlight));
        Assert.StartsWith("highlight[1] is NaN: the highlighted point needs finite coordinates.", e.Message);
        Assert.Equal("highlight", e.ParamName);
        SvgAssert.ParseBounded(Plot.Scatter2D(SampleData.Inputs(), highlight: highlight, options: new ScatterOptions { YDimension = 2 }));
    }

    [Fact]
    public void A_null_label_is_an_error_naming_its_index()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Scatter2D(SampleData.Inputs(), ["a", "b", "c", null!, "e", "f"]));
        Assert.StartsWith("labels[3] is null", e.Message);
        Assert.Equal("labels", e.ParamName);
        Assert.Equal("points", Assert.Throws<ArgumentNullException>(() => Plot.Scatter3D(null!)).ParamName);
    }

    [Fact]
    public void A_3d_scatter_has_its_title_and_axes_named_x1_x2_x3_as_the_maths_numbers_components()
    {
        var inputs = SampleData.Inputs();
        var context = SimplifiedSelfAttention.Forward(inputs).Context.Row(1);
        var figure = Plot.Scatter3D(inputs, SampleData.Tokens, context, "z(2)", "Embeddings and the context vector z(2)");
        var root = SvgAssert.Parse(figure);
        Assert.Equal(["Embeddings and the context vector z(2)"], SvgAssert.Texts(root, "title"));
        Assert.Equal(["x\u2083", "x\u2081", "x\u2082"], SvgAssert.Texts(root, "axis-title"));
        string html = figure.ToHtml();
        Assert.Contains("\"x\u2081\"", html, StringComparison.Ordinal);
        var options = new ScatterOptions { XDimension = 11, YDimension = 0, ZDimension = 9 };
        var wide = SvgAssert.Parse(Plot.Scatter3D(Matrix<float>.Build.Dense(2, 12, (i, j) => i + j), options: options));
        Assert.Equal(["x\u2081\u2080", "x\u2081\u2082", "x\u2081"], SvgAssert.Texts(wide, "axis-title"));
    }

    [Fact]
    public void Live_3d_scatter_is_seen_as_the_svg_from_azimuth_40_and_elevation_25_without_perspective_over_each_axis_s_padded_range()
    {
        var points = SampleData.Inputs();
        var (_, layout) = PlotlyJson.Parse(Plot.Scatter3D(points, SampleData.Tokens, title: "Embeddings"));
        var scene = layout.GetProperty("scene");
        var camera = scene.GetProperty("camera");
        Assert.Equal("orthographic", camera.GetProperty("projection").GetProperty("type").GetString());
        Assert.Equal("cube", scene.GetProperty("aspectmode").GetString());
        var eye = camera.GetProperty("eye");
        double ex = eye.GetProperty("x").GetDouble(), ey = eye.GetProperty("y").GetDouble(), ez = eye.GetProperty("z").GetDouble();
        double r = Math.Sqrt(ex * ex + ey * ey + ez * ez);
        Assert.Equal(25, Math.Asin(ez / r) * 180 / Math.PI, 2);                       // elevation: above the floor
        Assert.Equal(40, Math.Atan2(-ex, -ey) * 180 / Math.PI, 2);                     // azimuth: looking into +x and +y
        for (int k = 0; k < 3; k++)
        {
            var range = scene.GetProperty("xyz"[k] + "axis").GetProperty("range");
            double lo = Enumerable.Range(0, points.RowCount).Min(i => points[i, k]), hi = Enumerable.Range(0, points.RowCount).Max(i => points[i, k]);
            Assert.True(range[0].GetDouble() < lo && range[1].GetDouble() > hi, $"axis {k}: range [{range[0]}, {range[1]}] around the data [{lo}, {hi}]");
        }
        Assert.Equal(("container", "left"), (layout.GetProperty("title").GetProperty("xref").GetString(), layout.GetProperty("title").GetProperty("xanchor").GetString()));
    }
}
