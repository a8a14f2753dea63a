namespace AttentionNotebooks.Charts.Tests;

public sealed class HeatmapsTests
{
    private static MultiHeadAttentionResult FourHeads() =>
        new MultiHeadAttention(3, 4, 6, 0f, 4, generator: new TorchGenerator(123)).Forward(SampleData.Batch());

    [Fact]
    public void Every_head_gets_a_titled_panel_with_one_rect_per_entry()
    {
        var root = SvgAssert.Parse(Plot.Heatmaps(FourHeads(), SampleData.Tokens, title: "Four heads"));
        Assert.Equal(4, SvgAssert.WithClass(root, "heatmap-panel").Count);
        Assert.Equal(4 * 36, SvgAssert.WithClass(root, "cell").Count);
        Assert.Equal(["head 0", "head 1", "head 2", "head 3"], SvgAssert.Texts(root, "panel-title"));
        Assert.Single(SvgAssert.WithClass(root, "colorbar"));
    }

    [Fact]
    public void Four_small_panels_are_laid_out_two_by_two_and_the_column_count_can_be_chosen()
    {
        var heads = FourHeads().Weights[0];
        static int DistinctRows(Figure f) => SvgAssert.WithClass(SvgAssert.Parse(f), "heatmap-panel")
            .Select(p => p.Attribute("transform")!.Value.Split(',')[1]).Distinct().Count();
        Assert.Equal(2, DistinctRows(Plot.Heatmaps(heads, SampleData.Tokens)));
        Assert.Equal(1, DistinctRows(Plot.Heatmaps(heads, SampleData.Tokens, columns: 4)));
        Assert.Equal(4, DistinctRows(Plot.Heatmaps(heads, SampleData.Tokens, columns: 1)));
    }

    [Fact]
    public void Panels_share_one_colour_scale_so_equal_values_get_equal_colours()
    {
        var a = Matrix<float>.Build.DenseOfArray(new[,] { { 0f, 1f } });
        var b = Matrix<float>.Build.DenseOfArray(new[,] { { 1f, 2f } });
        var fills = SvgAssert.WithClass(SvgAssert.Parse(Plot.Heatmaps([a, b])), "cell").Select(c => c.Attribute("fill")!.Value).ToList();
        Assert.Equal(fills[1], fills[2]);
        Assert.NotEqual(fills[0], fills[3]);
    }

    [Fact]
    public void Default_titles_are_indices()
    {
        var root = SvgAssert.Parse(Plot.Heatmaps([SampleData.Inputs(), SampleData.Inputs()]));
        Assert.Equal(["[0]", "[1]"], SvgAssert.Texts(root, "panel-title"));
    }

    [Fact]
    public void A_bad_matrix_is_named_by_its_index()
    {
        var bad = SampleData.Inputs();
        bad[1, 1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmaps([SampleData.Inputs(), bad]));
        Assert.StartsWith("matrices[1] (6x3) contains NaN at row 1, column 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => Plot.Heatmaps([SampleData.Inputs(), Matrix<float>.Build.Dense(2, 0)]));
        Assert.StartsWith("matrices[1] is empty (2x0)", e.Message);
    }

    [Fact]
    public void No_matrices_or_a_wrong_number_of_titles_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => Plot.Heatmaps(Array.Empty<Matrix<float>>()));
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmaps([SampleData.Inputs()], titles: ["a", "b"]));
        Assert.StartsWith("2 titles were given for 1 matrices.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Plot.Heatmaps(FourHeads(), sequence: 2));
    }

    [Fact]
    public void A_null_panel_title_or_matrix_is_an_error_naming_its_index()
    {
        var e = Assert.Throws<ArgumentException>(() => Plot.Heatmaps([SampleData.Inputs(), SampleData.Inputs()], titles: ["a", null!]));
        Assert.StartsWith("titles[1] is null", e.Message);
        Assert.Equal("titles", e.ParamName);
        Assert.Equal("matrices[1]", Assert.Throws<ArgumentNullException>(() => Plot.Heatmaps([SampleData.Inputs(), null!])).ParamName);
        Assert.Equal("matrices", Assert.Throws<ArgumentNullException>(() => Plot.Heatmaps((IReadOnlyList<Matrix<float>>)null!)).ParamName);
    }

    [Fact]
    public void Long_panel_titles_are_cut_and_the_grid_stays_small()
    {
        string title = new('p', 10_000);
        var figure = Plot.Heatmaps([SampleData.Inputs(), SampleData.Inputs()], titles: [title, "b"]);
        var root = SvgAssert.ParseBounded(figure);
        Assert.Equal([new string('p', 59) + "…", "b"], SvgAssert.Texts(root, "panel-title"));
    }

    [Fact]
    public void Live_panels_side_by_side_leave_room_for_every_panels_row_labels_left_of_its_grid()
    {
        // Notebook 7's head grid: long row labels ("layer 0  [CLS]") on both panels, 960 px wide.
        string[] tokens = ["[CLS]", "your", "journey", "[SEP]"];
        var rows = Enumerable.Range(0, 8).Select(i => i % 4 == 0 ? $"layer {i / 4}  {tokens[0]}" : tokens[i % 4]).ToArray();
        var panel = MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(8, 60, (i, j) => (i + j) % 7 / 7f);
        var figure = Plot.Heatmaps([panel, panel], titles: ["heads 0 to 5", "heads 6 to 11"], columns: 2,
            options: HeatmapOptions.AttentionWeights with { RowLabels = rows, ColumnLabels = Enumerable.Repeat("", 60).ToArray(), ShowValues = false }).WithSize(960, 300);

        var (_, layout) = PlotlyJson.Parse(figure);

        double labels = AttentionNotebooks.Charts.Layout.TextMetrics.Width("layer 0  [CLS]", 12);
        double left = layout.GetProperty("margin").GetProperty("l").GetDouble();
        double plot = layout.GetProperty("width").GetDouble() - left - layout.GetProperty("margin").GetProperty("r").GetDouble();
        double gap = (layout.GetProperty("xaxis2").GetProperty("domain")[0].GetDouble() - layout.GetProperty("xaxis").GetProperty("domain")[1].GetDouble()) * plot;
        Assert.True(left >= labels + 6, $"left margin {left} px, the row labels need {labels} px");
        Assert.True(gap >= labels + 6, $"gap between the panels {gap:F1} px, the right panel's row labels need {labels} px");
    }
}
