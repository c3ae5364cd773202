using System.Diagnostics.CodeAnalysis;

namespace Zera;

/// <summary>Throw helpers for invalid arguments, kept out of line so the checks on hot paths stay small. Invalid
/// arguments are .NET's <see cref="ArgumentException"/> family, naming the parameter; ZeroMQ's own conditions are
/// <see cref="ZeraException"/>s.</summary>
internal static class Guard
{
    [DoesNotReturn]
    public static void ThrowArgument(string paramName, string message) => throw new ArgumentException(message, paramName);

    [DoesNotReturn]
    public static void ThrowOutOfRange(string paramName, object? actual, string message) =>
        throw new ArgumentOutOfRangeException(paramName, actual, message);
}
