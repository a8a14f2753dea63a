namespace AttentionNotebooks.Interactive;

/// <summary>What the first cell of every course notebook calls after loading the library.</summary>
public static class NotebookSetup
{
    /// <summary>Registers the course's display settings in the running kernel. Safe to call more than once.</summary>
    public static void Initialize()
    {
        // Formatters for matrices, results and charts are registered here (seeing-attention work in progress).
    }
}
