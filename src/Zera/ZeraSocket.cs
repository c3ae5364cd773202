using Zera.Core;
using Zera.Patterns;
using Zera.Protocol;
using Zera.Transports;

namespace Zera;

/// <summary>
/// A ZeroMQ socket of one <see cref="SocketType"/>, made by <see cref="Context.CreateSocket"/>.
/// </summary>
/// <remarks>
/// <para>Threading: a socket is a single-thread object. Use it from one thread at a time (an <c>await</c> that resumes
/// elsewhere is fine: calls must not overlap, except that one asynchronous send and one asynchronous receive may be
/// pending together). A call that overlaps another throws <see cref="ZeraException"/> with
/// <see cref="ErrorKind.InvalidState"/> and leaves the other call unharmed. Option properties are not checked; set
/// them from the socket's thread too. Connections run in the background on the thread pool; Zera never creates a
/// thread per socket.</para>
/// <para>Lifetime: <see cref="Dispose"/> closes the socket at once; messages already accepted by a send are still
/// delivered in the background for up to <see cref="Linger"/> milliseconds, and <see cref="Context.Dispose"/> waits
/// for that.</para>
/// </remarks>
public sealed partial class ZeraSocket : IDisposable, IPipeEvents, ISocketPort
{
    private readonly Context _context;
    private readonly SocketOptions _options = new();
    private readonly Pattern _pattern;
    private readonly Signal _readSignal = new();
    private readonly Signal _writeSignal = new();
    private readonly HashSet<Link> _links = [];
    private readonly Lock _pendingLock = new();
    private List<(Link Link, LinkChange Change)> _pending = [];
    private List<(Link Link, LinkChange Change)> _pendingSwap = [];
    private int _hasPending;
    private bool _pendingClosed;
    private readonly Dictionary<string, List<IEndpointHandle>> _endpoints = new(StringComparer.Ordinal);
    private readonly Lock _sessionLock = new();
    private readonly HashSet<Session> _sessions = [];
    private bool _disposed;
    private int _disposeStarted;
    private bool _receiveMore;
    private string? _lastEndpoint;

    internal ZeraSocket(Context context, SocketType type)
    {
        _context = context;
        Type = type;
        _pattern = type switch
        {
            SocketType.Pair => new PairPattern(_options),
            SocketType.Push => new PushPattern(_options),
            SocketType.Pull => new PullPattern(_options),
            SocketType.Dealer => new DealerPattern(_options),
            SocketType.Router => new RouterPattern(_options),
            SocketType.Req => new ReqPattern(_options),
            SocketType.Rep => new RepPattern(_options),
            SocketType.Pub => new PubPattern(_options, xpub: false),
            SocketType.XPub => new PubPattern(_options, xpub: true),
            SocketType.Sub => new SubPattern(_options, xsub: false),
            SocketType.XSub => new SubPattern(_options, xsub: true),
            _ => throw new ZeraException(ErrorKind.NotSupported, $"socket type {SocketTypes.Name(type)} is not implemented yet", "type"),
        };
    }

    /// <summary>ZMQ_TYPE: this socket's type.</summary>
    public SocketType Type { get; }

    /// <summary>The context that made this socket.</summary>
    public Context Context => _context;

    /// <summary>ZMQ_RCVMORE: true when the last frame received is followed by more frames of the same message.</summary>
    public bool ReceiveMore => _receiveMore;

    /// <summary>ZMQ_LAST_ENDPOINT: the endpoint of the last <see cref="Bind"/> or <see cref="Connect"/>, with a
    /// wildcard or ephemeral port resolved (e.g. <c>tcp://127.0.0.1:41234</c>); null before any.</summary>
    public string? LastEndpoint => _lastEndpoint;

    internal SocketOptions Options => _options;

    // ------------------------------------------------------------------ endpoints

    /// <summary>Binds to <paramref name="endpoint"/> (<c>tcp://host:port</c> with <c>*</c> for every interface and
    /// <c>*</c> or 0 for an ephemeral port, <c>ipc://path</c> or <c>ipc://@abstract</c>, <c>inproc://name</c>).
    /// A socket may bind and connect any number of endpoints.</summary>
    public void Bind(string endpoint)
    {
        int mark = Enter();
        try
        {
            BindEntered(endpoint);
        }
        finally
        {
            Exit(mark);
        }
    }

    private void BindEntered(string endpoint)
    {
        var ep = Endpoint.Parse(endpoint, nameof(endpoint));
        if (ep.Transport != TransportKind.Inproc) CheckSecurityKeys();
        IEndpointHandle handle;
        string resolved;
        if (ep.Transport == TransportKind.Inproc)
        {
            handle = _context.Inproc.Bind(this, ep.Address);
            resolved = ep.ToString();
        }
        else
        {
            var listener = Listener.Start(this, ep);
            handle = listener;
            resolved = listener.ResolvedEndpoint;
        }
        AddEndpoint(endpoint, handle);
        if (resolved != endpoint) AddEndpoint(resolved, handle);
        _lastEndpoint = resolved;
    }

    /// <summary>Connects to <paramref name="endpoint"/>. Returns at once: the connection is made (and re-made after a
    /// loss) in the background, and messages queue for it up to the high-water mark meanwhile.</summary>
    public void Connect(string endpoint)
    {
        int mark = Enter();
        try
        {
            ConnectEntered(endpoint);
        }
        finally
        {
            Exit(mark);
        }
    }

    private void ConnectEntered(string endpoint)
    {
        var ep = Endpoint.Parse(endpoint, nameof(endpoint));
        if (ep.Transport != TransportKind.Inproc) CheckSecurityKeys();
        if (ep.Transport == TransportKind.Inproc)
        {
            AddEndpoint(endpoint, _context.Inproc.Connect(this, ep.Address, TakeConnectRoutingId()));
        }
        else
        {
            if (ep.Transport == TransportKind.Tcp && ep.Port == 0)
                Guard.ThrowArgument(nameof(endpoint), $"'{endpoint}': connect needs a port number, not a wildcard");
            var session = new ConnectSession(this, ep, TakeConnectRoutingId());
            AddEndpoint(endpoint, session);
            session.Start();
        }
        _lastEndpoint = endpoint;
    }

    /// <summary>Stops listening on an endpoint given to <see cref="Bind"/> (or its resolved form) and closes the
    /// connections accepted through it.</summary>
    public void Unbind(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        int mark = Enter();
        try
        {
            if (!RemoveEndpoint(endpoint, bound: true))
                throw new ZeraException(ErrorKind.AddressNotAvailable, $"'{endpoint}' is not bound by this socket", nameof(endpoint));
        }
        finally
        {
            Exit(mark);
        }
    }

    /// <summary>Closes the connection made by <see cref="Connect"/> to <paramref name="endpoint"/>. Messages received
    /// from that peer and not read yet are dropped; messages queued for it are still sent for up to
    /// <see cref="Linger"/> ms (as zmq_disconnect; over inproc they are dropped, the peer's queue being gone).</summary>
    public void Disconnect(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        int mark = Enter();
        try
        {
            if (!RemoveEndpoint(endpoint, bound: false))
                throw new ZeraException(ErrorKind.AddressNotAvailable, $"'{endpoint}' is not connected by this socket", nameof(endpoint));
        }
        finally
        {
            Exit(mark);
        }
    }

    private void AddEndpoint(string key, IEndpointHandle handle)
    {
        if (!_endpoints.TryGetValue(key, out var list)) _endpoints[key] = list = [];
        list.Add(handle);
    }

    private bool RemoveEndpoint(string key, bool bound)
    {
        if (!_endpoints.TryGetValue(key, out var list)) return false;
        var matching = list.FindAll(h => h.IsBound == bound);
        if (matching.Count == 0) return false;
        foreach (var h in matching)
        {
            foreach (var other in _endpoints.Values) other.Remove(h);
            // Disconnect destroys what came from that peer (RFC 28/30); what was queued for it lingers.
            if (h is ConnectSession session)
            {
                // The socket forgets the peer now, so nothing more is routed to it; its queued messages linger.
                if (session.CurrentLink is { } link && RemoveLink(link)) _pattern.Detach(link);
                session.Abandon(_options.Linger);
            }
            else h.Close(linger: 0);
        }
        foreach (var k in _endpoints.Where(kv => kv.Value.Count == 0).Select(kv => kv.Key).ToList()) _endpoints.Remove(k);
        return true;
    }

    private byte[]? TakeConnectRoutingId()
    {
        var id = _options.ConnectRoutingId;
        _options.ConnectRoutingId = null;
        return id;
    }

    // ------------------------------------------------------------------ links

    void ISocketPort.EnqueueAttach(Link link)
    {
        Adopt(link);
        Enqueue(link, LinkChange.Attach);
    }

    void ISocketPort.EnqueueIdentified(Link link) => Enqueue(link, LinkChange.Identify);

    void ILinkOwner.OnLinkEnded(Link link) => Enqueue(link, LinkChange.Detach);

    void ISocketPort.EnqueueReconnected(Link link) => Enqueue(link, LinkChange.Reconnected);

    private void Enqueue(Link link, LinkChange change)
    {
        lock (_pendingLock)
        {
            if (_pendingClosed)
            {
                // The socket is gone: a late peer is closed here, or its connection would wait on it forever.
                if (change == LinkChange.Attach) link.CloseFromSocket();
                return;
            }
            _pending.Add((link, change));
            Volatile.Write(ref _hasPending, 1);
        }
        _readSignal.Set();
        _writeSignal.Set();
        WakeWatchers();
    }

    void ISocketPort.AttachNow(Link link)
    {
        Adopt(link);
        Attach(link);
    }

    /// <summary>This socket becomes the reader of the link's inbound pipe, the writer of its outbound one, and the
    /// owner told when the link ends.</summary>
    private void Adopt(Link link)
    {
        link.In.ReaderEvents = this;
        link.Out.WriterEvents = this;
        link.Owner = this;
    }

    private enum LinkChange : byte
    {
        Attach,
        Identify,
        Reconnected,
        Detach,
    }

    private void ProcessPending()
    {
        if (Volatile.Read(ref _hasPending) == 0) return;
        List<(Link Link, LinkChange Change)> batch;
        lock (_pendingLock)
        {
            batch = _pending;
            _pending = _pendingSwap;
            _pendingSwap = batch;
            Volatile.Write(ref _hasPending, 0);
        }
        foreach (var (link, change) in batch)
        {
            switch (change)
            {
                case LinkChange.Attach:
                    Attach(link);
                    break;
                case LinkChange.Identify:
                    if (!_disposed) _pattern.OnPeerIdentified(link);
                    break;
                case LinkChange.Reconnected:
                    if (!_disposed && _links.Contains(link)) _pattern.OnReconnected(link);
                    break;
                case LinkChange.Detach:
                    // Forget the peer everywhere now, so nothing keeps a link (and its pipes) after its peer left.
                    if (RemoveLink(link) && !_disposed) _pattern.Detach(link);
                    break;
            }
        }
        batch.Clear();
    }

    private void Attach(Link link)
    {
        if (_disposed || link.Out.IsWriterClosed)
        {
            link.CloseFromSocket();
            return;
        }
        if (!_pattern.Attach(link))
        {
            link.CloseFromSocket(_pattern.Refusal);
            return;
        }
        lock (_linksLock) _links.Add(link);
    }

    void IPipeEvents.OnReadable(Pipe pipe)
    {
        _pattern.OnPipeReadable(pipe);
        _readSignal.Set();
        WakeWatchers();
    }

    void IPipeEvents.OnWritable(Pipe pipe)
    {
        _writeSignal.Set();
        WakeWatchers();
    }

    bool ISocketPort.AddSession(Session session)
    {
        lock (_sessionLock)
        {
            if (_sessionsClosed) return false;
            _sessions.Add(session);
            return true;
        }
    }

    private bool _sessionsClosed;

    void ISocketPort.RemoveSession(Session session)
    {
        lock (_sessionLock) _sessions.Remove(session);
    }

    // ------------------------------------------------------------------ the transports' view (ISocketPort)

    SocketOptions ISocketPort.Options => _options;

    InprocRegistry ISocketPort.Inproc => _context.Inproc;

    void ISocketPort.TrackLinger(Task completion) => _context.TrackLinger(completion);

    void ISocketPort.Report(in ConnectionEvent e)
    {
        // One read of an empty array when nobody listens.
        foreach (var sink in Volatile.Read(ref _sinks)) sink.OnEvent(e);
        ZeraMetrics.OnEvent(Type, e);
    }

    /// <summary>Wakes blocked calls so they see the context's termination.</summary>
    internal void WakeForTermination()
    {
        _readSignal.Set();
        _writeSignal.Set();
        WakeWatchers();
    }

    // ------------------------------------------------------------------ close

    /// <summary>Closes the socket. Bound endpoints stop listening at once; messages already sent are delivered in the
    /// background for up to <see cref="Linger"/> ms (the context's disposal waits for that). Safe to call twice, and
    /// never throws. A pending asynchronous send or receive ends with <see cref="ObjectDisposedException"/>.
    /// Disposing from another thread while a call is blocked on this socket breaks the one-thread rule (libzmq
    /// forbids it too), but stays safe: the blocked call is woken and throws <see cref="ObjectDisposedException"/>,
    /// and the socket closes once that call has left.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposeStarted, 1) != 0) return;
        // From here on every call throws ObjectDisposedException; a call blocked or pending now is woken to see it,
        // so that Dispose can take the socket from it instead of closing state it is still using.
        Volatile.Write(ref _disposed, true);
        _readSignal.Set();
        _writeSignal.Set();
        bool entered = EnterForDispose(out int word);
        try
        {
            foreach (var handle in _endpoints.Values.SelectMany(l => l).Distinct().ToList())
                if (handle.IsBound) handle.Close(_options.Linger);
            _endpoints.Clear();
            DropPeeked();
            lock (_pendingLock) _pendingClosed = true; // links arriving from now on are closed as they come
            ProcessPending();
            foreach (var link in _links) link.CloseFromSocket();
            lock (_linksLock) _links.Clear();
            Session[] sessions;
            lock (_sessionLock)
            {
                _sessionsClosed = true;
                sessions = [.. _sessions];
            }
            foreach (var s in sessions) s.Close(_options.Linger);
            StopMonitors();
            ZeraMetrics.Retire(this);
            _context.Unregister(this);
        }
        finally
        {
            // Pending asynchronous calls keep their flags: each clears its own as it ends (disposed) after this.
            if (entered) Leave(word);
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed) ThrowDisposed();
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowDisposed() => throw new ObjectDisposedException(nameof(ZeraSocket), $"this {SocketTypes.Name(Type)} socket was disposed");

    /// <summary>The socket's type and last endpoint, for debugging.</summary>
    public override string ToString() => $"{SocketTypes.Name(Type)} socket{(_lastEndpoint is null ? "" : " " + _lastEndpoint)}";
}
