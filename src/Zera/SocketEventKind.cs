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

    /// <summary>ZMQ_EVENT_CONNECTED: a connect reached the peer (the handshake follows); the value is the connection's
    /// descriptor.</summary>
    Connected = 0x0001,

    /// <summary>ZMQ_EVENT_CONNECT_DELAYED: a connect attempt started and has not completed yet; the value is
    /// EINPROGRESS, as libzmq's.</summary>
    ConnectDelayed = 0x0002,

    /// <summary>ZMQ_EVENT_CONNECT_RETRIED: another connect attempt follows after <see cref="SocketEvent.Value"/> ms.</summary>
    ConnectRetried = 0x0004,

    /// <summary>ZMQ_EVENT_LISTENING: a bind succeeded; the value is the listening socket's descriptor.</summary>
    Listening = 0x0008,

    /// <summary>ZMQ_EVENT_BIND_FAILED: a bind failed; the value is the errno (EADDRINUSE...).</summary>
    BindFailed = 0x0010,

    /// <summary>ZMQ_EVENT_ACCEPTED: a listener accepted a connection; the value is the connection's descriptor.</summary>
    Accepted = 0x0020,

    /// <summary>ZMQ_EVENT_ACCEPT_FAILED: a listener failed to accept a connection; the value is the errno.</summary>
    AcceptFailed = 0x0040,

    /// <summary>ZMQ_EVENT_CLOSED: the socket closed a listener (unbind, dispose), a connection, or the socket of a
    /// connect attempt that failed (with the reason; as libzmq, before CONNECT_RETRIED); the value is the descriptor
    /// (0 for an attempt that opened none: the host did not resolve).</summary>
    Closed = 0x0080,

    /// <summary>ZMQ_EVENT_CLOSE_FAILED: closing failed (never reported by Zera; here for libzmq's masks).</summary>
    CloseFailed = 0x0100,

    /// <summary>ZMQ_EVENT_DISCONNECTED: a connection ended other than by this socket's close (the peer left, broken,
    /// malformed input, a refused handshake, a timeout), with the reason; the value is the connection's descriptor.</summary>
    Disconnected = 0x0200,

    /// <summary>ZMQ_EVENT_MONITOR_STOPPED: the monitor ended (the last event it reports; its endpoint is empty).</summary>
    MonitorStopped = 0x0400,

    /// <summary>ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: the handshake did not complete (peer gone, time out); the value
    /// is an errno (EPIPE, ECONNRESET, ETIMEDOUT...).</summary>
    HandshakeFailedNoDetail = 0x0800,

    /// <summary>ZMQ_EVENT_HANDSHAKE_SUCCEEDED: the ZMTP handshake completed; the value is 0.</summary>
    HandshakeSucceeded = 0x1000,

    /// <summary>ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL: the handshake failed on the protocol (malformed input, an
    /// incompatible peer); <see cref="SocketEvent.Value"/> is libzmq's ZMQ_PROTOCOL_ERROR_* code: ZMTP_UNSPECIFIED
    /// (0x10000000) for foreign or malformed bytes, ZMTP_UNEXPECTED_COMMAND (0x10000001) for anything but READY or
    /// ERROR, ZMTP_MALFORMED_COMMAND_ERROR (0x10000015), ZMTP_INVALID_METADATA (0x10000018) for READY metadata that
    /// does not parse or whose Socket-Type is missing or incompatible, ZMTP_MECHANISM_MISMATCH (0x11000002).</summary>
    HandshakeFailedProtocol = 0x2000,

    /// <summary>ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: the peer's authentication refused us: its ERROR command carried a ZAP
    /// status code, which is the value (300, 400 or 500).</summary>
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
/// <param name="Value">libzmq's value (see each <see cref="SocketEventKind"/>): the OS socket's descriptor for Listening,
/// Accepted, Connected, Closed and Disconnected; an errno for BindFailed, AcceptFailed, ConnectDelayed and
/// HandshakeFailedNoDetail; the reconnect delay in ms for ConnectRetried; a ZMQ_PROTOCOL_ERROR_* code for
/// HandshakeFailedProtocol; a ZAP status for HandshakeFailedAuth; 0 otherwise. A descriptor is for telling connections
/// apart: it may already be closed, or reused, when the event is read.</param>
/// <param name="Reason">Why a connection failed or ended, when there is more to say; null otherwise.</param>
public readonly record struct SocketEvent(SocketEventKind Kind, string Endpoint, int Value, string? Reason);
