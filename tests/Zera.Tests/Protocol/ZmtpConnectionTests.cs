using System.Buffers.Binary;
using System.Text;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;
using Zera.Tests.Support;

namespace Zera.Tests.Protocol;

/// <summary>
/// The sans-I/O ZMTP connection with no sockets at all: two connections wired back to back, or one fed hand-written
/// bytes; time is a number the test advances.
/// </summary>
public class ZmtpConnectionTests
{
    private const long T0 = 1_000_000;

    internal static ZmtpConnection Make(SocketType type, string? identity = null, int handshakeMs = 30_000,
        int heartbeatMs = 0, int heartbeatTimeoutMs = -1, int ttlMs = 0, long maxSize = -1)
    {
        var settings = new ZmtpSettings
        {
            SocketType = type,
            RoutingId = identity is null ? [] : Encoding.ASCII.GetBytes(identity),
            HandshakeInterval = handshakeMs,
            HeartbeatInterval = heartbeatMs,
            HeartbeatTimeout = heartbeatTimeoutMs,
            HeartbeatTtl = ttlMs,
            MaxMessageSize = maxSize,
        };
        var props = new List<(string, byte[])> { ("Socket-Type", Encoding.ASCII.GetBytes(SocketTypes.Name(type))) };
        if (identity != null) props.Add(("Identity", settings.RoutingId));
        return new ZmtpConnection(settings, new NullMechanism([.. props]));
    }

    private static byte[] Output(ZmtpConnection c)
    {
        var all = new List<byte>();
        var buf = new byte[7]; // small on purpose: output must come out whole across many calls
        int n;
        while ((n = c.TakeOutput(buf)) > 0) all.AddRange(buf.AsSpan(0, n).ToArray());
        return [.. all];
    }

    /// <summary>Feeds <paramref name="bytes"/> to <paramref name="c"/> and collects every event (frames disposed
    /// after their payloads are kept).</summary>
    private static List<(ZmtpEvent Event, byte[] Payload, bool More)> Feed(ZmtpConnection c, ReadOnlySpan<byte> bytes, long now)
    {
        var events = new List<(ZmtpEvent, byte[], bool)>();
        int at = 0;
        while (true)
        {
            var e = c.Read(bytes[at..], now, out int consumed, out var frame);
            at += consumed;
            if (e == ZmtpEvent.NeedMore) break;
            events.Add((e, frame.ToArray(), frame.More));
            frame.Dispose();
            if (e == ZmtpEvent.Ended) break;
        }
        return events;
    }

    private static void Handshake(ZmtpConnection a, ZmtpConnection b, long now = T0)
    {
        a.Start(now);
        b.Start(now);
        var toB = Feed(b, Output(a), now);
        var toA = Feed(a, Output(b), now);
        Assert.Equal([ZmtpEvent.HandshakeDone], toB.Select(e => e.Event));
        Assert.Equal([ZmtpEvent.HandshakeDone], toA.Select(e => e.Event));
    }

    private static byte[] CommandBytes(byte[] body, bool more = false) => Wire.Encode([new WireFrame(body, more, Command: true)]);

    private static byte[] PeerGreeting(string mechanism = "NULL", byte major = 3, byte minor = 1)
    {
        var g = new byte[Greeting.Size];
        Greeting.Write(g, mechanism, asServer: false);
        g[10] = major;
        g[11] = minor;
        return g;
    }

    private static byte[] ReadyOf(string type, string? identity = null)
    {
        var props = new List<(string, byte[])> { ("Socket-Type", Encoding.ASCII.GetBytes(type)) };
        if (identity != null) props.Add(("Identity", Encoding.ASCII.GetBytes(identity)));
        return Command.BuildReady([.. props]);
    }

    // ------------------------------------------------------------------ handshake

    [Fact]
    public void GreetingAndReadyGoOutAtStartAsOneStream()
    {
        var c = Make(SocketType.Dealer, identity: "me");
        Assert.Equal(ZmtpState.Greeting, c.State);
        c.Start(T0);
        var bytes = Output(c);
        Assert.Equal(0xFF, bytes[0]);
        Assert.Equal(0x7F, bytes[9]);
        Assert.Equal(3, bytes[10]);
        Assert.Equal(1, bytes[11]);
        Assert.Equal("NULL", Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.Equal(0, bytes[16]);
        Assert.Equal(0, bytes[32]); // NULL: not as-server
        var ready = CommandBytes(ReadyOf("DEALER", "me"));
        Assert.Equal(ready, bytes[Greeting.Size..]);
        Assert.False(c.HasOutput);
    }

    [Fact]
    public void TwoConnectionsHandshakeAndLearnEachOther()
    {
        var dealer = Make(SocketType.Dealer, identity: "worker-1");
        var router = Make(SocketType.Router);
        Handshake(dealer, router);
        Assert.Equal(ZmtpState.Ready, dealer.State);
        Assert.Equal(SocketType.Router, dealer.PeerType);
        Assert.Equal(SocketType.Dealer, router.PeerType);
        Assert.Equal("worker-1"u8.ToArray(), router.PeerRoutingId);
        Assert.Empty(dealer.PeerRoutingId); // this ROUTER announced no Identity
        Assert.Equal(1, router.PeerMinorVersion);
        Assert.Equal(ConnectionEnd.None, router.End);
    }

    [Fact]
    public void GreetingMayArriveOneByteAtATime()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var stream = PeerGreeting().Concat(CommandBytes(ReadyOf("PUSH"))).ToArray();
        var events = new List<ZmtpEvent>();
        foreach (var b in stream) events.AddRange(Feed(c, [b], T0).Select(e => e.Event));
        Assert.Equal([ZmtpEvent.HandshakeDone], events);
    }

    [Fact]
    public void MessageFramesFlowAfterTheHandshakeWithTheirMoreFlags()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        var data = Wire.Encode([new WireFrame("part1"u8.ToArray(), More: true), new WireFrame([]), new WireFrame(Wire.Body(3000, 5))]);
        var events = Feed(pull, data, T0);
        Assert.Equal([ZmtpEvent.Frame, ZmtpEvent.Frame, ZmtpEvent.Frame], events.Select(e => e.Event));
        Assert.Equal("part1"u8.ToArray(), events[0].Payload);
        Assert.True(events[0].More);
        Assert.Empty(events[1].Payload);
        Assert.False(events[2].More);
        Assert.Equal(Wire.Body(3000, 5), events[2].Payload);
    }

    [Fact]
    public void Zmtp30PeerIsAccepted()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var events = Feed(c, [.. PeerGreeting(minor: 0), .. CommandBytes(ReadyOf("PUSH"))], T0);
        Assert.Equal([ZmtpEvent.HandshakeDone], events.Select(e => e.Event));
        Assert.Equal(0, c.PeerMinorVersion);
    }

    // ------------------------------------------------------------------ refusals

    [Fact]
    public void ForeignSignatureIsRefusedAtTheFirstByte()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var events = Feed(c, "G"u8, T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, c.End);
        Assert.Contains("signature", c.EndReason);
        Assert.Equal(ZmtpState.Ended, c.State);
    }

    [Theory]
    [InlineData(1, "ZMTP 1.0")]
    [InlineData(2, "unsupported ZMTP version 2")]
    public void OlderPeersAreRefusedAsSoonAsTheirVersionShows(int version, string reason)
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var greeting = PeerGreeting(major: (byte)version);
        if (version == 1) greeting[9] = 0x7E; // ZMTP 1.0: the signature's last byte has bit 0 clear
        var events = Feed(c, greeting.AsSpan(0, 11), T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, c.End);
        Assert.Contains(reason, c.EndReason);
    }

    [Fact]
    public void OtherMechanismIsRefused()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var events = Feed(c, PeerGreeting("PLAIN"), T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Refused, c.End);
        Assert.Contains("PLAIN", c.EndReason);
    }

    [Fact]
    public void IncompatibleSocketTypeIsRefusedWithAnErrorCommand()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        Output(c); // our greeting and READY
        var events = Feed(c, [.. PeerGreeting(), .. CommandBytes(ReadyOf("PULL"))], T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Refused, c.End);
        Assert.Equal(CommandBytes(Command.BuildError("Invalid socket type")), Output(c));
    }

    [Theory]
    [InlineData("no socket type")]
    [InlineData("unknown command")]
    [InlineData("data before ready")]
    [InlineData("command with more")]
    public void MalformedHandshakesEndTheConnection(string what)
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        byte[] after = what switch
        {
            "no socket type" => CommandBytes(Command.BuildReady(("Identity", "x"u8.ToArray()))),
            "unknown command" => CommandBytes(Command.BuildPing(0, [])),
            "data before ready" => Wire.Encode([new WireFrame("hi"u8.ToArray())]),
            _ => CommandBytes(ReadyOf("PUSH"), more: true),
        };
        var events = Feed(c, [.. PeerGreeting(), .. after], T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, c.End);
    }

    [Fact]
    public void PeerErrorDuringTheHandshakeIsAPeerRefusal()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var events = Feed(c, [.. PeerGreeting(), .. CommandBytes(Command.BuildError("go away"))], T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.PeerRefused, c.End);
        Assert.Contains("go away", c.EndReason);
    }

    [Fact]
    public void ReadyAfterTheHandshakeIsMalformedAndErrorIsAPeerRefusal()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        Assert.Equal([ZmtpEvent.Ended], Feed(pull, CommandBytes(ReadyOf("PUSH")), T0).Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, pull.End);

        var push2 = Make(SocketType.Push);
        var pull2 = Make(SocketType.Pull);
        Handshake(push2, pull2);
        Assert.Equal([ZmtpEvent.Ended], Feed(pull2, CommandBytes(Command.BuildError("bye")), T0).Select(e => e.Event));
        Assert.Equal(ConnectionEnd.PeerRefused, pull2.End);
    }

    [Fact]
    public void FrameOverMaxMessageSizeIsRefusedFromItsHeader()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull, maxSize: 100);
        Handshake(push, pull);
        var header = new byte[FrameHeader.MaxSize];
        int n = FrameHeader.Write(header, 101, more: false);
        Assert.Equal([ZmtpEvent.Ended], Feed(pull, header.AsSpan(0, n), T0).Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, pull.End);
        Assert.Contains("MAXMSGSIZE", pull.EndReason);
    }

    [Fact]
    public void UnknownCommandsAfterTheHandshakeAreIgnored()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        var body = new byte[] { 5, (byte)'H', (byte)'E', (byte)'L', (byte)'L', (byte)'O', 1, 2 };
        Assert.Empty(Feed(pull, CommandBytes(body), T0));
        Assert.Equal(ZmtpState.Ready, pull.State);
    }

    [Fact]
    public void TheFirstEndStaysAndNothingIsReadAfterIt()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        pull.Close(ConnectionEnd.PeerClosed);
        pull.Close(ConnectionEnd.Broken, "later");
        Assert.Equal(ConnectionEnd.PeerClosed, pull.End);
        Assert.Null(pull.EndReason);
        Assert.Equal([ZmtpEvent.Ended], Feed(pull, Wire.Encode([new WireFrame([1])]), T0).Select(e => e.Event));
    }

    // ------------------------------------------------------------------ timing

    [Fact]
    public void HandshakeMustCompleteWithinTheInterval()
    {
        var c = Make(SocketType.Pull, handshakeMs: 500);
        c.Start(T0);
        Assert.Equal(T0 + 500, c.NextDeadline);
        Assert.Equal(ZmtpEvent.NeedMore, c.OnTimer(T0 + 499));
        Feed(c, PeerGreeting(), T0 + 100); // a greeting alone does not complete the handshake
        Assert.Equal(ZmtpEvent.Ended, c.OnTimer(T0 + 500));
        Assert.Equal(ConnectionEnd.HandshakeTimeout, c.End);
    }

    [Fact]
    public void WithoutHeartbeatsThereIsNoDeadlineAfterTheHandshake()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        Assert.Equal(long.MaxValue, pull.NextDeadline);
    }

    [Fact]
    public void PingEveryIntervalAndTimeoutCountedFromThePing()
    {
        var c = Make(SocketType.Pull, heartbeatMs: 100, heartbeatTimeoutMs: 250, ttlMs: 2000);
        var peer = Make(SocketType.Push);
        Handshake(c, peer);
        Assert.Equal(T0 + 100, c.NextDeadline);
        Assert.Equal(ZmtpEvent.NeedMore, c.OnTimer(T0 + 100));
        Assert.Equal(CommandBytes(Command.BuildPing(20, [])), Output(c)); // TTL in deciseconds
        Assert.Equal(T0 + 200, c.NextDeadline); // the next PING comes before the timeout (T0 + 350)
        Assert.Equal(ZmtpEvent.NeedMore, c.OnTimer(T0 + 200));
        Assert.Equal(CommandBytes(Command.BuildPing(20, [])), Output(c));
        Assert.Equal(ZmtpEvent.NeedMore, c.OnTimer(T0 + 300));
        Assert.Equal(T0 + 350, c.NextDeadline);
        Assert.Equal(ZmtpEvent.Ended, c.OnTimer(T0 + 350));
        Assert.Equal(ConnectionEnd.HeartbeatTimeout, c.End);
    }

    [Fact]
    public void AnyTrafficAfterThePingAnswersIt()
    {
        var c = Make(SocketType.Pull, heartbeatMs: 100, heartbeatTimeoutMs: 150);
        var peer = Make(SocketType.Push);
        Handshake(c, peer);
        c.OnTimer(T0 + 100);
        Output(c);
        Feed(c, Wire.Encode([new WireFrame("x"u8.ToArray())]), T0 + 120);
        for (long t = T0 + 200; t <= T0 + 1000; t += 100)
        {
            Assert.Equal(ZmtpEvent.NeedMore, c.OnTimer(t));
            Feed(c, CommandBytes(Command.BuildPong([])), t + 10); // the peer answers each PING
        }
        Assert.Equal(ConnectionEnd.None, c.End);
    }

    [Fact]
    public void PingIsAnsweredWithPongCarryingItsContext()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        Assert.Empty(Feed(pull, CommandBytes(Command.BuildPing(0, "ctx"u8)), T0));
        Assert.True(pull.HasOutput);
        Assert.Equal(CommandBytes(Command.BuildPong([0, 0, .. "ctx"u8])), Output(pull));
    }

    [Fact]
    public void PeerTtlEndsASilentConnection()
    {
        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        var ping = Command.BuildPing(5, []); // TTL 500 ms
        Assert.Equal(500, BinaryPrimitives.ReadUInt16BigEndian(ping.AsSpan(5)) * 100);
        Feed(pull, CommandBytes(ping), T0 + 10);
        Output(pull);
        Assert.Equal(T0 + 510, pull.NextDeadline);
        Assert.Equal(ZmtpEvent.NeedMore, pull.OnTimer(T0 + 510));
        Assert.Equal(ZmtpEvent.Ended, pull.OnTimer(T0 + 511));
        Assert.Equal(ConnectionEnd.HeartbeatTimeout, pull.End);
        Assert.Contains("TTL", pull.EndReason);
    }
}
