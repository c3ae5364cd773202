using System.Text;
using Zera.IntegrationTests.Behaviour;
using Zera.IntegrationTests.Support;
using Zera.Protocol;
using Zera.Protocol.Mechanisms;

namespace Zera.IntegrationTests.Wire;

/// <summary>
/// Hostile bytes to a Zera CURVE server over a raw TCP socket. Before the handshake: HELLOs of the wrong size or
/// version, one sealed for another server key, one far too large, INITIATE first; each closes that connection with
/// HANDSHAKE_FAILED_PROTOCOL and libzmq's value. After a real handshake (the raw client runs Zera's own sans-I/O CURVE
/// client over the socket): a MESSAGE with a flipped bit, a replayed MESSAGE, a truncated one, a plain data frame, a
/// plain PING; each closes that connection only. Every case ends with a well-behaved client, connected before the
/// attack, still delivering.
/// </summary>
public class CurveAbuseTests
{
    private static readonly CurveKeyPair s_server = Curve.GenerateKeyPair();

    private static byte[] Hello(int size, byte major = 1)
    {
        var body = new byte[size];
        body[0] = 5;
        "HELLO"u8.CopyTo(body.AsSpan(1));
        if (size > 7) body[6] = major;
        Random.Shared.NextBytes(body.AsSpan(Math.Min(size, 80)));
        return body;
    }

    public static TheoryData<string, byte[], int> BadHandshakes => new()
    {
        { "HELLO too short", Hello(120), ProtocolError.MalformedHello },
        { "HELLO of version 2.0", Hello(200, major: 2), ProtocolError.MalformedHello },
        { "HELLO sealed for another key", Hello(200), ProtocolError.Cryptographic },
        { "HELLO of 100 KB", Hello(100_000), ProtocolError.MalformedHello },
        { "INITIATE first", [8, .. "INITIATE"u8, .. new byte[300]], ProtocolError.UnexpectedCommand },
        { "READY first", [5, .. "READY"u8, .. new byte[40]], ProtocolError.UnexpectedCommand },
    };

    /// <summary>A CURVE PULL server with a good PUSH client already delivering; returns the endpoint.</summary>
    private static (ZeraSocket Server, ZeraSocket Good, string Endpoint) Serve(Scope scope)
    {
        var server = scope.Make(SocketType.Pull);
        server.CurveServer = true;
        server.CurveSecretKeyZ85 = s_server.SecretKey;
        server.CurvePublicKeyZ85 = s_server.PublicKey;
        string endpoint = Endpoints.Bind(server, "tcp");
        var good = scope.Make(SocketType.Push);
        var keys = Curve.GenerateKeyPair();
        good.CurveServerKeyZ85 = s_server.PublicKey;
        good.CurvePublicKeyZ85 = keys.PublicKey;
        good.CurveSecretKeyZ85 = keys.SecretKey;
        good.Connect(endpoint);
        Io.Send(good, "before");
        Io.Expect(server, "before");
        return (server, good, endpoint);
    }

    [Theory]
    [MemberData(nameof(BadHandshakes))]
    public void MalformedHandshakeClosesThatConnectionOnly(string what, byte[] command, int expected)
    {
        using var scope = new Scope();
        var (server, good, endpoint) = Serve(scope);
        using var events = EventLog.Start(server);
        using (var raw = RawZmtpClient.Connect(endpoint))
        {
            raw.Send([.. Zmtp.Greeting(mechanism: "CURVE"), .. Zmtp.Frame(command, command: true)]);
            Assert.True(raw.WaitUntilClosedByPeer(Io.Long), $"{what}: the connection stayed open");
        }
        Assert.Equal(expected, events.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
        Io.Send(good, "after");
        Io.Expect(server, "after");
    }

    /// <summary>A raw TCP client that completes a real CURVE handshake with Zera's own sans-I/O client, then sends
    /// whatever bytes a test gives it.</summary>
    private sealed class SealedClient : IDisposable
    {
        private readonly ZmtpConnection _zmtp;
        private readonly byte[] _buffer = new byte[256 * 1024];

        /// <summary>Connects and runs the handshake; with <paramref name="tamperInitiate"/>, the INITIATE command's body
        /// goes out as that function rewrites it, and the constructor returns without waiting for READY.</summary>
        public SealedClient(string endpoint, Func<byte[], byte[]>? tamperInitiate = null)
        {
            var keys = Curve.GenerateKeyPair();
            _zmtp = new ZmtpConnection(new ZmtpSettings { SocketType = SocketType.Push },
                new CurveClientMechanism(Z85.Decode(s_server.PublicKey), keys.PublicKeyBytes(), keys.SecretKeyBytes(),
                    ("Socket-Type", "PUSH"u8.ToArray())));
            Raw = RawZmtpClient.Connect(endpoint);
            _zmtp.Start(0);
            Flush();
            Feed(Raw.ReadExactly(10)); // the server's signature: our greeting's rest follows
            Flush();
            Feed(Raw.ReadExactly(Zmtp.GreetingSize - 10)); // the rest of its greeting: our HELLO follows
            Flush();
            while (_zmtp.State != ZmtpState.Ready)
            {
                var f = Raw.ReadFrame();
                Feed(Zmtp.Frame(f.Body, f.More, f.IsCommand));
                if (tamperInitiate != null)
                {
                    // What the client has to say after WELCOME is exactly one command frame: INITIATE.
                    int n = _zmtp.TakeOutput(_buffer);
                    var wire = _buffer.AsSpan(0, n);
                    int header = (wire[0] & Zmtp.Long) != 0 ? 9 : 2;
                    Raw.Send(Zmtp.Frame(tamperInitiate(wire[header..].ToArray()), command: true));
                    return;
                }
                Flush();
                Assert.NotEqual(ZmtpState.Ended, _zmtp.State);
            }
        }

        public RawZmtpClient Raw { get; }

        /// <summary>One message frame as this connection seals it (each call takes the next nonce).</summary>
        public byte[] Seal(string text)
        {
            var frame = Frame.CopyOf(Encoding.UTF8.GetBytes(text));
            var dest = new byte[_zmtp.MaxEncodedSize(frame.Length)];
            return dest[.._zmtp.EncodeFrame(ref frame, dest)];
        }

        private void Feed(byte[] bytes)
        {
            var rest = bytes.AsSpan();
            while (rest.Length > 0)
            {
                var e = _zmtp.Read(rest, 0, out int used, out var frame);
                frame.Dispose();
                rest = rest[used..];
                if (e == ZmtpEvent.Ended) throw new InvalidDataException($"handshake ended: {_zmtp.EndReason}");
                if (e == ZmtpEvent.NeedMore) break;
            }
        }

        private void Flush()
        {
            int n;
            while ((n = _zmtp.TakeOutput(_buffer)) > 0) Raw.Send(_buffer.AsSpan(0, n));
        }

        public void Dispose()
        {
            Raw.Dispose();
            _zmtp.ReleaseMechanism();
        }
    }

    public static TheoryData<string> Attacks => new()
    {
        "a flipped bit", "a replayed MESSAGE", "a truncated MESSAGE", "a plain data frame", "a plain PING",
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void HostileTrafficAfterTheHandshakeClosesThatConnectionOnly(string attack)
    {
        using var scope = new Scope();
        var (server, good, endpoint) = Serve(scope);
        using var events = EventLog.Start(server);
        using (var client = new SealedClient(endpoint))
        {
            var first = client.Seal("sealed by the raw client");
            client.Raw.Send(first);
            Io.Expect(server, "sealed by the raw client"); // the handshake really worked
            byte[] hostile;
            switch (attack)
            {
                case "a flipped bit":
                    hostile = client.Seal("tampered");
                    hostile[^1] ^= 0x01;
                    break;
                case "a replayed MESSAGE":
                    hostile = first;
                    break;
                case "a truncated MESSAGE":
                    hostile = Zmtp.Frame([7, .. "MESSAGE"u8, 0, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3]);
                    break;
                case "a plain data frame":
                    hostile = Zmtp.TextFrame("in the clear");
                    break;
                default:
                    hostile = Zmtp.Frame(Zmtp.CommandBody("PING", [0, 0]), command: true);
                    break;
            }
            client.Raw.Send(hostile);
            Assert.True(client.Raw.WaitUntilClosedByPeer(Io.Long), $"{attack}: the connection stayed open");
        }
        var disconnected = events.WaitFor(SocketEventKind.Disconnected);
        Assert.False(string.IsNullOrEmpty(disconnected.Reason), $"{attack}: the disconnect gives no reason");
        Io.ExpectNothing(server, Io.Short); // nothing of the hostile frame reached the application
        Io.Send(good, "after");
        Io.Expect(server, "after");
    }

    public static TheoryData<string, int> BadInitiates => new()
    {
        { "cut to 100 bytes", ProtocolError.MalformedInitiate },
        { "a flipped bit in the cookie", ProtocolError.Cryptographic },
        { "a flipped bit in the box", ProtocolError.Cryptographic },
        { "64 KB of garbage appended", ProtocolError.Cryptographic },
    };

    [Theory]
    [MemberData(nameof(BadInitiates))]
    public void TamperedInitiateClosesThatConnectionOnly(string what, int expected)
    {
        using var scope = new Scope();
        var (server, good, endpoint) = Serve(scope);
        using var events = EventLog.Start(server);
        Func<byte[], byte[]> tamper = what switch
        {
            "cut to 100 bytes" => body => body[..100],
            "a flipped bit in the cookie" => body => Flip(body, 9 + 20),
            "a flipped bit in the box" => body => Flip(body, body.Length - 3),
            _ => body => [.. body, .. new byte[64 * 1024]],
        };
        using (var client = new SealedClient(endpoint, tamper))
        {
            Assert.True(client.Raw.WaitUntilClosedByPeer(Io.Long), $"{what}: the connection stayed open");
        }
        Assert.Equal(expected, events.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
        Io.Send(good, "after");
        Io.Expect(server, "after");
    }

    private static byte[] Flip(byte[] body, int at)
    {
        body[at] ^= 0x10;
        return body;
    }

    public static TheoryData<string, int> BadWelcomes => new()
    {
        { "WELCOME of random bytes", ProtocolError.Cryptographic },
        { "WELCOME cut to 60 bytes", ProtocolError.Cryptographic }, // libzmq reports every bad WELCOME this way
        { "READY instead of WELCOME", ProtocolError.UnexpectedCommand },
    };

    /// <summary>The other way round: a hostile "server" answers a Zera CURVE client's HELLO with garbage. The client
    /// fails that handshake with libzmq's value and reconnects; nothing reaches the application.</summary>
    [Theory]
    [MemberData(nameof(BadWelcomes))]
    public void HostileServerFailsTheClientsHandshake(string what, int expected)
    {
        using var listener = new RawZmtpListener();
        using var scope = new Scope();
        var client = scope.Make(SocketType.Dealer);
        var keys = Curve.GenerateKeyPair();
        client.CurveServerKeyZ85 = s_server.PublicKey;
        client.CurvePublicKeyZ85 = keys.PublicKey;
        client.CurveSecretKeyZ85 = keys.SecretKey;
        using var events = EventLog.Start(client);
        client.Connect(listener.Endpoint);
        using var raw = listener.Accept(Io.Long) ?? throw new TimeoutException("the client did not connect");
        raw.Send(Zmtp.Greeting(mechanism: "CURVE", asServer: true));
        raw.ReadExactly(Zmtp.GreetingSize);
        var hello = raw.ReadFrame();
        Assert.Equal("HELLO", hello.CommandName);
        Assert.Equal(200, hello.Body.Length);
        byte[] answer = what switch
        {
            "WELCOME of random bytes" => [7, .. "WELCOME"u8, .. RandomBytes(160)],
            "WELCOME cut to 60 bytes" => [7, .. "WELCOME"u8, .. RandomBytes(52)],
            _ => [5, .. "READY"u8, .. RandomBytes(40)],
        };
        raw.Send(Zmtp.Frame(answer, command: true));
        Assert.True(raw.WaitUntilClosedByPeer(Io.Long), $"{what}: the client kept the connection");
        Assert.Equal(expected, events.WaitFor(SocketEventKind.HandshakeFailedProtocol).Value);
        Io.ExpectNothing(client, Io.Short);
    }

    private static byte[] RandomBytes(int n)
    {
        var b = new byte[n];
        Random.Shared.NextBytes(b);
        return b;
    }
}
