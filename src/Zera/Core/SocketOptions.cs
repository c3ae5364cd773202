namespace Zera.Core;

/// <summary>A socket's option values, with libzmq's defaults and units (milliseconds, messages, bytes).
/// Read by transports when a connection starts, so a change applies to later connections.</summary>
internal sealed class SocketOptions
{
    public int SendHighWatermark = 1000;
    public int ReceiveHighWatermark = 1000;
    public int Linger = -1;
    public byte[] RoutingId = [];
    public byte[]? ConnectRoutingId;
    public int ReconnectInterval = 100;
    public int ReconnectIntervalMax;
    public int SendTimeout = -1;
    public int ReceiveTimeout = -1;
    public long MaxMessageSize = -1;
    public int Backlog = 100;
    public bool Immediate;
    public bool RouterMandatory;
    public bool RouterHandover;
    public bool ProbeRouter;
    public bool ReqRelaxed;
    public bool ReqCorrelate;
    public bool XPubVerbose;
    public bool XPubVerboser;
    public bool XPubNoDrop;
    public bool XSubVerboseUnsubscribe;
    public bool InvertMatching;
    public bool XPubManual;
    public bool XPubManualLastValue;
    public byte[]? XPubWelcomeMessage;
    public bool OnlyFirstSubscribe;
    public bool Conflate;
    public int HeartbeatInterval;
    public int HeartbeatTtl;
    public int HeartbeatTimeout = -1;
    public int HandshakeInterval = 30000;
    public int TcpKeepalive = -1;
    public int TcpKeepaliveCount = -1;
    public int TcpKeepaliveIdle = -1;
    public int TcpKeepaliveInterval = -1;
    public bool IPv6;
    public int SendBuffer = -1;
    public int ReceiveBuffer = -1;

    // Security (the last of PLAIN_SERVER, PLAIN_USERNAME/PASSWORD, CURVE_SERVER, CURVE_*KEY set chooses the
    // mechanism, as in libzmq). Arrays and strings are replaced, never changed in place, so a snapshot may share them.
    public SecurityMechanism Mechanism;
    public bool AsServer;
    public string PlainUsername = "";
    public string PlainPassword = "";
    public byte[]? CurvePublicKey;
    public byte[]? CurveSecretKey;
    public byte[]? CurveServerKey;
    public string ZapDomain = "";
    public bool ZapEnforceDomain;

    /// <summary>ZMQ_CONFLATE for the pipe a <paramref name="type"/> socket reads: every type that may set it, except
    /// PUB, whose inbound pipes carry subscriptions (conflating them would lose all but a subscriber's last).</summary>
    public bool ConflatesInbound(SocketType type) => Conflate && type != SocketType.Pub;

    /// <summary>ZMQ_CONFLATE for the pipe a <paramref name="type"/> socket writes: every type that may set it, except
    /// SUB, whose outbound pipes carry its subscriptions.</summary>
    public bool ConflatesOutbound(SocketType type) => Conflate && type != SocketType.Sub;

    /// <summary>A snapshot for a new connection (later option changes apply to later connections only).</summary>
    /// <summary>Tests only: makes this socket's connections fail at chosen I/O calls (null: never).</summary>
    public FaultInjector? Faults;

    public SocketOptions Clone() => (SocketOptions)MemberwiseClone();
}
