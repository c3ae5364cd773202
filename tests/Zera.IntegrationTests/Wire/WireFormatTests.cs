using System.Text;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Zera's wire format checked byte for byte against RFC 23/37 with a hand-written peer: the greeting and READY it
/// sends, how it frames messages (short and long form, MORE flag), PING/PONG, and that it accepts a valid ZMTP 3.0
/// peer's handshake and frames, including legal but unusual encodings.
/// </summary>
public sealed class WireFormatTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void ZmtpThreeZeroClientDeliversMultipartMessagesToPull()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(pull.LastEndpoint!);

        // A ZMTP 3.0 peer: version 3.0 in its greeting, READY with Socket-Type PUSH.
        var props = raw.Handshake("PUSH", minor: 0);
        Assert.Equal("PULL", Encoding.ASCII.GetString(props["Socket-Type"]));

        var big = new byte[300];
        for (int i = 0; i < big.Length; i++) big[i] = (byte)i;
        raw.Send([
            .. Zmtp.TextFrame("hello", more: true), .. Zmtp.TextFrame("world"),
            .. Zmtp.Frame(big, more: true), .. Zmtp.Frame([]),
            // A long-form header for a 4-byte body is unusual but legal.
            .. Zmtp.Frame("tiny"u8, forceLong: true),
        ]);

        ExpectFrame(pull, "hello"u8, more: true);
        ExpectFrame(pull, "world"u8, more: false);
        ExpectFrame(pull, big, more: true);
        ExpectFrame(pull, [], more: false);
        ExpectFrame(pull, "tiny"u8, more: false);
    }

    [Fact]
    public void PushSendsGreetingReadyAndFramesExactlyAsTheRfcSays()
    {
        using var ctx = new Context();
        using var push = ctx.CreateSocket(SocketType.Push);
        push.Linger = 0;
        push.SendTimeout = (int)Timeout.TotalMilliseconds;
        push.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(push.LastEndpoint!);

        // Zera sends its greeting in libzmq's steps (signature; version once it saw ours; the rest once it knows we
        // speak ZMTP 3), so the peer's greeting goes first here; the bytes are then exactly RFC 23's.
        raw.Send(Zmtp.Greeting());
        var greeting = raw.ReadExactly(Zmtp.GreetingSize);
        Assert.Equal(0xFF, greeting[0]);                                    // signature start
        Assert.Equal(0x7F, greeting[9]);                                    // signature end (padding is 1..8)
        Assert.Equal(3, greeting[10]);                                      // version major
        Assert.Equal(1, greeting[11]);                                      // version minor: ZMTP 3.1
        Assert.Equal("NULL"u8.ToArray().Concat(new byte[16]), greeting[12..32]); // mechanism, zero-padded to 20
        Assert.Equal(0, greeting[32]);                                      // as-server: always 0 for NULL
        Assert.Equal(new byte[31], greeting[33..]);                         // filler

        var ready = raw.ReadFrame();
        byte[] expectedBody = [5, .. "READY"u8, 11, .. "Socket-Type"u8, 0, 0, 0, 4, .. "PUSH"u8];
        Assert.Equal([0x04, (byte)expectedBody.Length], ready.Header); // a short command frame
        Assert.Equal(expectedBody, ready.Body);

        raw.Send(Zmtp.Ready("PULL"));
        var big = new byte[300];
        Array.Fill(big, (byte)0xAB);
        push.SendMultipart([Encoding.ASCII.GetBytes("a"), Encoding.ASCII.GetBytes("bc")]);
        push.Send(big);
        push.Send([]);

        byte[] expected = [
            0x01, 1, (byte)'a',                     // MORE, short size 1
            0x00, 2, (byte)'b', (byte)'c',          // last frame
            0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x2C,     // LONG, 8-byte size 300
            .. big,
            0x00, 0,                                // an empty frame
        ];
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(raw.ReadExactly(expected.Length)));
    }

    [Fact]
    public void PingIsAnsweredWithPongCarryingTheContext()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(pull.LastEndpoint!);
        raw.Handshake("PUSH");

        // PING: TTL 0 (2 bytes, deciseconds), then a context the PONG must echo.
        raw.Send(Zmtp.Frame(Zmtp.CommandBody("PING", [0, 0, .. "ctx-1"u8]), command: true));
        var pong = raw.ReadFrame();
        byte[] expectedBody = [4, .. "PONG"u8, .. "ctx-1"u8];
        Assert.Equal([0x04, (byte)expectedBody.Length], pong.Header);
        Assert.Equal(expectedBody, pong.Body);

        // The connection is still fine for data afterwards.
        raw.Send(Zmtp.TextFrame("after-ping"));
        ExpectFrame(pull, "after-ping"u8, more: false);
    }

    [Fact]
    public void RouterUsesTheIdentityFromReadyAndRoutesRepliesBack()
    {
        using var ctx = new Context();
        using var router = ctx.CreateSocket(SocketType.Router);
        router.Linger = 0;
        router.ReceiveTimeout = (int)Timeout.TotalMilliseconds;
        router.RoutingId = "zera-router"u8.ToArray();
        router.SendTimeout = (int)Timeout.TotalMilliseconds;
        router.RouterMandatory = true;
        router.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(router.LastEndpoint!);

        var props = raw.Handshake("DEALER", identity: "raw-dealer"u8.ToArray());
        Assert.Equal("ROUTER", Encoding.ASCII.GetString(props["Socket-Type"]));
        Assert.Equal("zera-router", Encoding.ASCII.GetString(props["Identity"]));

        raw.Send([.. Zmtp.Frame([], more: true), .. Zmtp.TextFrame("question")]);
        Assert.True(router.TryReceiveMultipart(Timeout, out var parts), "the ROUTER received nothing");
        Assert.Equal(["raw-dealer", "", "question"], parts.Select(p => Encoding.ASCII.GetString(p)));

        router.SendMultipart("raw-dealer", "", "answer");
        byte[] expected = [0x01, 0, 0x00, 6, .. "answer"u8];
        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(raw.ReadExactly(expected.Length)));
    }

    [Fact]
    public void ReadyPropertiesAreCaseInsensitiveAndUnknownOnesAreIgnored()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(pull.LastEndpoint!);

        // RFC 23: property names are case-insensitive; a peer ignores properties it does not know.
        byte[] properties = [
            .. Zmtp.Property("X-Application", "test-suite"u8),
            .. Zmtp.Property("socket-TYPE", "PUSH"u8),
            .. Zmtp.Property("Resource", "/some/where"u8),
            .. Zmtp.Property("X-Empty", []),
        ];
        raw.Send([.. Zmtp.Greeting(), .. Zmtp.Frame(Zmtp.CommandBody("READY", properties), command: true)]);
        raw.Send(Zmtp.TextFrame("accepted"));
        ExpectFrame(pull, "accepted"u8, more: false);
    }

    [Fact]
    public void UnknownCommandsAfterTheHandshakeAreIgnored()
    {
        using var ctx = new Context();
        using var pull = ctx.CreateSocket(SocketType.Pull);
        pull.Linger = 0;
        pull.Bind("tcp://127.0.0.1:*");
        using var raw = RawZmtpClient.Connect(pull.LastEndpoint!);
        raw.Handshake("PUSH");

        // Commands a later protocol version (or another socket type) may send: SUBSCRIBE, JOIN, something new.
        raw.Send([
            .. Zmtp.Frame(Zmtp.CommandBody("SUBSCRIBE", "topic"u8), command: true),
            .. Zmtp.TextFrame("one", more: true),
            .. Zmtp.Frame(Zmtp.CommandBody("X-FUTURE", [1, 2, 3]), command: true),
            .. Zmtp.TextFrame("two"),
            .. Zmtp.Frame(Zmtp.CommandBody("JOIN", "group"u8), command: true),
            .. Zmtp.TextFrame("three"),
        ]);
        ExpectFrame(pull, "one"u8, more: true);
        ExpectFrame(pull, "two"u8, more: false);
        ExpectFrame(pull, "three"u8, more: false);
    }

    private static void ExpectFrame(ZeraSocket socket, ReadOnlySpan<byte> body, bool more)
    {
        Assert.True(socket.TryReceive(out var frame, Timeout), $"no frame within {Timeout.TotalSeconds:F0} s; expected {Convert.ToHexString(body)}");
        using (frame)
        {
            Assert.Equal(Convert.ToHexString(body), Convert.ToHexString(frame.Span));
            Assert.Equal(more, frame.More);
            Assert.Equal(more, socket.ReceiveMore);
        }
    }
}
