namespace Skyhook.Linux;

/// <summary>A host command exited non-zero, could not start, or ran out of time.</summary>
public sealed class ProcessFailedException(string message, ProcessResult? result = null) : Exception(message)
{
    /// <summary>The exit code and output, when the command ran at all.</summary>
    public ProcessResult? Result { get; } = result;
}
