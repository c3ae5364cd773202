using Zera.Core;
using Zera.Protocol;

namespace Zera.Transports;

/// <summary>
/// Binds a socket's link to the connection that currently carries it: it outlives a connection on the connecting
/// side (so messages queue while reconnecting) and forwards pipe wake-ups to the current engine.
/// </summary>
/// <remarks>Engines call in from the thread pool; <see cref="Close"/> comes from the socket's thread.</remarks>
internal abstract class Session : IPipeEvents, IEndpointHandle, IEagerReader
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _closeRequested;
    private int _finished;
    private Timer? _lingerTimer;

    protected Session(ISocketPort socket, SocketOptions options)
    {
        Port = socket;
        Options = options;
        LiveCounts.SessionStarted();
    }

    /// <summary>The socket this connection belongs to, as transports see it.</summary>
    protected ISocketPort Port { get; }

    /// <summary>The socket's options as they were when this connection was started.</summary>
    protected SocketOptions Options { get; }

    protected volatile StreamEngine? Engine;

    protected volatile Link? Link;

    /// <summary>True while the outbound pipe is in the middle of a message whose first frames went to a connection
    /// that has since ended; the next connection skips the rest.</summary>
    public bool OutMidMessage { get; set; }

    /// <summary>True once <see cref="Close"/> was called.</summary>
    protected bool Closing => Volatile.Read(ref _closeRequested) != 0;

    /// <summary>Completes when the session has ended.</summary>
    public Task Completion => _completion.Task;

    public abstract bool IsBound { get; }

    /// <summary>The endpoint this session's events are reported under (the connect endpoint, or the listener's).</summary>
    public abstract string EndpointText { get; }

    /// <summary>The engine finished its handshake: returns the link it must carry, or null to refuse the peer.
    /// <paramref name="metadata"/> is what messages from this peer carry (see <see cref="Link.Metadata"/>).</summary>
    public Link? OnHandshake(SocketType peerType, byte[] peerRoutingId, IReadOnlyDictionary<string, byte[]> metadata)
    {
        var link = AttachPeer(peerType, peerRoutingId);
        if (link == null) return null;
        link.Metadata = metadata; // before the engine delivers the peer's first message
        Report(SocketEventKind.HandshakeSucceeded);
        return link;
    }

    /// <summary>The <c>inproc://</c> names of the socket's context, where the ZAP handler is found.</summary>
    public InprocRegistry Inproc => Port.Inproc;

    /// <summary>Gives the peer whose handshake completed a link to the socket; null refuses it.</summary>
    protected abstract Link? AttachPeer(SocketType peerType, byte[] peerRoutingId);

    /// <summary>Reports an event of this session's endpoint to the socket's event sink.</summary>
    protected void Report(SocketEventKind kind, ConnectionEnd end = ConnectionEnd.None, string? reason = null, int value = 0) =>
        Port.Report(new ConnectionEvent(kind, EndpointText, end, reason, value));

    /// <summary>A connection ended: a failed handshake says so first, then the end itself (Closed when we closed it,
    /// Disconnected otherwise), with how and why, and libzmq's values: HANDSHAKE_FAILED_PROTOCOL a
    /// ZMQ_PROTOCOL_ERROR_*, HANDSHAKE_FAILED_AUTH the peer's ZAP status, HANDSHAKE_FAILED_NO_DETAIL an errno, and the
    /// end the connection's descriptor.</summary>
    protected void ReportEnd(StreamEngine engine)
    {
        var end = engine.End;
        string reason = engine.EndReason ?? (end == ConnectionEnd.Closed ? Link?.CloseReason : null) ?? Describe(end);
        if (!engine.HandshakeDone && end != ConnectionEnd.Closed)
        {
            int code = engine.EndCode;
            var (failed, value) = end switch
            {
                ConnectionEnd.PeerRefused or ConnectionEnd.Refused when ProtocolError.IsZapStatus(code) => (SocketEventKind.HandshakeFailedAuth, code),
                ConnectionEnd.Malformed or ConnectionEnd.Refused or ConnectionEnd.PeerRefused =>
                    (SocketEventKind.HandshakeFailedProtocol, code != 0 ? code : ProtocolError.Unspecified),
                ConnectionEnd.PeerClosed => (SocketEventKind.HandshakeFailedNoDetail, Errno.PeerClosed),
                ConnectionEnd.HandshakeTimeout => (SocketEventKind.HandshakeFailedNoDetail, Errno.TimedOut),
                _ => (SocketEventKind.HandshakeFailedNoDetail, code), // broken: the OS's errno
            };
            Report(failed, end, reason, value);
        }
        Report(end == ConnectionEnd.Closed ? SocketEventKind.Closed : SocketEventKind.Disconnected, end, reason, engine.Fd);
    }

    /// <summary>Words for an end that came without a reason of its own.</summary>
    private static string Describe(ConnectionEnd end) => end switch
    {
        ConnectionEnd.Closed => "closed by this socket",
        ConnectionEnd.PeerClosed => "the peer closed the connection",
        _ => end.ToString(),
    };

    /// <summary>An exception no code path expected ended this session's background task: it is reported (never left
    /// unobserved) and the session finishes as after any other end.</summary>
    protected void ReportFault(Exception e) =>
        Report(SocketEventKind.Disconnected, ConnectionEnd.Broken, $"internal error: {e.GetType().Name}: {e.Message}");

    void IPipeEvents.OnReadable(Pipe pipe) => Engine?.WakeSend();

    void IPipeEvents.OnWritable(Pipe pipe) => Engine?.WakeReceive();

    bool IEagerReader.TryTakeNow(Pipe pipe) => Engine?.TryFlushInline() ?? false;

    /// <summary>
    /// Closes the session: what is queued is still sent for up to <paramref name="linger"/> ms (-1 = until sent),
    /// then the connection ends. The context waits for this.
    /// </summary>
    /// <remarks>The close rule (ARCHITECTURE.md, "Close and linger"): LINGER 0 and an expired linger close abortively,
    /// dropping what is queued as ZeroMQ says; otherwise a connection is never closed while its send loop may still
    /// hold bytes the kernel has not taken: the engine drains, shuts down its sending side, and only then closes.</remarks>
    public void Close(int linger)
    {
        if (Interlocked.Exchange(ref _closeRequested, 1) != 0) return;
        Port.TrackLinger(Completion);
        if (linger == 0)
        {
            Stop();
            return;
        }
        if (linger > 0)
            _lingerTimer = new Timer(static s => ((Session)s!).Stop(), this, linger, Timeout.Infinite);
        if (Engine is { } engine) engine.BeginClose();
        else if (NothingQueued) Stop(); // no connection and nothing to send: nothing to wait for
    }

    /// <summary>True when there is nothing of the socket's left to send (no link, or its outbound pipe is empty).</summary>
    public bool NothingQueued => Link is not { } link || link.Out.IsFinished || link.Out.IsReaderClosed || link.Out.Count == 0;

    /// <summary>Ends the session now, dropping what is still queued (LINGER 0 or an expired linger).</summary>
    protected virtual void Stop() => Engine?.Abort();

    /// <summary>Marks the session finished.</summary>
    protected void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0) return;
        LiveCounts.SessionEnded();
        _lingerTimer?.Dispose();
        Link?.CloseFromPeer();
        Port.RemoveSession(this);
        _completion.TrySetResult();
    }

    /// <summary>Applies the socket-level options to a new OS socket.</summary>
    protected static void Configure(System.Net.Sockets.Socket s, SocketOptions o, bool tcp)
    {
        if (tcp)
        {
            s.NoDelay = true;
            if (o.TcpKeepalive >= 0) s.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Socket, System.Net.Sockets.SocketOptionName.KeepAlive, o.TcpKeepalive == 1);
            if (o.TcpKeepalive == 1)
            {
                if (o.TcpKeepaliveIdle > 0) s.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveTime, o.TcpKeepaliveIdle);
                if (o.TcpKeepaliveInterval > 0) s.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveInterval, o.TcpKeepaliveInterval);
                if (o.TcpKeepaliveCount > 0) s.SetSocketOption(System.Net.Sockets.SocketOptionLevel.Tcp, System.Net.Sockets.SocketOptionName.TcpKeepAliveRetryCount, o.TcpKeepaliveCount);
            }
        }
        if (o.SendBuffer > 0) s.SendBufferSize = o.SendBuffer;
        if (o.ReceiveBuffer > 0) s.ReceiveBufferSize = o.ReceiveBuffer;
    }
}
