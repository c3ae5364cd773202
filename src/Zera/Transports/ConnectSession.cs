using System.Net;
using System.Net.Sockets;
using Zera.Core;
using NetSocket = System.Net.Sockets.Socket;

namespace Zera.Transports;

/// <summary>
/// The connecting side of a tcp or ipc endpoint: connects in the background, re-connects after a loss with
/// RECONNECT_IVL backing off to RECONNECT_IVL_MAX, and keeps one link across connections (unless IMMEDIATE), so
/// messages sent before or between connections wait in the pipe.
/// </summary>
internal sealed class ConnectSession : Session
{
    private readonly Endpoint _endpoint;
    private readonly byte[]? _connectRoutingId;
    private readonly CancellationTokenSource _stop = new();

    public ConnectSession(ISocketPort socket, Endpoint endpoint, byte[]? connectRoutingId)
        : base(socket, socket.Options.Clone())
    {
        _endpoint = endpoint;
        _connectRoutingId = connectRoutingId;
        if (!Options.Immediate)
        {
            // The link exists before any connection, so sends queue at once (libzmq's default, IMMEDIATE off).
            // With a connect routing id a ROUTER can address it at once; otherwise it learns the id at the handshake.
            Link = NewLink();
            if (connectRoutingId != null)
            {
                Link.PeerRoutingId = connectRoutingId;
                Link.PeerKnown = true;
            }
            socket.AttachNow(Link);
        }
    }

    public override bool IsBound => false;

    public override string EndpointText => _endpoint.Text;

    public void Start()
    {
        if (!Port.AddSession(this))
        {
            Finish();
            return;
        }
        _ = RunAsync();
    }

    private Link NewLink()
    {
        var link = new Link(
            new Pipe(Options.ReceiveHighWatermark, Options.ConflatesInbound(Port.Type)),
            new Pipe(Options.SendHighWatermark, Options.ConflatesOutbound(Port.Type))) { Origin = _endpoint.Text };
        link.In.WriterEvents = this;
        link.Out.ReaderEvents = this;
        return link;
    }

    private async Task RunAsync()
    {
        int delay = Options.ReconnectInterval;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (Closing && NothingQueued) break;
                NetSocket? connection = null;
                Report(SocketEventKind.ConnectDelayed, value: Errno.InProgress);
                try
                {
                    connection = await ConnectAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // Any failed attempt (an unexpected one too) is retried like a refused one, never the endpoint's end.
                    connection?.Dispose();
                    connection = null;
                    // As libzmq's connecter closes its socket after a failed attempt: CLOSED, with why.
                    Report(SocketEventKind.Closed, value: _attemptFd, reason: _stop.IsCancellationRequested ? "closed by this socket"
                        : e is SocketException or OperationCanceledException or ObjectDisposedException ? e.Message
                        : $"internal error: {e.GetType().Name}: {e.Message}");
                }
                if (connection != null)
                {
                    Report(SocketEventKind.Connected, value: StreamEngine.DescriptorOf(connection));
                    var engine = new StreamEngine(connection, this, Options, Port.Type);
                    Engine = engine;
                    if (_stop.IsCancellationRequested) engine.Abort();
                    await engine.RunAsync().ConfigureAwait(false);
                    Engine = null;
                    ReportEnd(engine);
                    if (engine.HandshakeDone) delay = Options.ReconnectInterval;
                    if (Options.Immediate && Link != null)
                    {
                        Link.CloseFromPeer();
                        Link = null;
                    }
                }
                if (_stop.IsCancellationRequested || Options.ReconnectInterval < 0) break;
                if (Closing && NothingQueued) break;
                Report(SocketEventKind.ConnectRetried, value: delay);
                try
                {
                    await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                if (Options.ReconnectIntervalMax > Options.ReconnectInterval)
                    delay = Math.Min(delay * 2, Options.ReconnectIntervalMax);
            }
        }
        catch (Exception e)
        {
            ReportFault(e);
        }
        finally
        {
            Finish();
        }
    }

    // Connect loop only: the descriptor of the socket the last failed attempt opened (0 when it opened none).
    private int _attemptFd;

    private async Task<NetSocket> ConnectAsync(CancellationToken cancel)
    {
        _attemptFd = 0;
        Options.Faults?.At(FaultSite.Connect);
        if (_endpoint.Transport == TransportKind.Ipc)
        {
            var s = new NetSocket(AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                Configure(s, Options, tcp: false);
                await IoLoop.ConnectAsync(s, Listener.IpcEndPoint(_endpoint.Address), cancel).ConfigureAwait(false);
                return s;
            }
            catch
            {
                _attemptFd = StreamEngine.DescriptorOf(s);
                s.Dispose();
                throw;
            }
        }
        var addresses = await ResolveAsync(cancel).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var s = new NetSocket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, ProtocolType.Tcp);
            try
            {
                Configure(s, Options, tcp: true);
                await IoLoop.ConnectAsync(s, new IPEndPoint(address, _endpoint.Port), cancel).ConfigureAwait(false);
                return s;
            }
            catch (SocketException e)
            {
                _attemptFd = StreamEngine.DescriptorOf(s);
                s.Dispose();
                last = e;
            }
            catch
            {
                _attemptFd = StreamEngine.DescriptorOf(s);
                s.Dispose();
                throw;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    private async Task<IPAddress[]> ResolveAsync(CancellationToken cancel)
    {
        if (IPAddress.TryParse(_endpoint.Address, out var ip)) return [ip];
        var all = await Dns.GetHostAddressesAsync(_endpoint.Address, cancel).ConfigureAwait(false);
        // IPv4 first unless IPv6 is on, as libzmq resolves.
        return Options.IPv6
            ? [.. all.OrderBy(a => a.AddressFamily == AddressFamily.InterNetworkV6 ? 0 : 1)]
            : [.. all.Where(a => a.AddressFamily == AddressFamily.InterNetwork)];
    }

    protected override Link? AttachPeer(SocketType peerType, byte[] peerRoutingId)
    {
        if (_stop.IsCancellationRequested) return null;
        var link = Link;
        if (link == null)
        {
            link = NewLink();
            link.PeerType = peerType;
            link.PeerRoutingId = _connectRoutingId ?? peerRoutingId;
            link.PeerKnown = true;
            Link = link;
            Port.EnqueueAttach(link);
            return link;
        }
        if (!link.PeerKnown)
        {
            link.PeerType = peerType;
            link.PeerRoutingId = peerRoutingId;
            link.PeerKnown = true;
            Port.EnqueueIdentified(link);
        }
        if (_handshakes++ > 0) Port.EnqueueReconnected(link); // the peer knows nothing of what the link said before
        return link;
    }

    // Receive loop only (one connection at a time): handshakes completed over this session's life.
    private int _handshakes;

    /// <summary>Disconnect (called on the socket's thread, which has already forgotten the link): what was received
    /// from the peer and not read is destroyed at once (RFC 28, RFC 30), and nothing more is; what the socket had
    /// queued for the peer still goes out within <paramref name="linger"/> ms, as zmq_disconnect does with ZMQ_LINGER
    /// (0 drops it at once, -1 waits until sent).</summary>
    public void Abandon(int linger)
    {
        if (Link is { } link)
        {
            link.In.CloseReader();
            link.Out.CloseWriter();
        }
        Close(linger);
    }

    /// <summary>The link this connection carries (null before a connection with IMMEDIATE).</summary>
    public Link? CurrentLink => Link;

    protected override void Stop()
    {
        _stop.Cancel();
        base.Stop();
    }

}
