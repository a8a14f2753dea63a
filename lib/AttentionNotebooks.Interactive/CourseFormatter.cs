using Microsoft.DotNet.Interactive.Formatting;

namespace AttentionNotebooks.Interactive;

/// <summary>One registered formatter: writes what <see cref="Format"/> returns for instances of a type (and its subtypes).</summary>
internal sealed class CourseFormatter(Type type, string mimeType, Func<object, string> format) : ITypeFormatter
{
    /// <summary>The MIME type this formatter produces.</summary>
    public string MimeType { get; } = mimeType;

    /// <summary>The type (or base type) this formatter handles.</summary>
    public Type Type { get; } = type;

    /// <summary>Writes the formatted instance.</summary>
    public bool Format(object instance, FormatContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (instance is null)
            return false;
        context.Writer.Write(format(instance));
        return true;
    }
}
