using Zera.Core;

namespace Zera;

public sealed partial class ZeraSocket
{
    /// <summary>ZMQ_SNDHWM: messages queued per peer for sending before a send blocks (or drops, per type);
    /// 0 = unlimited. Default 1000. Applies to connections made after the change.</summary>
    public int SendHighWatermark
    {
        get => _options.SendHighWatermark;
        set => Settable.SendHighWatermark = NonNegative(value);
    }

    /// <summary>ZMQ_RCVHWM: messages queued per peer for receiving before the peer is held back; 0 = unlimited.
    /// Default 1000. Applies to connections made after the change.</summary>
    public int ReceiveHighWatermark
    {
        get => _options.ReceiveHighWatermark;
        set => Settable.ReceiveHighWatermark = NonNegative(value);
    }

    /// <summary>ZMQ_LINGER in milliseconds: how long unsent messages are kept after <see cref="Dispose"/>;
    /// -1 = until sent, 0 = drop at once. Default -1, as libzmq.</summary>
    public int Linger
    {
        get => _options.Linger;
        set => Settable.Linger = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_ROUTING_ID: the id this socket announces to peers (REQ, DEALER, ROUTER); 1 to 255 bytes, not
    /// starting with a zero byte (reserved for generated ids). Default empty (the peer generates one).</summary>
    public byte[] RoutingId
    {
        get => (byte[])_options.RoutingId.Clone();
        set => Settable.RoutingId = CheckRoutingId(value);
    }

    /// <summary>ZMQ_CONNECT_ROUTING_ID: the id a ROUTER gives the peer of its next <see cref="Connect"/>, instead
    /// of the one the peer announces; used once.</summary>
    public byte[]? ConnectRoutingId
    {
        get => _options.ConnectRoutingId is null ? null : (byte[])_options.ConnectRoutingId.Clone();
        set => Settable.ConnectRoutingId = value is null ? null : CheckRoutingId(value);
    }

    /// <summary>ZMQ_RECONNECT_IVL in milliseconds: wait before re-making a lost or failed connection; -1 = never
    /// reconnect. Default 100.</summary>
    public int ReconnectInterval
    {
        get => _options.ReconnectInterval;
        set => Settable.ReconnectInterval = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_RECONNECT_IVL_MAX in milliseconds: the interval doubles after each failed attempt up to this;
    /// 0 = no back-off. Default 0.</summary>
    public int ReconnectIntervalMax
    {
        get => _options.ReconnectIntervalMax;
        set => Settable.ReconnectIntervalMax = NonNegative(value);
    }

    /// <summary>ZMQ_SNDTIMEO in milliseconds for the blocking send methods: -1 = wait forever, 0 = fail at once.
    /// A blocking send that times out throws <see cref="ErrorKind.WouldBlock"/>. Default -1.</summary>
    public int SendTimeout
    {
        get => _options.SendTimeout;
        set => Settable.SendTimeout = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_RCVTIMEO in milliseconds for the blocking receive methods: -1 = wait forever, 0 = fail at once.
    /// Default -1.</summary>
    public int ReceiveTimeout
    {
        get => _options.ReceiveTimeout;
        set => Settable.ReceiveTimeout = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_MAXMSGSIZE in bytes: a peer that sends a larger frame is disconnected; -1 = no limit.</summary>
    public long MaxMessageSize
    {
        get => _options.MaxMessageSize;
        set
        {
            if (value < -1) Guard.ThrowOutOfRange(nameof(MaxMessageSize), value, "must be -1 or more");
            Settable.MaxMessageSize = value;
        }
    }

    /// <summary>ZMQ_BACKLOG: pending connections a bound tcp/ipc endpoint queues. Default 100.</summary>
    public int Backlog
    {
        get => _options.Backlog;
        set => Settable.Backlog = NonNegative(value);
    }

    /// <summary>ZMQ_IMMEDIATE: queue messages only to completed connections (no queue for a peer not yet
    /// connected). Default false.</summary>
    public bool Immediate
    {
        get => _options.Immediate;
        set => Settable.Immediate = value;
    }

    /// <summary>ZMQ_ROUTER_MANDATORY (ROUTER only): an unroutable message fails with
    /// <see cref="ErrorKind.HostUnreachable"/> instead of being dropped, and a full peer blocks instead of dropping.</summary>
    public bool RouterMandatory
    {
        get => _options.RouterMandatory;
        set { RequireType(nameof(RouterMandatory), SocketType.Router); Settable.RouterMandatory = value; }
    }

    /// <summary>ZMQ_ROUTER_HANDOVER (ROUTER only): a new peer with a routing id already in use takes it over
    /// instead of being refused.</summary>
    public bool RouterHandover
    {
        get => _options.RouterHandover;
        set { RequireType(nameof(RouterHandover), SocketType.Router); Settable.RouterHandover = value; }
    }

    /// <summary>ZMQ_PROBE_ROUTER (ROUTER, DEALER, REQ): send an empty message to each new peer on connect.</summary>
    public bool ProbeRouter
    {
        get => _options.ProbeRouter;
        set { RequireType(nameof(ProbeRouter), SocketType.Router, SocketType.Dealer, SocketType.Req); Settable.ProbeRouter = value; }
    }

    /// <summary>ZMQ_REQ_RELAXED (REQ only): allow a new request before the reply arrived; the late reply is
    /// discarded.</summary>
    public bool ReqRelaxed
    {
        get => _options.ReqRelaxed;
        set { RequireType(nameof(ReqRelaxed), SocketType.Req); Settable.ReqRelaxed = value; }
    }

    /// <summary>ZMQ_REQ_CORRELATE (REQ only): tag each request with an id and accept only the matching reply.</summary>
    public bool ReqCorrelate
    {
        get => _options.ReqCorrelate;
        set { RequireType(nameof(ReqCorrelate), SocketType.Req); Settable.ReqCorrelate = value; }
    }

    /// <summary>ZMQ_HEARTBEAT_IVL in milliseconds: send a PING this often on every connection; 0 = off.</summary>
    public int HeartbeatInterval
    {
        get => _options.HeartbeatInterval;
        set => Settable.HeartbeatInterval = NonNegative(value);
    }

    /// <summary>ZMQ_HEARTBEAT_TTL in milliseconds (0 to 6553599, sent in deciseconds): the peer closes the
    /// connection if it hears nothing for this long.</summary>
    public int HeartbeatTtl
    {
        get => _options.HeartbeatTtl;
        set
        {
            if (value < 0 || value > 6_553_599) Guard.ThrowOutOfRange(nameof(HeartbeatTtl), value, "must be 0 to 6553599 ms");
            Settable.HeartbeatTtl = value;
        }
    }

    /// <summary>ZMQ_HEARTBEAT_TIMEOUT in milliseconds: close a connection that sends nothing for this long after a
    /// PING; -1 = the heartbeat interval.</summary>
    public int HeartbeatTimeout
    {
        get => _options.HeartbeatTimeout;
        set => Settable.HeartbeatTimeout = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_HANDSHAKE_IVL in milliseconds: a connection whose ZMTP handshake takes longer is closed;
    /// 0 = no limit. Default 30000.</summary>
    public int HandshakeInterval
    {
        get => _options.HandshakeInterval;
        set => Settable.HandshakeInterval = NonNegative(value);
    }

    /// <summary>ZMQ_TCP_KEEPALIVE: -1 = OS default, 0 = off, 1 = on.</summary>
    public int TcpKeepalive
    {
        get => _options.TcpKeepalive;
        set
        {
            if (value is < -1 or > 1) Guard.ThrowOutOfRange(nameof(TcpKeepalive), value, "must be -1, 0 or 1");
            Settable.TcpKeepalive = value;
        }
    }

    /// <summary>ZMQ_TCP_KEEPALIVE_CNT: probes before the connection is dropped; -1 = OS default.</summary>
    public int TcpKeepaliveCount
    {
        get => _options.TcpKeepaliveCount;
        set => Settable.TcpKeepaliveCount = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_TCP_KEEPALIVE_IDLE in seconds before the first probe; -1 = OS default.</summary>
    public int TcpKeepaliveIdle
    {
        get => _options.TcpKeepaliveIdle;
        set => Settable.TcpKeepaliveIdle = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_TCP_KEEPALIVE_INTVL in seconds between probes; -1 = OS default.</summary>
    public int TcpKeepaliveInterval
    {
        get => _options.TcpKeepaliveInterval;
        set => Settable.TcpKeepaliveInterval = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_IPV6: bind <c>*</c> to all IPv6 and IPv4 interfaces and resolve host names to IPv6 too.</summary>
    public bool IPv6
    {
        get => _options.IPv6;
        set => Settable.IPv6 = value;
    }

    /// <summary>ZMQ_SNDBUF in bytes for the kernel send buffer; -1 = OS default.</summary>
    public int SendBuffer
    {
        get => _options.SendBuffer;
        set => Settable.SendBuffer = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_RCVBUF in bytes for the kernel receive buffer; -1 = OS default.</summary>
    public int ReceiveBuffer
    {
        get => _options.ReceiveBuffer;
        set => Settable.ReceiveBuffer = AtLeastMinusOne(value);
    }

    /// <summary>ZMQ_XPUB_VERBOSE: an XPUB passes every subscription message to its user, not only those for
    /// prefixes new to it. XPUB only; default false.</summary>
    public bool XPubVerbose
    {
        get => _options.XPubVerbose;
        set { RequireType(nameof(XPubVerbose), SocketType.XPub); Settable.XPubVerbose = value; }
    }

    /// <summary>ZMQ_XPUB_VERBOSER: an XPUB passes every subscription and every cancel to its user. XPUB only;
    /// default false.</summary>
    public bool XPubVerboser
    {
        get => _options.XPubVerboser;
        set { RequireType(nameof(XPubVerboser), SocketType.XPub); Settable.XPubVerboser = value; }
    }

    /// <summary>ZMQ_XPUB_NODROP: an XPUB whose matching subscriber is at its high-water mark does not drop the
    /// message: the send waits (up to SendTimeout) or a Try send returns false. XPUB only; default false.</summary>
    public bool XPubNoDrop
    {
        get => _options.XPubNoDrop;
        set { RequireType(nameof(XPubNoDrop), SocketType.XPub); Settable.XPubNoDrop = value; }
    }

    /// <summary>ZMQ_XSUB_VERBOSE_UNSUBSCRIBE: an XSUB passes every cancel upstream, not only a prefix's last.
    /// XSUB only; default false.</summary>
    public bool XSubVerboseUnsubscribe
    {
        get => _options.XSubVerboseUnsubscribe;
        set { RequireType(nameof(XSubVerboseUnsubscribe), SocketType.XSub); Settable.XSubVerboseUnsubscribe = value; }
    }

    /// <summary>ZMQ_INVERT_MATCHING: a PUB or XPUB sends each message to the subscribers none of whose prefixes
    /// match it, and a SUB or XSUB receives the messages none of its prefixes match (set it on both ends, as in
    /// libzmq). Default false.</summary>
    public bool InvertMatching
    {
        get => _options.InvertMatching;
        set { RequireType(nameof(InvertMatching), SocketType.Pub, SocketType.XPub, SocketType.Sub, SocketType.XSub); Settable.InvertMatching = value; }
    }

    /// <summary>ZMQ_XPUB_MANUAL: an XPUB applies no subscription by itself: its user reads each subscription message
    /// and calls <see cref="Subscribe(string)"/> or <see cref="Unsubscribe(string)"/> on the XPUB for the subscriber
    /// it read it from. XPUB only; default false.</summary>
    public bool XPubManual
    {
        get => _options.XPubManual;
        set { RequireType(nameof(XPubManual), SocketType.XPub); Settable.XPubManual = value; }
    }

    /// <summary>ZMQ_XPUB_MANUAL_LAST_VALUE: as <see cref="XPubManual"/>, and the message sent right after a manual
    /// subscription goes to that subscriber only (the Guide's last-value cache). XPUB only; default false.</summary>
    public bool XPubManualLastValue
    {
        get => _options.XPubManualLastValue;
        set
        {
            RequireType(nameof(XPubManualLastValue), SocketType.XPub);
            Settable.XPubManualLastValue = value;
            Settable.XPubManual = value || Settable.XPubManual;
        }
    }

    /// <summary>ZMQ_XPUB_WELCOME_MSG: a message each new subscriber connection gets first (a SUB receives it if it
    /// subscribed to it); null for none. XPUB only; default null.</summary>
    public byte[]? XPubWelcomeMessage
    {
        get => _options.XPubWelcomeMessage is { } m ? (byte[])m.Clone() : null;
        set { RequireType(nameof(XPubWelcomeMessage), SocketType.XPub); Settable.XPubWelcomeMessage = value is null ? null : (byte[])value.Clone(); }
    }

    /// <summary>ZMQ_ONLY_FIRST_SUBSCRIBE: the first frame of a message decides whether its frames may be subscriptions.
    /// By default every frame that starts with 1 or 0 is a subscription or cancel (as in libzmq); with this option, a
    /// message whose first frame is not one is data to the end, whatever its later frames hold. XPUB (for what its
    /// subscribers send) and XSUB (for what its user sends); default false.</summary>
    public bool OnlyFirstSubscribe
    {
        get => _options.OnlyFirstSubscribe;
        set { RequireType(nameof(OnlyFirstSubscribe), SocketType.XPub, SocketType.XSub); Settable.OnlyFirstSubscribe = value; }
    }

    /// <summary>ZMQ_CONFLATE: each peer's queue keeps only the latest message, received (PULL, SUB, DEALER) or to be
    /// sent (PUSH, PUB, DEALER); a newer message replaces an older one not yet taken, and the high-water marks are
    /// ignored. PULL, PUSH, SUB, PUB and DEALER, the types libzmq applies it to; default false. Applies to
    /// connections made after the change. A multipart message is kept whole (libzmq keeps one part of it).</summary>
    public bool Conflate
    {
        get => _options.Conflate;
        set
        {
            // libzmq accepts the option on any type and ignores it on the others; a silent no-op would hide the mistake.
            RequireType(nameof(Conflate), SocketType.Pull, SocketType.Push, SocketType.Sub, SocketType.Pub, SocketType.Dealer);
            Settable.Conflate = value;
        }
    }

    /// <summary>The options, for a setter: like libzmq's ENOTSOCK, setting an option on a disposed socket is an
    /// error rather than a silent no-op.</summary>
    private SocketOptions Settable
    {
        get
        {
            ThrowIfDisposed();
            return _options;
        }
    }

    private static int NonNegative(int value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        if (value < 0) Guard.ThrowOutOfRange(name, value, "must be 0 or more");
        return value;
    }

    private static int AtLeastMinusOne(int value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        if (value < -1) Guard.ThrowOutOfRange(name, value, "must be -1 or more");
        return value;
    }

    private static byte[] CheckRoutingId(byte[] value, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Length is < 1 or > 255) Guard.ThrowOutOfRange(name, value.Length, "must be 1 to 255 bytes long");
        if (value[0] == 0) Guard.ThrowArgument(name, "must not start with a zero byte (reserved for generated ids)");
        return (byte[])value.Clone();
    }

    private void RequireType(string option, params ReadOnlySpan<SocketType> types)
    {
        ThrowIfDisposed(); // a disposed socket says so first, whatever its type
        foreach (var t in types)
            if (t == Type) return;
        throw new ZeraException(ErrorKind.InvalidArgument, $"{option} does not apply to a {Protocol.SocketTypes.Name(Type)} socket", option); // EINVAL, as libzmq
    }
}
