using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AttentionNotebooks.NotebookTests;

/// <summary>The exporter on small notebooks written here: what each rewrite does to a cell.</summary>
public sealed class AppExporterTests
{
    private const string SetupCell =
        "#r \"nuget: MathNet.Numerics, 5.0.0\"\n#load \"setup.csx\"\n\n#!csharp\nusing AttentionNotebooks;\nAttentionNotebooks.Interactive.NotebookSetup.Initialize();";

    private static string Export(params (string Type, string Source)[] cells)
    {
        var json = new JsonObject
        {
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
            ["metadata"] = new JsonObject(),
            ["cells"] = new JsonArray(cells.Select(c => (JsonNode)new JsonObject
            {
                ["cell_type"] = c.Type,
                ["metadata"] = new JsonObject(),
                ["source"] = c.Source,
                ["outputs"] = new JsonArray(),
            }).ToArray()),
        };
        var notebook = NotebookDocument.Parse(json.ToJsonString(), "/tmp/fixture.ipynb", "fixture.ipynb");
        return AppExporter.Export(notebook, "../../lib/Charts.csproj", "notebooks/fixture.ipynb", "notebooks/apps/fixture.cs");
    }

    private static void AssertParsesAsAProgram(string app)
    {
        // The #: directives are for `dotnet run`; the compiler sees them as ignored directives.
        var tree = CSharpSyntaxTree.ParseText(app, new CSharpParseOptions(LanguageVersion.Latest).WithFeatures([new("FileBasedProgram", "true")]));
        var errors = tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join('\n', errors.Select(e => e.ToString())) + "\n" + app);
    }

    [Fact]
    public void The_setup_cell_becomes_the_project_directive_and_its_usings()
    {
        var app = Export(("code", SetupCell));

        Assert.StartsWith("#:project ../../lib/Charts.csproj\n", app, StringComparison.Ordinal);
        Assert.Contains("\nusing AttentionNotebooks;\n", app, StringComparison.Ordinal);
        Assert.DoesNotContain("#r", app, StringComparison.Ordinal);
        Assert.DoesNotContain("#load", app, StringComparison.Ordinal);
        Assert.DoesNotContain("#!", app, StringComparison.Ordinal);
        Assert.DoesNotContain("Initialize()", app, StringComparison.Ordinal);
        AssertParsesAsAProgram(app);
    }

    [Fact]
    public void A_trailing_expression_is_printed_and_a_statement_is_not()
    {
        var app = Export(("code", SetupCell), ("code", "var x = 2;\nx * 3 // six"), ("code", "Console.WriteLine(x);"));

        Assert.Contains("var x = 2;\nshow(2, x * 3); // six\n", app, StringComparison.Ordinal);
        Assert.Contains("\nConsole.WriteLine(x);\n", app, StringComparison.Ordinal);
        Assert.DoesNotContain("show(3,", app, StringComparison.Ordinal);
        Assert.Contains("static void show(int cellNumber, object? cellValue)", app, StringComparison.Ordinal);
        Assert.Contains("fixture.cell{cellNumber}.svg", app, StringComparison.Ordinal);
        AssertParsesAsAProgram(app);
    }

    [Fact]
    public void Each_code_cell_is_preceded_by_its_marker_call_with_its_number()
    {
        var app = Export(("code", SetupCell), ("markdown", "# Title"), ("code", "var y = 1;"));

        Assert.Contains("Show.Cell(3);\nvar y = 1;", app, StringComparison.Ordinal);
        Assert.Contains("Show.Cell(1);", app, StringComparison.Ordinal);
    }

    [Fact]
    public void Display_calls_get_a_local_display_function_and_only_then()
    {
        var with = Export(("code", SetupCell), ("code", "display(1);\ndisplay(\"two\");"));
        var without = Export(("code", SetupCell), ("code", "var z = 1;"));

        Assert.Contains("static void display(object? value) => Show.Value(value);", with, StringComparison.Ordinal);
        Assert.DoesNotContain("void display", without, StringComparison.Ordinal);
        AssertParsesAsAProgram(with);
    }

    [Fact]
    public void Type_declarations_move_after_every_statement_and_usings_to_the_top()
    {
        var app = Export(
            ("code", SetupCell),
            ("code", "record Point(int X, int Y);\nvar p = new Point(1, 2);"),
            ("code", "using System.Text;\nvar b = new StringBuilder();\nb.Append(p.X);"));

        Assert.True(app.IndexOf("record Point", StringComparison.Ordinal) > app.IndexOf("b.Append(p.X);", StringComparison.Ordinal), app);
        Assert.True(app.IndexOf("using System.Text;", StringComparison.Ordinal) < app.IndexOf("Show.Cell(1);", StringComparison.Ordinal), app);
        AssertParsesAsAProgram(app);
    }

    [Fact]
    public void Markdown_becomes_line_comments_so_a_star_slash_cannot_end_a_comment()
    {
        var app = Export(("code", SetupCell), ("markdown", "# A */ title\n\nx */ y"), ("code", "var q = 1;"));

        Assert.Contains("\n// # A */ title\n//\n// x */ y\n", app, StringComparison.Ordinal);
        AssertParsesAsAProgram(app);
    }
}
