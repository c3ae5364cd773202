using Zera.Core;

namespace Zera.Transports;

/// <summary>A connection accepted by a <see cref="Listener"/>: its link exists from the handshake to the end of
/// the connection, and is not re-made.</summary>
internal sealed class AcceptSession : Session
{
    private readonly System.Net.Sockets.Socket _connection;
    private readonly Listener _listener;

    public AcceptSession(Socket socket, SocketOptions options, System.Net.Sockets.Socket connection, Listener listener, bool tcp)
        : base(socket, options)
    {
        _connection = connection;
        _listener = listener;
        Configure(connection, options, tcp);
    }

    public override bool IsBound => true;

    public void Start()
    {
        if (!Socket.AddSession(this))
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
        var engine = new StreamEngine(_connection, this, Options, Socket.Type);
        Engine = engine;
        if (Closing) engine.Abort();
        try
        {
            await engine.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            Engine = null;
            _listener.Forget(this);
            Finish();
        }
    }

    public override Link? OnHandshake(StreamEngine engine, SocketType peerType, byte[] peerRoutingId)
    {
        if (Closing) return null;
        var link = new Link(new Pipe(Options.ReceiveHighWatermark), new Pipe(Options.SendHighWatermark))
        {
            PeerType = peerType,
            PeerRoutingId = peerRoutingId,
            PeerKnown = true,
            Endpoint = _listener.ResolvedEndpoint,
        };
        link.In.WriterEvents = this;
        link.Out.ReaderEvents = this;
        Link = link;
        Socket.EnqueueAttach(link);
        return link;
    }
}
