using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NotebookRunner.Core;

/// <summary>
/// Renames the top-level variables of a notebook's cells that a script allows and a program does not: a variable
/// declared again in a later cell (CS0128 in a program: each cell of a notebook is its own submission, so the later
/// one simply hides the earlier), and a top-level variable whose name a nested block also declares, in any cell
/// (CS0136: a program's top-level statements are one scope). Such a top-level declaration of <c>x</c> in cell N
/// becomes <c>x_N</c>, and every later use of <c>x</c> that means it (not a member <c>a.x</c>, a named argument
/// <c>x:</c>, a member initialiser <c>x = …</c>, or a nested variable or parameter of that name) is renamed with it. Cells without such a name are left as they are.
/// </summary>
internal static class TopLevelRenamer
{
    private static readonly CSharpParseOptions ScriptOptions =
        new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Script);

    /// <summary>One rename: the variable <paramref name="Name"/> declared at top level in cell <paramref name="Cell"/> is <paramref name="NewName"/> from there on.</summary>
    internal readonly record struct Rename(int Cell, string Name, string NewName);

    /// <summary>The cells' sources with the conflicting top-level variables renamed, and the renames made (in cell order).</summary>
    /// <param name="cells">Each code cell's number and C# source, in notebook order.</param>
    public static (IReadOnlyList<string> Sources, IReadOnlyList<Rename> Renames) Apply(IReadOnlyList<(int Number, string Source)> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var roots = cells.Select(c => (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(c.Source, ScriptOptions).GetRoot()).ToArray();

        // Names that a nested scope declares (outside lambdas and local functions, whose names may shadow).
        var nested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
            foreach (var (token, _) in Declarations(root).Where(d => !d.TopLevel && !InsideFunction(d.Token)))
                nested.Add(token.ValueText);

        var declaredBefore = new HashSet<string>(StringComparer.Ordinal);
        var current = new Dictionary<string, string>(StringComparer.Ordinal);   // name → what it is called now
        var renames = new List<Rename>();
        var sources = new List<string>();
        for (int k = 0; k < roots.Length; k++)
        {
            int cell = cells[k].Number;
            var topLevel = Declarations(roots[k]).Where(d => d.TopLevel).Select(d => d.Token).ToArray();
            var renamedHere = new Dictionary<int, string>();                      // declaration position → new name
            foreach (var token in topLevel)
            {
                string name = token.ValueText;
                if (declaredBefore.Contains(name) || nested.Contains(name))
                {
                    string newName = $"{name}_{cell.ToString(CultureInfo.InvariantCulture)}";
                    renamedHere[token.SpanStart] = newName;
                    renames.Add(new Rename(cell, name, newName));
                }
            }

            var edits = new List<(int Start, int Length, string Text)>();
            foreach (var token in roots[k].DescendantTokens())
            {
                if (!token.IsKind(SyntaxKind.IdentifierToken))
                    continue;
                if (renamedHere.TryGetValue(token.SpanStart, out var declared))
                {
                    current[token.ValueText] = declared;
                    edits.Add((token.SpanStart, token.Span.Length, declared));
                    continue;
                }

                if (!current.TryGetValue(token.ValueText, out var now) || now == token.ValueText)
                    continue;
                if (token.Parent is IdentifierNameSyntax name && MeansTopLevelVariable(name))
                    edits.Add((token.SpanStart, token.Span.Length, now));
            }

            foreach (var token in topLevel)
                declaredBefore.Add(token.ValueText);
            var text = new StringBuilder(cells[k].Source);
            foreach (var (start, length, replacement) in edits.OrderByDescending(e => e.Start))
                text.Remove(start, length).Insert(start, replacement);
            sources.Add(text.ToString());
        }

        return (sources, renames);
    }

    /// <summary>Every variable declared in the cell (outside type declarations), and whether at its top level.</summary>
    private static IEnumerable<(SyntaxToken Token, bool TopLevel)> Declarations(CompilationUnitSyntax root)
    {
        foreach (var node in root.DescendantNodes(n => n is not BaseTypeDeclarationSyntax))
            if (DeclaredName(node) is { } token)
                yield return (token, IsTopLevel(node));
    }

    /// <summary>The name <paramref name="node"/> declares, if it declares a variable or parameter.</summary>
    private static SyntaxToken? DeclaredName(SyntaxNode node)
    {
        SyntaxToken? token = node switch
        {
            VariableDeclaratorSyntax v => v.Identifier,
            SingleVariableDesignationSyntax s => s.Identifier,
            ForEachStatementSyntax f => f.Identifier,
            CatchDeclarationSyntax c => c.Identifier,
            ParameterSyntax p => p.Identifier,
            _ => null,
        };
        return token is { IsMissing: false, ValueText.Length: > 0 } ? token : null;
    }

    /// <summary>Whether a declaration is in a top-level statement's own scope (not in a block, loop, lambda, ...).</summary>
    private static bool IsTopLevel(SyntaxNode declaration)
    {
        if (declaration is ParameterSyntax or ForEachStatementSyntax or CatchDeclarationSyntax)
            return false;
        for (var node = declaration.Parent; node is not null; node = node.Parent)
        {
            // A script parses a top-level variable as a field of its submission, a statement as a global statement.
            if (node is GlobalStatementSyntax or FieldDeclarationSyntax { Parent: CompilationUnitSyntax })
                return true;
            if (OpensScope(node))
                return false;
        }

        return false;
    }

    private static bool OpensScope(SyntaxNode node) => node is BlockSyntax or AnonymousFunctionExpressionSyntax
        or LocalFunctionStatementSyntax or MethodDeclarationSyntax or ForStatementSyntax or CommonForEachStatementSyntax or CatchClauseSyntax
        or UsingStatementSyntax or FixedStatementSyntax or SwitchSectionSyntax or SwitchExpressionArmSyntax
        or QueryExpressionSyntax or WhileStatementSyntax or DoStatementSyntax or LockStatementSyntax;

    private static bool InsideFunction(SyntaxToken token) =>
        token.Parent!.AncestorsAndSelf().Any(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax or MethodDeclarationSyntax);

    /// <summary>Whether an identifier can mean a top-level variable: not a member name, a named argument or an
    /// initialised member, and not hidden by a nested variable (or parameter) of the same name around it.</summary>
    private static bool MeansTopLevelVariable(IdentifierNameSyntax name)
    {
        switch (name.Parent)
        {
            case MemberAccessExpressionSyntax access when access.Name == name:
            case MemberBindingExpressionSyntax:
            case NameColonSyntax:
            case NameEqualsSyntax:
            case QualifiedNameSyntax qualified when qualified.Right == name:
            case AssignmentExpressionSyntax { Parent: InitializerExpressionSyntax } assignment when assignment.Left == name:
                return false;
        }

        string text = name.Identifier.ValueText;
        foreach (var scope in name.Ancestors().TakeWhile(n => n is not (GlobalStatementSyntax or CompilationUnitSyntax)).Where(OpensScope))
        {
            // A nested foreach is reached but not entered: its variable belongs to its own scope, not to this one.
            var declares = scope.DescendantNodesAndSelf(n => n == scope || !OpensScope(n))
                .Any(n => (n is not ForEachStatementSyntax || n == scope) && DeclaredName(n)?.ValueText == text);
            if (declares)
                return false;
        }

        return true;
    }
}
