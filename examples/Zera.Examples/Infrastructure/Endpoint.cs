namespace Zera.Examples.Infrastructure;

/// <summary>Endpoint helpers for examples that connect to what they bound themselves.</summary>
public static class Endpoint
{
    /// <summary>An endpoint to connect to the address a socket is bound to: a wildcard bind (<c>tcp://*:6000</c>)
    /// reports <c>0.0.0.0</c> or <c>[::]</c> as its address, which is not a destination, so use loopback instead.</summary>
    public static string ToConnect(string boundEndpoint) => boundEndpoint
        .Replace("tcp://0.0.0.0:", "tcp://127.0.0.1:", StringComparison.Ordinal)
        .Replace("tcp://[::]:", "tcp://[::1]:", StringComparison.Ordinal);
}
