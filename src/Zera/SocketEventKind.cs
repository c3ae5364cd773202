namespace Zera;

/// <summary>
/// What a socket monitor reports, with libzmq's values (ZMQ_EVENT_*), so that a mask or an event number means the
/// same in Zera and in code ported from libzmq. Flags: combine them to choose what a monitor reports. Immutable.
/// </summary>
[Flags]
public enum SocketEventKind
{
    /// <summary>No event (an empty mask).</summary>
    None = 0,

    /// <summary>ZMQ_EVENT_CONNECTED: a connect reached the peer (the handshake follows).</summary>
    Connected = 0x0001,

    /// <summary>ZMQ_EVENT_CONNECT_DELAYED: a connect attempt started and has not completed yet.</summary>
    ConnectDelayed = 0x0002,

    /// <summary>ZMQ_EVENT_CONNECT_RETRIED: another connect attempt follows after <see cref="SocketEvent.Value"/> ms.</summary>
    ConnectRetried = 0x0004,

    /// <summary>ZMQ_EVENT_LISTENING: a bind succeeded.</summary>
    Listening = 0x0008,

    /// <summary>ZMQ_EVENT_BIND_FAILED: a bind failed.</summary>
    BindFailed = 0x0010,

    /// <summary>ZMQ_EVENT_ACCEPTED: a listener accepted a connection.</summary>
    Accepted = 0x0020,

    /// <summary>ZMQ_EVENT_ACCEPT_FAILED: a listener failed to accept a connection.</summary>
    AcceptFailed = 0x0040,

    /// <summary>ZMQ_EVENT_CLOSED: the socket closed a listener or a connection.</summary>
    Closed = 0x0080,

    /// <summary>ZMQ_EVENT_CLOSE_FAILED: closing failed (never reported by Zera; here for libzmq's masks).</summary>
    CloseFailed = 0x0100,

    /// <summary>ZMQ_EVENT_DISCONNECTED: a connection ended other than by this socket's close.</summary>
    Disconnected = 0x0200,

    /// <summary>ZMQ_EVENT_MONITOR_STOPPED: the monitor ended (the last event it reports).</summary>
    MonitorStopped = 0x0400,

    /// <summary>ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: the handshake did not complete (peer gone, time out).</summary>
    HandshakeFailedNoDetail = 0x0800,

    /// <summary>ZMQ_EVENT_HANDSHAKE_SUCCEEDED: the ZMTP handshake completed.</summary>
    HandshakeSucceeded = 0x1000,

    /// <summary>ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: the handshake failed on the protocol (malformed input, an
    /// incompatible peer); <see cref="SocketEvent.Value"/> is libzmq's ZMQ_PROTOCOL_ERROR_* code.</summary>
    HandshakeFailedProtocol = 0x2000,

    /// <summary>ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: authentication refused the peer.</summary>
    HandshakeFailedAuth = 0x4000,

    /// <summary>ZMQ_EVENT_ALL: every event.</summary>
    All = 0xFFFF,
}

/// <summary>
/// One monitor event: what happened, on which endpoint, libzmq's value for it, and in words why (Zera's addition:
/// the reason a connection failed or ended). An immutable value; safe to pass between threads.
/// </summary>
/// <param name="Kind">The event (one flag).</param>
/// <param name="Endpoint">The endpoint it concerns (the bound or connected one).</param>
/// <param name="Value">libzmq's value: the reconnect delay in ms for ConnectRetried, a ZMQ_PROTOCOL_ERROR_* code for
/// HandshakeFailedProtocol, 0 otherwise (Zera does not expose file descriptors).</param>
/// <param name="Reason">Why a connection failed or ended, when there is more to say; null otherwise.</param>
public readonly record struct SocketEvent(SocketEventKind Kind, string Endpoint, int Value, string? Reason);
