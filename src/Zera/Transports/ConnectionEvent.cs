using Zera.Protocol;

namespace Zera.Transports;

/// <summary>What happened to an endpoint or a connection (libzmq's socket monitor events).</summary>
internal enum ConnectionEventKind
{
    /// <summary>A connect attempt reached the peer (the TCP or Unix connection is up; the handshake follows).</summary>
    Connected,

    /// <summary>A connect attempt started and has not completed yet.</summary>
    ConnectDelayed,

    /// <summary>A connect attempt failed or a connection ended; another follows after <see cref="ConnectionEvent.Value"/> ms.</summary>
    ConnectRetried,

    /// <summary>A bind succeeded: the endpoint listens.</summary>
    Listening,

    /// <summary>A bind failed (<see cref="ConnectionEvent.Reason"/> says why).</summary>
    BindFailed,

    /// <summary>A listener accepted a connection.</summary>
    Accepted,

    /// <summary>A listener failed to accept a connection.</summary>
    AcceptFailed,

    /// <summary>We closed a listener or a connection.</summary>
    Closed,

    /// <summary>A connection ended (<see cref="ConnectionEvent.End"/> says how).</summary>
    Disconnected,

    /// <summary>The ZMTP handshake completed.</summary>
    HandshakeSucceeded,

    /// <summary>The handshake failed on the protocol: malformed input, an incompatible peer, a refusal.</summary>
    HandshakeFailedProtocol,

    /// <summary>The handshake failed on authentication (a security mechanism rejected the peer).</summary>
    HandshakeFailedAuth,

    /// <summary>The handshake did not complete, with no detail (the peer went away, or the time ran out).</summary>
    HandshakeFailedNoDetail,
}

/// <summary>One connection event: what, where, and for an end how and why.</summary>
internal readonly record struct ConnectionEvent(
    ConnectionEventKind Kind,
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
