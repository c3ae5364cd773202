using System.Diagnostics.CodeAnalysis;

namespace Zera;

/// <summary>
/// The one exception type Zera throws for ZeroMQ errors; <see cref="Kind"/> says which.
/// Argument validation failures are also reported as <see cref="ErrorKind.InvalidArgument"/> with the argument's name in
/// <see cref="ParamName"/>. Instances are immutable and may be shared between threads.
/// </summary>
public sealed class ZeraException : Exception
{
    /// <summary>Creates an exception of the given kind with a message that names the problem.</summary>
    public ZeraException(ErrorKind kind, string message, string? paramName = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        ParamName = paramName;
    }

    /// <summary>What went wrong, in ZeroMQ's terms.</summary>
    public ErrorKind Kind { get; }

    /// <summary>The name of the offending argument, when the error is about one.</summary>
    public string? ParamName { get; }

    [DoesNotReturn]
    internal static void Throw(ErrorKind kind, string message) => throw new ZeraException(kind, message);

    [DoesNotReturn]
    internal static void ThrowArgument(string paramName, string message) =>
        throw new ZeraException(ErrorKind.InvalidArgument, $"{paramName}: {message}", paramName);

    [DoesNotReturn]
    internal static void ThrowTerminated() =>
        throw new ZeraException(ErrorKind.Terminated, "the context was terminated");

    [DoesNotReturn]
    internal static void ThrowTimeout(string what) =>
        throw new ZeraException(ErrorKind.WouldBlock, $"{what} timed out");
}
