using Zera.Protocol;

namespace Zera.Transports;

/// <summary>One connection event: what (the monitor's <see cref="SocketEventKind"/>, one flag), where, and for an end
/// how and why.</summary>
internal readonly record struct ConnectionEvent(
    SocketEventKind Kind,
    string Endpoint,
    ConnectionEnd End = ConnectionEnd.None,
    string? Reason = null,
    int Value = 0);

/// <summary>Receives a socket's connection events, on whatever thread they happen (the monitor, metrics).</summary>
internal interface IConnectionEventSink
{
    /// <summary>One event; must not block.</summary>
    void OnEvent(in ConnectionEvent e);
}
