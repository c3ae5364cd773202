using Zera.Core;
using Zera.Protocol;
using Zera.Transports;

namespace Zera;

/// <summary>
/// The container for a set of sockets: it creates them, joins their <c>inproc://</c> endpoints, and shuts them
/// down. Usually one per process (<see cref="Default"/> is there for convenience), but any number may exist.
/// </summary>
/// <remarks>
/// <para>Thread-safe: any thread may create sockets or dispose the context.</para>
/// <para><see cref="Dispose"/> works like <c>zmq_ctx_term</c>: calls blocked or awaiting on its sockets end with
/// <see cref="ErrorKind.Terminated"/>; it then waits until every socket has been disposed by its owner and every
/// socket's linger has run out, so dispose your sockets (a <c>using</c> does) before or while the context goes.</para>
/// </remarks>
public sealed class Context : IDisposable
{
    private static readonly Lazy<Context> s_default = new(() => new Context());

    private readonly object _lock = new();
    private readonly HashSet<Socket> _sockets = [];
    private readonly Dictionary<string, Socket> _inprocBound = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<InprocPending>> _inprocPending = new(StringComparer.Ordinal);
    private readonly List<Task> _lingering = [];
    private volatile bool _terminated;
    private bool _disposed;

    /// <summary>A process-wide context, created on first use and never disposed for you.</summary>
    public static Context Default => s_default.Value;

    /// <summary>True once <see cref="Dispose"/> started.</summary>
    public bool IsTerminated => _terminated;

    /// <summary>Creates a socket of <paramref name="type"/>. The socket belongs to the calling thread's code from
    /// now on (see <see cref="Socket"/>'s threading rules).</summary>
    public Socket CreateSocket(SocketType type)
    {
        if (!Enum.IsDefined(type))
            ZeraException.ThrowArgument(nameof(type), $"{(int)type} is not a socket type");
        lock (_lock)
        {
            if (_terminated) ZeraException.ThrowTerminated();
            var s = new Socket(this, type);
            _sockets.Add(s);
            return s;
        }
    }

    internal void ThrowIfTerminated()
    {
        if (_terminated) ZeraException.ThrowTerminated();
    }

    internal void Unregister(Socket socket)
    {
        lock (_lock)
        {
            _sockets.Remove(socket);
            foreach (var kv in _inprocBound.Where(kv => kv.Value == socket).ToList()) _inprocBound.Remove(kv.Key);
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Tracks background work (a lingering connection) that disposal must wait for.</summary>
    internal void TrackLinger(Task task)
    {
        lock (_lock)
        {
            _lingering.RemoveAll(t => t.IsCompleted);
            _lingering.Add(task);
        }
    }

    // ------------------------------------------------------------------ inproc

    private sealed record InprocPending(Socket Socket, Link Link, Link PeerLink);

    internal void BindInproc(Socket socket, string name)
    {
        List<InprocPending>? pending;
        lock (_lock)
        {
            if (_inprocBound.ContainsKey(name))
                throw new ZeraException(ErrorKind.AddressInUse, $"inproc://{name} is already bound", "endpoint");
            _inprocBound[name] = socket;
            _inprocPending.Remove(name, out pending);
        }
        if (pending == null) return;
        foreach (var p in pending)
        {
            // The connect side queued with its own marks; now both sides' marks are known (libzmq adds them).
            p.Link.Out.HighWaterMark = InprocHwm(p.Socket.Options.SendHighWatermark, socket.Options.ReceiveHighWatermark);
            p.Link.In.HighWaterMark = InprocHwm(socket.Options.SendHighWatermark, p.Socket.Options.ReceiveHighWatermark);
            p.PeerLink.PeerType = p.Socket.Type;
            p.PeerLink.PeerRoutingId = p.Socket.Options.RoutingId;
            p.Link.PeerType = socket.Type;
            if (!SocketTypes.Compatible(socket.Type, p.Socket.Type))
            {
                p.PeerLink.CloseFromSocket(); // the binder refuses: the connecting side sees its peer gone
                continue;
            }
            if (!p.Link.PeerKnown)
            {
                p.Link.PeerRoutingId = socket.Options.RoutingId;
                p.Link.PeerKnown = true;
                p.Socket.EnqueueIdentified(p.Link);
            }
            socket.AttachNow(p.PeerLink);
        }
    }

    internal void UnbindInproc(Socket socket, string name)
    {
        lock (_lock)
        {
            if (_inprocBound.TryGetValue(name, out var s) && s == socket) _inprocBound.Remove(name);
        }
    }

    internal IEndpointHandle ConnectInproc(Socket socket, string name, byte[]? connectRoutingId)
    {
        Socket? peer;
        Link link, peerLink;
        lock (_lock)
        {
            _inprocBound.TryGetValue(name, out peer);
            if (peer != null && !SocketTypes.Compatible(socket.Type, peer.Type))
                throw new ZeraException(ErrorKind.InvalidArgument,
                    $"inproc://{name}: a {SocketTypes.Name(socket.Type)} socket cannot connect to a {SocketTypes.Name(peer.Type)} socket", "endpoint");
            var o = socket.Options;
            // Until the peer binds, only this socket's own marks count (as libzmq); the bind adds the peer's.
            var toPeer = new Pipe(peer == null ? o.SendHighWatermark : InprocHwm(o.SendHighWatermark, peer.Options.ReceiveHighWatermark));
            var fromPeer = new Pipe(peer == null ? o.ReceiveHighWatermark : InprocHwm(peer.Options.SendHighWatermark, o.ReceiveHighWatermark));
            link = new Link(fromPeer, toPeer) { Endpoint = "inproc://" + name };
            peerLink = new Link(toPeer, fromPeer) { Endpoint = "inproc://" + name, PeerType = socket.Type, PeerRoutingId = o.RoutingId, PeerKnown = true };
            link.Peer = peerLink;
            peerLink.Peer = link;
            if (connectRoutingId != null)
            {
                link.PeerRoutingId = connectRoutingId;
                link.PeerKnown = true;
            }
            if (peer == null)
            {
                if (!_inprocPending.TryGetValue(name, out var list)) _inprocPending[name] = list = [];
                list.Add(new InprocPending(socket, link, peerLink));
            }
            else
            {
                link.PeerType = peer.Type;
                if (connectRoutingId == null) link.PeerRoutingId = peer.Options.RoutingId;
                link.PeerKnown = true;
            }
        }
        socket.AttachNow(link);
        if (peer != null) peer.EnqueueAttach(peerLink);
        return new InprocConnection(link, this, name);
    }

    internal void CancelPendingInproc(string name, Link link)
    {
        lock (_lock)
        {
            if (_inprocPending.TryGetValue(name, out var list)) list.RemoveAll(p => p.Link == link);
        }
    }

    private static int InprocHwm(int a, int b) => a == 0 || b == 0 ? 0 : a + b;

    // ------------------------------------------------------------------ termination

    /// <summary>Terminates the context: blocked and pending calls on its sockets end with
    /// <see cref="ErrorKind.Terminated"/>, then this waits until every socket is disposed and has finished lingering.
    /// Safe to call twice.</summary>
    public void Dispose()
    {
        Socket[] sockets;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _terminated = true;
            sockets = [.. _sockets];
        }
        foreach (var s in sockets) s.WakeForTermination();
        lock (_lock)
        {
            while (_sockets.Count > 0) Monitor.Wait(_lock);
        }
        Task[] lingering;
        lock (_lock) lingering = [.. _lingering];
        Task.WaitAll(lingering);
    }
}
