namespace Zera.Examples.Infrastructure;

/// <summary>A command line the example cannot run with; the program prints the message and the usage, exit 1.</summary>
public sealed class UsageException(string message) : Exception(message);
