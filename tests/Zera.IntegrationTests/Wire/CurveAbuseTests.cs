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

        public SealedClient(string endpoint)
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
}
