namespace Zera.Protocol;

/// <summary>
/// Every way a ZMTP connection ends, one name each. The transport driver closes gracefully or abortively by this
/// (ARCHITECTURE.md, "the close rule"); the socket's event sink reports it.
/// </summary>
internal enum ConnectionEnd
{
    /// <summary>Still running.</summary>
    None = 0,

    /// <summary>Our socket closed it (dispose, context termination, disconnect, unbind, expired linger).</summary>
    Closed,

    /// <summary>The peer closed its end (end of stream).</summary>
    PeerClosed,

    /// <summary>The OS reported the connection broken (reset, unreachable, timed out by the kernel).</summary>
    Broken,

    /// <summary>The peer sent something ZMTP does not allow (bad greeting, reserved flag bits, oversize frame, data
    /// before the handshake completed...).</summary>
    Malformed,

    /// <summary>We refused the peer during the handshake (incompatible socket type or mechanism; our socket would
    /// not take it) and told it with an ERROR command where ZMTP says so.</summary>
    Refused,

    /// <summary>The mechanism needs a ZAP handler (PLAIN always; NULL and CURVE with ZAP_ENFORCE_DOMAIN) and none is
    /// bound at <c>inproc://zeromq.zap.01</c>, or it went away before answering (libzmq reports
    /// HANDSHAKE_FAILED_NO_DETAIL with EFAULT).</summary>
    NoZapHandler,

    /// <summary>The peer refused us: it sent an ERROR command.</summary>
    PeerRefused,

    /// <summary>The handshake did not complete within HANDSHAKE_IVL.</summary>
    HandshakeTimeout,

    /// <summary>The peer went silent for longer than HEARTBEAT_TIMEOUT after our PING, or than its own TTL.</summary>
    HeartbeatTimeout,
}
