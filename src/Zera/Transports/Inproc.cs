using Zera.Core;
using Zera.Protocol;

namespace Zera.Transports;

/// <summary>
/// The <c>inproc://</c> names of one context: which socket binds each name, and the connects waiting for a bind.
/// A connect joins the two sockets' pipes directly (frames pass by reference, no codec); connect before bind works,
/// as in libzmq, with the connecting side's queue bounded by its own marks until the binder's are known.
/// </summary>
/// <remarks>Thread-safe: any socket's thread may bind, connect or unbind.</remarks>
internal sealed class InprocRegistry
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ISocketPort> _bound = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Pending>> _pending = new(StringComparer.Ordinal);

    private sealed record Pending(ISocketPort Port, Link Link, Link PeerLink);

    /// <summary>Binds <paramref name="name"/> for <paramref name="socket"/> and joins the connects that waited for
    /// it. Throws AddressInUse when the name is taken.</summary>
    public IEndpointHandle Bind(ISocketPort socket, string name)
    {
        List<Pending>? pending;
        lock (_lock)
        {
            if (_bound.ContainsKey(name))
                throw new ZeraException(ErrorKind.AddressInUse, $"inproc://{name} is already bound", "endpoint");
            _bound[name] = socket;
            _pending.Remove(name, out pending);
        }
        if (pending != null)
        {
            foreach (var p in pending) JoinPending(socket, p);
        }
        return new InprocBinding(this, socket, name);
    }

    private static void JoinPending(ISocketPort socket, Pending p)
    {
        // The connect side queued with its own marks; now both sides' marks are known (libzmq adds them).
        p.Link.Out.HighWaterMark = Hwm(p.Port.Options.SendHighWatermark, socket.Options.ReceiveHighWatermark);
        p.Link.In.HighWaterMark = Hwm(socket.Options.SendHighWatermark, p.Port.Options.ReceiveHighWatermark);
        p.PeerLink.PeerType = p.Port.Type;
        p.PeerLink.PeerRoutingId = p.Port.Options.RoutingId;
        p.Link.PeerType = socket.Type;
        if (!SocketTypes.Compatible(socket.Type, p.Port.Type))
        {
            p.PeerLink.CloseFromSocket(); // the binder refuses: the connecting side sees its peer gone
            return;
        }
        if (!p.Link.PeerKnown)
        {
            p.Link.PeerRoutingId = socket.Options.RoutingId;
            p.Link.PeerKnown = true;
            p.Port.EnqueueIdentified(p.Link);
        }
        socket.AttachNow(p.PeerLink);
    }

    /// <summary>Releases <paramref name="name"/> if <paramref name="socket"/> binds it.</summary>
    public void Unbind(ISocketPort socket, string name)
    {
        lock (_lock)
        {
            if (_bound.TryGetValue(name, out var s) && s == socket) _bound.Remove(name);
        }
    }

    /// <summary>Releases every name <paramref name="socket"/> binds (the socket is gone).</summary>
    public void UnbindAll(ISocketPort socket)
    {
        lock (_lock)
        {
            foreach (var kv in _bound.Where(kv => kv.Value == socket).ToList()) _bound.Remove(kv.Key);
        }
    }

    /// <summary>Connects <paramref name="socket"/> to <paramref name="name"/>, bound or not yet.</summary>
    public IEndpointHandle Connect(ISocketPort socket, string name, byte[]? connectRoutingId)
    {
        ISocketPort? peer;
        Link link, peerLink;
        lock (_lock)
        {
            _bound.TryGetValue(name, out peer);
            if (peer != null && !SocketTypes.Compatible(socket.Type, peer.Type))
                throw new ZeraException(ErrorKind.InvalidArgument,
                    $"inproc://{name}: a {SocketTypes.Name(socket.Type)} socket cannot connect to a {SocketTypes.Name(peer.Type)} socket", "endpoint");
            var o = socket.Options;
            // Until the peer binds, only this socket's own marks count (as libzmq); the bind adds the peer's.
            // A pipe conflates when the socket writing it or the one reading it asks for that. (libzmq looks only at
            // the connecting socket; a conflating binder's pipes conflate here too. A connect made before the bind
            // cannot learn the binder's wish in time: its pipes were made, and may hold messages, already.)
            var toPeer = new Pipe(peer == null ? o.SendHighWatermark : Hwm(o.SendHighWatermark, peer.Options.ReceiveHighWatermark),
                o.ConflatesOutbound(socket.Type) || (peer != null && peer.Options.ConflatesInbound(peer.Type)));
            var fromPeer = new Pipe(peer == null ? o.ReceiveHighWatermark : Hwm(peer.Options.SendHighWatermark, o.ReceiveHighWatermark),
                o.ConflatesInbound(socket.Type) || (peer != null && peer.Options.ConflatesOutbound(peer.Type)));
            link = new Link(fromPeer, toPeer) { Origin = "inproc://" + name };
            peerLink = new Link(toPeer, fromPeer) { Origin = "inproc://" + name, PeerType = socket.Type, PeerRoutingId = o.RoutingId, PeerKnown = true };
            link.Peer = peerLink;
            peerLink.Peer = link;
            if (connectRoutingId != null)
            {
                link.PeerRoutingId = connectRoutingId;
                link.PeerKnown = true;
            }
            if (peer == null)
            {
                if (!_pending.TryGetValue(name, out var list)) _pending[name] = list = [];
                list.Add(new Pending(socket, link, peerLink));
            }
            else
            {
                link.PeerType = peer.Type;
                if (connectRoutingId == null) link.PeerRoutingId = peer.Options.RoutingId;
                link.PeerKnown = true;
            }
        }
        socket.AttachNow(link);
        peer?.EnqueueAttach(peerLink);
        return new InprocConnection(this, link, name);
    }

    /// <summary>
    /// Joins a pipe pair to the socket bound at <paramref name="name"/> for code inside Zera that has no socket of its
    /// own (the ZAP client, as libzmq's session joins the ZAP handler): the bound socket sees a peer of type
    /// <paramref name="asType"/>; the caller owns the returned link's ends and sets their events. Null when nothing
    /// is bound there. The pipes have no high-water mark (libzmq's ZAP pipe has none either).
    /// </summary>
    public Link? ConnectInternal(string name, SocketType asType, out SocketType boundType)
    {
        ISocketPort? peer;
        lock (_lock) _bound.TryGetValue(name, out peer);
        if (peer == null)
        {
            boundType = default;
            return null;
        }
        boundType = peer.Type;
        var toPeer = new Pipe(0);
        var fromPeer = new Pipe(0);
        var link = new Link(fromPeer, toPeer) { Origin = "inproc://" + name, PeerType = peer.Type, PeerKnown = true };
        var peerLink = new Link(toPeer, fromPeer) { Origin = "inproc://" + name, PeerType = asType, PeerKnown = true };
        link.Peer = peerLink;
        peerLink.Peer = link;
        peer.EnqueueAttach(peerLink);
        return link;
    }

    private void CancelPending(string name, Link link)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(name, out var list)) list.RemoveAll(p => p.Link == link);
        }
    }

    private static int Hwm(int a, int b) => a == 0 || b == 0 ? 0 : a + b;

    /// <summary>An <c>inproc://</c> name bound by a socket.</summary>
    private sealed class InprocBinding(InprocRegistry registry, ISocketPort socket, string name) : IEndpointHandle
    {
        public bool IsBound => true;

        public void Close(int linger) => registry.Unbind(socket, name);
    }

    /// <summary>An <c>inproc://</c> connection: the two sockets' pipes joined directly.</summary>
    private sealed class InprocConnection(InprocRegistry registry, Link link, string name) : IEndpointHandle
    {
        public bool IsBound => false;

        public void Close(int linger)
        {
            registry.CancelPending(name, link);
            link.CloseFromSocket();
        }
    }
}
