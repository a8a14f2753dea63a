using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;

namespace AttentionNotebooks.Tests.Printing;

public sealed class MatrixTextTests
{
    [Fact]
    public void The_6x3_sample_prints_exactly_as_PyTorch_prints_it_with_the_shape_as_a_comment()
    {
        const string expected =
            "tensor([[0.4300, 0.1500, 0.8900],\n" +
            "        [0.5500, 0.8700, 0.6600],\n" +
            "        [0.5700, 0.8500, 0.6400],\n" +
            "        [0.2200, 0.5800, 0.3300],\n" +
            "        [0.7700, 0.2500, 0.1000],\n" +
            "        [0.0500, 0.8000, 0.5500]])  # shape 6x3";
        Assert.Equal(expected, MatrixText.Format(SampleData.Inputs()));
    }

    [Fact]
    public void The_6x3_sample_with_token_labels_is_the_documented_table()
    {
        const string expected =
            "6x3           0       1       2\n" +
            "Your     0.4300  0.1500  0.8900\n" +
            "journey  0.5500  0.8700  0.6600\n" +
            "starts   0.5700  0.8500  0.6400\n" +
            "with     0.2200  0.5800  0.3300\n" +
            "one      0.7700  0.2500  0.1000\n" +
            "step     0.0500  0.8000  0.5500";
        Assert.Equal(expected, MatrixText.Format(SampleData.Inputs(), SampleData.Tokens));
        Assert.Equal(expected, SampleData.Inputs().WithTokens(SampleData.Tokens).ToString());
    }

    [Fact]
    public void Attention_weights_with_tokens_on_both_axes_are_the_documented_table()
    {
        var weights = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights;
        string text = weights.WithTokens(SampleData.Tokens).ToString();
        string[] lines = text.Split('\n');
        Assert.Equal(7, lines.Length);
        Assert.Equal("6x6        Your  journey  starts    with     one    step", lines[0]);
        Assert.Equal("journey  0.1385   0.2379  0.2333  0.1240  0.1082  0.1581", lines[2]);
    }

    [Fact]
    public void Every_value_round_trips_to_4_decimals()
    {
        Gen.Select(Gen.Int[1, 12], Gen.Int[1, 12], Gen.ULong).Sample((rows, cols, seed) =>
        {
            var m = new TorchGenerator(seed).Uniform(rows, cols, -50f, 50f);
            var numbers = Numbers(MatrixText.Format(m));
            Assert.Equal(rows * cols, numbers.Count);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    Assert.InRange(numbers[i * cols + j] - m[i, j], -0.00005 - 1e-9, 0.00005 + 1e-9);
        }, iter: 200);
    }

    [Fact]
    public void Every_value_has_exactly_4_decimals()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 1f, 0.5f }, { 123.456789f, -2f } });
        Assert.Equal(
            "tensor([[  1.0000,   0.5000],\n" +
            "        [123.4568,  -2.0000]])  # shape 2x2",
            MatrixText.Format(m));
    }

    [Fact]
    public void Negative_numbers_are_right_aligned_so_signs_and_decimal_points_line_up()
    {
        var m = SampleData.Inputs() - 0.5f;
        const string expected =
            "tensor([[-0.0700, -0.3500,  0.3900],\n" +
            "        [ 0.0500,  0.3700,  0.1600],\n" +
            "        [ 0.0700,  0.3500,  0.1400],\n" +
            "        [-0.2800,  0.0800, -0.1700],\n" +
            "        [ 0.2700, -0.2500, -0.4000],\n" +
            "        [-0.4500,  0.3000,  0.0500]])  # shape 6x3";
        Assert.Equal(expected, MatrixText.Format(m));
    }

    [Fact]
    public void Decimal_points_line_up_in_every_row_of_a_random_matrix()
    {
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 7], Gen.ULong).Sample((rows, cols, seed) =>
        {
            var m = new TorchGenerator(seed).Uniform(rows, cols, -20f, 20f);   // at most 7 columns: no wrapping
            var lines = MatrixText.Format(m).Split('\n');
            var points = lines.Select(l => Enumerable.Range(0, l.Length).Where(k => l[k] == '.').ToArray()).ToArray();
            Assert.All(points, p => Assert.Equal(points[0], p));
        }, iter: 100);
    }

    [Fact]
    public void A_negative_zero_and_a_tiny_negative_value_print_without_a_sign()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { -0f, -0.00001f, 0.25f } });
        Assert.Equal("tensor([[0.0000, 0.0000, 0.2500]])  # shape 1x3", MatrixText.Format(m));
    }

    [Fact]
    public void Whole_numbers_print_as_PyTorch_prints_them_with_a_trailing_point()
    {
        const string expected =
            "tensor([[0., 1., 1.],\n" +
            "        [0., 0., 1.],\n" +
            "        [0., 0., 0.]])  # shape 3x3";
        Assert.Equal(expected, MatrixText.Format(CausalMask.Create(3)));
        Assert.Equal("tensor([[-3., 12.]])  # shape 1x2", MatrixText.Format(Matrix<float>.Build.DenseOfArray(new[,] { { -3f, 12f } })));
    }

    [Fact]
    public void Masked_scores_print_minus_infinity_aligned_with_the_numbers()
    {
        var scores = Matrix<float>.Build.DenseOfArray(new[,] { { 0.2899f, 0.5f }, { 0.1f, 0.2f } });
        const string expected =
            "tensor([[0.2899,   -inf],\n" +
            "        [0.1000, 0.2000]])  # shape 2x2";
        Assert.Equal(expected, MatrixText.Format(CausalMask.FillAboveDiagonal(scores)));
    }

    [Fact]
    public void NaN_and_positive_infinity_print_as_Python_names_them()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { float.NaN, float.PositiveInfinity, 0.5f } });
        Assert.Equal("tensor([[   nan,    inf, 0.5000]])  # shape 1x3", MatrixText.Format(m));
    }

    [Fact]
    public void Ties_round_to_even_as_Python_format_does()
    {
        var m = Matrix<float>.Build.DenseOfArray(new[,] { { 0.03125f, 0.09375f, 1.15625f } });
        Assert.Equal("tensor([[0.0312, 0.0938, 1.1562]])  # shape 1x3", MatrixText.Format(m));
    }

    [Fact]
    public void The_text_is_the_same_whatever_the_current_culture()
    {
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NegativeSign = "\u2212";
        var previous = CultureInfo.CurrentCulture;
        string invariant = MatrixText.Format(SampleData.Inputs() - 0.5f, SampleData.Tokens);
        try
        {
            CultureInfo.CurrentCulture = culture;
            Assert.Equal(invariant, MatrixText.Format(SampleData.Inputs() - 0.5f, SampleData.Tokens));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Rows_longer_than_80_characters_wrap_as_PyTorch_wraps_them()
    {
        var m = Matrix<float>.Build.Dense(2, 12, (i, j) => (i * 12 + j) / 100f);
        const string expected =
            "tensor([[0.0000, 0.0100, 0.0200, 0.0300, 0.0400, 0.0500, 0.0600, 0.0700, 0.0800,\n" +
            "         0.0900, 0.1000, 0.1100],\n" +
            "        [0.1200, 0.1300, 0.1400, 0.1500, 0.1600, 0.1700, 0.1800, 0.1900, 0.2000,\n" +
            "         0.2100, 0.2200, 0.2300]])  # shape 2x12";
        Assert.Equal(expected, MatrixText.Format(m));
    }

    [Fact]
    public void A_matrix_of_more_than_1000_entries_is_summarised_to_its_edges_like_PyTorch()
    {
        var m = Matrix<float>.Build.Dense(64, 64, (i, j) => i + j / 100f);
        const string expected =
            "tensor([[ 0.0000,  0.0100,  0.0200,  ...,  0.6100,  0.6200,  0.6300],\n" +
            "        [ 1.0000,  1.0100,  1.0200,  ...,  1.6100,  1.6200,  1.6300],\n" +
            "        [ 2.0000,  2.0100,  2.0200,  ...,  2.6100,  2.6200,  2.6300],\n" +
            "        ...,\n" +
            "        [61.0000, 61.0100, 61.0200,  ..., 61.6100, 61.6200, 61.6300],\n" +
            "        [62.0000, 62.0100, 62.0200,  ..., 62.6100, 62.6200, 62.6300],\n" +
            "        [63.0000, 63.0100, 63.0200,  ..., 63.6100, 63.6200, 63.6300]])  # shape 64x64";
        Assert.Equal(expected, MatrixText.Format(m));
    }

    [Fact]
    public void The_summary_threshold_is_1000_entries()
    {
        Assert.DoesNotContain("...", MatrixText.Format(Matrix<float>.Build.Dense(31, 32, 0.5f)));
        Assert.Contains("...", MatrixText.Format(Matrix<float>.Build.Dense(32, 32, 0.5f)));
        Assert.Contains("...", MatrixText.Format(Matrix<float>.Build.Dense(32, 32, 0.5f), options: MatrixTextOptions.Default with { Threshold = 2000 }) + "...");
        Assert.DoesNotContain("...", MatrixText.Format(Matrix<float>.Build.Dense(32, 32, 0.5f), options: MatrixTextOptions.Default with { Threshold = 2000 }));
    }

    [Fact]
    public void Only_the_long_dimension_of_a_summarised_matrix_is_cut()
    {
        string text = MatrixText.Format(Matrix<float>.Build.Dense(2000, 2, 0.5f));
        Assert.Equal(7, text.Split('\n').Length);
        Assert.DoesNotContain(" ...", text.Split('\n')[0]);
    }

    [Fact]
    public void A_summarised_labelled_table_shows_the_edge_labels_and_an_ellipsis_row_and_column()
    {
        var m = Matrix<float>.Build.Dense(40, 40, (i, j) => i == j ? 1f : 0.5f);
        var tokens = Enumerable.Range(0, 40).Select(i => $"t{i}").ToArray();
        var lines = MatrixText.Format(m, tokens, tokens).Split('\n');
        Assert.Equal(8, lines.Length);
        Assert.Equal("40x40      t0      t1      t2     ...     t37     t38     t39", lines[0]);
        Assert.Equal("t0     1.0000  0.5000  0.5000     ...  0.5000  0.5000  0.5000", lines[1]);
        Assert.Equal("...       ...     ...     ...     ...     ...     ...     ...", lines[4]);
        Assert.StartsWith("t39 ", lines[7]);
    }

    [Fact]
    public void A_vector_prints_as_a_one_dimensional_tensor()
    {
        var row = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights.Row(SampleData.JourneyIndex);
        Assert.Equal("tensor([0.1385, 0.2379, 0.2333, 0.1240, 0.1082, 0.1581])  # shape 6", MatrixText.Format(row));
    }

    [Fact]
    public void A_labelled_vector_is_a_one_row_table_under_its_labels()
    {
        var row = SimplifiedSelfAttention.Forward(SampleData.Inputs()).Weights.Row(SampleData.JourneyIndex);
        const string expected =
            "6    Your  journey  starts    with     one    step\n" +
            "   0.1385   0.2379  0.2333  0.1240  0.1082  0.1581";
        Assert.Equal(expected, row.WithTokens(SampleData.Tokens).ToString());
    }

    [Fact]
    public void A_long_vector_wraps_and_a_huge_one_is_summarised_as_PyTorch_does()
    {
        var v = Vector<float>.Build.Dense(12, i => i / 10f);
        Assert.Equal(
            "tensor([0.0000, 0.1000, 0.2000, 0.3000, 0.4000, 0.5000, 0.6000, 0.7000, 0.8000,\n" +
            "        0.9000, 1.0000, 1.1000])  # shape 12",
            MatrixText.Format(v));
        var huge = Vector<float>.Build.Dense(5000, i => i);
        Assert.Equal("tensor([   0.,    1.,    2.,  ..., 4997., 4998., 4999.])  # shape 5000", MatrixText.Format(huge));
    }

    [Fact]
    public void Empty_shapes_print_like_PyTorch_with_their_shape()
    {
        Assert.Equal("tensor([], size=(0, 3))  # shape 0x3", MatrixText.Format(Matrix<float>.Build.Dense(0, 3)));
        Assert.Equal("tensor([])  # shape 0", MatrixText.Format(Vector<float>.Build.Dense(0)));
    }

    [Fact]
    public void One_by_one_and_one_row_matrices_print_on_one_line()
    {
        Assert.Equal("tensor([[1.]])  # shape 1x1", MatrixText.Format(Matrix<float>.Build.Dense(1, 1, 1f)));
        Assert.Equal("tensor([[0.5000, 0.2500]])  # shape 1x2", MatrixText.Format(Matrix<float>.Build.DenseOfArray(new[,] { { 0.5f, 0.25f } })));
    }

    [Fact]
    public void A_label_count_that_does_not_match_is_an_error_naming_the_shape()
    {
        var m = Matrix<float>.Build.Dense(6, 5);
        var e = Assert.Throws<ArgumentException>(() => MatrixText.Format(m, null, SampleData.Tokens));
        Assert.StartsWith("matrix is 6x5 but 6 labels were given for 5 columns.", e.Message);
        e = Assert.Throws<ArgumentException>(() => MatrixText.Format(m.Transpose(), SampleData.Tokens));
        Assert.StartsWith("matrix is 5x6 but 6 labels were given for 5 rows.", e.Message);
        e = Assert.Throws<ArgumentException>(() => MatrixText.Format(Vector<float>.Build.Dense(5), SampleData.Tokens));
        Assert.StartsWith("vector has 5 elements but 6 labels were given.", e.Message);
    }

    [Fact]
    public void A_newline_in_a_label_is_printed_as_an_escape_and_cannot_break_the_table()
    {
        var m = Matrix<float>.Build.Dense(2, 2, 0.5f);
        var lines = MatrixText.Format(m, ["a\nb", "<|endoftext|>"], ["x", "y"]).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("a\\nb ", lines[1]);
        Assert.StartsWith("<|endoftext|> ", lines[2]);
    }

    [Fact]
    public void A_result_prints_its_context_and_weights_under_headings()
    {
        var result = SimplifiedSelfAttention.Forward(SampleData.Inputs());
        string text = MatrixText.Format(result);
        Assert.StartsWith("Context (6x3)\ntensor([[0.4421, 0.5931, 0.5790],", text);
        Assert.Contains("\n\nWeights (6x6)\ntensor([[0.2098, 0.2006,", text);
        string labelled = MatrixText.Format(result, SampleData.Tokens);
        Assert.Contains("Weights (6x6)\n6x6        Your  journey  starts", labelled);
        Assert.Contains("Context (6x3)\n6x3           0       1       2\nYour     0.4421", labelled);
    }

    [Fact]
    public void A_multi_head_result_prints_every_head_of_every_sequence()
    {
        var mha = new MultiHeadAttention(3, 2, 6, 0f, 2, generator: new TorchGenerator(123));
        string text = MatrixText.Format(mha.Forward(SampleData.Batch()), SampleData.Tokens);
        foreach (string heading in new[] { "Context[0] (6x2)", "Weights[0][0] (6x6)", "Weights[0][1] (6x6)", "Context[1] (6x2)", "Weights[1][1] (6x6)" })
            Assert.Contains(heading, text);
    }

    [Fact]
    public void A_batch_result_prints_every_sequence()
    {
        var batch = new BatchAttentionResult([SampleData.Inputs()], [Matrix<float>.Build.Dense(6, 6, 1f / 6)]);
        string text = MatrixText.Format(batch);
        Assert.Contains("Context[0] (6x3)", text);
        Assert.Contains("Weights[0] (6x6)\ntensor([[0.1667,", text);
    }

    [Fact]
    public void A_single_number_prints_with_4_decimals_and_no_sign_on_zero()
    {
        Assert.Equal("0.9544", MatrixText.FormatNumber(0.95443f));
        Assert.Equal("0.0000", MatrixText.FormatNumber(-0.00001f));
        Assert.Equal("-inf", MatrixText.FormatNumber(float.NegativeInfinity));
        Assert.Equal("1.00", MatrixText.FormatNumber(1f, 2));
    }

    private static List<double> Numbers(string text) =>
        Regex.Matches(text[..text.LastIndexOf('#')], @"-?\d+\.\d*")
            .Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture))
            .ToList();
}
