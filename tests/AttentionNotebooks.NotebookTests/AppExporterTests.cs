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

        Assert.Contains("cell(3);\nvar y = 1;", app, StringComparison.Ordinal);
        Assert.Contains("cell(1);", app, StringComparison.Ordinal);

        // The marker is the app's own: it needs nothing of the course library, and prints only under the variable.
        Assert.Contains("static void cell(int number)", app, StringComparison.Ordinal);
        Assert.Contains($"Environment.GetEnvironmentVariable(\"{AppExporter.MarkersVariable}\") == \"1\"", app, StringComparison.Ordinal);
        Assert.Contains($"Console.WriteLine($\"{AppExporter.MarkerPrefix}{{number}}\");", app, StringComparison.Ordinal);
        AssertParsesAsAProgram(app);
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
        Assert.True(app.IndexOf("using System.Text;", StringComparison.Ordinal) < app.IndexOf("cell(1);", StringComparison.Ordinal), app);
        AssertParsesAsAProgram(app);
    }

    [Fact]
    public void Markdown_becomes_line_comments_so_a_star_slash_cannot_end_a_comment()
    {
        var app = Export(("code", SetupCell), ("markdown", "# A */ title\n\nx */ y"), ("code", "var q = 1;"));

        Assert.Contains("\n// # A */ title\n//\n// x */ y\n", app, StringComparison.Ordinal);
        AssertParsesAsAProgram(app);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData("\r")]
    [InlineData("\u0085")]
    [InlineData("\u2028")]
    [InlineData("\u2029")]
    public void Markdown_cannot_become_code_at_any_line_terminator_CSharp_knows(string terminator)
    {
        var app = Export(
            ("code", SetupCell),
            ("markdown", $"# Title{terminator}Console.WriteLine(\"INJECTED\");{terminator}more{terminator}"),
            ("code", "var q = 1;"));

        AssertParsesAsAProgram(app);
        var tree = CSharpSyntaxTree.ParseText(app, new CSharpParseOptions(LanguageVersion.Latest).WithFeatures([new("FileBasedProgram", "true")]));
        var injected = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax>()
            .Where(i => i.ToString().Contains("INJECTED", StringComparison.Ordinal));
        Assert.True(!injected.Any(), app);
        Assert.Contains("\n// # Title\n// Console.WriteLine(\"INJECTED\");\n// more\n", app, StringComparison.Ordinal);
    }

    [Fact]
    public void A_variable_declared_again_in_a_later_cell_is_renamed_from_that_cell_on()
    {
        var app = Export(
            ("code", SetupCell),
            ("code", "var keys = 1;\nConsole.WriteLine(keys);"),
            ("code", "var keys = \"two\";\nConsole.WriteLine(keys.Length);"),
            ("code", "Console.WriteLine(keys);"));

        Assert.Contains("cell(2);\nvar keys = 1;\nConsole.WriteLine(keys);\n", app, StringComparison.Ordinal);
        Assert.Contains("cell(3);\nvar keys_3 = \"two\";\nConsole.WriteLine(keys_3.Length);\n", app, StringComparison.Ordinal);
        Assert.Contains("cell(4);\nConsole.WriteLine(keys_3);\n", app, StringComparison.Ordinal);
        Assert.Contains("//   cell 3: keys → keys_3\n", app, StringComparison.Ordinal);
        AssertCompilesAsAProgram(app);
    }

    [Fact]
    public void A_top_level_variable_named_like_a_nested_one_is_renamed_and_the_nested_one_is_not()
    {
        var app = Export(
            ("code", SetupCell),
            ("code", "foreach (var w in new[] { 1, 2 })\n{\n    var weights = w * 2;\n    Console.WriteLine(weights);\n}"),
            ("code", "var weights = 5;\nfor (int i = 0; i < 2; i++)\n{\n    Console.WriteLine(weights + i);\n}"));

        Assert.Contains("    var weights = w * 2;\n    Console.WriteLine(weights);\n", app, StringComparison.Ordinal);
        Assert.Contains("var weights_3 = 5;\n", app, StringComparison.Ordinal);
        Assert.Contains("    Console.WriteLine(weights_3 + i);\n", app, StringComparison.Ordinal);
        AssertCompilesAsAProgram(app);
    }

    [Fact]
    public void Members_named_arguments_initialisers_and_lambda_parameters_keep_their_names()
    {
        var app = Export(
            ("code", SetupCell),
            ("code", "var keys = 1;"),
            ("code", "var keys = new { keys = 2 };\nFunc<int, int> next = keys => keys + 1;\nConsole.WriteLine(Math.Max(val1: keys.keys, val2: next(3)));"));

        Assert.Contains("var keys_3 = new { keys = 2 };\n", app, StringComparison.Ordinal);
        Assert.Contains("Func<int, int> next = keys => keys + 1;\n", app, StringComparison.Ordinal);
        Assert.Contains("Console.WriteLine(Math.Max(val1: keys_3.keys, val2: next(3)));", app, StringComparison.Ordinal);
        AssertCompilesAsAProgram(app);
    }

    /// <summary>Compiles the app as a program against the runtime (with stand-ins for the course's Show and Figure):
    /// no error, in particular none of CS0128 (declared twice) and CS0136 (hides an enclosing local).</summary>
    private static void AssertCompilesAsAProgram(string app)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest).WithFeatures([new("FileBasedProgram", "true")]);
        const string standIns = "namespace AttentionNotebooks { static class Show { public static void Cell(int n) { } public static void Value(object? v) { } } }\n"
            + "namespace AttentionNotebooks.Charts { sealed class Figure { public string ToSvg() => \"\"; } }\n";
        var global = "global using System;\nglobal using System.IO;\nglobal using System.Linq;\nglobal using System.Collections.Generic;\n";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("app",
            [CSharpSyntaxTree.ParseText(global, options), CSharpSyntaxTree.ParseText(app, options), CSharpSyntaxTree.ParseText(standIns, options)],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join('\n', errors.Select(e => e.ToString())) + "\n" + app);
    }
}
