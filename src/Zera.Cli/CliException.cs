namespace Zera.Cli;

/// <summary>A failure the tool reports as one line (<c>zera: message</c>) and an exit code, without a stack trace.</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.Usage) : Exception(message)
{
    /// <summary>The process exit code for this failure.</summary>
    public int ExitCode { get; } = exitCode;
}
