using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.Tests.Protocol;

/// <summary>The connection's side of ZAP with no sockets: a PLAIN handshake between two connections, where the
/// server's connection stops at <see cref="ZmtpEvent.ZapRequest"/> until it is given the handler's answer.</summary>
public class ZmtpConnectionZapTests
{
    private const long T0 = 1_000_000;

    private static (string, byte[])[] Props(SocketType type) => [("Socket-Type", Encoding.ASCII.GetBytes(SocketTypes.Name(type)))];

    private static ZmtpConnection Make(SocketType type, IMechanism mechanism) =>
        new(new ZmtpSettings { SocketType = type, HandshakeInterval = 1000 }, mechanism);

    /// <summary>Moves every queued byte from <paramref name="from"/> into <paramref name="to"/>; returns the events.</summary>
    private static List<ZmtpEvent> Pump(ZmtpConnection from, ZmtpConnection to, long now)
    {
        var bytes = ZmtpConnectionTests.Output(from);
        return [.. ZmtpConnectionTests.Feed(to, bytes, now).Select(e => e.Event)];
    }

    [Fact]
    public void PlainHandshakeWaitsForTheZapAnswer()
    {
        var client = Make(SocketType.Dealer, new PlainClientMechanism("u", "p", Props(SocketType.Dealer)));
        var server = Make(SocketType.Router, new PlainServerMechanism(Props(SocketType.Router)));
        client.Start(T0);
        server.Start(T0);
        var serverEvents = new List<ZmtpEvent>();
        for (int i = 0; i < 4; i++)
        {
            serverEvents.AddRange(Pump(client, server, T0));
            Pump(server, client, T0);
        }
        Assert.Equal([ZmtpEvent.ZapRequest], serverEvents);
        Assert.Equal("PLAIN", server.PendingZapRequest!.Mechanism);
        Assert.Equal(ZmtpState.Handshake, server.State);

        Assert.Equal(ZmtpEvent.NeedMore, server.OnZapReply(new ZapReply("200", "OK", "u", new Dictionary<string, byte[]>()), true, T0));
        Assert.Empty(Pump(server, client, T0));                            // WELCOME
        Assert.Equal([ZmtpEvent.HandshakeDone], Pump(client, server, T0)); // INITIATE
        Assert.Equal([ZmtpEvent.HandshakeDone], Pump(server, client, T0)); // READY
        Assert.Equal(SocketType.Router, client.PeerType);
        Assert.Equal(SocketType.Dealer, server.PeerType);
        Assert.True(server.ZapAnswered);
        Assert.Equal("u", server.UserId);
    }

    [Fact]
    public void ARefusalEndsTheConnectionWithTheStatus()
    {
        var client = Make(SocketType.Dealer, new PlainClientMechanism("u", "p", Props(SocketType.Dealer)));
        var server = Make(SocketType.Router, new PlainServerMechanism(Props(SocketType.Router)));
        client.Start(T0);
        server.Start(T0);
        for (int i = 0; i < 4; i++)
        {
            Pump(client, server, T0);
            Pump(server, client, T0);
        }
        Assert.Equal(ZmtpEvent.Ended, server.OnZapReply(new ZapReply("400", "no", "", new Dictionary<string, byte[]>()), true, T0));
        Assert.Equal(ConnectionEnd.Refused, server.End);
        Assert.Equal(400, server.EndCode);
        Assert.Equal([ZmtpEvent.Ended], Pump(server, client, T0)); // the ERROR
        Assert.Equal(ConnectionEnd.PeerRefused, client.End);
        Assert.Equal(400, client.EndCode);
    }

    [Fact]
    public void NullWithADomainAsksRightAfterTheGreeting()
    {
        var client = Make(SocketType.Dealer, new NullMechanism(Props(SocketType.Dealer)));
        var server = Make(SocketType.Router, new NullMechanism(true, Props(SocketType.Router)));
        client.Start(T0);
        server.Start(T0);
        var serverEvents = new List<ZmtpEvent>();
        for (int i = 0; i < 4; i++)
        {
            serverEvents.AddRange(Pump(client, server, T0));
            Pump(server, client, T0);
        }
        Assert.Equal(ZmtpEvent.ZapRequest, serverEvents[0]);
        Assert.Equal(ZmtpState.Handshake, client.State); // no READY from the server before the answer
    }
}
