using System.Diagnostics.CodeAnalysis;

namespace Zera;

/// <summary>
/// The one exception type Zera throws for ZeroMQ errors; <see cref="Kind"/> says which. An invalid argument (a
/// malformed endpoint, an option out of range, a null) is .NET's <see cref="ArgumentException"/> (or
/// <see cref="ArgumentOutOfRangeException"/>, <see cref="ArgumentNullException"/>) naming the parameter instead.
/// Instances are immutable and may be shared between threads.
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
    internal static void ThrowTerminated() =>
        throw new ZeraException(ErrorKind.Terminated, "the context was terminated");

    [DoesNotReturn]
    internal static void ThrowTimeout(string what) =>
        throw new ZeraException(ErrorKind.WouldBlock, $"{what} timed out");
}
