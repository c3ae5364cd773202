using Zera.Core;

namespace Zera.Transports;

/// <summary>A connection accepted by a <see cref="Listener"/>: its link exists from the handshake to the end of
/// the connection, and is not re-made.</summary>
internal sealed class AcceptSession : Session
{
    private readonly System.Net.Sockets.Socket _connection;
    private readonly Listener _listener;

    public AcceptSession(ISocketPort socket, SocketOptions options, System.Net.Sockets.Socket connection, Listener listener, bool tcp)
        : base(socket, options)
    {
        _connection = connection;
        _listener = listener;
        Configure(connection, options, tcp);
    }

    public override bool IsBound => true;

    public override string EndpointText => _listener.ResolvedEndpoint;

    public void Start()
    {
        if (!Port.AddSession(this))
        {
            _connection.Dispose();
            _listener.Forget(this);
            Finish(); // the listener may already have asked it to close: its completion must not stay pending
            return;
        }
        _ = RunAsync();
    }

    private async Task RunAsync()
    {
        var engine = new StreamEngine(_connection, this, Options, Port.Type);
        Engine = engine;
        if (Closing) engine.Abort();
        try
        {
            await engine.RunAsync().ConfigureAwait(false);
            ReportEnd(engine);
        }
        catch (Exception e)
        {
            ReportFault(e);
        }
        finally
        {
            Engine = null;
            _listener.Forget(this);
            Finish();
        }
    }

    protected override Link? AttachPeer(SocketType peerType, byte[] peerRoutingId)
    {
        if (Closing) return null;
        var link = new Link(
            new Pipe(Options.ReceiveHighWatermark, Options.ConflatesInbound(Port.Type)),
            new Pipe(Options.SendHighWatermark, Options.ConflatesOutbound(Port.Type)))
        {
            PeerType = peerType,
            PeerRoutingId = peerRoutingId,
            PeerKnown = true,
            Origin = _listener.ResolvedEndpoint,
        };
        link.In.WriterEvents = this;
        link.Out.ReaderEvents = this;
        Link = link;
        Port.EnqueueAttach(link);
        return link;
    }
}
