namespace Zera.Core;

/// <summary>The socket a link is attached to, told when the link has ended so it can forget it at once (routing
/// tables, load balancers): without this, every peer that ever came and went would stay referenced.</summary>
internal interface ILinkOwner
{
    /// <summary>The link can carry nothing more to the peer; called from any thread, at most a few times per link.</summary>
    void OnLinkEnded(Link link);
}

/// <summary>
/// A socket's view of one peer: the pipe it reads from, the pipe it writes to, and what the handshake told about the
/// peer. Created by a transport; the socket's patterns route over links.
/// </summary>
/// <remarks>The pipes carry their own threading rules; the other fields are set before the link is attached to the
/// socket and read only on the socket's thread afterwards (except <see cref="PeerRoutingId"/> on reconnect, which the
/// socket reads only when it attaches).</remarks>
internal sealed class Link
{
    public Link(Pipe inbound, Pipe outbound)
    {
        In = inbound;
        Out = outbound;
    }

    /// <summary>Frames from the peer; the socket is the reader.</summary>
    public Pipe In { get; }

    /// <summary>Frames to the peer; the socket is the writer.</summary>
    public Pipe Out { get; }

    /// <summary>The peer's socket type, from its READY command (or the inproc peer).</summary>
    public SocketType PeerType { get; set; }

    /// <summary>The routing id the peer announced (READY "Identity"), empty if none.</summary>
    public byte[] PeerRoutingId { get; set; } = [];

    /// <summary>What the handshake told of the peer, for the messages it sends (zmq_msg_gets): its READY metadata
    /// (Socket-Type, Identity, ...), User-Id and the ZAP handler's metadata, Peer-Address. Null over inproc. Set by
    /// the connection before it delivers the peer's first message (a reconnect replaces it); read on the socket's
    /// thread.</summary>
    public IReadOnlyDictionary<string, byte[]>? Metadata
    {
        get => Volatile.Read(ref _metadata);
        set => Volatile.Write(ref _metadata, value);
    }

    private IReadOnlyDictionary<string, byte[]>? _metadata;

    /// <summary>The id a ROUTER uses for this peer (assigned by the socket on attach).</summary>
    public byte[] RoutingId { get; set; } = [];

    /// <summary>True once <see cref="PeerType"/> and <see cref="PeerRoutingId"/> are known (set before the socket is
    /// told, through an attach or an identify command).</summary>
    public bool PeerKnown { get; set; }

    /// <summary>The socket this link is attached to (set when it is handed to the socket).</summary>
    public ILinkOwner? Owner
    {
        get => Volatile.Read(ref _owner);
        set => Volatile.Write(ref _owner, value);
    }

    private ILinkOwner? _owner;

    /// <summary>Over inproc, the other socket's link over the same two pipes; null for tcp and ipc.</summary>
    public Link? Peer { get; set; }

    /// <summary>Scratch for the socket's patterns, on the socket's thread only: PUB marks the links a message already
    /// goes to, so a subscriber matched by several prefixes gets it once.</summary>
    public long Mark;

    /// <summary>The endpoint this link came from, for diagnostics.</summary>
    public string Origin { get; set; } = "";

    /// <summary>True when the link can no longer carry anything in either direction.</summary>
    public bool IsDead => Out.IsReaderClosed && In.IsFinished;

    /// <summary>For request-reply: publishes what was written to <see cref="Out"/> with
    /// <see cref="Pipe.WriteUnflushed"/>, handing it to an idle connection on this thread instead of waking the
    /// connection's send loop. Otherwise (busy connection, inproc peer) a plain flush.</summary>
    public void FlushNow()
    {
        if (Out.ReaderEvents is IEagerReader reader && reader.TryTakeNow(Out)) return;
        Out.Flush();
    }

    /// <summary>Why the socket closed this link when it refused the peer (for the connection's CLOSED event); null
    /// for an ordinary close.</summary>
    public string? CloseReason
    {
        get => Volatile.Read(ref _closeReason);
        private set => Volatile.Write(ref _closeReason, value);
    }

    private string? _closeReason;

    /// <summary>Closes the socket's ends: nothing more is written, nothing more is read. <paramref name="reason"/> says
    /// why when the socket refuses the peer.</summary>
    public void CloseFromSocket(string? reason = null)
    {
        if (reason != null) CloseReason = reason; // before the connection can see the close
        Out.CloseWriter();
        In.CloseReader();
        if (Peer is { } peer) peer.Owner?.OnLinkEnded(peer); // an inproc peer has no connection to tell its socket
    }

    /// <summary>Closes the peer's ends: what was received can still be read; nothing more is sent.</summary>
    public void CloseFromPeer()
    {
        In.CloseWriter();
        Out.CloseReader();
        Owner?.OnLinkEnded(this);
    }
}
