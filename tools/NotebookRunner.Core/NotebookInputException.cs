namespace NotebookRunner.Core;

/// <summary>
/// A path given to the runner is not something it can execute: a missing file, a file that is not a notebook,
/// invalid JSON, or a cell whose kernel is not C#. The message is one line, fit to print as it is.
/// </summary>
public sealed class NotebookInputException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    /// <param name="message">What is wrong, naming the path.</param>
    public NotebookInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a one-line message and the error that caused it.</summary>
    /// <param name="message">What is wrong, naming the path.</param>
    /// <param name="innerException">The underlying error (for example the JSON parser's).</param>
    public NotebookInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
