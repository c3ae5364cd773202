using System.Text;
using Zera.IntegrationTests.Support;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Peers that speak ZMTP 2.0 (RFC 15) or 1.0 (RFC 13), written by hand byte for byte, in each direction (Zera binds,
/// Zera connects): Zera detects the version from the peer's first bytes, answers in it, and exchanges messages in
/// its framing, as libzmq does.
/// </summary>
public class OldProtocolPeerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A ZMTP 2.0 signature: 0xFF, 8 bytes of padding (here an identity length plus one), 0x7F.</summary>
    private static byte[] Signature2(int identityLength) => [0xFF, 0, 0, 0, 0, 0, 0, 0, (byte)(identityLength + 1), 0x7F];

    /// <summary>A ZMTP 2.0 frame: flags (MORE), a one-byte length, the body.</summary>
    private static byte[] Frame2(string text, bool more = false) => [more ? (byte)1 : (byte)0, (byte)Encoding.ASCII.GetByteCount(text), .. Encoding.ASCII.GetBytes(text)];

    [Fact]
    public void Zmtp20DealerIsServedByAZeraRouter()
    {
        using var ctx = new Context();
        using var router = ctx.CreateSocket(SocketType.Router);
        router.Linger = 0;
        router.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        router.SendTimeout = (int)Timeout.TotalMilliseconds;
        router.RouterMandatory = true;
        router.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(router.LastEndpoint!);

        raw.Send([.. Signature2(10), 1, (byte)SocketType.Dealer, .. Frame2("old-dealer"), .. Frame2("hello", more: true), .. Frame2("world")]);
        var answer = raw.ReadExactly(14);
        Assert.Equal(0xFF, answer[0]);
        Assert.Equal(0x7F, answer[9]);
        Assert.Equal(3, answer[10]);                          // our major version
        Assert.Equal((byte)SocketType.Router, answer[11]);    // a ZMTP 2.0 socket type
        Assert.Equal(new byte[] { 0x00, 0x00 }, answer[12..]); // our (empty) identity frame

        var message = router.ReceiveMultipart();
        Assert.Equal(["old-dealer", "hello", "world"], message.Select(Encoding.ASCII.GetString));
        router.SendMultipart(["old-dealer"u8.ToArray(), "re"u8.ToArray(), "ply"u8.ToArray()]);
        Assert.Equal(Frame2("re", more: true).Concat(Frame2("ply")).ToArray(), raw.ReadExactly(9));
    }

    [Fact]
    public void ZeraDealerConnectsToAZmtp20Router()
    {
        using var listener = new RawZmtpListener();
        using var ctx = new Context();
        using var dealer = ctx.CreateSocket(SocketType.Dealer);
        dealer.Linger = 0;
        dealer.RoutingId = "new-dealer"u8.ToArray();
        dealer.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        dealer.Connect(listener.Endpoint);
        using var raw = listener.Accept(Timeout) ?? throw new TimeoutException("Zera did not connect");

        var signature = raw.ReadExactly(10);
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 11, 0x7F }, signature); // padding: identity length + 1
        raw.Send([.. Signature2(0), 1, (byte)SocketType.Router, .. Frame2("")]);
        Assert.Equal(new byte[] { 3, (byte)SocketType.Dealer }, raw.ReadExactly(2));
        Assert.Equal(Frame2("new-dealer"), raw.ReadExactly(12));

        dealer.Send("ping");
        Assert.Equal(Frame2("ping"), raw.ReadExactly(6));
        raw.Send(Frame2("pong"));
        Assert.Equal("pong", dealer.ReceiveString());
    }

    [Fact]
    public void Zmtp20PeerOfAnIncompatibleTypeIsDisconnectedAndTheSocketStaysHealthy()
    {
        using var guarded = new GuardedServer(SocketType.Pull);
        guarded.RoundTripGood();
        using var raw = guarded.ConnectRaw();
        raw.Send([.. Signature2(0), 1, (byte)SocketType.Sub, .. Frame2(""), .. Frame2("sneaky")]);
        Assert.True(raw.WaitUntilClosedByPeer(Timeout), "Zera kept a ZMTP 2.0 SUB connected to a PULL");
        guarded.ExpectHandshakeFailure(SocketEventKind.HandshakeFailedProtocol, 0x10000000, "a PULL socket cannot talk to a SUB socket"); // ZMTP_UNSPECIFIED
        guarded.RoundTripGood();
        guarded.ExpectNothingMore();
    }

    /// <summary>A ZMTP 1.0 peer sends no signature: its first bytes are its identity frame (a length that counts the
    /// flags octet, then flags), and Zera answers in 1.0 framing.</summary>
    [Fact]
    public void Zmtp10PushIsServedByAZeraPull()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        pull.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(pull.LastEndpoint!);

        raw.Send([0x01, 0x00, 0x03, 0x01, (byte)'o', (byte)'n', 0x04, 0x00, (byte)'e', (byte)'!', (byte)'!']);
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F }, raw.ReadExactly(10)); // the header of our empty identity
        Assert.Equal(["on", "e!!"], pull.ReceiveMultipart().Select(Encoding.ASCII.GetString));
    }

    /// <summary>A ZMTP 1.0 subscriber (ZeroMQ 2.x) filters for itself and never sends a subscription; as libzmq
    /// does, a Zera publisher subscribes it to everything on its behalf (an XPUB's user sees that subscription).</summary>
    [Fact]
    public void Zmtp10SubscriberIsSubscribedToEverything()
    {
        using var ctx = new Context();
        using var xpub = ctx.CreateSocket(SocketType.XPub);
        xpub.Linger = 0;
        xpub.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        xpub.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(xpub.LastEndpoint!);

        raw.Send([0x01, 0x00]); // its empty identity, in 1.0 framing: nothing else, no subscription
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F }, raw.ReadExactly(10));
        Assert.Equal(new byte[] { 1 }, xpub.ReceiveBytes()); // subscribed to every topic
        xpub.Send("any topic");
        Assert.Equal([10, 0, .. "any topic"u8.ToArray()], raw.ReadExactly(11)); // length (with flags), flags, body
    }

    /// <summary>A ZMTP 2.0 subscriber sends its subscriptions, so it gets no phantom one: the first subscription the
    /// XPUB sees is the peer's own, and the publisher filters on it.</summary>
    [Fact]
    public void Zmtp20SubscriberIsSubscribedOnlyToWhatItAsks()
    {
        using var ctx = new Context();
        using var xpub = ctx.CreateSocket(SocketType.XPub);
        xpub.Linger = 0;
        xpub.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        xpub.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(xpub.LastEndpoint!);

        raw.Send([.. Signature2(0), 1, (byte)SocketType.Sub, .. Frame2(""), .. Frame2("\u0001B")]);
        Assert.Equal(14, raw.ReadExactly(14).Length); // Zera's ZMTP 2.0 greeting and identity
        Assert.Equal(new byte[] { 1, (byte)'B' }, xpub.ReceiveBytes());
        xpub.Send("A not asked for");
        xpub.Send("B asked for");
        Assert.Equal(Frame2("B asked for"), raw.ReadExactly(13));
    }
}
