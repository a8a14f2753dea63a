// Loaded by the setup cell every course notebook starts with (#load "setup.csx"; see tools/NotebookRunner/README.md).
// It finds the course library that the course command builds into artifacts/lib/, adds it to this kernel, and, if
// it is not built yet, stops the setup cell with the command that builds it. The setup cell then starts a second
// submission (#!csharp) that can use the library, because it is compiled after the reference was added here.
{
    const string buildCommand = "dotnet run --project tools/NotebookRunner -- build";
    var marker = System.IO.Path.Combine("lib", "AttentionNotebooks.Interactive", "AttentionNotebooks.Interactive.csproj");
    var root = new System.IO.DirectoryInfo(System.Environment.CurrentDirectory);
    while (root is not null && !System.IO.File.Exists(System.IO.Path.Combine(root.FullName, marker)))
        root = root.Parent;
    if (root is null)
    {
        throw new System.InvalidOperationException(
            $"This notebook is not inside the Attention Notebooks repository (no {marker} above "
            + $"{System.Environment.CurrentDirectory}): open it from a clone of the repository.");
    }

    var libraryFolder = System.IO.Path.Combine(root.FullName, "artifacts", "lib");
    var missing = new[] { "AttentionNotebooks.dll", "AttentionNotebooks.Interactive.dll" }
        .Select(name => System.IO.Path.Combine(libraryFolder, name))
        .FirstOrDefault(path => !System.IO.File.Exists(path));
    if (missing is not null)
    {
        throw new System.InvalidOperationException(
            $"The course library is not built yet ({missing} is missing). Build it once from a terminal, "
            + $"then run this cell again:    cd \"{root.FullName}\" && {buildCommand}");
    }

    // The core library, the notebook companion and whatever else of lib/ they reference (charts, ...).
    var assemblies = System.IO.Directory.GetFiles(libraryFolder, "AttentionNotebooks*.dll").Order().ToArray();
    // A project of lib/ edited after its assembly here was built: the kernel would run the older code. (Not checked
    // under tools/NotebookRunner, which builds the library right before it runs notebooks: files that others edit
    // meanwhile must not put a warning into committed outputs.)
    var sep = System.IO.Path.DirectorySeparatorChar;
    var underRunner = System.Environment.GetEnvironmentVariable("ATTENTION_NOTEBOOKS_RUNNER") == "1";
    var changedSince = !underRunner && assemblies.Any(assembly =>
    {
        var project = System.IO.Path.Combine(root.FullName, "lib", System.IO.Path.GetFileNameWithoutExtension(assembly));
        return System.IO.Directory.Exists(project)
               && System.IO.Directory.EnumerateFiles(project, "*.cs*", System.IO.SearchOption.AllDirectories)
                   .Where(path => !path.Contains($"{sep}obj{sep}") && !path.Contains($"{sep}bin{sep}"))
                   .Any(path => System.IO.File.GetLastWriteTimeUtc(path) > System.IO.File.GetLastWriteTimeUtc(assembly));
    });
    if (changedSince)
    {
        // HTML only, so that `check` (which compares text outputs) is not affected by file times. Shown with
        // DisplayAs (a string and its MIME type), not Kernel.HTML: binding Kernel.HTML's IHtmlContent makes the
        // compiler warn CS1701 in the dotnet-interactive tool (its Microsoft.DotNet.Interactive references
        // Microsoft.AspNetCore.Html.Abstractions 2.3.0.0, the tool runs on ASP.NET Core 10), a red box in Jupyter.
        Microsoft.DotNet.Interactive.KernelInvocationContextExtensions.DisplayAs(
            Microsoft.DotNet.Interactive.KernelInvocationContext.Current,
            "<p>⚠ lib/ changed after artifacts/lib/ was built: this kernel uses the older build. To use the change, run "
            + $"<code>{buildCommand}</code> from the repository root, then restart the kernel.</p>",
            "text/html");
    }

    var kernel = Microsoft.DotNet.Interactive.KernelInvocationContext.Current.HandlingKernel;
    ((Microsoft.DotNet.Interactive.CSharp.CSharpKernel)kernel).AddAssemblyReferences(assemblies);
}
