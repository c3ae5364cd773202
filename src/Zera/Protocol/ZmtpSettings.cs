namespace Zera.Protocol;

/// <summary>What a ZMTP connection needs to know of its socket, fixed when the connection starts (milliseconds for
/// times; 0 or less turns a timer off).</summary>
internal sealed record ZmtpSettings
{
    /// <summary>Our socket's type, announced in READY and checked against the peer's.</summary>
    public required SocketType SocketType { get; init; }

    /// <summary>Our routing id, announced as Identity by the types that send one.</summary>
    public byte[] RoutingId { get; init; } = [];

    /// <summary>MAXMSGSIZE: the largest frame accepted, -1 for no limit.</summary>
    public long MaxMessageSize { get; init; } = -1;

    /// <summary>HANDSHAKE_IVL: the whole handshake must complete within this.</summary>
    public int HandshakeInterval { get; init; }

    /// <summary>HEARTBEAT_IVL: a PING this often.</summary>
    public int HeartbeatInterval { get; init; }

    /// <summary>HEARTBEAT_TIMEOUT: how long after our PING the peer may stay silent (-1: the interval).</summary>
    public int HeartbeatTimeout { get; init; } = -1;

    /// <summary>HEARTBEAT_TTL: the TTL announced in our PINGs.</summary>
    public int HeartbeatTtl { get; init; }
}
