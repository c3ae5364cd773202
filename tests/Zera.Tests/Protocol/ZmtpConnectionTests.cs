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

    internal static byte[] Output(ZmtpConnection c)
    {
        var all = new List<byte>();
        var buf = new byte[7]; // small on purpose: output must come out whole across many calls
        int n;
        while ((n = c.TakeOutput(buf)) > 0) all.AddRange(buf.AsSpan(0, n).ToArray());
        return [.. all];
    }

    /// <summary>Feeds <paramref name="bytes"/> to <paramref name="c"/> and collects every event (frames disposed
    /// after their payloads are kept).</summary>
    internal static List<(ZmtpEvent Event, byte[] Payload, bool More)> Feed(ZmtpConnection c, ReadOnlySpan<byte> bytes, long now)
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

    /// <summary>Wires two connections back to back until neither has anything more to say (the greeting goes in
    /// steps: signature, version, the rest); both must complete the handshake exactly once.</summary>
    private static void Handshake(ZmtpConnection a, ZmtpConnection b, long now = T0)
    {
        a.Start(now);
        b.Start(now);
        var events = new List<ZmtpEvent>();
        for (int round = 0; round < 10 && (a.HasOutput || b.HasOutput); round++)
        {
            events.AddRange(Feed(b, Output(a), now).Select(e => e.Event));
            events.AddRange(Feed(a, Output(b), now).Select(e => e.Event));
        }
        Assert.Equal([ZmtpEvent.HandshakeDone, ZmtpEvent.HandshakeDone], events);
        Assert.Equal(ZmtpState.Ready, a.State);
        Assert.Equal(ZmtpState.Ready, b.State);
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

    /// <summary>The greeting goes out in libzmq's steps: the 10-byte signature (its padding our identity's length
    /// plus one, a ZMTP 1.0 frame header), then the major version once the peer's signature is in, then the rest and
    /// READY once the peer's version is known.</summary>
    [Fact]
    public void GreetingGoesOutInStepsAsThePeersVersionShows()
    {
        var c = Make(SocketType.Dealer, identity: "me");
        Assert.Equal(ZmtpState.Greeting, c.State);
        c.Start(T0);
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 0, 3, 0x7F }, Output(c)); // "me" is 2 bytes: 2 + 1
        var peer = PeerGreeting();
        Assert.Empty(Feed(c, peer.AsSpan(0, 9), T0));
        Assert.False(c.HasOutput); // nothing more until the peer's signature is whole
        Assert.Empty(Feed(c, peer.AsSpan(9, 1), T0));
        Assert.Equal(new byte[] { 3 }, Output(c));
        Assert.Empty(Feed(c, peer.AsSpan(10, 1), T0));
        var rest = Output(c);
        Assert.Equal(1, rest[0]); // minor: ZMTP 3.1
        Assert.Equal("NULL", Encoding.ASCII.GetString(rest, 1, 4));
        Assert.Equal(0, rest[5]);
        Assert.Equal(0, rest[21]); // NULL: not as-server
        Assert.Equal(Greeting.Size - 11, rest.Length);
        Assert.Empty(Feed(c, peer.AsSpan(11), T0));
        Assert.Equal(CommandBytes(ReadyOf("DEALER", "me")), Output(c));
        Assert.Equal(ZmtpVersion.Zmtp31, c.PeerVersion);
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
        Assert.Equal(ZmtpVersion.Zmtp31, router.PeerVersion);
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
        Assert.Equal(ZmtpVersion.Zmtp30, c.PeerVersion);
    }

    // ------------------------------------------------------------------ refusals

    /// <summary>A first byte other than 0xFF means ZMTP 1.0 (as libzmq reads it), so foreign bytes end the
    /// connection as soon as they cannot be a ZMTP 1.0 frame: here at the second byte, flags with reserved bits.</summary>
    [Theory]
    [InlineData("GET / HTTP/1.1")]
    [InlineData("SSH-2.0-OpenSSH")]
    public void ForeignBytesAreRefusedAsSoonAsTheyCannotBeZmtp(string text)
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var events = Feed(c, System.Text.Encoding.ASCII.GetBytes(text).AsSpan(0, 2), T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, c.End);
        Assert.Contains("reserved", c.EndReason);
        Assert.Equal(ZmtpState.Ended, c.State);
    }

    [Fact]
    public void ZeroLengthIsNeverAZmtp10Frame()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        Assert.Equal([ZmtpEvent.Ended], Feed(c, new byte[64], T0).Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, c.End);
    }

    /// <summary>A ZMTP 2.0 peer (RFC 15): after its signature and revision 1 we answer with our socket type and
    /// identity in 2.0 framing; its identity frame completes the handshake; messages flow in 2.0 framing both ways;
    /// no READY, no heartbeats.</summary>
    [Fact]
    public void Zmtp20PeerIsServedInItsOwnFraming()
    {
        var c = Make(SocketType.Router, heartbeatMs: 100);
        c.Start(T0);
        Output(c);
        byte[] greeting = [0xFF, 0, 0, 0, 0, 0, 0, 0, 6, 0x7F, 1, (byte)SocketType.Dealer];
        Assert.Empty(Feed(c, greeting, T0));
        Assert.Equal(new byte[] { 3, (byte)SocketType.Router, 0, 0 }, Output(c)); // major, type, empty identity frame
        var events = Feed(c, [0x00, 5, .. "peer1"u8, 0x01, 1, (byte)'a', 0x00, 2, (byte)'b', (byte)'c'], T0);
        Assert.Equal([ZmtpEvent.HandshakeDone, ZmtpEvent.Frame, ZmtpEvent.Frame], events.Select(e => e.Event));
        Assert.Equal(ZmtpVersion.Zmtp20, c.PeerVersion);
        Assert.Equal(SocketType.Dealer, c.PeerType);
        Assert.Equal("peer1"u8.ToArray(), c.PeerRoutingId);
        Assert.True(events[1].More);
        Assert.Equal("bc"u8.ToArray(), events[2].Payload);
        Assert.Equal(ZmtpFraming.V2, c.Framing);
        Assert.Equal(long.MaxValue, c.NextDeadline); // PING is ZMTP 3.1
        Assert.Equal([ZmtpEvent.Ended], Feed(c, CommandBytes(Command.BuildPing(0, [])), T0).Select(e => e.Event)); // 2.0 has no commands
    }

    [Fact]
    public void Zmtp20PeerOfAnIncompatibleTypeIsRefused()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        byte[] greeting = [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, (byte)SocketType.Pull];
        Assert.Equal([ZmtpEvent.Ended], Feed(c, greeting, T0).Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Refused, c.End);
    }

    /// <summary>A ZMTP 1.0 peer (RFC 13) sends no signature: its identity frame (length counting the flags, then
    /// flags) comes first. We answer with our identity's body after the 10 bytes already sent, and speak 1.0 framing.</summary>
    [Fact]
    public void Zmtp10PeerIsServedInItsOwnFraming()
    {
        var c = Make(SocketType.Pull, identity: "zz");
        c.Start(T0);
        Output(c);
        var events = Feed(c, [0x03, 0x00, (byte)'i', (byte)'d', 0x02, 0x01, (byte)'x', 0x01, 0x00], T0);
        Assert.Equal([ZmtpEvent.HandshakeDone, ZmtpEvent.Frame, ZmtpEvent.Frame], events.Select(e => e.Event));
        Assert.Equal(ZmtpVersion.Zmtp10, c.PeerVersion);
        Assert.Equal("id"u8.ToArray(), c.PeerRoutingId);
        Assert.Equal("x"u8.ToArray(), events[1].Payload);
        Assert.True(events[1].More);
        Assert.Empty(events[2].Payload);
        Assert.Equal("zz"u8.ToArray(), Output(c)); // our identity's body: the signature was its header
        Assert.Equal(ZmtpFraming.V1, c.Framing);
        var header = new byte[FrameHeader.MaxSizeAnyVersion];
        Assert.Equal(2, FrameHeader.Write(header, 5, more: true, ZmtpFraming.V1));
        Assert.Equal(new byte[] { 6, 1 }, header[..2]);
        Assert.Equal(10, FrameHeader.Write(header, 300, more: false, ZmtpFraming.V1));
        Assert.Equal(new byte[] { 0xFF, 0, 0, 0, 0, 0, 0, 1, 45, 0 }, header);
    }

    /// <summary>libzmq's phantom subscription: a ZMTP 1.0 peer sends no subscriptions, so a publisher's connection
    /// yields "subscribe to everything" right after the handshake, before the peer's own frames; for any other type,
    /// or a ZMTP 2.0 peer (which does send subscriptions), nothing of the kind.</summary>
    [Theory]
    [InlineData(SocketType.Pub, true, true)]
    [InlineData(SocketType.XPub, true, true)]
    [InlineData(SocketType.Pull, true, false)]
    [InlineData(SocketType.XPub, false, false)]
    public void PublisherSubscribesAZmtp10PeerToEverything(SocketType type, bool zmtp10, bool phantom)
    {
        var c = Make(type);
        c.Start(T0);
        Output(c);
        byte[] handshake = zmtp10
            ? [0x01, 0x00]
            : [0xFF, 0, 0, 0, 0, 0, 0, 0, 1, 0x7F, 1, (byte)SocketType.Sub, 0x00, 0x00];
        byte[] message = zmtp10 ? [0x02, 0x00, 0x07] : [0x00, 0x01, 0x07];
        var events = Feed(c, [.. handshake, .. message], T0);
        var expected = new List<(ZmtpEvent, byte[])> { (ZmtpEvent.HandshakeDone, []) };
        if (phantom) expected.Add((ZmtpEvent.Frame, [1]));
        expected.Add((ZmtpEvent.Frame, [7]));
        Assert.Equal(expected, events.Select(e => (e.Event, e.Payload)));
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
        Assert.Equal(ProtocolError.MechanismMismatch, c.EndCode);
    }

    [Fact]
    public void IncompatibleSocketTypeIsRefusedWithAnErrorCommand()
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        var events = Feed(c, [.. PeerGreeting(), .. CommandBytes(ReadyOf("PULL"))], T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Refused, c.End);
        Assert.Equal(ProtocolError.InvalidMetadata, c.EndCode);
        var error = CommandBytes(Command.BuildError("Invalid socket type"));
        var output = Output(c); // the greeting, READY, then the ERROR
        Assert.Equal(error, output[^error.Length..]);
    }

    /// <summary>Each refusal carries libzmq's ZMQ_PROTOCOL_ERROR_* value for it (what HANDSHAKE_FAILED_PROTOCOL reports).</summary>
    [Theory]
    [InlineData("no socket type", ProtocolError.InvalidMetadata)]
    [InlineData("unknown command", ProtocolError.UnexpectedCommand)]
    [InlineData("data before ready", ProtocolError.UnexpectedCommand)]
    [InlineData("command with more", ProtocolError.Unspecified)]
    [InlineData("truncated metadata", ProtocolError.InvalidMetadata)]
    [InlineData("unreadable command", ProtocolError.UnexpectedCommand)]
    [InlineData("malformed error", ProtocolError.MalformedError)]
    public void MalformedHandshakesEndTheConnection(string what, int code)
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        byte[] after = what switch
        {
            "no socket type" => CommandBytes(Command.BuildReady(("Identity", "x"u8.ToArray()))),
            "unknown command" => CommandBytes(Command.BuildPing(0, [])),
            "data before ready" => Wire.Encode([new WireFrame("hi"u8.ToArray())]),
            "truncated metadata" => CommandBytes(ReadyOf("PUSH")[..^1]),
            "unreadable command" => CommandBytes([9, .. "READY"u8]),
            "malformed error" => CommandBytes([5, .. "ERROR"u8]),
            _ => CommandBytes(ReadyOf("PUSH"), more: true),
        };
        var events = Feed(c, [.. PeerGreeting(), .. after], T0);
        Assert.Equal([ZmtpEvent.Ended], events.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, c.End);
        Assert.Equal(code, c.EndCode);
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
        Assert.Equal(ProtocolError.Unspecified, c.EndCode);
    }

    /// <summary>libzmq's ZAP refusal (an ERROR whose reason is a status code) keeps its code, which the monitor
    /// reports as HANDSHAKE_FAILED_AUTH.</summary>
    [Theory]
    [InlineData("300", 300)]
    [InlineData("400", 400)]
    [InlineData("500", 500)]
    [InlineData("200", ProtocolError.Unspecified)]
    [InlineData("4000", ProtocolError.Unspecified)]
    public void PeerErrorWithAZapStatusKeepsTheStatus(string reason, int code)
    {
        var c = Make(SocketType.Pull);
        c.Start(T0);
        Feed(c, [.. PeerGreeting(), .. CommandBytes(Command.BuildError(reason))], T0);
        Assert.Equal(ConnectionEnd.PeerRefused, c.End);
        Assert.Equal(code, c.EndCode);
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

    /// <summary>RFC 37's SUBSCRIBE and CANCEL reach a publisher as the 3.0 message form (1 or 0, then the prefix);
    /// to any other socket type they are unknown commands, ignored; inside a multipart message they are malformed.</summary>
    [Fact]
    public void SubscriptionCommandsBecomeSubscriptionMessagesForAPublisher()
    {
        var sub = Make(SocketType.Sub);
        var pub = Make(SocketType.Pub);
        Handshake(sub, pub);
        byte[] subscribe = [9, .. "SUBSCRIBE"u8, .. "abc"u8];
        byte[] cancel = [6, .. "CANCEL"u8, .. "abc"u8];
        var events = Feed(pub, [.. CommandBytes(subscribe), .. CommandBytes(cancel)], T0);
        Assert.Equal([ZmtpEvent.Frame, ZmtpEvent.Frame], events.Select(e => e.Event));
        Assert.Equal([1, .. "abc"u8], events[0].Payload);
        Assert.Equal([0, .. "abc"u8], events[1].Payload);

        var push = Make(SocketType.Push);
        var pull = Make(SocketType.Pull);
        Handshake(push, pull);
        Assert.Empty(Feed(pull, CommandBytes(subscribe), T0));

        var xsub = Make(SocketType.XSub);
        var xpub = Make(SocketType.XPub);
        Handshake(xsub, xpub);
        var torn = Feed(xpub, [.. Wire.Encode([new WireFrame("a"u8.ToArray(), More: true)]), .. CommandBytes(subscribe)], T0);
        Assert.Equal([ZmtpEvent.Frame, ZmtpEvent.Ended], torn.Select(e => e.Event));
        Assert.Equal(ConnectionEnd.Malformed, xpub.End);
    }

    /// <summary>A SUB's subscription message goes to a ZMTP 3.1 publisher as a SUBSCRIBE command.</summary>
    [Fact]
    public void SubscriptionMessageIsSentAsACommandToA31Peer()
    {
        var sub = Make(SocketType.Sub);
        var pub = Make(SocketType.Pub);
        Handshake(sub, pub);
        var f = Frame.CopyOf([1, .. "t"u8]);
        f.Flags |= FrameFlags.Subscription;
        var dest = new byte[sub.MaxEncodedSize(f.Length)];
        int n = sub.EncodeFrame(ref f, dest);
        Assert.Equal(CommandBytes([9, .. "SUBSCRIBE"u8, .. "t"u8]), dest[..n]);
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
