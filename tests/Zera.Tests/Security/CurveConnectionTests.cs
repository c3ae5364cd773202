using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;
using Zera.Tests.Protocol;

namespace Zera.Tests.Security;

/// <summary>
/// The CURVE mechanisms driven by real <see cref="ZmtpConnection"/>s back to back: the greeting names CURVE with the
/// right as-server bits, the handshake completes, and frames travel encrypted. The ZAP step is the connection's to
/// wire; here a thin adapter answers it with "accept", as the connection does when no handler is bound.
/// </summary>
public class CurveConnectionTests
{
    private const long T0 = 7_000;

    /// <summary>A server mechanism whose ZAP request is accepted on the spot.</summary>
    private sealed class AcceptingZap(CurveServerMechanism inner) : IMechanism
    {
        public string Name => inner.Name;

        public bool AsServer => inner.AsServer;

        public string? Failure => inner.Failure;

        public int FailureCode => inner.FailureCode;

        public IReadOnlyDictionary<string, byte[]> PeerProperties => inner.PeerProperties;

        public IFrameTransform? FrameTransform => inner.FrameTransform;

        public bool TryTakeCommand(out byte[] body) => inner.TryTakeCommand(out body);

        public MechanismStatus Process(ReadOnlySpan<byte> command)
        {
            var status = inner.Process(command);
            return status == MechanismStatus.AwaitingZap ? inner.OnZapReply(ZapReply.Accept) : status;
        }
    }

    private static byte[] TypeName(SocketType type) => Encoding.ASCII.GetBytes(SocketTypes.Name(type));

    private static (ZmtpConnection Client, ZmtpConnection Server) Connected(byte[]? serverKeyTheClientExpects = null, int heartbeatMs = 0)
    {
        var client = new ZmtpConnection(new ZmtpSettings { SocketType = SocketType.Dealer, HeartbeatInterval = heartbeatMs },
            new CurveClientMechanism(serverKeyTheClientExpects ?? CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ClientKeys.PublicKeyBytes(),
                CurvePair.ClientKeys.SecretKeyBytes(), ("Socket-Type", TypeName(SocketType.Dealer))));
        var server = new ZmtpConnection(new ZmtpSettings { SocketType = SocketType.Router },
            new AcceptingZap(new CurveServerMechanism(CurvePair.ServerKeys.PublicKeyBytes(), CurvePair.ServerKeys.SecretKeyBytes(),
                ("Socket-Type", TypeName(SocketType.Router)))));
        client.Start(T0);
        server.Start(T0);
        return (client, server);
    }

    /// <summary>Wires the two until neither has more to say; <paramref name="aSent"/> and <paramref name="bSent"/>
    /// collect every byte each side sent.</summary>
    private static List<ZmtpEvent> Exchange(ZmtpConnection a, ZmtpConnection b, List<byte>? aSent = null, List<byte>? bSent = null)
    {
        var events = new List<ZmtpEvent>();
        for (int round = 0; round < 10 && (a.HasOutput || b.HasOutput); round++)
        {
            var fromA = ZmtpConnectionTests.Output(a);
            aSent?.AddRange(fromA);
            events.AddRange(ZmtpConnectionTests.Feed(b, fromA, T0).Select(e => e.Event));
            var fromB = ZmtpConnectionTests.Output(b);
            bSent?.AddRange(fromB);
            events.AddRange(ZmtpConnectionTests.Feed(a, fromB, T0).Select(e => e.Event));
        }
        return events;
    }

    [Fact]
    public void HandshakeCompletesOverTwoConnections()
    {
        var (client, server) = Connected();
        List<byte> clientSent = [], serverSent = [];
        Assert.Equal([ZmtpEvent.HandshakeDone, ZmtpEvent.HandshakeDone], Exchange(client, server, clientSent, serverSent));
        // The greetings (RFC 23: mechanism at 12, as-server at 32).
        Assert.Equal("CURVE", Encoding.ASCII.GetString(clientSent.ToArray(), 12, 5));
        Assert.Equal("CURVE", Encoding.ASCII.GetString(serverSent.ToArray(), 12, 5));
        Assert.Equal(0, clientSent[32]);
        Assert.Equal(1, serverSent[32]);
        Assert.Equal(SocketType.Router, client.PeerType);
        Assert.Equal(SocketType.Dealer, server.PeerType);
        Assert.True(client.TransformsFrames);
        Assert.True(server.TransformsFrames);
    }

    [Fact]
    public void ConnectionEncodesEveryFrameAsAnEncryptedMessage()
    {
        var (client, server) = Connected();
        Exchange(client, server);
        var wire = new List<byte>();
        foreach (var (text, more) in new[] { ("secret part one", true), ("", true), ("secret part two", false) })
        {
            var f = Frame.CopyOf(Encoding.ASCII.GetBytes(text));
            if (more) f.Flags |= FrameFlags.More;
            var dest = new byte[client.MaxEncodedSize(f.Length)];
            int n = client.EncodeFrame(ref f, dest);
            // libzmq's form: a data frame without MORE (the flags are inside the box), "\x07MESSAGE" first.
            Assert.Equal(0, dest[0]);
            Assert.Equal("\u0007MESSAGE"u8.ToArray(), dest[2..10]);
            wire.AddRange(dest[..n]);
        }
        Assert.DoesNotContain("secret", Encoding.ASCII.GetString(wire.ToArray()));
    }

    [Fact]
    public void FramesTravelEncryptedBetweenTwoConnections()
    {
        var (client, server) = Connected();
        Exchange(client, server);
        var wire = new List<byte>();
        foreach (var (text, more) in new[] { ("secret part one", true), ("", true), ("secret part two", false) })
        {
            var f = Frame.CopyOf(Encoding.ASCII.GetBytes(text));
            if (more) f.Flags |= FrameFlags.More;
            var dest = new byte[client.MaxEncodedSize(f.Length)];
            wire.AddRange(dest[..client.EncodeFrame(ref f, dest)]);
        }
        var events = ZmtpConnectionTests.Feed(server, wire.ToArray(), T0);
        Assert.Equal([ZmtpEvent.Frame, ZmtpEvent.Frame, ZmtpEvent.Frame], events.Select(e => e.Event));
        Assert.Equal(["secret part one", "", "secret part two"], events.Select(e => Encoding.ASCII.GetString(e.Payload)));
        Assert.Equal([true, true, false], events.Select(e => e.More));
    }

    [Fact]
    public void WrongServerKeyEndsTheServersConnectionWithACryptographicError()
    {
        var (client, server) = Connected(serverKeyTheClientExpects: Curve.GenerateKeyPair().PublicKeyBytes());
        Assert.Contains(ZmtpEvent.Ended, Exchange(client, server));
        Assert.Equal(ConnectionEnd.Malformed, server.End);
        Assert.Equal(ProtocolError.Cryptographic, server.EndCode);
    }

    [Fact]
    public void HeartbeatsTravelSealedAndAreAnswered()
    {
        var (client, server) = Connected(heartbeatMs: 1_000);
        Exchange(client, server);
        Assert.Equal(ZmtpEvent.NeedMore, client.OnTimer(T0 + 1_000));
        var ping = ZmtpConnectionTests.Output(client);
        Assert.NotEmpty(ping);
        // A MESSAGE in a data frame, as libzmq expects every command once CURVE is up; "PING" is nowhere in the clear.
        Assert.Equal(0, ping[0]);
        Assert.DoesNotContain("PING", Encoding.ASCII.GetString(ping));
        Assert.All(ZmtpConnectionTests.Feed(server, ping, T0 + 1_000), e => Assert.Equal(ZmtpEvent.NeedMore, e.Event));
        var pong = ZmtpConnectionTests.Output(server);
        Assert.NotEmpty(pong);
        Assert.DoesNotContain("PONG", Encoding.ASCII.GetString(pong));
        Assert.All(ZmtpConnectionTests.Feed(client, pong, T0 + 1_000), e => Assert.Equal(ZmtpEvent.NeedMore, e.Event));
        Assert.Equal(ConnectionEnd.None, client.End);
        Assert.Equal(ConnectionEnd.None, server.End);
        // The sealed commands took their nonces in order with the frames: the next message still opens.
        var f = Frame.CopyOf("after"u8);
        var dest = new byte[client.MaxEncodedSize(f.Length)];
        var events = ZmtpConnectionTests.Feed(server, dest[..client.EncodeFrame(ref f, dest)], T0 + 1_000);
        Assert.Equal(["after"], events.Where(e => e.Event == ZmtpEvent.Frame).Select(e => Encoding.ASCII.GetString(e.Payload)));
    }

    [Theory]
    [InlineData(new byte[] { 0x04, 7, 4, (byte)'P', (byte)'I', (byte)'N', (byte)'G', 0, 0 })] // PING in the clear
    [InlineData(new byte[] { 0x04, 10, 9, (byte)'S', (byte)'U', (byte)'B', (byte)'S', (byte)'C', (byte)'R', (byte)'I', (byte)'B', (byte)'E' })]
    [InlineData(new byte[] { 0x00, 2, (byte)'h', (byte)'i' })] // a plain data frame
    public void NothingInTheClearIsTakenAfterTheHandshake(byte[] wire)
    {
        var (client, server) = Connected();
        Exchange(client, server);
        var events = ZmtpConnectionTests.Feed(server, wire, T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, server.End);
        Assert.Equal(ProtocolError.UnexpectedCommand, server.EndCode);
    }

    [Fact]
    public void ReplayedMessageEndsTheConnection()
    {
        var (client, server) = Connected();
        Exchange(client, server);
        var f = Frame.CopyOf("once"u8);
        var dest = new byte[client.MaxEncodedSize(f.Length)];
        var wire = dest[..client.EncodeFrame(ref f, dest)];
        Assert.Equal([ZmtpEvent.Frame], ZmtpConnectionTests.Feed(server, wire, T0).Select(e => e.Event));
        Assert.Equal([ZmtpEvent.Ended], ZmtpConnectionTests.Feed(server, wire, T0).Select(e => e.Event));
        Assert.Equal(ProtocolError.InvalidSequence, server.EndCode);
    }
}
